"""Storefront sign-in and the admin key check in headless Chromium, against the /api/auth contract:
GET /api/auth/demo-users, POST /api/auth/demo-login {"user_id"}, GET /api/auth/me, POST /api/auth/logout.

Where the server has no /api/auth yet (404), the contract's answers are played by page.route so the UI
side is still tested; once the real endpoints answer, the same tests run against them.
"""

from __future__ import annotations

import json

import httpx
import pytest

pytestmark = pytest.mark.browser

USERS = [{"user_id": "demo-alice", "name": "Alice"}, {"user_id": "demo-bo", "name": "Bo 王"}]


def _has_auth(base: str) -> bool:
    return httpx.get(base + "/api/auth/me").status_code != 404


def _stand_in(page, key: str) -> dict:
    """Answer /api/auth/* as the contract says (only used while the server has no /api/auth)."""
    state = {"user": None, "logins": []}

    def handle(route):
        req, path = route.request, route.request.url.split("/api/auth/")[1].split("?")[0]
        body = lambda data, status=200: route.fulfill(status=status, content_type="application/json", body=json.dumps(data))  # noqa: E731
        if path == "demo-users":
            return body(USERS)
        if path == "demo-login" and req.method == "POST":
            uid = json.loads(req.post_data or "{}").get("user_id")
            state["logins"].append(uid)
            state["user"] = uid
            return body({"kind": "user", "user_id": uid, "session_id": "sid-1"})
        if path == "logout" and req.method == "POST":
            state["user"] = None
            return body({"ok": True})
        if path == "me":
            sent = req.headers.get("x-api-key")
            if sent is not None:
                return body({"error": "invalid API key"}, 403) if sent != key else body({"kind": "admin", "user_id": None, "session_id": None})
            return body({"kind": "user" if state["user"] else "anonymous", "user_id": state["user"], "session_id": "sid-1"})
        return body({"detail": "Not Found"}, 404)
    page.route("**/api/auth/**", handle)
    return state


def test_sign_in_and_out_from_the_header(page, live_server, shot):
    real = _has_auth(live_server.url)
    if real and httpx.get(live_server.url + "/api/auth/demo-users").status_code == 404:
        pytest.skip("the server has /api/auth but demo sign-in is off")
    state = None if real else _stand_in(page, live_server.key)
    sent = []
    page.on("request", lambda r: sent.append((r.url, r.post_data or "")) if "/api/events" in r.url or "/api/recommend" in r.url else None)
    page.goto(page.base + "/")
    page.wait_for_selector("#signin:not([hidden])")
    assert page.locator("#user-id").count() == 0  # the shopper-id box is gone
    page.click("#signin-btn")
    items = page.locator("#signin-menu [role=menuitem]")
    names = items.all_inner_texts()
    assert len(names) >= 1 and (real or names == ["Alice", "Bo 王"])
    first = names[0]
    shot(page, "signin-menu", full_page=False)
    rails_before = len([u for u, _ in sent if "/api/recommend" in u])
    items.first.click()
    page.wait_for_function("n => document.querySelector('#signin-who').textContent.includes(n)", arg=first)
    assert page.is_visible("#signout-btn") and not page.is_visible("#signin-btn")
    if state is not None:
        assert state["logins"] == ["demo-alice"]
    # the personal rail follows the sign-in
    page.wait_for_function("n => performance.getEntriesByType('resource').filter(e => e.name.includes('/api/recommend')).length > n", arg=rails_before)
    page.click("#signout-btn")
    page.wait_for_selector("#signin-btn:visible")
    assert page.inner_text("#signin-who") == ""
    # with /api/auth the page sends no shopper ids of its own: the server reads its cookies
    for url, body in sent:
        assert "user=" not in url and "session=" not in url, url
        assert "user_id" not in body and "session_id" not in body, body


def test_no_sign_in_control_without_demo_users(page, live_server):
    page.route("**/api/auth/demo-users", lambda r: r.fulfill(status=404, content_type="application/json",
                                                               body='{"detail": "Not Found"}'))
    page.goto(page.base + "/")
    page.wait_for_selector("body[data-ready]")
    page.wait_for_timeout(300)
    assert page.locator("#signin").is_hidden() and page.locator("#user-id").count() == 0


def test_admin_key_is_checked_before_it_is_stored(page, live_server):
    if not _has_auth(live_server.url):
        _stand_in(page, live_server.key)
    page.goto(page.base + "/admin#catalog")
    page.fill("#admin-key", "not-the-key")
    page.press("#admin-key", "Enter")
    page.wait_for_function("() => /wrong/i.test(document.querySelector('#key-status').textContent)")
    assert page.evaluate("() => sessionStorage.getItem('sm.adminKey')") is None
    page.fill("#admin-key", live_server.key)
    page.press("#admin-key", "Enter")
    page.wait_for_function("() => sessionStorage.getItem('sm.adminKey') !== null")
    assert page.input_value("#admin-key") == ""
