"""Matrix factorization for implicit feedback with the `implicit` library: ALS and BPR.

Users are folded in from their history by the ALS least-squares step on the item factors, so new
users and sessions are scored without retraining.
"""

from __future__ import annotations

import os

import numpy as np

from shopmind.recommend.base import Recommender, register
from shopmind.recommend.data import Interactions

def _threads(n: int) -> int:
    return n or min(2, os.cpu_count() or 1)

class _Factorization(Recommender):
    """Shared fold-in and persistence for factor models (item factors `Y`, optional item bias).

    Memory: the interaction matrix plus user and item factors, O(interactions + (users + items)·factors)."""

    def _fold_in(self, histories: list[np.ndarray]) -> np.ndarray:
        y = self.Y
        lam = float(self.params["regularization"])
        alpha = float(self.params.get("alpha", 1.0))
        yty = self._gram(y)
        d = y.shape[1]
        out = np.zeros((len(histories), d), dtype=np.float32)
        for r, h in enumerate(histories):
            if not len(h):
                continue
            yh = y[np.unique(h)]
            a = yty + alpha * (yh.T @ yh) + lam * np.eye(d, dtype=np.float32)
            b = (1.0 + alpha) * yh.sum(axis=0)
            out[r] = np.linalg.solve(a, b)
        return out

    def _gram(self, y: np.ndarray) -> np.ndarray:
        """``y.T @ y``, kept while the item factors are the same array or view (n x d x d: the costly
        part of a fold-in, ~5 ms for 12k items, where the per-history solve is ~0.1 ms). Factors are
        replaced, never edited in place; the cache holds the array, so its memory is not reused."""
        base = y if y.base is None else y.base
        key = (y.__array_interface__["data"][0], y.shape, y.strides)
        cached = self.__dict__.get("_gram_of")
        if cached is None or cached[0] is not base or cached[1] != key:
            cached = (base, key, y.T @ y)
            self._gram_of = cached
        return cached[2]

    def score(self, histories: list[np.ndarray]) -> np.ndarray:
        return (self._fold_in(histories) @ self.Y.T).astype(np.float32)

    def _item_scores(self, k: int) -> np.ndarray:
        y = self.Y / (np.linalg.norm(self.Y, axis=1, keepdims=True) + 1e-9)
        return y @ y[k]

    def _state(self) -> dict[str, np.ndarray]:
        return {"Y": self.Y}

    def _set_state(self, s: dict[str, np.ndarray]) -> None:
        self.Y = s["Y"]

@register
class ALS(_Factorization):
    """Implicit-feedback ALS (Hu, Koren, Volinsky 2008) via implicit.cpu.als."""

    name = "als"
    defaults = {"factors": 64, "regularization": 0.01, "alpha": 1.0, "iterations": 15, "seed": 0, "threads": 0}
    grid = {
        "regularization": [0.01, 1.0, 10.0, 50.0],
        "alpha": [1.0, 5.0, 20.0],
        "factors": [64, 128, 256],
    }

    def _fit(self, data: Interactions) -> None:
        from implicit.cpu.als import AlternatingLeastSquares

        p = self.params
        model = AlternatingLeastSquares(
            factors=int(p["factors"]), regularization=float(p["regularization"]), alpha=float(p["alpha"]),
            iterations=int(p["iterations"]), random_state=int(p["seed"]), num_threads=_threads(int(p["threads"])),
            calculate_training_loss=False,
        )
        model.fit(data.matrix(), show_progress=False)
        self.Y = np.asarray(model.item_factors, dtype=np.float32)

@register
class BPR(_Factorization):
    """Bayesian personalized ranking (Rendle et al. 2009) via implicit.cpu.bpr.

    A known user whose history is unchanged since training is scored with the user factors BPR
    learned for them; any other history (a new user, an anonymous session, a user with folded-in
    items) is folded in by the ALS-style least-squares step on the item factors (without the bias
    column), plus the item bias."""

    name = "bpr"
    defaults = {
        "factors": 64, "learning_rate": 0.05, "regularization": 0.01, "iterations": 100, "seed": 0,
        "threads": 0, "alpha": 1.0,
    }
    grid = {
        "factors": [64, 128],
        "learning_rate": [0.05, 0.01, 0.1],
        "regularization": [0.01, 0.001, 0.1],
        "iterations": [100, 300],
    }

    def _fit(self, data: Interactions) -> None:
        from implicit.cpu.bpr import BayesianPersonalizedRanking

        p = self.params
        model = BayesianPersonalizedRanking(
            factors=int(p["factors"]), learning_rate=float(p["learning_rate"]),
            regularization=float(p["regularization"]), iterations=int(p["iterations"]),
            random_state=int(p["seed"]), num_threads=_threads(int(p["threads"])),
        )
        model.fit(data.matrix(), show_progress=False)
        self.Y = np.asarray(model.item_factors, dtype=np.float32)  # last column: item bias
        self.U = np.asarray(model.user_factors, dtype=np.float32)  # last column: 1
        self._known = None

    def _forget_row(self, u: int) -> None:
        if u < len(self.U):
            self.U = np.delete(self.U, u, axis=0)
        self._known = None

    def _known_users(self) -> dict[bytes, int]:
        """Training history (as bytes) -> user row, for histories that match one user's exactly."""
        if getattr(self, "_known", None) is None:
            known: dict[bytes, int] = {}
            for u in range(min(len(self._hist_ptr) - 1, len(self.U))):
                h = self._hist_items[self._hist_ptr[u] : self._hist_ptr[u + 1]]
                if len(h):
                    known.setdefault(np.ascontiguousarray(h, dtype=np.int64).tobytes(), u)
            self._known = known
        return self._known

    def score(self, histories: list[np.ndarray]) -> np.ndarray:
        y, bias = self.Y[:, :-1], self.Y[:, -1]
        known = self._known_users()
        rows = [known.get(np.ascontiguousarray(h, dtype=np.int64).tobytes(), -1) for h in histories]
        out = np.empty((len(histories), self.n_items), dtype=np.float32)
        hit = [r for r, u in enumerate(rows) if u >= 0]
        miss = [r for r, u in enumerate(rows) if u < 0]
        if hit:
            out[hit] = self.U[[rows[r] for r in hit]] @ self.Y.T
        if miss:
            saved = self.Y
            try:  # fold in on the factors without the bias column
                self.Y = y
                u = self._fold_in([histories[r] for r in miss])
            finally:
                self.Y = saved
            out[miss] = u @ y.T + bias[None, :]
        return out

    def _state(self) -> dict[str, np.ndarray]:
        return {"Y": self.Y, "U": self.U}

    def _set_state(self, s: dict[str, np.ndarray]) -> None:
        self.Y = s["Y"]
        self.U = s["U"] if "U" in s else np.zeros((0, self.Y.shape[1]), np.float32)
        self._known = None
