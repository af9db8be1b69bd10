"""With demo sign-in off (GET /api/auth/demo-users answers 404) the storefront shows no sign-in control
and no shopper-id box, and still records the visit under the anonymous session cookie."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_no_sign_in_control_when_demo_sign_in_is_off(browser, secure_server, anon):
    assert anon.get("/api/auth/demo-users").status_code == 404
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(secure_server.url + "/product/sony-wh1000xm5-01")
        page.wait_for_selector("body[data-ready]")
        page.wait_for_timeout(300)
        assert page.locator("#signin").is_hidden() and page.locator("#user-id").count() == 0
        sid = next(c["value"] for c in ctx.cookies() if c["name"] == "shopmind_sid")
        views = [e for e in secure_server.events("view", "sony-wh1000xm5-01") if e.session_id == sid]
        assert views, "the view is recorded under the cookie's session"
        assert not errors, errors
    finally:
        ctx.close()
