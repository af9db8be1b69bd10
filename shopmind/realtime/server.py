"""Serve one shop with real time warmed up: ``python -m shopmind.realtime.server --home H --port P``.

What ``shopmind serve`` does, plus the request metrics middleware and the realtime component built
(and its model trained) before the first request; used by the load benchmark and the durability test.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--home", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--admin-key", default=os.environ.get("SHOPMIND_ADMIN_KEY"),
                    help="admin key (env SHOPMIND_ADMIN_KEY); unset: a random one, printed at start")
    ap.add_argument("--warm", default="realtime", help="components to build before serving, comma-separated")
    ap.add_argument("--no-train", action="store_true", help="do not wait for the first model")
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    import uvicorn

    from shopmind.api import create_app
    from shopmind.config import Settings
    from shopmind.realtime.metrics import install_metrics
    from shopmind.shop import Shop

    t_start = time.monotonic()
    key = args.admin_key or secrets.token_urlsafe(18)
    if not args.admin_key:
        print(f"admin key: {key}", file=sys.stderr, flush=True)
    shop = Shop(Settings(home=args.home, admin_key=key, log_level="warning"))
    app = create_app(shop=shop)
    install_metrics(app)
    for name in [w for w in args.warm.split(",") if w]:
        getattr(shop, name)
    if "realtime" in args.warm and not args.no_train:  # wait for the first model (trained in the background)
        r = shop.realtime.retrainer
        while shop.realtime.slot.get() is None and (r.training or r.runs + r.failures + r.skipped == 0):
            time.sleep(0.05)
    if "search" in args.warm and "realtime" in args.warm and shop.settings.search_workers:
        workers = shop.search_workers  # what /api/search starts on its first search while real time runs
        while workers.ready < workers.n and time.monotonic() - t_start < 300:
            time.sleep(0.05)
    print(f"ready http://{args.host}:{args.port}", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False,
                http="httptools" if _has("httptools") else "h11")


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
