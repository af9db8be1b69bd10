"""The web UI: a storefront and an admin console, plain HTML + vanilla JS that only call the JSON API.

``mount(app)`` serves the static assets under ``/static`` and the page shells at ``/`` (storefront
search), ``/product/{id}``, ``/doc/{id}`` (FAQ/policy pages the assistant cites) and ``/admin``.
Pages are static shells: all data comes from ``/api/...`` calls made by the browser, so the UI needs no
build step and no server-side state of its own. Every page and asset is sent with ``SECURITY_HEADERS``:
a Content-Security-Policy without inline script or style (scripts put data in the page only through the
escaping ``html``...`` helper of ``static/html.js``), nosniff, a referrer policy and no framing.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

WEB_DIR = Path(__file__).parent
STATIC_DIR = WEB_DIR / "static"
PAGES_DIR = WEB_DIR / "pages"

# page name -> URL paths that serve it
PAGES = {
    "store": ["/", "/search"],
    "product": ["/product/{product_id}"],
    "doc": ["/doc/{doc_id}"],
    "admin": ["/admin"],
}


class _Static(StaticFiles):
    """Static files with a short max-age: repeat page loads skip revalidating every asset (page-load
    latency), while an upgrade is picked up within minutes; the HTML shells themselves are no-cache."""

    def file_response(self, *args, **kwargs):
        resp = super().file_response(*args, **kwargs)
        resp.headers.setdefault("Cache-Control", f"public, max-age={STATIC_MAX_AGE}")
        for k, v in SECURITY_HEADERS.items():  # an SVG image opened on its own is a page too
            resp.headers.setdefault(k, v)
        return resp


STATIC_MAX_AGE = 300

# product images may live on the merchant's CDN (http/https); everything else comes from this origin
CSP = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' https: http: data:",
    "connect-src 'self'", "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
PAGE_HEADERS = {"Cache-Control": "no-cache", **SECURITY_HEADERS}


def _page(name: str) -> str:
    """Read a page shell once at mount time (they are tiny and static)."""
    return (PAGES_DIR / f"{name}.html").read_text(encoding="utf-8")


def mount(app: FastAPI) -> None:
    """Add the UI to the API app: /static assets and the HTML page shells."""
    try:  # demo product images (SVG placeholders) are referenced as /static/demo/<id>.svg
        from shopmind.demo import STATIC_DIR as DEMO_STATIC, STATIC_URL_PREFIX
    except ImportError:
        DEMO_STATIC = None
    if DEMO_STATIC is not None and Path(DEMO_STATIC).is_dir():
        app.mount(STATIC_URL_PREFIX.rstrip("/"), _Static(directory=DEMO_STATIC), name="demo-static")
    app.mount("/static", _Static(directory=STATIC_DIR), name="static")
    for name, paths in PAGES.items():
        html = _page(name)
        for path in paths:
            # the path parameter is read by the page's JS from location.pathname
            app.add_api_route(path, _endpoint(html, path), methods=["GET"], include_in_schema=False,
                              response_class=HTMLResponse)


def _endpoint(html: str, path: str):
    """A GET handler for one page path (FastAPI needs the path parameters in the signature)."""
    if "{product_id}" in path:
        def product_page(product_id: str) -> HTMLResponse:
            return HTMLResponse(html, headers=PAGE_HEADERS)
        return product_page
    if "{doc_id}" in path:
        def doc_page(doc_id: str) -> HTMLResponse:
            return HTMLResponse(html, headers=PAGE_HEADERS)
        return doc_page

    def page() -> HTMLResponse:
        return HTMLResponse(html, headers=PAGE_HEADERS)
    return page
