"""Storefront search page load on the demo shop, measured in headless Chromium.

Starts the real server (uvicorn thread, demo shop in a temp home, search warmed), then loads
``/?q=<query>`` many times and reads ``window.__smReadyAt``: milliseconds from navigation start until the
results of the search are rendered (HTML + CSS + JS modules + /api/search + facets + cards). "cold" uses
a fresh browser context per load (empty HTTP cache), "warm" reuses one context. For comparison, the
/api/search call alone is timed from Python on the same queries.

Run:  HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/web_page_load.py [--n 40]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ["phone", "蓝牙耳机", "air fryer", "running shoes", "笔记本电脑", "tea", "降噪耳机 2000元以内",
           "laptop 16GB", "连衣裙", "headphones", "smart watch", "护肤", "books", "空气炸锅", "yoga mat"]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(xs), q))


def start_server(home: Path):
    import uvicorn

    from shopmind.api import create_app
    from shopmind.config import Settings
    from shopmind.demo import load_demo
    from shopmind.shop import Shop

    sys.path.insert(0, str(ROOT / "tests" / "web"))
    shop = Shop(Settings(home=home, admin_key="bench"))
    load_demo(shop.store)
    try:  # reuse the browser tests' cache of real encoder vectors when present
        from conftest import seed_vectors  # type: ignore[import-not-found]

        seed_vectors(shop.store)
    except ImportError:
        pass
    shop.search.search("phone", size=1)
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(shop=shop), host="127.0.0.1", port=port, log_level="warning"))
    th = threading.Thread(target=server.run, daemon=True)
    th.start()
    while not server.started:
        time.sleep(0.05)
    return server, th, f"http://127.0.0.1:{port}", shop


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=40, help="page loads per mode")
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server, th, url, shop = start_server(Path(tmp))
        qs = [QUERIES[i % len(QUERIES)] for i in range(a.n)]
        api_ms = []
        with httpx.Client(base_url=url) as c:
            for q in qs:
                t0 = time.perf_counter()
                c.get("/api/search", params={"q": q, "size": 12, "page": 1}).raise_for_status()
                api_ms.append((time.perf_counter() - t0) * 1000)
        res: dict[str, list[float]] = {"cold": [], "warm": []}
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for q in qs:
                ctx = b.new_context(viewport={"width": 1280, "height": 900})
                pg = ctx.new_page()
                pg.goto(f"{url}/?q={q}")
                pg.wait_for_selector("body[data-ready]")
                res["cold"].append(pg.evaluate("window.__smReadyAt"))
                ctx.close()
            ctx = b.new_context(viewport={"width": 1280, "height": 900})
            pg = ctx.new_page()
            pg.goto(f"{url}/?q=warmup")
            pg.wait_for_selector("body[data-ready]")
            for q in qs:
                pg.goto(f"{url}/?q={q}")
                pg.wait_for_selector("body[data-ready]")
                res["warm"].append(pg.evaluate("window.__smReadyAt"))
            b.close()
        server.should_exit = True
        th.join(10)
        shop.close()
    print(f"products: 337 (demo shop), loads per mode: {a.n}")
    print(f"{'measure':<42}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    rows = [("/api/search alone (httpx)", api_ms), ("page load, cold browser cache", res["cold"]),
            ("page load, warm browser cache", res["warm"])]
    for name, xs in rows:
        print(f"{name:<42}{statistics.median(xs):>9.1f}{pct(xs, 95):>9.1f}{max(xs):>9.1f}")


if __name__ == "__main__":
    main()
