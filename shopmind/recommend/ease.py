"""EASE: closed-form linear item-item autoencoder (Steck 2019), B = I - P / diag(P), P = (XᵀX + λI)⁻¹."""

from __future__ import annotations

import numpy as np

from shopmind.recommend.base import Recommender, history_matrix, register
from shopmind.recommend.data import Interactions


def recency_weights(histories: list[np.ndarray], decay: float) -> list[np.ndarray] | None:
    """Weight decay**age for each history item (age 0 = most recent); None when decay is 1 (uniform)."""
    if decay >= 1.0:
        return None
    return [decay ** np.arange(len(h) - 1, -1, -1, dtype=np.float32) for h in histories]


def spd_inverse(g: np.ndarray) -> np.ndarray:
    """Inverse of a symmetric positive-definite matrix by Cholesky (about half the work of a general
    inverse); overwrites g."""
    from scipy.linalg import lapack

    potrf, potri = (lapack.spotrf, lapack.spotri) if g.dtype == np.float32 else (lapack.dpotrf, lapack.dpotri)
    c, info = potrf(g, lower=0, overwrite_a=1, clean=0)
    if info != 0:
        raise np.linalg.LinAlgError(f"Cholesky failed (info={info}): raise l2")
    inv, info = potri(c, lower=0, overwrite_c=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"inverse failed (info={info})")
    upper = np.triu(inv)
    return upper + np.triu(inv, 1).T


@register
class EASE(Recommender):
    """Item-item weights from a ridge regression of every item on all others, zero diagonal."""

    name = "ease"
    defaults = {"l2": 500.0, "recency": 1.0}
    grid = {"l2": [500.0, 250.0, 1000.0, 100.0, 2000.0], "recency": [1.0, 0.8, 0.6, 0.4]}
    score_params = frozenset({"recency"})

    def _fit(self, data: Interactions) -> None:
        x = data.matrix()
        g = (x.T @ x).toarray().astype(np.float32)
        g[np.diag_indices_from(g)] += float(self.params["l2"])
        p = spd_inverse(g)
        b = p / (-np.diag(p))
        b[np.diag_indices_from(b)] = 0.0
        self.B = b.astype(np.float32)

    def score(self, histories: list[np.ndarray]) -> np.ndarray:
        w = recency_weights(histories, float(self.params["recency"]))
        if len(histories) == 1:  # serving: one user, a weighted sum of B's history rows (no sparse build)
            h = np.asarray(histories[0], dtype=np.int64)
            if w is None:
                h = np.unique(h)
                return self.B[h].sum(axis=0, dtype=np.float32)[None, :]
            return (np.asarray(w[0], np.float32) @ self.B[h])[None, :]
        return np.asarray(history_matrix(histories, self.n_items, w) @ self.B, dtype=np.float32)

    def _item_scores(self, k: int) -> np.ndarray:
        return self.B[k]

    def _state(self) -> dict[str, np.ndarray]:
        return {"B": self.B}

    def _set_state(self, state: dict[str, np.ndarray]) -> None:
        self.B = state["B"]
