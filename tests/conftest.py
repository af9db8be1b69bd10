"""Shared fixtures: real SQLite stores in temp dirs, the shared data path (skips when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
# The encoders' OpenMP threads must sleep, not spin, while they wait: on 2 shared cores spinning
# threads double the suite's CPU time. Set before any encoder is loaded.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from shopmind.config import Settings, data_dir as _data_dir  # noqa: E402
from shopmind.kb import open_store  # noqa: E402


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The shared public data sets (env SHOPMIND_DATA, default ../shared/data); skip when absent."""
    d = _data_dir()
    if not (d / "README.md").exists():
        pytest.skip(f"shared data not found at {d} (set SHOPMIND_DATA to run tests on real data)")
    return d


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """One headless Debian Chromium per test module (never a downloaded browser). Not per session:
    playwright's sync API keeps an event loop running in the main thread while it is open, which breaks
    later tests that call asyncio.run()."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (make browser) to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")

    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    yield s
    s.close()


@pytest.fixture
def shop(tmp_path):
    from shopmind.shop import Shop

    sh = Shop(Settings(home=tmp_path / "home", admin_key="test-key"))
    yield sh
    sh.close()
