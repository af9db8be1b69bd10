"""Append hand-graded Icecat labels written as `query: id grade, id grade, ...` lines (one query a line)
to tests/data/search/icecat_judgments.csv, refusing unknown queries and duplicate pairs.

    python benchmarks/search_icecat_labels.py LABELS.txt
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "search"


def main(path: str) -> None:
    queries = {q.strip() for q in (DATA / "icecat_queries.txt").read_text("utf-8").splitlines() if q.strip()}
    out = DATA / "icecat_judgments.csv"
    seen = set()
    if out.exists():
        with out.open(encoding="utf-8") as f:
            seen = {(r["query"], r["product_id"]) for r in csv.DictReader(f)}
    rows = []
    for n, line in enumerate(Path(path).read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        q, _, rest = line.partition(":")
        q = q.strip()
        if q not in queries:
            raise SystemExit(f"line {n}: unknown query {q!r}")
        for item in rest.split(","):
            pid, grade = item.split()
            if grade not in {"0", "1", "2", "3"}:
                raise SystemExit(f"line {n}: grade must be 0..3, got {grade!r}")
            if (q, pid) in seen:
                continue
            seen.add((q, pid))
            rows.append((q, pid, grade))
    new = not out.exists()
    with out.open("a", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        if new:
            w.writerow(["query", "product_id", "grade"])
        w.writerows(rows)
    print(f"{len(rows)} labels added to {out}")


if __name__ == "__main__":
    main(sys.argv[1])
