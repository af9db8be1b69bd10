"""Durable event writes: one transaction per request (baseline) vs the group-commit writer.

    python benchmarks/realtime_writer.py [--threads 8] [--seconds 5] [--batch 1]

Each of ``--threads`` writers stores ``--batch`` events per call for ``--seconds``; every call returns
only after its events are committed, in both modes. Prints events/s and per-call latency.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def run(mode: str, threads: int, seconds: float, batch: int) -> dict:
    from shopmind.kb import open_store
    from shopmind.kb.models import EventIn
    from shopmind.realtime.writer import GroupCommitWriter

    with tempfile.TemporaryDirectory() as d:
        store = open_store(f"sqlite:///{d}/kb.sqlite3")
        writer = GroupCommitWriter(store) if mode == "group" else None
        lat: list[float] = []
        count = [0]
        lock = threading.Lock()
        stop = time.perf_counter() + seconds

        def work(t: int) -> None:
            mine, n = [], 0
            while time.perf_counter() < stop:
                evs = [EventIn(type="view", session_id=f"s{t}", product_id=f"p{n % 100}", ts=time.time())
                       for _ in range(batch)]
                t0 = time.perf_counter()
                ids = writer.write(evs) if writer else store.add_events(evs)
                mine.append(time.perf_counter() - t0)
                n += len(ids)
            with lock:
                lat.extend(mine)
                count[0] += n

        ts = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
        t0 = time.perf_counter()
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        wall = time.perf_counter() - t0
        stored = store.count_events()
        if writer:
            writer.close()
        store.close()
    lat.sort()
    q = lambda p: lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1000  # noqa: E731
    return {"mode": mode, "events_per_s": count[0] / wall, "stored": stored, "acked": count[0],
            "p50_ms": q(50), "p95_ms": q(95), "p99_ms": q(99)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--batch", type=int, default=1)
    a = ap.parse_args()
    print(f"{a.threads} writer threads, {a.batch} event(s) per call, {a.seconds:.0f}s each mode")
    print(f"{'mode':<28}{'events/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'lost':>6}")
    for mode, label in (("tx", "one transaction per call"), ("group", "group commit")):
        r = run(mode, a.threads, a.seconds, a.batch)
        print(f"{label:<28}{r['events_per_s']:>10.0f}{r['p50_ms']:>9.2f}{r['p95_ms']:>9.2f}{r['p99_ms']:>9.2f}"
              f"{r['acked'] - r['stored']:>6}")


if __name__ == "__main__":
    main()
