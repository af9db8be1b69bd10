"""Training memory and time of recommenders on synthetic catalogs of any size (one subprocess per run).

Peak memory is the child's own `resource.getrusage(RUSAGE_SELF).ru_maxrss`, so each measurement sees
only what its models allocated (plus the interpreter, numpy and scipy, reported as `base_mb`).

Run:  python -m shopmind.eval.recs_memory --items 500000 --events 2500000 --models pop,itemknn
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from shopmind.recommend.data import Interactions


def synthetic(n_items: int, n_events: int, mean_len: float = 6.0, seed: int = 0) -> Interactions:
    """Users with geometric sequence lengths (mean `mean_len`) over items drawn from a Zipf-like
    popularity (exponent 0.8), so a few items are very popular and most have a handful of events."""
    rng = np.random.default_rng(seed)
    n_users = max(1, int(n_events / mean_len))
    lens = rng.geometric(1.0 / mean_len, n_users).astype(np.int64)
    lens = np.maximum(1, np.round(lens * (n_events / lens.sum()))).astype(np.int64)
    total = int(lens.sum())
    if n_items == 0 or total == 0:
        return Interactions([np.zeros(0, np.int64)] * n_users, [f"i{k}" for k in range(n_items)],
                            [f"u{u}" for u in range(n_users)])
    w = 1.0 / np.power(np.arange(1, n_items + 1, dtype=np.float64), 0.8)
    cdf = np.cumsum(w)
    cdf /= cdf[-1]
    items = np.minimum(np.searchsorted(cdf, rng.random(total)), n_items - 1).astype(np.int64)
    perm = rng.permutation(n_items)  # popular items anywhere in the index range
    seqs = np.split(perm[items], np.cumsum(lens)[:-1])
    return Interactions(seqs, [f"i{k}" for k in range(n_items)], [f"u{u}" for u in range(n_users)])


def empty_catalog(n_items: int) -> Interactions:
    """A catalog with no events at all (a shop right after its first product import)."""
    return Interactions([], [f"i{k}" for k in range(n_items)], [])


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: kilobytes


def train_here(n_items: int, n_events: int, models: list[str], params: dict[str, dict[str, Any]] | None = None,
               seed: int = 0) -> dict[str, Any]:
    """Generate the data and fit each model in this process; peak RSS after each (cumulative)."""
    from shopmind.recommend.base import ModelTooLarge
    from shopmind.recommend.models import make

    base = _peak_mb()
    t0 = time.perf_counter()
    data = synthetic(n_items, n_events, seed=seed) if n_events else empty_catalog(n_items)
    out: dict[str, Any] = {"items": n_items, "events": int(sum(len(s) for s in data.sequences)),
                           "users": data.n_users, "base_mb": round(base, 1),
                           "data_s": round(time.perf_counter() - t0, 2), "data_mb": round(_peak_mb(), 1), "models": {}}
    for name in models:
        t1 = time.perf_counter()
        try:
            m = make(name, **(params or {}).get(name, {})).fit(data)
            out["models"][name] = {"train_s": round(time.perf_counter() - t1, 2), "peak_mb": round(_peak_mb(), 1),
                                   "state_mb": round(sum(a.nbytes for a in m._state().values()) / 2**20, 1)}
        except ModelTooLarge as e:
            out["models"][name] = {"skipped": str(e), "peak_mb": round(_peak_mb(), 1)}
        m = None  # dropped before the next model
    return out


def train_in_subprocess(n_items: int, n_events: int, models: list[str], timeout: float = 900.0,
                        params: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """`train_here` in a fresh interpreter (so its peak RSS is its own); returns its JSON report."""
    cmd = [sys.executable, "-m", "shopmind.eval.recs_memory", "--items", str(n_items), "--events", str(n_events),
           "--models", ",".join(models), "--params", json.dumps(params or {})]
    import shopmind

    root = str(Path(shopmind.__file__).resolve().parents[1])  # this checkout first, as in the parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    if res.returncode != 0:
        raise RuntimeError(f"training subprocess failed ({res.returncode}): {res.stderr[-2000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    from shopmind.procutil import configure_threads

    configure_threads()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, required=True)
    ap.add_argument("--events", type=int, required=True)
    ap.add_argument("--models", default="pop,trending,itemknn")
    ap.add_argument("--params", default="{}", help='JSON {"model": {...}}')
    a = ap.parse_args()
    print(json.dumps(train_here(a.items, a.events, a.models.split(","), json.loads(a.params))))


if __name__ == "__main__":
    main()
