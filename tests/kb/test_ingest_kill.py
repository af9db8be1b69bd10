"""A batch killed mid-way (SIGKILL while it writes) leaves the store exactly before or after the batch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from shopmind.kb import open_store
from shopmind.kb.ingest import ingest_file

ROOT = Path(__file__).resolve().parents[2]
N = 20000
WORDS = "steel kettle cordless phone laptop charger cable lamp desk chair blender mixer".split()


def _rows(n: int, version: str) -> list[dict]:
    out = []
    for i in range(n):
        w = [WORDS[(i * k) % len(WORDS)] for k in (1, 3, 7)]
        out.append({
            "id": f"k{i:06d}",
            "title": f"{w[0].title()} {w[1]} {w[2]} model {i} {version}",
            "brand": f"Brand{i % 37}",
            "price": round(5 + (i * 7919 % 100000) / 100, 2),
            "description": f"{version}: " + " ".join(WORDS[(i + j) % len(WORDS)] for j in range(30)),
            "attributes": {"size": i % 9, "colour": w[1]},
        })
    return out


def _state(url: str) -> dict[str, tuple]:
    s = open_store(url)
    try:
        return {p.id: (p.title, p.price, p.version) for p in s.iter_products()}
    finally:
        s.close()


def test_sigkill_mid_ingest_leaves_before_or_after_state(tmp_path):
    url = f"sqlite:///{tmp_path / 'kb.sqlite3'}"
    before_file = tmp_path / "before.jsonl"
    before_file.write_text("\n".join(json.dumps(r) for r in _rows(500, "v1")))
    s = open_store(url)
    assert ingest_file(s, before_file).inserted == 500
    s.close()
    before = _state(url)

    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(json.dumps(r) for r in _rows(N, "v2")))
    script = textwrap.dedent(f"""
        from shopmind.kb import open_store
        from shopmind.kb.ingest import ingest_file
        ingest_file(open_store({url!r}), {str(big)!r})
        print("DONE", flush=True)
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wal = tmp_path / "kb.sqlite3-wal"
    deadline = time.monotonic() + 120
    try:
        # Kill once the batch's transaction is spilling pages to the WAL (well past job bookkeeping).
        while proc.poll() is None and time.monotonic() < deadline:
            if wal.exists() and wal.stat().st_size > 2_000_000:
                break
            time.sleep(0.002)
        killed_while_running = proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)
        wal_at_kill = wal.stat().st_size if wal.exists() else 0
    finally:
        proc.wait(timeout=30)
    out, err = proc.communicate()
    assert killed_while_running, f"ingest ended before it could be killed: {out!r} {err[-2000:]!r}"
    assert proc.returncode == -signal.SIGKILL

    after_state = _state(url)
    expected_after = {**before, **{r["id"]: (r["title"], r["price"]) for r in _rows(N, "v2")}}
    if after_state == before:
        outcome = "before"
    else:
        assert len(after_state) == N, "store holds part of the batch"
        assert {k: v[:2] for k, v in after_state.items()} == {k: v[:2] for k, v in expected_after.items()}
        outcome = "after"
    print(f"killed at WAL {wal_at_kill} bytes: store is in the {outcome}-state")
    s = open_store(url)  # the reopened store is consistent and writable
    try:
        assert s.count_products() == len(after_state)
        assert len(s.history("k000001")) == (1 if outcome == "before" else 2)
        assert s.upsert_products([]).inserted == 0
        job = s.jobs(kind="ingest")[0]
        assert job.status == "failed" and "interrupted" in (job.message or "")  # never "succeeded"
    finally:
        s.close()
