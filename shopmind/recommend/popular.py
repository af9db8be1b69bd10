"""Most-popular and time-decayed trending items, overall and per category."""

from __future__ import annotations

import numpy as np

from shopmind.recommend.base import Recommender, register
from shopmind.recommend.data import Interactions


@register
class Popular(Recommender):
    """Score = number of users per item, or, with `half_life` > 0, a time-decayed interaction count
    (trending). Without timestamps, the position from the end of each sequence stands in for age.

    Memory: O(interactions) while counting, one float per item kept."""

    name = "pop"
    defaults = {"half_life": 0.0}
    grid = {"half_life": [0.0]}

    def _fit(self, data: Interactions) -> None:
        hl = float(self.params["half_life"])
        w = np.zeros(data.n_items, dtype=np.float64)
        if hl <= 0:
            w = data.item_counts().astype(np.float64)
        else:
            now = None
            if data.timestamps is not None:
                now = max((t.max() for t in data.timestamps if len(t)), default=0.0)
            for u, s in enumerate(data.sequences):
                if not len(s):
                    continue
                if data.timestamps is not None:
                    age = now - data.timestamps[u]
                else:
                    age = np.arange(len(s) - 1, -1, -1, dtype=np.float64)
                np.add.at(w, s, np.power(0.5, age / hl))
        self.popularity = w.astype(np.float32)
        cats = data.item_category
        self.categories = np.array([c or "" for c in cats], dtype=str) if cats is not None else np.zeros(0, str)

    def score(self, histories: list[np.ndarray]) -> np.ndarray:
        return np.tile(self.popularity, (len(histories), 1))

    def top_in_category(self, category: str, n: int = 10) -> tuple[list[str], np.ndarray]:
        """Most popular/trending items of one category (prefix match on ' > ' paths)."""
        if not len(self.categories):
            return [], np.zeros(0, np.float32)
        cache = self.__dict__.setdefault("_cat_cache", {})
        order = cache.get(category)
        if order is None:
            mask = np.char.startswith(self.categories, category)
            idx = np.flatnonzero(mask & (self.popularity > 0))
            order = idx[np.lexsort((idx, -self.popularity[idx]))][:200]
            if len(cache) > 1000:
                cache.clear()
            cache[category] = order
        order = order[:n]
        return [self.item_ids[k] for k in order], self.popularity[order]

    def _state(self) -> dict[str, np.ndarray]:
        return {"popularity": self.popularity, "categories": self.categories}

    def _set_state(self, s: dict[str, np.ndarray]) -> None:
        self.popularity = s["popularity"]
        self.categories = s["categories"]


@register
class Trending(Popular):
    """Popular with time decay on by default (half-life in seconds, or in sequence steps)."""

    name = "trending"
    defaults = {"half_life": 7 * 86400.0}
    grid = {"half_life": [7 * 86400.0]}
