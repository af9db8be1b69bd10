"""benchmarks/recs_data.py: RecBole .inter -> sequence file (k-core, time order, renumbered ids)."""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from pathlib import Path

import pytest

from shopmind.recommend.data import load_sequences

ROOT = Path(__file__).resolve().parents[2]


def _loader():
    spec = importlib.util.spec_from_file_location("recs_data", ROOT / "benchmarks" / "recs_data.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _inter(rows):
    return "user_id:token\titem_id:token\trating:float\ttimestamp:float\n" + "".join(
        f"{u}\t{i}\t5\t{t}\n" for u, i, t in rows)


def test_k_core_time_order_and_ids(tmp_path):
    rd = _loader()
    rows = []
    for u in ("alice", "bob", "carol"):  # 3 users x items A B C with spaces in ids, reverse time
        for k, item in enumerate(("Item A", "Item B", "Item C")):
            rows.append((u, item, 100 - k))
    rows.append(("dave", "Item A", 5))  # dave has 1 interaction: removed by 2-core
    rows.append(("alice", "Rare", 1))  # an item seen once: removed, then alice still has 3
    src = tmp_path / "x.inter"
    src.write_text(_inter(rows))
    kept = rd.k_core(rd.read_inter(src), 2)
    assert {r[0] for r in kept} == {"alice", "bob", "carol"} and "Rare" not in {r[1] for r in kept}
    seqs = rd.to_sequences(kept)
    assert seqs[0] == [1, 3, 2, 1]  # alice: C (t 98), B (99), A (100); ids renumbered by first appearance
    # the same file read from inside a zip (a wheel), written and read back as a sequence file
    whl = tmp_path / "pkg.whl"
    with zipfile.ZipFile(whl, "w") as z:
        z.writestr("pkg/data/x.inter", _inter(rows))
    out = tmp_path / "seq.txt"
    sys_argv = sys.argv
    try:
        sys.argv = ["recs_data.py", str(whl), str(out), "--member", "pkg/data/x.inter", "--core", "2"]
        rd.main()
    finally:
        sys.argv = sys_argv
    data = load_sequences(out)
    assert data.n_users == 3 and data.n_items == 3


def test_bad_inter_file_names_the_problem(tmp_path):
    rd = _loader()
    bad = tmp_path / "bad.inter"
    bad.write_text("user_id:token\titem_id:token\n1\t2\n")
    with pytest.raises(ValueError, match="timestamp"):
        rd.read_inter(bad)
    bad.write_text("user_id:token\titem_id:token\ttimestamp:float\n1\t2\tnoon\n")
    with pytest.raises(ValueError, match=r"bad.inter:2: timestamp 'noon'"):
        rd.read_inter(bad)
