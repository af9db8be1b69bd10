"""Content-based recommender: item vectors from product text embeddings and attributes.

Works for items nobody has interacted with yet (cold items): a history is the recency-weighted mean
of its items' normalized vectors, scored by cosine against every item.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from shopmind.recommend.base import Recommender, register
from shopmind.recommend.data import Interactions
from shopmind.recommend.ease import recency_weights


def attribute_matrix(tokens: Sequence[Iterable[str]], min_df: int = 1, max_features: int | None = None) -> np.ndarray:
    """Multi-hot TF-IDF rows (L2-normalized) from each item's attribute tokens, e.g. 'brand=acme';
    `max_features` keeps the most frequent tokens: the dense result is items x max_features floats."""
    rows = [sorted(set(t)) for t in tokens]
    df = Counter(tok for r in rows for tok in r)
    kept = sorted((t for t, c in df.items() if c >= min_df), key=lambda t: (-df[t], t))[:max_features]
    vocab = {tok: k for k, tok in enumerate(sorted(kept))}
    n = len(rows)
    out = np.zeros((n, max(len(vocab), 1)), dtype=np.float32)
    for i, r in enumerate(rows):
        for tok in r:
            j = vocab.get(tok)
            if j is not None:
                out[i, j] = math.log((1 + n) / (1 + df[tok])) + 1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-9)


def product_tokens(product: Any) -> list[str]:
    """Attribute tokens of a product record: brand, each category level, attribute key=value pairs."""
    toks: list[str] = []
    brand = getattr(product, "brand", None)
    if brand:
        toks.append(f"brand={brand.lower()}")
    cat = getattr(product, "category", None)
    if cat:
        levels = [c.strip().lower() for c in cat.split(">")]
        toks += [f"cat={' > '.join(levels[: k + 1])}" for k in range(len(levels))]
    for k, v in (getattr(product, "attributes", None) or {}).items():
        toks.append(f"{k.lower()}={str(v).lower()}")
    return toks


def combine(parts: Mapping[str, tuple[np.ndarray, float]]) -> np.ndarray:
    """Concatenate L2-normalized blocks, each scaled by sqrt(weight), so cosine = weighted sum of cosines."""
    blocks = []
    for _name, (m, w) in parts.items():
        m = np.asarray(m, dtype=np.float32)
        m = m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-9)
        blocks.append(m * math.sqrt(w))
    return np.concatenate(blocks, axis=1)


@register
class ContentBased(Recommender):
    """Cosine between the history profile and item feature vectors (set with `with_features`).

    Memory: the feature matrix, O(items·dims) (the service reduces it to 128 dims); nothing items x items."""

    name = "content"
    defaults = {"recency": 0.8}
    grid = {"recency": [0.8, 1.0, 0.5]}
    score_params = frozenset({"recency"})

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.features: np.ndarray | None = None

    def with_features(self, features: np.ndarray) -> "ContentBased":
        """Item feature rows aligned with the item ids of the data passed to `fit`."""
        f = np.asarray(features, dtype=np.float32)
        if f.ndim != 2:
            raise ValueError("features must be a 2-d array (items x dims)")
        self.features = f / np.maximum(np.linalg.norm(f, axis=1, keepdims=True), 1e-9)
        return self

    def _fit(self, data: Interactions) -> None:
        if self.features is None:
            raise ValueError("content: call with_features(item_vectors) before fit")
        if len(self.features) != data.n_items:
            raise ValueError(f"content: {len(self.features)} feature rows for {data.n_items} items")

    def score(self, histories: list[np.ndarray]) -> np.ndarray:
        f = self.features
        w = recency_weights(histories, float(self.params["recency"]))
        prof = np.zeros((len(histories), f.shape[1]), dtype=np.float32)
        for r, h in enumerate(histories):
            if len(h):
                ww = w[r] if w is not None else np.ones(len(h), np.float32)
                prof[r] = ww @ f[h]
        prof /= np.maximum(np.linalg.norm(prof, axis=1, keepdims=True), 1e-9)
        return prof @ f.T

    def _item_scores(self, k: int) -> np.ndarray:
        return self.features @ self.features[k]

    def _state(self) -> dict[str, np.ndarray]:
        return {"features": self.features}

    def _set_state(self, s: dict[str, np.ndarray]) -> None:
        self.features = s["features"]
