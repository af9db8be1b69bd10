"""Peak memory and training time per recommender on synthetic catalogs (each model in a fresh process).

Run:  python benchmarks/recs_memory.py [--sizes 20000,100000,500000] [--per-item 5] [--models ...]
Prints a markdown table: items, events, model, train s (wall), peak RSS MB, model state MB.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shopmind.eval.recs_memory import train_in_subprocess  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="20000,100000,500000")
    ap.add_argument("--per-item", type=float, default=5.0, help="events per item")
    ap.add_argument("--models", default="pop,trending,itemknn,ease,als,bpr")
    ap.add_argument("--timeout", type=float, default=900.0)
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    rows = []
    print("| items | events | model | train s (wall) | peak RSS MB | state MB | note |")
    print("|---|---|---|---|---|---|---|")
    for n in [int(x) for x in a.sizes.split(",")]:
        for name in a.models.split(","):
            try:
                rep = train_in_subprocess(n, int(n * a.per_item), [name], timeout=a.timeout)
                m = rep["models"][name]
                m.update(events=rep["events"], base_mb=rep["base_mb"], data_mb=rep["data_mb"])
            except Exception as e:  # noqa: BLE001  (a timeout or crash is a result here: report it)
                m = {"error": f"{type(e).__name__}: {str(e)[:120]}", "events": int(n * a.per_item)}
            rows.append({"items": n, "model": name, **m})
            note = m.get("skipped") or m.get("error") or f"data alone {m['data_mb']:.0f} MB"
            print(f"| {n:,} | {m['events']:,} | {name} | {m.get('train_s', float('nan')):.1f} | "
                  f"{m.get('peak_mb', float('nan')):.0f} | {m.get('state_mb', float('nan')):.1f} | {note} |", flush=True)
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
