"""The Recommender base: fit on interaction sequences, score item histories, recommend, save/load (.npz).

Every model scores a *history* (a list of item indices, oldest first), so a known user, an anonymous
session and a brand-new user are served by the same call; a model's user state is its histories.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, ClassVar, Iterable, Sequence

import numpy as np

from shopmind.recommend.data import Interactions

REGISTRY: dict[str, type["Recommender"]] = {}


class ModelTooLarge(ValueError):
    """A model refuses data it cannot fit within its stated memory bound (callers skip it and log why)."""


def register(cls: type["Recommender"]) -> type["Recommender"]:
    """Class decorator: make a model loadable by name."""
    REGISTRY[cls.name] = cls
    return cls


class Recommender:
    """Base class: subclasses implement `_fit`, `score`, and `_state`/`_set_state` for their arrays."""

    name: ClassVar[str] = "base"
    #: hyperparameter search space used by the validation tuner (first value of each list = default)
    grid: ClassVar[dict[str, list[Any]]] = {}
    defaults: ClassVar[dict[str, Any]] = {}
    #: parameters used only when scoring: changing them needs no refit (see `with_params`)
    score_params: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, **params: Any) -> None:
        unknown = set(params) - set(self.defaults)
        if unknown:
            raise ValueError(f"{self.name}: unknown parameter(s) {sorted(unknown)}; known: {sorted(self.defaults)}")
        self.params: dict[str, Any] = {**self.defaults, **params}
        self.item_ids: list[str] = []
        self.item_index: dict[str, int] = {}
        self.user_index: dict[str, int] = {}
        self._hist_ptr = np.zeros(1, dtype=np.int64)
        self._hist_items = np.zeros(0, dtype=np.int64)
        self._extra_hist: dict[str, np.ndarray] = {}
        self.train_seconds = 0.0
        self.train_cpu_seconds = 0.0
        #: `Interactions.fingerprint()` of the training data and its split parameters (saved in the metadata)
        self.train_fingerprint: str | None = None
        self.train_split: dict[str, Any] = {}

    def with_params(self, **params: Any) -> "Recommender":
        """A shallow copy sharing the fitted state with different scoring-only parameters."""
        bad = set(params) - set(self.score_params)
        if bad:
            raise ValueError(f"{self.name}: {sorted(bad)} need a refit (scoring-only: {sorted(self.score_params)})")
        import copy

        other = copy.copy(self)
        other.params = {**self.params, **params}
        return other

    # ---------------------------------------------------------------- training
    def fit(self, data: Interactions) -> "Recommender":
        """Learn from all users' sequences; remembers each user's history for `recommend(user=...)`."""
        if data.n_items == 0:
            raise ValueError(f"{self.name}: no items to fit on")
        t0, c0 = time.perf_counter(), time.process_time()
        self.item_ids = list(data.item_ids)
        self.item_index = {i: k for k, i in enumerate(self.item_ids)}
        self.user_index = {u: k for k, u in enumerate(data.user_ids)}
        lens = np.array([len(s) for s in data.sequences], dtype=np.int64)
        self._hist_ptr = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
        self._hist_items = (
            np.concatenate(data.sequences).astype(np.int64) if len(data.sequences) else np.zeros(0, np.int64)
        )
        self._extra_hist = {}
        self._fit(data)
        self.train_fingerprint, self.train_split = data.fingerprint(), dict(data.split)
        self.train_seconds = time.perf_counter() - t0
        self.train_cpu_seconds = time.process_time() - c0  # all threads of this process
        return self

    def _fit(self, data: Interactions) -> None:
        raise NotImplementedError

    def partial_fit(self, user_id: str, items: Sequence[str]) -> None:
        """Fold a user's new items into their history (no retraining: every model scores histories)."""
        idx = self._to_index(items)
        self._extra_hist[user_id] = np.concatenate([self.history(user_id), idx])

    def forget_user(self, user_id: str) -> bool:
        """Drop everything the model keeps of one user (history, folded-in items, per-user rows);
        True when it knew the user. The shared arrays are replaced, never changed in place."""
        found = user_id in self._extra_hist
        self._extra_hist = {k: v for k, v in self._extra_hist.items() if k != user_id}
        u = self.user_index.get(user_id)
        if u is None:
            return found
        a, b = int(self._hist_ptr[u]), int(self._hist_ptr[u + 1])
        self._hist_items = np.concatenate([self._hist_items[:a], self._hist_items[b:]])
        self._hist_ptr = np.concatenate([self._hist_ptr[: u + 1], self._hist_ptr[u + 2 :] - (b - a)])
        self.user_index = {k: (v - 1 if v > u else v) for k, v in self.user_index.items() if k != user_id}
        self._forget_row(u)
        return True

    def _forget_row(self, u: int) -> None:
        """Per-user parameters of row ``u`` (models with user factors drop the row)."""

    # ---------------------------------------------------------------- scoring
    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    def score(self, histories: list[np.ndarray]) -> np.ndarray:
        """Scores (len(histories) x n_items, float32) for each history of item indices, oldest first."""
        raise NotImplementedError

    def history(self, user_id: str) -> np.ndarray:
        """Item indices the user interacted with (training data plus folded-in items)."""
        if user_id in self._extra_hist:
            return self._extra_hist[user_id]
        u = self.user_index.get(user_id)
        if u is None:
            return np.zeros(0, dtype=np.int64)
        return self._hist_items[self._hist_ptr[u] : self._hist_ptr[u + 1]]

    def _to_index(self, items: Iterable[str] | None) -> np.ndarray:
        if items is None:
            return np.zeros(0, dtype=np.int64)
        return np.array([self.item_index[i] for i in items if i in self.item_index], dtype=np.int64)

    def recommend(
        self,
        user: str | None = None,
        items: Sequence[str] | None = None,
        n: int = 10,
        exclude: Iterable[str] | None = None,
        only: Iterable[str] | None = None,
        exclude_seen: bool = True,
    ) -> tuple[list[str], np.ndarray]:
        """Top-n item ids and scores for a user (their history) and/or a list of session items.

        `exclude` removes items, `only` restricts the result to these items, `exclude_seen` drops the
        history itself. Unknown item ids in `items`/`exclude`/`only` are ignored.
        """
        if n <= 0:
            raise ValueError("n must be positive")
        self._check_fitted()
        hist = self.history(user) if user is not None else np.zeros(0, dtype=np.int64)
        if items:
            hist = np.concatenate([hist, self._to_index(items)])
        scores = self.score([hist])[0].astype(np.float32, copy=True)
        return self._top(scores, n, hist if exclude_seen else None, exclude, only)

    def recommend_session(self, items: Sequence[str], n: int = 10, **kw: Any) -> tuple[list[str], np.ndarray]:
        """Recommend for an anonymous list of session items (oldest first)."""
        return self.recommend(None, items, n, **kw)

    def similar_items(self, item_id: str, n: int = 10, exclude: Iterable[str] | None = None) -> tuple[list[str], np.ndarray]:
        """Items most related to one item (default: score the one-item history)."""
        self._check_fitted()
        if item_id not in self.item_index:
            raise KeyError(f"unknown item id {item_id!r}")
        k = self.item_index[item_id]
        scores = self._item_scores(k).astype(np.float32, copy=True)
        return self._top(scores, n, np.array([k]), exclude, None)

    def _item_scores(self, k: int) -> np.ndarray:
        return self.score([np.array([k], dtype=np.int64)])[0]

    def _top(
        self,
        scores: np.ndarray,
        n: int,
        seen: np.ndarray | None,
        exclude: Iterable[str] | None,
        only: Iterable[str] | None,
    ) -> tuple[list[str], np.ndarray]:
        if seen is not None and len(seen):
            scores[seen] = -np.inf
        if exclude:
            scores[self._to_index(exclude)] = -np.inf
        if only is not None:
            keep = self._to_index(only)
            mask = np.full(scores.shape, -np.inf, dtype=np.float32)
            mask[keep] = 0.0
            scores = scores + mask
        valid = np.flatnonzero(np.isfinite(scores))
        if len(valid) == 0:
            return [], np.zeros(0, dtype=np.float32)
        n = min(n, len(valid))
        part = valid[np.argpartition(-scores[valid], n - 1)[:n]]
        order = part[np.lexsort((part, -scores[part]))]
        return [self.item_ids[k] for k in order], scores[order]

    def _check_fitted(self) -> None:
        if not self.item_ids:
            raise RuntimeError(f"{self.name}: model is not fitted")

    # ---------------------------------------------------------------- persistence
    def _state(self) -> dict[str, np.ndarray]:
        return {}

    def _set_state(self, state: dict[str, np.ndarray]) -> None:
        pass

    def save(self, path: str | Path) -> Path:
        """Write the model as one .npz (numeric arrays plus JSON metadata; no pickle)."""
        self._check_fitted()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        users = sorted(self.user_index, key=self.user_index.get)
        meta = {"name": self.name, "params": self.params, "train_seconds": self.train_seconds,
                "train_cpu_seconds": self.train_cpu_seconds, "train_fingerprint": self.train_fingerprint,
                "train_split": self.train_split}
        arrays = {f"m_{k}": v for k, v in self._state().items()}
        extra_users = list(self._extra_hist)
        extra = [self._extra_hist[u] for u in extra_users]
        np.savez(
            path,
            __meta__=np.array(json.dumps(meta)),
            __item_ids__=np.array(self.item_ids, dtype=str),
            __user_ids__=np.array(users, dtype=str),
            __hist_ptr__=self._hist_ptr,
            __hist_items__=self._hist_items,
            __extra_users__=np.array(extra_users, dtype=str),
            __extra_ptr__=np.concatenate([[0], np.cumsum([len(e) for e in extra])]).astype(np.int64),
            __extra_items__=np.concatenate(extra).astype(np.int64) if extra else np.zeros(0, np.int64),
            **arrays,
        )
        return path if path.suffix == ".npz" else path.with_name(path.name + ".npz")

    @classmethod
    def load(cls, path: str | Path) -> "Recommender":
        """Load a model saved by `save` (any registered class when called on the base)."""
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["__meta__"]))
            klass = REGISTRY.get(meta["name"])
            if klass is None:
                raise ValueError(f"{path}: unknown model {meta['name']!r}")
            if cls is not Recommender and not issubclass(klass, cls):
                raise ValueError(f"{path}: holds a {meta['name']!r} model, not {cls.name!r}")
            model = klass(**meta["params"])
            model.train_seconds = float(meta.get("train_seconds", 0.0))
            model.train_cpu_seconds = float(meta.get("train_cpu_seconds", 0.0))
            model.train_fingerprint = meta.get("train_fingerprint")  # None: saved before fingerprints
            model.train_split = dict(meta.get("train_split") or {})
            model.item_ids = [str(x) for x in z["__item_ids__"].tolist()]
            model.item_index = {i: k for k, i in enumerate(model.item_ids)}
            model.user_index = {str(u): k for k, u in enumerate(z["__user_ids__"].tolist())}
            model._hist_ptr = z["__hist_ptr__"]
            model._hist_items = z["__hist_items__"]
            ptr, items = z["__extra_ptr__"], z["__extra_items__"]
            model._extra_hist = {
                str(u): items[ptr[k] : ptr[k + 1]] for k, u in enumerate(z["__extra_users__"].tolist())
            }
            model._set_state({k[2:]: z[k] for k in z.files if k.startswith("m_")})
        return model


def load_model(path: str | Path) -> Recommender:
    """Load any saved model."""
    import shopmind.recommend.models  # noqa: F401  (registers every model class)

    return Recommender.load(path)


def history_matrix(histories: list[np.ndarray], n_items: int, weights: list[np.ndarray] | None = None):
    """Binary (or weighted) CSR rows for a batch of histories."""
    import scipy.sparse as sp

    rows = np.repeat(np.arange(len(histories)), [len(h) for h in histories])
    cols = np.concatenate(histories).astype(np.int64) if histories else np.zeros(0, np.int64)
    data = np.concatenate(weights).astype(np.float32) if weights is not None else np.ones(len(cols), np.float32)
    m = sp.csr_matrix((data, (rows, cols)), shape=(len(histories), n_items), dtype=np.float32)
    if weights is None:
        m.sum_duplicates()
        m.data[:] = 1.0
    return m
