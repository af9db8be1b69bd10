"""Benchmark: ingest all 19,406 Icecat products into a fresh SQLite store, then re-ingest, dedupe, quality.

Run:  python benchmarks/ingest_icecat.py [--data ../shared/data] [--repeat 3]
Prints rows/s of each step (best of --repeat runs; each fresh ingest uses a new temp store).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shopmind.config import data_dir  # noqa: E402
from shopmind.kb import open_store  # noqa: E402
from shopmind.kb.dedupe import find_duplicates  # noqa: E402
from shopmind.kb.ingest import ingest_file  # noqa: E402
from shopmind.kb.quality import quality_report  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=data_dir())
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--progress", action="store_true", help="show the progress bar of the first run")
    args = ap.parse_args()
    folder = args.data / "search" / "icecat"
    fresh, again, dedupe_s, quality_s, cpu = [], [], [], [], []
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            store = open_store(f"sqlite:///{tmp}/kb.sqlite3")
            c0 = time.process_time()
            rep = ingest_file(store, folder, progress=args.progress and i == 0)
            cpu.append(time.process_time() - c0)
            assert rep.inserted == rep.rows and rep.rejected == 0, rep.summary()
            fresh.append(rep)
            again.append(ingest_file(store, folder))
            t = time.perf_counter()
            groups = find_duplicates(store)
            dedupe_s.append(time.perf_counter() - t)
            t = time.perf_counter()
            quality_report(store, duplicates=groups)
            quality_s.append(time.perf_counter() - t)
            store.close()
    best = min(fresh, key=lambda r: r.seconds)
    best_again = min(again, key=lambda r: r.seconds)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cpus, "
          f"python {platform.python_version()}; load avg {os.getloadavg()[0]:.1f}")
    print(f"{'step':<34}{'rows':>8}{'seconds':>10}{'rows/s':>10}")
    print(f"{'ingest (fresh store)':<34}{best.rows:>8}{best.seconds:>10.2f}{best.rows_per_s:>10,.0f}")
    for phase, sec in best.phases.items():
        print(f"{'  ' + phase:<34}{best.rows:>8}{sec:>10.2f}{best.rows / sec:>10,.0f}")
    print(f"{'re-ingest (all unchanged)':<34}{best_again.rows:>8}{best_again.seconds:>10.2f}"
          f"{best_again.rows_per_s:>10,.0f}")
    print(f"{'find_duplicates':<34}{best.rows:>8}{min(dedupe_s):>10.2f}{best.rows / min(dedupe_s):>10,.0f}")
    print(f"{'quality_report (dupes given)':<34}{best.rows:>8}{min(quality_s):>10.2f}"
          f"{best.rows / min(quality_s):>10,.0f}")
    print(f"duplicate groups: {len(groups)}; all fresh runs (s): {[round(r.seconds, 2) for r in fresh]}")
    print(f"CPU time of the fresh ingests (s, not inflated by other processes): {[round(c, 2) for c in cpu]}"
          f" -> {best.rows / min(cpu):,.0f} rows per CPU-second")


if __name__ == "__main__":
    main()
