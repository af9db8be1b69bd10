"""Explicit-rating models: global mean, user/item-bias baseline, and the biased dot-product model
f(u, i) = <q_u, x_i> + b_u + b_i + mu trained with mean((y - f)^2) + lambda * ||params||^2 by Adam."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import torch


class GlobalMean:
    """Predicts the training mean rating."""

    def fit(self, u: np.ndarray, i: np.ndarray, y: np.ndarray) -> "GlobalMean":
        self.mu = float(np.mean(y))
        return self

    def predict(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:
        return np.full(len(u), self.mu)


class BiasBaseline:
    """mu + b_u + b_i with ridge penalties, fitted by a few alternating closed-form passes."""

    def __init__(self, reg_user: float = 15.0, reg_item: float = 10.0, passes: int = 10) -> None:
        self.reg_user, self.reg_item, self.passes = reg_user, reg_item, passes

    def fit(self, u: np.ndarray, i: np.ndarray, y: np.ndarray) -> "BiasBaseline":
        self.mu = float(np.mean(y))
        nu, ni = int(u.max()) + 1, int(i.max()) + 1
        self.bu, self.bi = np.zeros(nu), np.zeros(ni)
        cu, ci = np.bincount(u, minlength=nu), np.bincount(i, minlength=ni)
        for _ in range(self.passes):
            r = y - self.mu - self.bu[u]
            self.bi = np.bincount(i, weights=r, minlength=ni) / (ci + self.reg_item)
            r = y - self.mu - self.bi[i]
            self.bu = np.bincount(u, weights=r, minlength=nu) / (cu + self.reg_user)
        return self

    def predict(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:
        bu = np.where(u < len(self.bu), self.bu[np.minimum(u, len(self.bu) - 1)], 0.0)
        bi = np.where(i < len(self.bi), self.bi[np.minimum(i, len(self.bi) - 1)], 0.0)
        return self.mu + bu + bi


class BiasedMF(torch.nn.Module):
    """The biased dot-product rating model (learned with Adam on squared error plus L2)."""

    def __init__(self, n_users: int, n_items: int, dim: int = 32, l2: float = 0.05, lr: float = 0.01,
                 epochs: int = 40, batch_size: int = 1024, seed: int = 0) -> None:
        super().__init__()
        self.config = dict(n_users=n_users, n_items=n_items, dim=dim, l2=l2, lr=lr, epochs=epochs,
                           batch_size=batch_size, seed=seed)
        g = torch.Generator().manual_seed(seed)
        self.q = torch.nn.Parameter(torch.randn(n_users, dim, generator=g) * 0.05)
        self.x = torch.nn.Parameter(torch.randn(n_items, dim, generator=g) * 0.05)
        self.bu = torch.nn.Parameter(torch.zeros(n_users))
        self.bi = torch.nn.Parameter(torch.zeros(n_items))
        self.mu = torch.nn.Parameter(torch.zeros(()), requires_grad=False)

    def forward(self, u: torch.Tensor, i: torch.Tensor) -> torch.Tensor:
        return (self.q[u] * self.x[i]).sum(-1) + self.bu[u] + self.bi[i] + self.mu

    def fit(self, u: np.ndarray, i: np.ndarray, y: np.ndarray,
            val: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None, patience: int = 2) -> "BiasedMF":
        """Minimize mean((y - f)^2) + l2 * (||q_u||^2 + ||x_i||^2 + b_u^2 + b_i^2) over each mini-batch;
        with `val` (users, items, ratings) keep the epoch with the lowest validation RMSE (early stop)."""
        c = self.config
        if len(u) != len(i) or len(u) != len(y):
            raise ValueError("users, items and ratings must have the same length")
        if u.max() >= c["n_users"] or i.max() >= c["n_items"]:
            raise ValueError("user or item index beyond the model size")
        torch.manual_seed(c["seed"])
        with torch.no_grad():
            self.mu.fill_(float(np.mean(y)))
        ut, it, yt = (torch.from_numpy(np.asarray(a)) for a in (u.astype(np.int64), i.astype(np.int64), y.astype(np.float32)))
        opt = torch.optim.Adam([self.q, self.x, self.bu, self.bi], lr=c["lr"])
        n, bs = len(yt), c["batch_size"]
        best, best_state, bad = float("inf"), None, 0
        self.epochs_run = 0
        for _ in range(c["epochs"]):
            perm = torch.randperm(n)
            for s in range(0, n, bs):
                b = perm[s : s + bs]
                ub, ib = ut[b], it[b]
                pred = self(ub, ib)
                reg = (self.q[ub] ** 2).sum(-1) + (self.x[ib] ** 2).sum(-1) + self.bu[ub] ** 2 + self.bi[ib] ** 2
                loss = torch.mean((yt[b] - pred) ** 2) + c["l2"] * reg.mean()
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
            self.epochs_run += 1
            if val is not None:
                err = float(np.sqrt(np.mean((self.predict(val[0], val[1]) - val[2]) ** 2)))
                if err < best - 1e-5:
                    best, bad = err, 0
                    best_state = {k: v.detach().clone() for k, v in self.state_dict().items()}
                else:
                    bad += 1
                    if bad >= patience:
                        break
        if best_state is not None:
            self.load_state_dict(best_state)
        self.val_rmse = best
        return self

    @torch.no_grad()
    def predict(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:
        out = self(torch.from_numpy(u.astype(np.int64)), torch.from_numpy(i.astype(np.int64))).numpy()
        return np.clip(out, 1.0, 5.0)

    def save(self, path: str | Path) -> None:
        arrays = {k: v.detach().numpy() for k, v in self.state_dict().items()}
        np.savez(path, __config__=np.array(json.dumps(self.config)), **arrays)

    @classmethod
    def load(cls, path: str | Path) -> "BiasedMF":
        with np.load(path, allow_pickle=False) as z:
            m = cls(**json.loads(str(z["__config__"])))
            m.load_state_dict({k: torch.from_numpy(np.array(z[k])) for k in z.files if k != "__config__"})
        return m


def split_ratings(n: int, test_fraction: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Random train/test row indices."""
    perm = np.random.default_rng(seed).permutation(n)
    cut = int(round(n * (1 - test_fraction)))
    return perm[:cut], perm[cut:]


def eval_ratings(folder: str | Path, seed: int = 0, l2_grid: tuple[float, ...] = (0.05, 0.1, 0.2),
                 **mf_params: Any) -> dict[str, Any]:
    """RMSE on a random 80/20 split of MovieLens-100k: global mean, bias baseline, biased MF."""
    import time

    from shopmind.eval.metrics import rmse
    from shopmind.recommend.data import load_movielens_ratings

    u, i, y, _ = load_movielens_ratings(folder)
    tr, te = split_ratings(len(y), seed=seed)
    out: dict[str, Any] = {"ratings": int(len(y)), "train": int(len(tr)), "test": int(len(te)), "models": {}}
    nu, ni = int(u.max()) + 1, int(i.max()) + 1
    for name, model in (("global_mean", GlobalMean()), ("user_item_bias", BiasBaseline())):
        t0 = time.perf_counter()
        model.fit(u[tr], i[tr], y[tr])
        secs = time.perf_counter() - t0
        out["models"][name] = {"rmse": round(rmse(y[te], model.predict(u[te], i[te])), 4), "train_s": round(secs, 2)}
    # biased MF: l2 chosen and epochs early-stopped on 10% of the training ratings (test untouched)
    t0 = time.perf_counter()
    inner, hold = split_ratings(len(tr), test_fraction=0.1, seed=seed + 100)
    tr_in, tr_val = tr[inner], tr[hold]
    best = None
    for l2 in mf_params.pop("l2_grid", l2_grid):
        m = BiasedMF(nu, ni, seed=seed, l2=l2, **mf_params)
        m.fit(u[tr_in], i[tr_in], y[tr_in], val=(u[tr_val], i[tr_val], y[tr_val]))
        if best is None or m.val_rmse < best.val_rmse:
            best = m
    secs = time.perf_counter() - t0
    out["models"]["biased_mf"] = {
        "rmse": round(rmse(y[te], best.predict(u[te], i[te])), 4), "train_s": round(secs, 2),
        "l2": best.config["l2"], "epochs": best.epochs_run,
    }
    return out
