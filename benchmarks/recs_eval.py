"""Leave-one-out full-ranking benchmark of every recommender on a sequence data set.

Run:  python benchmarks/recs_eval.py --data beauty [--models pop,itemknn,ease,als,bpr,sasrec,blend]
      python benchmarks/recs_eval.py --data ml100k     (MovieLens-100k as time-ordered sequences)
      python benchmarks/recs_eval.py --data FILE.txt   (any sequence file, e.g. from recs_data.py)
Prints a markdown table (and --json FILE writes the full report).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shopmind.procutil import configure_threads  # noqa: E402

configure_threads()

from shopmind.config import data_dir  # noqa: E402
from shopmind.eval.recs import eval_recs, format_table  # noqa: E402
from shopmind.recommend.data import load_sequences, movielens_sequences  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="beauty", help="beauty, ml100k, or a path to a sequence file")
    ap.add_argument("--models", default="pop,itemknn,ease,als,bpr,sasrec,blend")
    ap.add_argument("--budget", type=float, default=600.0, help="tuning seconds per model")
    ap.add_argument("--tune-users", type=int, default=0, help="validation users for tuning (0 = all)")
    ap.add_argument("--params", default=None, help='fixed hyperparameters, JSON {"model": {...}}')
    ap.add_argument("--json", default=None, help="write the report here")
    ap.add_argument("--save", default=None, help="keep the final models in this folder")
    ap.add_argument("--pretrained", default=None, help="NAME=PATH,... models already trained on the validation split")
    ap.add_argument("--train-once", action="store_true",
                    help="fit SASRec (fixed --params) once on the validation split, as when it is tuned")
    a = ap.parse_args()
    if a.data == "beauty":
        data = load_sequences(data_dir() / "recs/amazon-beauty/Beauty.txt")
    elif a.data == "ml100k":
        data = movielens_sequences(data_dir() / "recs/movielens-100k")
    else:
        data = load_sequences(a.data)
    from shopmind.recommend.sasrec import SASRec

    SASRec.log = staticmethod(lambda s: print(s, file=sys.stderr, flush=True))
    t0 = time.perf_counter()
    report = eval_recs(
        data, a.models.split(","), budget_s=a.budget, tune_users=a.tune_users or None,
        params=json.loads(a.params) if a.params else None, save_dir=a.save,
        pretrained=dict(x.split("=", 1) for x in a.pretrained.split(",")) if a.pretrained else None,
        log=lambda s: print(s, file=sys.stderr, flush=True), train_once=a.train_once,
    )
    report.update(data=a.data, seconds=round(time.perf_counter() - t0, 1), cpus=os.cpu_count(),
                  machine=platform.machine(), date=time.strftime("%Y-%m-%d"))
    print(f"{a.data}: {report['users']} users, {report['items']} items, total {report['seconds']}s")
    print(format_table(report))
    if a.json:
        Path(a.json).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
