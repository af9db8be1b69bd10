"""EASE: closed-form linear item-item autoencoder (Steck 2019), B = I - P / diag(P), P = (XᵀX + λI)⁻¹."""

from __future__ import annotations

import numpy as np

from shopmind.recommend.base import ModelTooLarge, Recommender, history_matrix, register
from shopmind.recommend.data import Interactions


#: item count above which EASE refuses to fit (its dense items x items array would be > 3.6 GB)
MAX_ITEMS = 30_000


def recency_weights(histories: list[np.ndarray], decay: float) -> list[np.ndarray] | None:
    """Weight decay**age for each history item (age 0 = most recent); None when decay is 1 (uniform)."""
    if decay >= 1.0:
        return None
    return [decay ** np.arange(len(h) - 1, -1, -1, dtype=np.float32) for h in histories]


def spd_inverse(g: np.ndarray, block: int = 2048) -> np.ndarray:
    """Inverse of a symmetric positive-definite matrix by Cholesky (about half the work of a general
    inverse), in place: g is overwritten and returned (no second n x n array)."""
    from scipy.linalg import lapack

    potrf, potri = (lapack.spotrf, lapack.spotri) if g.dtype == np.float32 else (lapack.dpotrf, lapack.dpotri)
    # LAPACK works on Fortran order: the transpose of a C-ordered symmetric g is the same matrix in place
    c, info = potrf(g.T if g.flags.c_contiguous else g, lower=0, overwrite_a=1, clean=0)
    if info != 0:
        raise np.linalg.LinAlgError(f"Cholesky failed (info={info}): raise l2")
    inv, info = potri(c, lower=0, overwrite_c=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"inverse failed (info={info})")
    n = inv.shape[0]
    for i0 in range(0, n, block):  # mirror the upper triangle into the lower one, a block at a time
        i1 = min(i0 + block, n)
        inv[i0:i1, :i0] = inv[:i0, i0:i1].T
        d = inv[i0:i1, i0:i1]
        low = np.tril_indices(i1 - i0, -1)
        d[low] = d.T[low]
    return inv.T if inv.flags.f_contiguous and not inv.flags.c_contiguous else inv


@register
class EASE(Recommender):
    """Item-item weights from a ridge regression of every item on all others, zero diagonal.

    Memory: one dense items x items float32 array (4·n² bytes: 1.6 GB at 20k items, 3.6 GB at 30k), the
    Gram matrix inverted in place; time grows with n³. Above `max_items` (default 30,000) `fit` raises
    `ModelTooLarge` instead of running out of memory; callers skip the model and log the reason."""

    name = "ease"
    defaults = {"l2": 500.0, "recency": 1.0, "max_items": MAX_ITEMS}
    grid = {"l2": [500.0, 250.0, 1000.0, 100.0, 2000.0], "recency": [1.0, 0.8, 0.6, 0.4]}
    score_params = frozenset({"recency"})

    def _fit(self, data: Interactions) -> None:
        limit = int(self.params["max_items"])
        if data.n_items > limit:
            raise ModelTooLarge(f"ease: {data.n_items} items is over its limit of {limit} (a dense items x items "
                                f"array of {4 * data.n_items ** 2 / 1e9:.1f} GB); use itemknn or raise max_items")
        x = data.matrix()
        g = (x.T @ x).toarray()  # float32 like x: the only n x n array, inverted in place
        g[np.diag_indices_from(g)] += float(self.params["l2"])
        from shopmind.procutil import blas_threads

        with blas_threads():
            p = spd_inverse(g)
        p /= -np.diag(p).copy()[None, :]  # B = P / -diag(P), column j scaled by -1/P_jj
        p[np.diag_indices_from(p)] = 0.0
        self.B = p

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
