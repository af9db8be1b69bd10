"""A real shopmind server for tests: the demo shop in a temp home, uvicorn on 127.0.0.1:<free port>.

Text vectors computed by the real encoder are kept in ``test-artifacts/vectors-<model>.npz`` (keyed by
text hash, like the store's own vector cache), so a second run does not re-encode the same demo texts.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
VECTOR_CACHE = ROOT / "test-artifacts" / "vectors"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _vector_rows(db: Path) -> dict[str, dict[str, np.ndarray]]:
    out: dict[str, dict[str, np.ndarray]] = {}
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        for model, key, vec in con.execute("SELECT model, key, vec FROM vectors"):
            out.setdefault(model, {})[key] = np.frombuffer(vec, dtype=np.float32)
    finally:
        con.close()
    return out


def seed_vectors(store, cache: Path = VECTOR_CACHE) -> int:
    """Put the cached vectors into ``store``; returns how many."""
    n = 0
    for f in sorted(cache.glob("vectors-*.npz")):
        with np.load(f, allow_pickle=False) as z:
            keys, vecs, model = z["keys"], z["vecs"], str(z["model"])
        store.put_vectors(model, {str(k): v for k, v in zip(keys, vecs)})
        n += len(keys)
    return n


def save_vectors(db: Path, cache: Path = VECTOR_CACHE) -> None:
    """Keep every vector of the SQLite store file ``db`` in the cache folder for the next run."""
    cache.mkdir(parents=True, exist_ok=True)
    for model, rows in _vector_rows(db).items():
        if not rows:
            continue
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in model)
        np.savez(cache / f"vectors-{safe}.npz", model=np.array(model), keys=np.array(list(rows)),
                 vecs=np.stack(list(rows.values())))


@dataclass
class LiveServer:
    """A running server: ``url``, the ``shop`` behind it, its admin ``key`` and the warm-up report."""

    url: str
    shop: Any
    key: str
    warm: dict[str, str] = field(default_factory=dict)
    _server: Any = None
    _thread: threading.Thread | None = None

    def events(self, type_: str | None = None, product_id: str | None = None) -> list:
        return [e for e in self.shop.store.iter_events(types=[type_] if type_ else None)
                if product_id is None or e.product_id == product_id]

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(15)


def serve_app(app, shop, key: str, warm: dict[str, str] | None = None, timeout: float = 30) -> LiveServer:
    """Run ``app`` with uvicorn in a daemon thread on a free loopback port; returns when it listens."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="shopmind-test-server", daemon=True)
    thread.start()
    deadline = time.time() + timeout
    while not server.started:
        if time.time() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    return LiveServer(f"http://127.0.0.1:{port}", shop, key, warm or {}, server, thread)


def demo_server(home: Path, key: str, warm_search: bool = True, warm_recs: bool = False,
                warm_assistant: bool = False, **settings: Any) -> LiveServer:
    """The demo shop loaded into ``home`` and served; the components asked for are built first.

    A component that fails to build is reported in ``warm`` (the tests that need it fail with it).
    """
    from shopmind.api import create_app
    from shopmind.config import Settings
    from shopmind.demo import load_demo
    from shopmind.shop import Shop

    shop = Shop(Settings(home=home, admin_key=key, **settings))
    load_demo(shop.store)
    seed_vectors(shop.store)
    steps: list[tuple[str, Callable[[], Any]]] = []
    if warm_search:
        steps.append(("search", lambda: shop.search.search("phone", size=1)))
    if warm_recs:
        steps.append(("recommender", lambda: shop.recommender.train()))
    if warm_assistant:
        steps.append(("assistant", lambda: shop.assistant))
    warm: dict[str, str] = {}
    for name, fn in steps:
        t0 = time.perf_counter()
        try:
            fn()
            warm[name] = f"ok {time.perf_counter() - t0:.1f}s"
        except Exception as e:  # noqa: BLE001 - reported; the tests that need it fail with this reason
            warm[name] = f"{type(e).__name__}: {e}"
    if shop.settings.kb_url.startswith("sqlite:///"):
        save_vectors(Path(shop.settings.kb_url[len("sqlite:///"):]))
    return serve_app(create_app(shop=shop), shop, key, warm)
