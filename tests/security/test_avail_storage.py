"""Storage errors surface as themselves: a full database or disk is reported with its real reason by
the job record, the CLI (exit code 2, one line) and the API (507), and the store keeps working after.

Made full for real: SQLite's ``max_page_count`` (the database cannot grow) and a 3 MB tmpfs (the disk
itself is full; skipped where mounting one is not permitted)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from shopmind.kb.models import ProductIn

ROOT = Path(__file__).resolve().parents[2]


def _products(n: int, prefix: str = "full") -> list[ProductIn]:
    return [ProductIn(id=f"{prefix}-{i}", title=f"Storage test product {i} " + "x" * 300, price=1.0 + i)
            for i in range(n)]


def _csv(path: Path, n: int) -> Path:
    lines = ["id,title,description,price"] + [f"bulk-{i},Bulk product {i},{'long text ' * 60},{i % 90 + 1}"
                                              for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_full_database_is_reported_as_itself_and_the_store_goes_on(tmp_path):
    from shopmind.kb.ingest import ingest_file
    from shopmind.kb.sqlite import SQLiteStore
    from shopmind.kb.storage_errors import storage_full

    store = SQLiteStore(tmp_path / "kb.sqlite")
    store.upsert_products(_products(5, "kept"))
    w = store._writer
    pages = w.execute("PRAGMA page_count").fetchone()[0]
    w.execute(f"PRAGMA max_page_count = {pages + 20}")  # room for the job rows, not for the batch
    with pytest.raises(sqlite3.OperationalError, match="database or disk is full") as exc:
        ingest_file(store, _csv(tmp_path / "big.csv", 3000), source="upload:big.csv")
    assert storage_full(exc.value).startswith("storage full: database or disk is full")
    job = store.jobs(1, "ingest")[0]
    assert job.status == "failed" and "database or disk is full" in (job.message or ""), job
    assert "no transaction is active" not in (job.message or "")
    assert store.count_products() == 5  # the failed batch left nothing half-written
    w.execute("PRAGMA max_page_count = 1073741823")
    store.upsert_products(_products(3, "after"))  # the writer is not stuck in a transaction
    assert store.count_products() == 8
    store.close()


@pytest.fixture
def tiny_disk(tmp_path):
    """A 3 MB tmpfs (needs the right to mount; skipped otherwise)."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({r.stderr.strip() or r.returncode})")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_cli_exits_2_with_one_line_when_the_disk_is_full(tiny_disk, tmp_path):
    home = tiny_disk / "shop"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    cmd = [sys.executable, "-m", "shopmind.cli", "--home", str(home), "ingest", "--no-index",
           str(_csv(tmp_path / "big.csv", 6000))]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    lines = [line for line in r.stderr.splitlines() if line.strip()]  # progress bars, then the reason
    assert lines[-1].startswith("error: storage full:"), r.stderr[-2000:]
    assert "Traceback" not in r.stderr and sum("error" in line.lower() for line in lines) == 1, r.stderr[-2000:]
    # the job records the real error (the database itself stays readable)
    con = sqlite3.connect(f"file:{home / 'kb.sqlite3'}?mode=ro", uri=True)
    status, message = con.execute("SELECT status, message FROM jobs WHERE kind='ingest' ORDER BY id DESC").fetchone()
    con.close()
    assert status == "failed" and "full" in message and "no transaction is active" not in message, message


def test_api_answers_507_with_the_reason_when_the_disk_is_full(tiny_disk, tmp_path):
    from fastapi.testclient import TestClient

    from shopmind.api import create_app
    from shopmind.config import Settings

    app = create_app(Settings(home=tiny_disk / "shop", admin_key="k"))
    with TestClient(app) as c:
        big = _csv(tmp_path / "big.csv", 6000).read_bytes()
        r = c.post("/api/ingest", files={"file": ("big.csv", big, "text/csv")}, data={"index": "false"},
                   headers={"X-API-Key": "k"})
        assert r.status_code == 507, r.text[:500]
        body = r.json()
        assert body["error"].startswith("storage full:") and body["errors"][0]["field"] == "storage"
        assert str(tiny_disk) not in r.text and str(tmp_path) not in r.text
        assert c.get("/api/health").status_code == 200  # reads still work
