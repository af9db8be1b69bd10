"""Generic ranking metrics shared by search and recommendation evaluation (pure functions, no I/O)."""

from __future__ import annotations

import math
from typing import Iterable, Mapping, Sequence

import numpy as np


def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain of gains in rank order (linear gain, log2(rank+1) discount)."""
    return float(sum(g / math.log2(i + 2) for i, g in enumerate(gains) if g))


def ndcg_at_k(gains: Sequence[float], k: int, ideal: Iterable[float] | None = None) -> float:
    """NDCG@k of ranked ``gains``; the ideal ranking is ``ideal`` (all judged gains) or ``gains``."""
    ideal_sorted = sorted((g for g in (gains if ideal is None else ideal) if g > 0), reverse=True)[:k]
    best = dcg(ideal_sorted)
    return dcg(list(gains)[:k]) / best if best > 0 else 0.0


def ndcg_for(ranked: Sequence[str], judged: Mapping[str, float], k: int) -> float:
    """NDCG@k of a ranked id list against id -> gain judgments (unjudged ids gain 0)."""
    return ndcg_at_k([judged.get(i, 0.0) for i in ranked[:k]], k, ideal=judged.values())


def mrr_at_k(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Reciprocal rank of the first relevant id within the top k (0 when none)."""
    for i, pid in enumerate(ranked[:k]):
        if pid in relevant:
            return 1.0 / (i + 1)
    return 0.0


def recall_at_k(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Share of the relevant ids found in the top k (nan when there is nothing relevant)."""
    if not relevant:
        return float("nan")
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def hit_rate_at_k(ranked: Sequence[str], target: str, k: int) -> float:
    """1 when ``target`` is in the top k (leave-one-out recommendation), else 0."""
    return 1.0 if target in ranked[:k] else 0.0


def percentile_ms(seconds: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) of durations given in seconds, in milliseconds."""
    return float(np.percentile(np.asarray(seconds, dtype=float) * 1000.0, q)) if len(seconds) else float("nan")


def mean(values: Iterable[float]) -> float:
    """Mean ignoring nans (nan when nothing is left)."""
    arr = np.asarray([v for v in values if not (isinstance(v, float) and math.isnan(v))], dtype=float)
    return float(arr.mean()) if len(arr) else float("nan")


# -- leave-one-out recommendation metrics (vectorized over users) ------------------------------------
def target_ranks(scores: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """0-based rank of each row's target item, ties ranked pessimistically: the number of *other* items
    scoring at least as high as the target (a constant scorer ranks every target last among its ties,
    so it scores like chance, not 1.0). A nan target score counts as -inf (never a hit)."""
    s = np.asarray(scores)
    t = np.asarray(targets, dtype=np.int64)
    target_scores = s[np.arange(len(t)), t][:, None]
    target_scores = np.where(np.isnan(target_scores), -np.inf, target_scores)
    return ((s >= target_scores).sum(axis=1) - 1).astype(np.int64)


def novelty(exposure: np.ndarray, popularity: np.ndarray, n_users: int) -> float:
    """Mean self-information -log2(p_i) of the recommended items, weighted by how often each was
    recommended; p_i = training users of item i / users (unseen items count as one user)."""
    e = np.asarray(exposure, dtype=np.float64)
    if e.sum() <= 0 or n_users <= 0:
        return float("nan")
    p = np.maximum(np.asarray(popularity, dtype=np.float64), 1.0) / float(n_users)
    return float((e * -np.log2(np.minimum(p, 1.0))).sum() / e.sum())


def gini(exposure: np.ndarray) -> float:
    """Gini coefficient of exposure over all items: 0 = every item recommended equally often,
    1 = all recommendations go to one item."""
    x = np.sort(np.asarray(exposure, dtype=np.float64))
    n, total = len(x), x.sum()
    if n == 0 or total <= 0:
        return float("nan")
    return float((2.0 * (np.arange(1, n + 1) * x).sum() / (n * total)) - (n + 1.0) / n)


def hit_rate(ranks: np.ndarray, k: int) -> float:
    """HR@k: share of users whose target ranks in the top k."""
    r = np.asarray(ranks)
    return float((r < k).mean()) if len(r) else float("nan")


def ndcg_single(ranks: np.ndarray, k: int) -> float:
    """NDCG@k with one relevant item per user: mean of 1/log2(rank+2) where rank < k."""
    r = np.asarray(ranks, dtype=np.float64)
    if not len(r):
        return float("nan")
    return float(np.where(r < k, 1.0 / np.log2(r + 2.0), 0.0).mean())


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Root mean squared error of rating predictions."""
    d = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    return float(np.sqrt(np.mean(d * d))) if len(d) else float("nan")
