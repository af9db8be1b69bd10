"""The server honours SIGTERM while a background index job runs: the job stops at its next batch
boundary (recorded as failed with the reason), the process exits promptly, and searches answered
until then from the index they had."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from shopmind.testing.live import free_port

ROOT = Path(__file__).resolve().parents[2]
KEY = "sigterm-key"
pytestmark = pytest.mark.slow


def _csv(n: int) -> bytes:
    rows = ["id,title,brand,category,price"] + [
        f"st-{i},Cordless drill driver model {i} with two batteries,Brand{i % 40},Tools > Drills,{50 + i % 200}"
        for i in range(n)]
    return ("\n".join(rows) + "\n").encode()


def _job(home: Path, job_id: int) -> tuple[str, str | None, float]:
    con = sqlite3.connect(f"file:{home / 'kb.sqlite3'}?mode=ro", uri=True)
    try:
        return con.execute("SELECT status, message, progress FROM jobs WHERE id=?", (job_id,)).fetchone()
    finally:
        con.close()


def test_sigterm_stops_the_index_job_at_a_batch_boundary_and_exits(tmp_path):
    home, port = tmp_path / "shop", free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT), "SHOPMIND_ADMIN_KEY": KEY,
           "SHOPMIND_ENCODER": "minilm", "SHOPMIND_SEARCH_WORKERS": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "shopmind.cli", "--home", str(home), "serve", "--port", str(port)],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited: {proc.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline:
                pytest.fail("server did not start within 90 s")
            time.sleep(0.2)
        with httpx.Client(base_url=url, timeout=120, headers={"X-API-Key": KEY}) as c:
            first = c.post("/api/ingest", files={"file": ("a.csv", _csv(40), "text/csv")}).json()
            while _job(home, first["index"]["job_id"])[0] == "running":  # a first, small index
                time.sleep(0.5)
            assert _job(home, first["index"]["job_id"])[0] == "succeeded"
            assert c.get("/api/search", params={"q": "drill"}).json()["total"] > 0
            out = c.post("/api/ingest", files={"file": ("b.csv", _csv(20000), "text/csv")}).json()
            job_id = out["index"]["job_id"]
            deadline = time.time() + 120
            while _job(home, job_id)[2] <= 0.0 and time.time() < deadline:  # the rebuild has begun
                time.sleep(0.5)
            assert _job(home, job_id)[0] == "running"
            assert c.get("/api/search", params={"q": "drill"}, timeout=5).status_code == 200
        t0 = time.perf_counter()
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
        took = time.perf_counter() - t0
        print(f"\nSIGTERM during the index job: exited in {took:.1f}s with code {proc.returncode}")
        assert took < 30
        status, message, _ = _job(home, job_id)
        assert status == "failed" and message.startswith("Stopped:"), (status, message)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
