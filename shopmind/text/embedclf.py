"""Logistic regression on sentence embeddings: the English sentiment model.

Why: trained on clothing reviews only, a classifier over MiniLM sentence vectors carries over to phone,
headphone and laptop reviews far better than n-gram models (their words do not transfer). Saved as
.npz (coefficients + the encoder's name).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

__all__ = ["EmbeddingClassifier"]


class EmbeddingClassifier:
    """p(positive) = sigmoid(w . encode(text) + b), with ``encode`` a named shopmind encoder."""

    def __init__(self, encoder_name: str = "minilm", w: np.ndarray | None = None, b: float = 0.0,
                 meta: dict[str, Any] | None = None) -> None:
        self.encoder_name = encoder_name
        self.w, self.b = w, b
        self.meta = meta or {}
        self._encoder = None

    @property
    def encoder(self):
        if self._encoder is None:
            from shopmind.embed import get_encoder

            self._encoder = get_encoder(self.encoder_name)
        return self._encoder

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return self.encoder.encode_passages(list(texts), batch_size=32, progress=progress)

    def fit_vectors(self, X: np.ndarray, labels: Iterable[int], C: float = 1.0) -> "EmbeddingClassifier":
        """Train on precomputed vectors (rows of ``embed``)."""
        from sklearn.linear_model import LogisticRegression

        y = np.asarray(list(labels), dtype=np.int64)
        if set(np.unique(y)) != {0, 1}:
            raise ValueError("fit: labels must contain both 0 and 1 (and nothing else)")
        lr = LogisticRegression(C=C, max_iter=2000).fit(X, y)
        self.w, self.b = lr.coef_.ravel().astype(np.float32), float(lr.intercept_[0])
        self.meta.update({"n_train": int(len(y)), "C": C})
        return self

    def fit(self, texts: Sequence[str], labels: Iterable[int], C: float = 1.0, progress: bool = False) -> "EmbeddingClassifier":
        return self.fit_vectors(self.embed(texts, progress=progress), labels, C=C)

    def predict_proba_vectors(self, X: np.ndarray) -> np.ndarray:
        if self.w is None:
            raise RuntimeError("EmbeddingClassifier: not trained")
        return (1 / (1 + np.exp(-(X @ self.w + self.b)))).astype(np.float32)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability of positive, shape (n,)."""
        if len(texts) == 0:
            return np.zeros(0, np.float32)
        return self.predict_proba_vectors(self.embed(texts))

    def save(self, path: str | Path) -> Path:
        meta = {"kind": "embedding-lr", "encoder": self.encoder_name, "b": self.b, **self.meta}
        np.savez_compressed(path, w=self.w, meta=np.array(json.dumps(meta)))
        return Path(path)

    @classmethod
    def load(cls, path: str | Path) -> "EmbeddingClassifier":
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            w = z["w"].astype(np.float32)
        if meta.get("kind") != "embedding-lr":
            raise ValueError(f"{path}: not an embedding-lr model (kind={meta.get('kind')!r})")
        meta.pop("kind")
        return cls(meta.pop("encoder"), w, float(meta.pop("b")), meta)
