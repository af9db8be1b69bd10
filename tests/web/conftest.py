"""Browser-test fixtures: one real server (uvicorn thread) on the demo shop and one headless Chromium.

The server runs the real app (`create_app`) on a temp home loaded with `shopmind.demo.load_demo`; the
search index and the recommendation models are built once per session. Text vectors computed by the
real encoder are kept in test-artifacts/web/vectors-<model>.npz (keyed by text hash, like the store's
own vector cache) so a second run does not re-encode the same demo texts.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ADMIN_KEY = "web-test-key"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _vector_rows(db: Path) -> dict[str, dict[str, np.ndarray]]:
    """Every cached vector of the store's SQLite file, by model then text key."""
    import sqlite3

    out: dict[str, dict[str, np.ndarray]] = {}
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        for model, key, vec in con.execute("SELECT model, key, vec FROM vectors"):
            out.setdefault(model, {})[key] = np.frombuffer(vec, dtype=np.float32)
    finally:
        con.close()
    return out


def seed_vectors(store) -> int:
    n = 0
    for f in sorted(ARTIFACTS.glob("vectors-*.npz")):
        with np.load(f, allow_pickle=False) as z:
            keys, vecs, model = z["keys"], z["vecs"], str(z["model"])
        store.put_vectors(model, {str(k): v for k, v in zip(keys, vecs)})
        n += len(keys)
    return n


def save_vectors(db: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for model, rows in _vector_rows(db).items():
        if not rows:
            continue
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in model)
        np.savez(ARTIFACTS / f"vectors-{safe}.npz", model=np.array(model), keys=np.array(list(rows)),
                 vecs=np.stack(list(rows.values())))


class LiveServer:
    def __init__(self, url: str, shop, warm: dict[str, str]):
        self.url, self.shop, self.warm = url, shop, warm
        self.key = ADMIN_KEY

    def events(self, type_: str | None = None, product_id: str | None = None) -> list:
        return [e for e in self.shop.store.iter_events(types=[type_] if type_ else None)
                if product_id is None or e.product_id == product_id]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The real API + UI on 127.0.0.1:<free port>, demo shop loaded, search and recommendations warm."""
    import uvicorn

    from shopmind.api import create_app
    from shopmind.config import Settings
    from shopmind.demo import load_demo
    from shopmind.shop import Shop

    home = tmp_path_factory.mktemp("webshop")
    shop = Shop(Settings(home=home, admin_key=ADMIN_KEY))
    load_demo(shop.store)
    seed_vectors(shop.store)
    warm: dict[str, str] = {}
    # build what the pages call, once; a component that is not there yet is reported, not fatal
    for name, fn in (("search", lambda: shop.search.search("phone", size=1)),
                     ("recommender", lambda: shop.recommender.train()),
                     ("assistant", lambda: shop.assistant)):
        t0 = time.perf_counter()
        try:
            fn()
            warm[name] = f"ok {time.perf_counter() - t0:.1f}s"
        except Exception as e:  # noqa: BLE001 - the tests that need it fail with this reason
            warm[name] = f"{type(e).__name__}: {e}"
    save_vectors(home / "kb.sqlite3")
    print(f"\nweb test server warm-up: {warm}")
    app = create_app(shop=shop)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="web-test-server", daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started:
        if time.time() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", shop, warm)
    server.should_exit = True
    thread.join(15)


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the session (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (make browser) to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")

    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (own storage) with page errors collected; fails on uncaught JS errors."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    pg = ctx.new_page()
    pg.set_default_timeout(20000)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.base = live_server.url
    yield pg
    ctx.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def shot():
    """shot(page, name): save a screenshot under test-artifacts/web/ (gitignored) for a human to look at."""
    def take(page, name: str, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path
    return take
