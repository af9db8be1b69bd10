"""Fusion of candidate lists: reciprocal-rank fusion and weighted fusion of min-max normalized scores."""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np


def rrf(lists: Sequence[Sequence[int]], k: float = 60.0, weights: Sequence[float] | None = None) -> dict[int, float]:
    """Reciprocal-rank fusion: sum over lists of w / (k + rank), rank starting at 1."""
    out: dict[int, float] = {}
    ws = weights or [1.0] * len(lists)
    for lst, w in zip(lists, ws):
        for r, item in enumerate(lst):
            out[int(item)] = out.get(int(item), 0.0) + w / (k + r + 1)
    return out


def minmax(scores: np.ndarray) -> np.ndarray:
    """Scores scaled to 0..1 (all equal -> all 1)."""
    s = np.asarray(scores, dtype=np.float64)
    if len(s) == 0:
        return s
    lo, hi = float(s.min()), float(s.max())
    return np.ones_like(s) if hi - lo < 1e-12 else (s - lo) / (hi - lo)


def weighted(score_maps: Sequence[Mapping[int, float]], weights: Sequence[float]) -> dict[int, float]:
    """Weighted sum of per-list min-max normalized scores (items missing from a list get 0 there)."""
    out: dict[int, float] = {}
    for m, w in zip(score_maps, weights):
        if not m:
            continue
        items = list(m)
        norm = minmax(np.fromiter((m[i] for i in items), dtype=np.float64, count=len(items)))
        for i, v in zip(items, norm):
            out[int(i)] = out.get(int(i), 0.0) + w * float(v)
    return out


def ranked(fused: Mapping[int, float]) -> list[int]:
    """Items of a fused score map, best first (ties by item for determinism)."""
    return [i for i, _ in sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))]
