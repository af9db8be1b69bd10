"""Demo sign-in, sign-out, /api/auth/me and the events key, through a real server with demo sign-in on."""

from __future__ import annotations

import httpx
import pytest

from shopmind.api.auth import load_secret

KEY = "signin-admin-key"
EVENTS_KEY = "signin-events-key-0123456789"


@pytest.fixture(scope="module")
def demo_shop(tmp_path_factory):
    from shopmind.testing.live import demo_server

    srv = demo_server(tmp_path_factory.mktemp("signin"), KEY, warm_search=False, search_workers=0,
                      demo_sign_in=True, events_key=EVENTS_KEY)
    yield srv
    srv.stop()


@pytest.fixture
def browser_like(demo_shop):
    with httpx.Client(base_url=demo_shop.url, timeout=60) as c:
        yield c


def test_demo_login_me_logout(demo_shop, browser_like):
    c = browser_like
    users = c.get("/api/auth/demo-users").json()
    assert {"user_id": "u-lina", "name": "李娜"} in users and all(set(u) == {"user_id", "name"} for u in users)
    assert c.get("/api/auth/me").json()["kind"] == "anonymous"
    sid = c.cookies.get("shopmind_sid")
    assert c.post("/api/auth/demo-login", json={"user_id": "u-nobody"}).status_code == 404
    r = c.post("/api/auth/demo-login", json={"user_id": "u-lina"})
    assert r.status_code == 200, r.text
    assert r.json()["user_id"] == "u-lina" and r.json()["name"] == "李娜" and r.json()["expires_at"] > 0
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("shopmind_token=v1.") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert c.get("/api/auth/me").json() == {"kind": "user", "user_id": "u-lina", "session_id": sid}
    assert c.get("/api/sessions").json()["user"] == "u-lina"  # the cookie is a sign-in
    assert c.get("/api/sessions", params={"user": "u-wangqiang"}).status_code == 403
    r = c.post("/api/auth/logout")
    assert r.status_code == 200 and "Max-Age=0" in r.headers["set-cookie"]
    assert c.get("/api/auth/me").json() == {"kind": "anonymous", "user_id": None, "session_id": sid}
    assert c.get("/api/sessions", params={"user": "u-lina"}).status_code == 401
    r = c.post("/api/auth/demo-login", json={"user_id": ""})
    assert r.status_code == 422 and "user_id" in r.text


def test_events_key_posts_for_anyone_and_reads_nothing(demo_shop):
    pid = next(iter(demo_shop.shop.store.iter_products())).id
    with httpx.Client(base_url=demo_shop.url, timeout=60, headers={"X-Events-Key": EVENTS_KEY}) as feed:
        assert feed.get("/api/auth/me").json()["kind"] == "events"
        batch = [{"type": "purchase", "user_id": "u-wangqiang", "product_id": pid},
                 {"type": "view", "session_id": "shop-server-session", "product_id": pid}]
        r = feed.post("/api/events", json=batch)
        assert r.status_code == 200 and r.json()["accepted"] == 2, r.text
        stored = {e.id: e for e in demo_shop.events()}
        assert stored[r.json()["ids"][0]].user_id == "u-wangqiang"
        assert stored[r.json()["ids"][1]].session_id == "shop-server-session"
        # it records events; it is no key to anyone's data
        assert feed.get("/api/sessions", params={"user": "u-wangqiang"}).status_code == 403
        assert feed.get("/api/users").status_code == 403
    with httpx.Client(base_url=demo_shop.url, timeout=60, headers={"X-Events-Key": "wrong"}) as bad:
        r = bad.post("/api/events", json=batch)
        assert r.status_code == 403 and "events key" in r.text


def test_token_secret_is_kept_private_in_the_home(demo_shop):
    path = demo_shop.shop.settings.home / "auth-secret"
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_secret(demo_shop.shop.settings.home) == load_secret(demo_shop.shop.settings.home)


def test_openapi_declares_the_events_body_and_auth_endpoints(browser_like):
    spec = browser_like.get("/openapi.json").json()
    body = spec["paths"]["/api/events"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    one, many, wrapped = body["anyOf"]
    assert one["properties"]["position"]["anyOf"][0]["maximum"] == 1_000_000
    assert many["type"] == "array" and "events" in wrapped["properties"]
    for path in ("/api/auth/token", "/api/auth/demo-login", "/api/auth/demo-users", "/api/auth/logout",
                 "/api/auth/me"):
        assert path in spec["paths"], path
    schemes = spec["components"]["securitySchemes"]
    assert {"APIKeyHeader", "HTTPBearer"} <= set(schemes)
