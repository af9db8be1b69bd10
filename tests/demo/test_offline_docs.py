"""/docs and /redoc work with no network: assets from the installed package, no inline script."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from shopmind.api import create_app
from shopmind.config import Settings


@pytest.fixture
def app(tmp_path):
    return create_app(Settings(home=tmp_path / "home", admin_key="k"))


def test_docs_pages_use_local_assets_and_no_inline_script(app):
    with TestClient(app) as c:
        for path in ("/docs", "/redoc"):
            r = c.get(path)
            assert r.status_code == 200
            assert "script-src 'self'" in r.headers["content-security-policy"]
            html = r.text
            srcs = re.findall(r'(?:src|href)="([^"]+)"', html)
            assert srcs and all(s.startswith("/") for s in srcs), srcs  # nothing from another host
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script on " + path
            for s in srcs:
                asset = c.get(s)
                assert asset.status_code == 200 and len(asset.content) > 100, s
        assert "SwaggerUIBundle" in c.get("/docs/swagger-init.js").text
        assert c.get("/openapi.json").json()["paths"]


@pytest.mark.browser
@pytest.mark.slow
def test_swagger_ui_renders_operations_offline(browser, tmp_path):
    from shopmind.testing.live import serve_app

    app = create_app(Settings(home=tmp_path / "home", admin_key="k"))
    srv = serve_app(app, app.state.shop, "k")
    ctx = browser.new_context()
    blocked: list[str] = []

    def only_loopback(route):
        if route.request.url.startswith(srv.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    ctx.route("**/*", only_loopback)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # a script blocked by the CSP would be a broken page (ReDoc's footer logo from its CDN is blocked: fine)
    page.on("console", lambda m: errors.append(m.text) if "script-src" in m.text else None)
    try:
        page.goto(srv.url + "/docs")
        page.wait_for_selector(".opblock-summary-path", timeout=20000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert "/api/health" in [p.strip() for p in paths]
        assert len(paths) > 10
        page.goto(srv.url + "/redoc")
        page.wait_for_selector("h2", timeout=20000)  # ReDoc rendered the operations from the spec
        assert "Health" in page.locator("h2").all_inner_texts()
    finally:
        ctx.close()
        srv.stop()
    assert not blocked, blocked
    assert not errors, errors
