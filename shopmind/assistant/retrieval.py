"""Hybrid passage retrieval for the assistant: BM25 (bm25s over the project's zh/en tokenizer) plus
encoder cosine, fused by a weighted sum of normalized scores. Used for FAQ/policy passages and, when no
search service is built, for finding products by name.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from shopmind.text.tokenize import tokenize


@dataclass
class Hit:
    key: Any  # caller's id for the passage
    text: str
    score: float  # fused score in [0, 1]
    dense: float  # cosine with the query
    lexical: float  # raw BM25


class HybridIndex:
    """Passages indexed once; ``query`` returns fused hits. Thread-safe for concurrent queries."""

    def __init__(
        self,
        keys: Sequence[Any],
        texts: Sequence[str],
        vectors: np.ndarray | None,
        encode_query: Callable[[list[str]], np.ndarray] | None,
        dense_weight: float = 0.6,
    ) -> None:
        import bm25s

        if len(keys) != len(texts):
            raise ValueError("HybridIndex: keys and texts differ in length")
        self.keys, self.texts = list(keys), list(texts)
        self.vectors = vectors
        self.encode_query = encode_query
        self.dense_weight = dense_weight if vectors is not None else 0.0
        self._lock = threading.Lock()
        self.bm25 = None
        if self.texts:
            self.bm25 = bm25s.BM25()
            corpus = [tokenize(t, search_mode=True) or ["_"] for t in self.texts]
            self.bm25.index(corpus, show_progress=False)

    def __len__(self) -> int:
        return len(self.texts)

    def lexical_scores(self, query: str) -> np.ndarray:
        toks = [t for t in tokenize(query, search_mode=True)]
        if self.bm25 is None or not toks:
            return np.zeros(len(self.texts), np.float32)
        with self._lock:
            return np.asarray(self.bm25.get_scores(toks), np.float32)

    def query(self, query: str, k: int = 5, qvec: np.ndarray | None = None, extra_terms: str = "",
              boost: np.ndarray | None = None) -> list[Hit]:
        """Top ``k`` passages; ``extra_terms`` only feed BM25 (intent hints), ``boost`` adds per passage."""
        n = len(self.texts)
        if n == 0:
            return []
        lex = self.lexical_scores(f"{query} {extra_terms}".strip())
        lex_n = lex / lex.max() if lex.max() > 0 else lex
        dense = np.zeros(n, np.float32)
        if self.dense_weight > 0:
            if qvec is None:
                qvec = self.encode_query([query])[0]
            dense = self.vectors @ qvec
        # e5 cosines of unrelated short texts sit near 0.7: rescale [0.7, 1] -> [0, 1]
        dense_n = np.clip((dense - 0.7) / 0.3, 0, 1)
        score = self.dense_weight * dense_n + (1 - self.dense_weight) * lex_n
        if boost is not None:
            score = score + boost
        top = np.argsort(-score)[:k]
        return [Hit(self.keys[i], self.texts[i], float(score[i]), float(dense[i]), float(lex[i])) for i in top]
