"""Ranking metrics shared by search and recommendation evaluation (HR, NDCG, MRR, recall, coverage)."""

from __future__ import annotations

import math
from typing import Hashable, Iterable, Mapping, Sequence

import numpy as np


# -- single held-out target per query (leave-one-out): work on 0-based ranks ------------------------
def target_ranks(scores: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """0-based rank of each row's target column (ties count against the target: pessimistic).

    Rows whose target score is -inf (excluded) get rank n_items (a miss)."""
    t = scores[np.arange(len(targets)), targets]
    ranks = (scores > t[:, None]).sum(axis=1) + ((scores == t[:, None]).sum(axis=1) - 1)
    ranks[~np.isfinite(t)] = scores.shape[1]
    return ranks


def hit_rate(ranks: np.ndarray, k: int) -> float:
    """Fraction of targets ranked in the top k."""
    return float(np.mean(np.asarray(ranks) < k)) if len(ranks) else 0.0


def ndcg_single(ranks: np.ndarray, k: int) -> float:
    """NDCG@k with one relevant item: 1/log2(rank+2) if rank < k else 0, averaged."""
    r = np.asarray(ranks, dtype=np.float64)
    if len(r) == 0:
        return 0.0
    return float(np.mean(np.where(r < k, 1.0 / np.log2(r + 2.0), 0.0)))


def mrr_single(ranks: np.ndarray, k: int | None = None) -> float:
    """Mean reciprocal rank (cut at k when given)."""
    r = np.asarray(ranks, dtype=np.float64)
    if len(r) == 0:
        return 0.0
    rr = 1.0 / (r + 1.0)
    if k is not None:
        rr = np.where(r < k, rr, 0.0)
    return float(np.mean(rr))


# -- graded relevance for one ranked list ------------------------------------------------------------
def dcg(gains: Sequence[float], k: int) -> float:
    return sum((2.0**g - 1.0) / math.log2(i + 2.0) for i, g in enumerate(list(gains)[:k]))


def ndcg_at_k(ranked: Sequence[Hashable], relevance: Mapping[Hashable, float], k: int) -> float:
    """NDCG@k of one ranked list against graded relevance (exponential gain); 0 when nothing is relevant."""
    ideal = dcg(sorted((g for g in relevance.values() if g > 0), reverse=True), k)
    if ideal <= 0:
        return 0.0
    return dcg([relevance.get(x, 0.0) for x in ranked], k) / ideal


def recall_at_k(ranked: Sequence[Hashable], relevant: Iterable[Hashable], k: int) -> float:
    rel = set(relevant)
    if not rel:
        return 0.0
    return len(rel.intersection(list(ranked)[:k])) / len(rel)


def precision_at_k(ranked: Sequence[Hashable], relevant: Iterable[Hashable], k: int) -> float:
    rel = set(relevant)
    return len(rel.intersection(list(ranked)[:k])) / k if k else 0.0


def reciprocal_rank(ranked: Sequence[Hashable], relevant: Iterable[Hashable], k: int | None = None) -> float:
    rel = set(relevant)
    for i, x in enumerate(list(ranked)[: k or None]):
        if x in rel:
            return 1.0 / (i + 1)
    return 0.0


def coverage(recommended: Iterable[Iterable[Hashable]], catalogue_size: int) -> float:
    """Fraction of the catalogue that appears in at least one recommendation list."""
    seen: set[Hashable] = set()
    for lst in recommended:
        seen.update(lst)
    return len(seen) / catalogue_size if catalogue_size else 0.0


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    d = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    return float(np.sqrt(np.mean(d * d))) if len(d) else 0.0
