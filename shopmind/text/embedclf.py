"""Logistic regression on sentence embeddings: the English sentiment model.

Why: trained on clothing reviews only, a classifier over sentence vectors carries over to phone,
headphone and laptop reviews far better than n-gram models (their words do not transfer). The shipped
model uses the multilingual e5 encoder ("e5", texts encoded as queries: "query: " prefix) on review
titles; on hand-written electronics reviews it beat MiniLM vectors by ~10 points, and beat adding a
sentence mean or a negation-aware word score (benchmarks/results/text.md, 2026-11-30). Saved as .npz
(coefficients + the encoder's name and how texts are encoded). ``max_chars`` truncates texts before
encoding (the Chinese e5 member of the stacked Chinese model reads the first 200 characters). The
``to_arrays``/``from_arrays`` pair lets it be a member of ``EnsembleClassifier``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from shopmind.text.modelfile import NpzModel, read_meta

__all__ = ["EmbeddingClassifier", "ENCODE_AS", "EN_ENCODER"]

EN_ENCODER = "e5"  # the shipped English model's encoder (with encode_as="query")
ENCODE_AS = ("passage", "query")  # which encoder method turns texts into vectors
_BATCH = 32


class EmbeddingClassifier(NpzModel):
    """p(positive) = sigmoid(w . encode(text) + b), with ``encode`` a named shopmind encoder's
    ``encode_passages`` or ``encode_queries`` (``encode_as``; e5 puts "passage: "/"query: " before
    the text, MiniLM encodes both alike)."""

    def __init__(self, encoder_name: str = "minilm", w: np.ndarray | None = None, b: float = 0.0,
                 meta: dict[str, Any] | None = None, encode_as: str = "passage", max_chars: int | None = None) -> None:
        if encode_as not in ENCODE_AS:
            raise ValueError(f"EmbeddingClassifier: encode_as must be one of {ENCODE_AS}, got {encode_as!r}")
        if max_chars is not None and int(max_chars) < 1:
            raise ValueError(f"EmbeddingClassifier: max_chars must be >= 1 or None, got {max_chars!r}")
        self.encoder_name = encoder_name
        self.encode_as = encode_as
        self.max_chars = int(max_chars) if max_chars is not None else None
        self.w, self.b = w, b
        self.meta = meta or {}
        self._encoder = None
        self._known: dict[str, np.ndarray] = {}  # vectors given by use_vectors (not saved)

    @property
    def encoder(self):
        if self._encoder is None:
            from shopmind.embed import get_encoder

            self._encoder = get_encoder(self.encoder_name)
        return self._encoder

    def use_vectors(self, texts: Sequence[str], X: np.ndarray) -> "EmbeddingClassifier":
        """Remember already-encoded vectors of these texts (rows of ``embed``), so ``embed`` does not
        encode them again (training-time speed-up; not saved)."""
        if len(texts) != len(X):
            raise ValueError(f"use_vectors: {len(texts)} texts, {len(X)} vectors")
        self._known.update({self._cut(t): x for t, x in zip(texts, np.asarray(X, np.float32))})
        return self

    def _cut(self, text: str) -> str:
        return text[: self.max_chars] if self.max_chars else text

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        texts = [self._cut(t) for t in texts]
        if self._known:
            new = sorted({t for t in texts if t not in self._known})
            if new:
                self._known.update(zip(new, self._encode(new, progress)))
            return np.vstack([self._known[t] for t in texts]) if texts else np.zeros((0, self.encoder.dim), np.float32)
        return self._encode(texts, progress)

    def _encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if self.encode_as == "passage":
            return self.encoder.encode_passages(texts, batch_size=_BATCH, progress=progress)
        starts = range(0, len(texts), _BATCH)
        if progress and len(texts) > _BATCH:
            from tqdm import tqdm

            starts = tqdm(starts, desc="encode", unit="batch")
        parts = [self.encoder.encode_queries(texts[s : s + _BATCH]) for s in starts]
        return np.vstack(parts) if parts else np.zeros((0, self.encoder.dim), np.float32)

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

    def decision_vectors(self, X: np.ndarray) -> np.ndarray:
        if self.w is None:
            raise RuntimeError("EmbeddingClassifier: not trained")
        return (X @ self.w + self.b).astype(np.float32)

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """w . encode(text) + b (the log-odds of positive), shape (n,)."""
        if len(texts) == 0:
            return np.zeros(0, np.float32)
        return self.decision_vectors(self.embed(texts))

    def predict_proba_vectors(self, X: np.ndarray) -> np.ndarray:
        return (1 / (1 + np.exp(-self.decision_vectors(X).astype(np.float64)))).astype(np.float32)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability of positive, shape (n,)."""
        if len(texts) == 0:
            return np.zeros(0, np.float32)
        return self.predict_proba_vectors(self.embed(texts))

    # -- persistence: arrays "w" and a JSON "meta" (the format of the shipped English model) -----------
    def to_arrays(self) -> dict[str, np.ndarray]:
        if self.w is None:
            raise RuntimeError("EmbeddingClassifier: not trained")
        meta = {"kind": "embedding-lr", "encoder": self.encoder_name, "encode_as": self.encode_as, "b": self.b, **self.meta}
        if self.max_chars:
            meta["max_chars"] = self.max_chars
        return {"w": np.asarray(self.w, np.float32), "meta": np.array(json.dumps(meta, ensure_ascii=False))}

    @classmethod
    def from_arrays(cls, z: Any, where: str = "model") -> "EmbeddingClassifier":
        meta = read_meta(z, "embedding-lr", where)
        w = np.asarray(z["w"], np.float32)
        return cls(meta.pop("encoder"), w, float(meta.pop("b")), meta, encode_as=meta.pop("encode_as", "passage"),
                   max_chars=meta.pop("max_chars", None))
