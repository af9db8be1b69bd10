"""Search evaluation: every judged query against the current catalog, per retrieval method, reporting
NDCG@k (gain = grade - the file's lowest grade, unjudged = 0), Recall@100, MRR@k and latency.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from shopmind.eval.metrics import mean, mrr_at_k, ndcg_for, percentile_ms, recall_at_k
from shopmind.search.ranker import read_judgments

DEFAULT_METHODS = ("bm25", "dense", "hybrid", "ranked")


def relevant_threshold(grades: Iterable[float]) -> float:
    """The default 'relevant' grade: min + 2/3 of the grade range, to 2 decimals — the upper half of the
    grade levels (Home Depot 1..3 -> 2.33, Crowdflower 1..4 -> 3, a 0..3 scale -> 2)."""
    g = np.asarray(list(grades), dtype=float)
    return round(float(g.min() + (g.max() - g.min()) * 2.0 / 3.0), 2)


def evaluate_ranking(search: Callable[[str], Sequence[str]], judgments: dict[str, dict[str, float]],
                     k: int = 10, relevant_grade: float | None = None, min_grade: float | None = None,
                     recall_k: int = 100) -> dict[str, Any]:
    """Metrics of one ranking function (query -> product ids, best first) over judged queries."""
    all_grades = [g for j in judgments.values() for g in j.values()]
    lo = min(all_grades) if min_grade is None else min_grade
    rel = relevant_threshold(all_grades) if relevant_grade is None else relevant_grade
    nd, rc, mr, times = [], [], [], []
    for q, judged in judgments.items():
        t = time.perf_counter()
        ids = list(search(q))
        times.append(time.perf_counter() - t)
        gains = {pid: g - lo for pid, g in judged.items()}
        relevant = {pid for pid, g in judged.items() if g >= rel}
        nd.append(ndcg_for(ids, gains, k))
        rc.append(recall_at_k(ids, relevant, recall_k))
        mr.append(mrr_at_k(ids, relevant, k) if relevant else float("nan"))
    return {
        f"ndcg@{k}": round(mean(nd), 4),
        f"recall@{recall_k}": round(mean(rc), 4),
        f"mrr@{k}": round(mean(mr), 4),
        "p50_ms": round(percentile_ms(times, 50), 2),
        "p95_ms": round(percentile_ms(times, 95), 2),
    }


def load_judgments(path: str | Path, queries: Iterable[str] | None = None) -> dict[str, dict[str, float]]:
    """query -> {product_id: grade} from a judgments CSV (optionally only ``queries``)."""
    df = read_judgments(path)
    if queries is not None:
        df = df[df["query"].isin(set(queries))]
    return {q: dict(zip(g["product_id"], g["grade"].astype(float))) for q, g in df.groupby("query", sort=True)}


def eval_search(shop: Any, judgments_csv: str | Path, k: int = 10, methods: Sequence[str] = DEFAULT_METHODS,
                relevant_grade: float | None = None, queries: Iterable[str] | None = None,
                engine: Any | None = None) -> dict[str, Any]:
    """Run every judged query with each method against the shop's current catalog.

    Returns {"methods": {m: {"ndcg@k", "recall@100", "mrr@k", "p50_ms", "p95_ms"}}, "queries": n,
    "relevant_grade": g, "min_grade": g}."""
    eng = engine if engine is not None else shop.search
    full = read_judgments(judgments_csv)
    judged = load_judgments(judgments_csv, queries)
    if not judged:
        raise ValueError(f"{judgments_csv}: no queries to evaluate")
    lo = float(full["grade"].min())
    rel = relevant_threshold(full["grade"]) if relevant_grade is None else float(relevant_grade)
    out: dict[str, Any] = {"methods": {}, "queries": len(judged), "relevant_grade": rel, "min_grade": lo}
    for m in methods:
        if m == "ranked" and getattr(eng, "ranker", None) is None:
            out["methods"][m] = {"error": "no ranker model: train one with `shopmind train ranker`"}
            continue
        eng.ids_for(next(iter(judged)), method=m, k=100)  # warm-up (lazy model loads) outside the timing
        out["methods"][m] = evaluate_ranking(lambda q, m=m: eng.ids_for(q, method=m, k=max(100, k)), judged,
                                             k=k, relevant_grade=rel, min_grade=lo)
    return out
