"""Browser-test fixtures: one real server on the demo shop (shopmind.testing.live) and one headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

ADMIN_KEY = "web-test-key"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The real API + UI on 127.0.0.1:<free port>, demo shop loaded, search and recommendations warm,
    demo sign-in on (as `shopmind demo` has it)."""
    from shopmind.testing.live import demo_server

    srv = demo_server(tmp_path_factory.mktemp("webshop"), ADMIN_KEY, warm_search=True, warm_recs=True,
                      warm_assistant=True, demo_sign_in=True)
    print(f"\nweb test server warm-up: {srv.warm}")
    yield srv
    srv.stop()


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
