"""Security-test fixtures: the demo shop served by the real app on loopback (shopmind.testing.live).

``secure_server`` is one server for the session (demo loaded, search warm, search in-process); tests
that write hostile rows use their own ids so they do not change what other tests read.
"""

from __future__ import annotations

import httpx
import pytest

ADMIN_KEY = "security-test-key"


@pytest.fixture(scope="session")
def secure_server(tmp_path_factory):
    from shopmind.testing.live import demo_server

    srv = demo_server(tmp_path_factory.mktemp("secshop"), ADMIN_KEY, warm_search=True, search_workers=0)
    yield srv
    srv.stop()


@pytest.fixture
def anon(secure_server):
    """An HTTP client with no credential (its own cookie jar)."""
    with httpx.Client(base_url=secure_server.url, timeout=60) as c:
        yield c


@pytest.fixture
def admin(secure_server):
    """An HTTP client that sends the admin key."""
    with httpx.Client(base_url=secure_server.url, timeout=60, headers={"X-API-Key": ADMIN_KEY}) as c:
        yield c
