"""Blend: a weighted sum of several models' per-user standardized scores, weights tuned on validation."""

from __future__ import annotations

import itertools
import time
from typing import Any, Callable

import numpy as np

from shopmind.recommend.base import Recommender, register
from shopmind.recommend.data import Interactions


def standardize(s: np.ndarray) -> np.ndarray:
    """Per-row z-scores over the finite entries (so models on different scales can be added)."""
    s = np.asarray(s, dtype=np.float32)
    fin = np.isfinite(s)
    if fin.all():  # the usual case: no -inf entries, no masking needed
        mu = s.mean(1, keepdims=True)
        return ((s - mu) / np.sqrt(s.var(1, keepdims=True) + 1e-12)).astype(np.float32)
    z = np.where(fin, s, 0.0)
    cnt = np.maximum(fin.sum(1, keepdims=True), 1)
    mu = z.sum(1, keepdims=True) / cnt
    var = (np.where(fin, (z - mu) ** 2, 0.0)).sum(1, keepdims=True) / cnt
    return np.where(fin, (z - mu) / np.sqrt(var + 1e-12), -np.inf).astype(np.float32)


@register
class Blend(Recommender):
    """score = Σ_m weight_m · standardize(score_m). Params: {"components": {name: params}, "weights": {name: w}}.

    Memory: the sum of its components' bounds."""

    name = "blend"
    defaults: dict[str, Any] = {"components": {"ease": {}, "itemknn": {}}, "weights": {"ease": 1.0, "itemknn": 1.0}}

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.models: dict[str, Recommender] = {}

    def _fit(self, data: Interactions) -> None:
        from shopmind.recommend.models import make

        self.models = {}
        for name, p in self.params["components"].items():
            m = make(name, **p)
            if name == "content" and getattr(self, "_content_features", None) is not None:
                m.with_features(self._content_features)  # type: ignore[attr-defined]
            self.models[name] = m.fit(data)

    def with_models(self, models: dict[str, Recommender]) -> "Blend":
        """Use already fitted components (same item ids); returns self."""
        first = next(iter(models.values()))
        self.item_ids = first.item_ids
        self.item_index = first.item_index
        self.user_index = first.user_index
        self._hist_ptr, self._hist_items = first._hist_ptr, first._hist_items
        self.models = dict(models)
        self.params["components"] = {k: dict(m.params) for k, m in models.items()}
        self.params["weights"] = {k: float(self.params["weights"].get(k, 0.0)) for k in models}
        self.train_seconds = sum(m.train_seconds for m in models.values())
        prints = {m.train_fingerprint for m in models.values()}
        self.train_fingerprint = prints.pop() if len(prints) == 1 else None  # components on different data: none
        self.train_split = dict(first.train_split)
        return self

    def forget_user(self, user_id: str) -> bool:
        found = super().forget_user(user_id)
        for m in self.models.values():
            found = m.forget_user(user_id) or found
        return found

    def component_scores(self, histories: list[np.ndarray]) -> dict[str, np.ndarray]:
        return {k: standardize(m.score(histories)) for k, m in self.models.items()}

    def score(self, histories: list[np.ndarray]) -> np.ndarray:
        w = self.params["weights"]
        out = np.zeros((len(histories), self.n_items), dtype=np.float32)
        for k, m in self.models.items():
            if w.get(k, 0.0):
                out += float(w[k]) * standardize(m.score(histories))
        return out

    def _item_scores(self, k: int) -> np.ndarray:
        w = self.params["weights"]
        out = np.zeros(self.n_items, dtype=np.float32)
        for name, m in self.models.items():
            if w.get(name, 0.0):
                out += float(w[name]) * standardize(m._item_scores(k)[None, :])[0]
        return out

    def _state(self) -> dict[str, np.ndarray]:
        return {f"{c}/{k}": v for c, m in self.models.items() for k, v in m._state().items()}

    def _set_state(self, state: dict[str, np.ndarray]) -> None:
        from shopmind.recommend.models import make

        self.models = {}
        for c, p in self.params["components"].items():
            m = make(c, **p)
            m.item_ids, m.item_index, m.user_index = self.item_ids, self.item_index, self.user_index
            m._hist_ptr, m._hist_items = self._hist_ptr, self._hist_items
            m._set_state({k[len(c) + 1 :]: v for k, v in state.items() if k.startswith(c + "/")})
            self.models[c] = m


def tune_blend(
    models: dict[str, Recommender],
    val: Any,
    max_users: int | None = 3000,
    log: Callable[[str], None] | None = None,
    levels: tuple[float, ...] = (0.0, 0.1, 0.25, 0.5, 1.0, 2.0),
) -> tuple[Blend, dict[str, Any]]:
    """Grid search of blend weights (first model's weight fixed at 1) on validation NDCG@10.

    Each component alone is scored on the same validation users too; when no weighted combination
    is strictly above the best single component, that component alone is served (weight 1, others 0),
    so the blend never ranks below its own best component on validation."""
    from shopmind.eval.metrics import ndcg_single, target_ranks

    t0 = time.perf_counter()
    n = len(val.targets)
    rows = np.arange(n)
    if max_users and n > max_users:
        rows = np.sort(np.random.default_rng(1).choice(n, max_users, replace=False))
    hists = [val.histories[u] for u in rows]
    targets = val.targets[rows]
    names = list(models)
    z: dict[str, np.ndarray] = {}
    for k in names:
        s = standardize(models[k].score(hists))
        for r, h in enumerate(hists):
            s[r, h] = -np.inf
        z[k] = s
    single = {k: ndcg_single(target_ranks(z[k], targets), 10) for k in names}
    best_w, best_nd = None, -1.0
    for combo in itertools.product(levels, repeat=len(names) - 1):
        w = dict(zip(names, (1.0,) + combo))
        if sum(1 for v in w.values() if v) < 2:
            continue  # single components are scored above
        total = sum(w[k] * z[k] for k in names if w[k])
        nd = ndcg_single(target_ranks(total, targets), 10)
        if nd > best_nd:
            best_w, best_nd = w, nd
    top = max(names, key=lambda k: single[k])
    fallback = None
    if best_w is None or best_nd <= single[top]:
        best_w, best_nd, fallback = {k: float(k == top) for k in names}, single[top], top
    if log:
        alone = ", ".join(f"{k} {v:.4f}" for k, v in single.items())
        log(f"  blend weights {best_w} val ndcg@10={best_nd:.4f} (alone: {alone}"
            f"{'; serving ' + fallback + ' alone' if fallback else ''}) ({time.perf_counter() - t0:.1f}s)")
    blend = Blend(components={k: dict(m.params) for k, m in models.items()}, weights=best_w)
    blend.with_models(models)
    return blend, {"weights": best_w, "components": {k: dict(m.params) for k, m in models.items()},
                   "val_ndcg@10": round(best_nd, 5), "val_ndcg@10_alone": {k: round(v, 5) for k, v in single.items()},
                   "alone": fallback}
