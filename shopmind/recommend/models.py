"""Model names -> classes (imports every model module so that `load_model` finds them)."""

from __future__ import annotations

from typing import Any

from shopmind.recommend.base import REGISTRY, Recommender
from shopmind.recommend import blend, content, ease, itemknn, mf, popular, sasrec  # noqa: F401


def make(name: str, **params: Any) -> Recommender:
    """A fresh, unfitted model by name (pop, trending, itemknn, ease, als, bpr, content, sasrec, blend)."""
    if name not in REGISTRY:
        raise ValueError(f"unknown model {name!r}; known: {sorted(REGISTRY)}")
    return REGISTRY[name](**params)
