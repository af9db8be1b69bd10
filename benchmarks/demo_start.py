"""Time `shopmind demo` from an empty home: until the first search answer, the first chat answer, and the
background job's end (all wall seconds); prints one JSON line.

    HF_HUB_OFFLINE=1 python benchmarks/demo_start.py [--port 8765]

CPU-seconds of the whole load + enrichment + indexing are measured apart, with
`/usr/bin/time -v shopmind --home EMPTY demo --no-serve` (user + sys).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--timeout", type=float, default=600)
    a = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="shopmind-demo-"))
    exe = Path(sys.executable).with_name("shopmind")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "SHOPMIND_LOG_LEVEL": "warning"}
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(exe), "--home", str(home), "demo", "--port", str(a.port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{a.port}"
    out: dict[str, float | str] = {}
    try:
        with httpx.Client(base_url=base, timeout=60) as c:
            while True:
                if proc.poll() is not None:
                    raise SystemExit(f"shopmind demo exited with {proc.returncode}")
                try:
                    t1 = time.perf_counter()
                    r = c.get("/api/search", params={"q": "蓝牙耳机"})
                    if r.status_code == 200 and r.json().get("results"):
                        out["first_search_answer_s"] = round(time.perf_counter() - t0, 2)
                        out["first_search_latency_s"] = round(time.perf_counter() - t1, 3)
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
            t1 = time.perf_counter()
            r = c.get("/api/search", params={"q": "running shoes under 100"})
            out["second_search_latency_s"] = round(time.perf_counter() - t1, 3)
            t1 = time.perf_counter()
            r = c.post("/api/chat", json={"conversation_id": "bench-1", "message": "do you have wireless earbuds?"})
            r.raise_for_status()
            out["first_chat_latency_s"] = round(time.perf_counter() - t1, 3)
            t1 = time.perf_counter()
            c.post("/api/chat", json={"conversation_id": "bench-2", "message": "退货政策是什么？"}).raise_for_status()
            out["second_chat_latency_s"] = round(time.perf_counter() - t1, 3)
            while time.perf_counter() - t0 < a.timeout:
                jobs = c.get("/api/jobs", params={"kind": "index"}).json()
                if jobs and jobs[0]["status"] != "running":
                    out["background_done_s"] = round(time.perf_counter() - t0, 1)
                    out["background_status"] = jobs[0]["status"]
                    break
                time.sleep(1)
            t1 = time.perf_counter()
            c.get("/api/search", params={"q": "蓝牙耳机"})
            out["search_after_background_s"] = round(time.perf_counter() - t1, 3)
    finally:
        proc.terminate()
        proc.wait(30)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
