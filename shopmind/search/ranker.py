"""LightGBM LambdaMART ranker over search features: training from graded judgments, LightGBM text model
files (no pickle), and the shipped default model trained on the shared judgments (train queries only).
"""

from __future__ import annotations

import hashlib
import math
import warnings
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from shopmind.durable import atomic_path
from shopmind.search import treeonnx
from shopmind.search.features import FEATURES

DEFAULT_MODEL = Path(__file__).resolve().parent / "models" / "ranker.lgb"
DEFAULT_PARAMS: dict[str, Any] = {
    "objective": "lambdarank",
    "metric": "ndcg",
    "ndcg_eval_at": [10],
    # chosen on the Home Depot train half's validation tenth (never the test half): 0.03/63/100 beat
    # 0.05/31/50 and rank_xendcg there (benchmarks/results/search.md)
    "learning_rate": 0.03,
    "num_leaves": 63,
    "min_data_in_leaf": 100,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambdarank_truncation_level": 20,
    "num_threads": 1,  # OpenMP spinning on a busy 2-core machine is far slower than one thread
    "force_row_wise": True,
    "verbose": -1,
    "seed": 7,
}


def read_judgments(path: str | Path) -> pd.DataFrame:
    """A judgments CSV (query,product_id,grade) with clear errors for a bad file or row."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"judgments file not found: {p}")
    df = pd.read_csv(p, dtype={"product_id": str, "query": str}, keep_default_na=False)
    missing = {"query", "product_id", "grade"} - set(df.columns)
    if missing:
        raise ValueError(f"{p}: judgments need columns query,product_id,grade; missing {', '.join(sorted(missing))}")
    grades = pd.to_numeric(df["grade"], errors="coerce")
    bad = grades.isna() | (df["query"].str.strip() == "") | (df["product_id"].str.strip() == "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"{p}: row {i + 2} has an empty query/product_id or a non-numeric grade: {df.iloc[i].to_dict()}")
    df["grade"] = grades.astype(float)
    return df


def split_queries(queries: Iterable[str], test_fraction: float = 0.5, salt: str = "shopmind") -> tuple[list[str], list[str]]:
    """Deterministic train/test split of queries by hash (the same query always lands on one side)."""
    train, test = [], []
    for q in sorted(set(queries)):
        h = int(hashlib.sha1(f"{salt}:{q}".encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF
        (test if h < test_fraction else train).append(q)
    return train, test


def label_scale(grades: np.ndarray) -> float:
    """Multiplier that turns grade - min into small integers (1/3 steps -> 3, whole grades -> 1)."""
    g = np.asarray(grades, dtype=float)
    g = g - g.min()
    for s in (1, 2, 3, 4, 10):
        if np.allclose(g * s, np.round(g * s), atol=0.02) and (g * s).max() <= 30:
            return float(s)
    return 30.0 / max(float(g.max()), 1e-9)


class Ranker:
    """A trained LightGBM booster scoring FEATURES rows (higher = more relevant)."""

    def __init__(self, booster: Any) -> None:
        names = list(booster.feature_name())
        if names != list(FEATURES):
            raise ValueError(
                f"ranker model features do not match this version's features ({len(names)} vs {len(FEATURES)}); "
                "retrain it with `shopmind train ranker`"
            )
        self.booster = booster
        self._compiled: Any = None  # the same trees in onnxruntime (treeonnx.py), made on first use
        self._tried = False

    def predict(self, X: np.ndarray) -> np.ndarray:
        if len(X) == 0:
            return np.zeros(0, dtype=np.float64)
        if not self._tried:
            self._tried = True
            try:
                self._compiled = treeonnx.convert(self.booster)
            except Exception as e:  # an onnxruntime without the ML ops: LightGBM's predict does the same
                warnings.warn(f"ranker: onnxruntime tree ensemble not used ({e})", stacklevel=2)
        if self._compiled is not None:
            return treeonnx.predict(self._compiled, X)
        return self.booster.predict(X, num_threads=1)

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Per-feature contributions (SHAP values) and the bias in the last column, for explain mode."""
        return self.booster.predict(X, pred_contrib=True, num_threads=1)

    def save(self, path: str | Path) -> Path:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(p) as tmp:
            self.booster.save_model(str(tmp))
        return p

    @classmethod
    def load(cls, path: str | Path) -> "Ranker":
        import lightgbm as lgb

        p = Path(path)
        if not p.exists():
            raise FileNotFoundError(f"ranker model not found: {p}")
        return cls(lgb.Booster(model_file=str(p)))


def fit(groups: list[tuple[np.ndarray, np.ndarray]], valid: list[tuple[np.ndarray, np.ndarray]] | None = None,
        rounds: int = 400, params: dict[str, Any] | None = None, log: Callable[[str], None] | None = None) -> Ranker:
    """Train LambdaMART on per-query (features, integer labels) groups."""
    import lightgbm as lgb

    if not groups:
        raise ValueError("no training queries with candidates: nothing to train on")
    X = np.vstack([g[0] for g in groups])
    y = np.concatenate([g[1] for g in groups]).astype(int)
    max_label = int(y.max()) if len(y) else 1
    p = dict(DEFAULT_PARAMS, **(params or {}))
    if "min_data_in_leaf" not in (params or {}):  # small judgment files: leaves must still be able to split
        p["min_data_in_leaf"] = int(min(p["min_data_in_leaf"], max(5, len(y) // 50)))
    p["label_gain"] = [float(i) for i in range(max(max_label + 1, 2))]
    ds = lgb.Dataset(X, y, group=[len(g[1]) for g in groups], feature_name=list(FEATURES), free_raw_data=True)
    sets, names = [ds], ["train"]
    if valid:
        Xv = np.vstack([g[0] for g in valid])
        yv = np.clip(np.concatenate([g[1] for g in valid]).astype(int), 0, max_label)
        sets.append(lgb.Dataset(Xv, yv, group=[len(g[1]) for g in valid], reference=ds))
        names.append("valid")
    callbacks = []
    if valid:
        callbacks.append(lgb.early_stopping(50, verbose=False))
    if log:
        callbacks.append(lgb.log_evaluation(50))
    booster = lgb.train(p, ds, num_boost_round=rounds, valid_sets=sets, valid_names=names, callbacks=callbacks)
    if valid and booster.best_iteration:
        booster = lgb.Booster(model_str=booster.model_to_string(num_iteration=booster.best_iteration))
    return Ranker(booster)


def training_groups(engine: Any, judgments: pd.DataFrame, queries: list[str], depth: int | None = None,
                    log: Callable[[str], None] | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Features and integer labels of each query's retrieved candidates (unjudged = 0)."""
    lo = float(judgments["grade"].min())
    scale = label_scale(judgments["grade"].to_numpy())
    by_q = {q: dict(zip(g["product_id"], g["grade"])) for q, g in judgments.groupby("query")}
    out = []
    for i, q in enumerate(queries):
        judged = by_q.get(q)
        if not judged:
            continue
        X, ids = engine.candidate_features(q, depth=depth or engine.rank_depth)
        if len(ids) == 0:
            continue
        y = np.asarray([int(round((judged.get(pid, lo) - lo) * scale)) for pid in ids], dtype=int)
        if y.max() == 0:
            continue  # nothing relevant retrieved: no ranking signal
        out.append((X, y))
        if log and (i + 1) % 1000 == 0:
            log(f"features for {i + 1}/{len(queries)} queries")
    return out


def train_ranker(shop: Any, judgments_csv: str | Path, out: str | Path | None = None, test_fraction: float = 0.0,
                 rounds: int = 400, log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Train the shop's ranker from graded judgments against its current catalog and save it (LightGBM
    text file under <home>/models/search_ranker.lgb unless ``out``); the engine uses it at once."""
    engine = shop.search
    df = read_judgments(judgments_csv)
    train_q, test_q = split_queries(df["query"], test_fraction) if test_fraction > 0 else (sorted(set(df["query"])), [])
    rng = np.random.default_rng(0)
    order = rng.permutation(len(train_q))
    n_valid = max(1, len(train_q) // 10) if len(train_q) >= 20 else 0
    valid_q = [train_q[i] for i in order[:n_valid]]
    fit_q = [train_q[i] for i in order[n_valid:]]
    groups = training_groups(engine, df, fit_q, log=log)
    valid = training_groups(engine, df, valid_q) if valid_q else None
    ranker = fit(groups, valid or None, rounds=rounds, log=log)
    path = Path(out) if out else Path(shop.settings.home) / "models" / "search_ranker.lgb"
    ranker.save(path)
    engine.set_ranker(ranker)
    return {"model": str(path), "train_queries": len(groups), "valid_queries": len(valid or []),
            "test_queries": len(test_q), "trees": ranker.booster.num_trees(),
            "label_scale": label_scale(df["grade"].to_numpy()), "min_grade": float(df["grade"].min()),
            "finite": math.isfinite(float(ranker.predict(groups[0][0][:1])[0]))}
