"""Storefront demo sign-in and the admin key check in headless Chromium, against the real /api/auth:
GET /api/auth/demo-users, POST /api/auth/demo-login {"user_id"}, GET /api/auth/me, POST /api/auth/logout.
(The control hidden while demo sign-in is off: tests/security/test_web_signin_off.py.)"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

pytestmark = pytest.mark.browser


def test_sign_in_and_out_from_the_header(page, live_server, shot):
    users = httpx.get(live_server.url + "/api/auth/demo-users").json()
    assert users, "the demo shop has users to sign in as"
    sent = []
    page.on("request", lambda r: sent.append((r.url, r.post_data or ""))
            if "/api/events" in r.url or "/api/recommend" in r.url or "/api/search" in r.url else None)
    page.goto(page.base + "/product/sony-wh1000xm5-01")
    page.wait_for_selector("#signin:not([hidden])")
    page.wait_for_selector("body[data-ready]")
    assert page.locator("#user-id").count() == 0  # the shopper-id box is gone
    page.click("#signin-btn")
    items = page.locator("#signin-menu [role=menuitem]")
    assert items.all_inner_texts() == [u["name"] or u["user_id"] for u in users]
    shot(page, "signin-menu", full_page=False)
    first = users[0]
    rails = len([u for u, _ in sent if "/api/recommend" in u])
    items.first.click()
    page.wait_for_function("n => document.querySelector('#signin-who').textContent.includes(n)", arg=first["name"] or first["user_id"])
    assert page.is_visible("#signout-btn") and not page.is_visible("#signin-btn")
    me = page.evaluate("() => fetch('/api/auth/me').then((r) => r.json())")
    assert me["kind"] == "user" and me["user_id"] == first["user_id"]
    # the personal rail follows the sign-in, and the shopper's events are recorded under the user (cookie)
    page.wait_for_function("n => performance.getEntriesByType('resource').filter(e => e.name.includes('/api/recommend')).length > n", arg=rails)
    page.wait_for_selector("#foryou[data-state=ready]")
    page.click("#add-to-cart")
    page.wait_for_function("() => window.__smEvents >= 2")
    page.wait_for_timeout(300)
    carts = live_server.events("add_to_cart", "sony-wh1000xm5-01")
    assert carts and carts[-1].user_id == first["user_id"]
    page.click("#signout-btn")
    page.wait_for_selector("#signin-btn:visible")
    assert page.inner_text("#signin-who") == ""
    assert page.evaluate("() => fetch('/api/auth/me').then((r) => r.json())")["kind"] == "anonymous"
    # the page sends no shopper ids of its own: only the anonymous session the server itself reported
    for url, body in sent:
        qs = parse_qs(urlsplit(url).query)
        assert "user" not in qs and "user_id" not in qs and "session_id" not in qs, url
        assert qs.get("session", [me.get("session_id")]) == [me.get("session_id")], url
        assert "user_id" not in body and "session_id" not in body, body


def test_admin_key_is_checked_before_it_is_stored(page, live_server):
    page.goto(page.base + "/admin#catalog")
    page.fill("#admin-key", "not-the-key")
    page.press("#admin-key", "Enter")
    page.wait_for_function("() => /wrong/i.test(document.querySelector('#key-status').textContent)")
    assert page.evaluate("() => sessionStorage.getItem('sm.adminKey')") is None
    page.fill("#admin-key", live_server.key)
    page.press("#admin-key", "Enter")
    page.wait_for_function("() => sessionStorage.getItem('sm.adminKey') !== null")
    assert page.input_value("#admin-key") == ""
