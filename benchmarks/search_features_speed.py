"""Ranker feature computation speed: `features.compute` per query on real candidates of the search
benchmark stores (run `python benchmarks/search_prepare.py` once first).

    python benchmarks/search_features_speed.py [--datasets homedepot,crowdflower,icecat] [--queries 300] [--check]

For each data set the engine's own `compute` inputs (parsed query, ~150 fused candidates) are recorded
while it ranks the sampled test queries (as `search_bench.py` samples them), then `compute` is timed on
them: "cold" with an empty row cache and cleared normalization caches (every candidate's title data computed
on first use), "warm" with
the cache those calls filled (the serving steady state). ``--check`` also compares every value with the
per-candidate reference definition of tests/search/test_features_speed_equivalence.py.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402

from search_bench import catalog, open_shop  # noqa: E402

from shopmind.search import features  # noqa: E402
from shopmind.search import ranker as rk  # noqa: E402
from shopmind.text.normalize import normalize  # noqa: E402


def record(eng, queries: list[str]) -> list[tuple]:
    """(parsed query, candidates, popularity) of every `compute` call the engine makes ranking ``queries``."""
    calls, orig = [], features.compute

    def grab(ix, pq, c, popularity=None, row_cache=None):
        calls.append((copy.deepcopy(pq), copy.deepcopy(c), None if popularity is None else popularity.copy()))
        return orig(ix, pq, c, popularity, row_cache=row_cache)

    features.compute = grab
    try:
        for q in queries:
            eng.ids_for(q, "ranked")
    finally:
        features.compute = orig
    return calls


def timed(ix, calls, cache: dict) -> np.ndarray:
    out = []
    for pq, c, pop in calls:
        t = time.perf_counter()
        features.compute(ix, pq, c, pop, row_cache=cache)
        out.append(time.perf_counter() - t)
    return np.asarray(out) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--datasets", default="homedepot,crowdflower,icecat")
    ap.add_argument("--queries", type=int, default=300, help="test queries per data set (sampled)")
    ap.add_argument("--check", action="store_true", help="compare with the per-candidate reference")
    args = ap.parse_args()
    for name in [n for n in args.datasets.split(",") if n]:
        eng = open_shop(name).search
        df = rk.read_judgments(catalog(name)[1])
        qs = sorted(set(df["query"])) if name == "icecat" else rk.split_queries(df["query"])[1]
        if len(qs) > args.queries:
            qs = sorted(np.random.default_rng(0).choice(qs, args.queries, replace=False).tolist())
        calls = record(eng, qs)
        normalize.cache_clear()  # cold: the titles' normalization is part of it
        features.quantities.cache_clear()
        features._words.cache_clear()
        cache: dict = {}
        cold, warm = timed(eng.ix, calls, cache), timed(eng.ix, calls, cache)
        line = (f"{name}: {len(calls)} queries, {np.mean([len(c.rows) for _, c, _ in calls]):.0f} candidates each; "
                f"compute cold p50 {np.percentile(cold, 50):.2f} p95 {np.percentile(cold, 95):.2f} ms, "
                f"warm p50 {np.percentile(warm, 50):.2f} p95 {np.percentile(warm, 95):.2f} ms")
        if args.check:
            sys.path.insert(0, str(ROOT / "tests" / "search"))
            from test_features_speed_equivalence import reference

            differ = set()
            for pq, c, pop in calls:
                got, want = features.compute(eng.ix, pq, c, pop, row_cache=cache), reference(eng.ix, pq, c, pop)
                differ |= {f for j, f in enumerate(features.FEATURES) if not np.array_equal(got[:, j], want[:, j])}
            line += "; values equal to the reference" if not differ else f"; DIFFER: {sorted(differ)}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
