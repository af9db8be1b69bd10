"""Category-coherent result lists: a query that names a class (linked through the product graph) lists
every product of that class — retrieval's order first, then the class's other products by popularity —
so the result count counts what matches the class; products with the features the query names
("降噪", "noise cancelling") come first.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def coherent(order: np.ndarray, rel: np.ndarray, m: np.ndarray, filters: dict[str, Any], boosts: dict[str, Any],
             graph: Any | None, ids: list[str], popularity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``order``/``rel`` (rows best first, scores) completed with the rest of a linked class under mask
    ``m`` and stably re-ordered by the features the query names."""
    if graph is None:
        return order, rel
    if "class" in filters:
        rest = np.flatnonzero(m)
        rest = rest[~np.isin(rest, order)]
        if len(rest):
            pop = popularity[rest] if len(popularity) else np.zeros(len(rest))
            rest = rest[np.lexsort((rest, -pop))]
            floor = float(rel.min()) if len(rel) else 0.0
            order = np.concatenate([order, rest])
            rel = np.concatenate([rel, floor - 1.0 - np.arange(len(rest)) * 1e-6])
    keys = []
    wanted = set(boosts.get("features") or ())
    if wanted and len(order):
        keys.append(~np.fromiter((wanted <= graph.product_features.get(ids[r], set()) for r in order.tolist()),
                                 bool, len(order)))
    if keys:  # retrieval order within each tier
        idx = np.lexsort((np.arange(len(order)), *keys))
        order, rel = order[idx], rel[idx]
    return order, rel
