"""Recommendations: collaborative (pop/trending, item-kNN, EASE, ALS, BPR), content-based and
sequential (SASRec) models on one `Recommender` interface, plus the serving layer (`build(shop)`)."""

from __future__ import annotations

from typing import Any


def build(shop: Any):
    """The shop's RecommendationService (loads the current saved model set from <home>/models/recs/,
    or the older <home>/models/recs.npz layout, if present)."""
    from shopmind.recommend.service import RecommendationService

    return RecommendationService(shop)


__all__ = ["build"]
