"""API documentation pages that work offline: Swagger UI at ``/docs`` and ReDoc at ``/redoc``.

FastAPI's own pages load their JavaScript from a CDN (blank without a network) and start Swagger UI
with an inline script. Here the assets come from the ``fastapi-offline`` package (it ships the Swagger
UI bundle, its CSS and the ReDoc standalone script) and the pages run no inline script, so they work
under ``Content-Security-Policy: script-src 'self'`` (sent with each page).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

__all__ = ["install_docs", "ASSETS_DIR", "ASSETS_URL", "CSP"]

ASSETS_URL = "/docs/assets"
CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " \
      "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"


def _assets_dir() -> Path:
    import fastapi_offline

    return Path(fastapi_offline.__file__).resolve().parent / "static"


ASSETS_DIR = _assets_dir()

# Swagger UI is started from this file (not an inline script); it reads the spec URL from the page.
_SWAGGER_INIT = """\
(function () {
  var el = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: el.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl]
  });
})();
"""


def _page(title: str, head: str, body: str) -> str:
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{escape(title)}</title><link rel="icon" href="{ASSETS_URL}/favicon.png">{head}</head>'
            f'<body style="margin:0">{body}</body></html>\n')


def install_docs(app: FastAPI) -> None:
    """Replace FastAPI's CDN-backed /docs and /redoc with pages served from local assets."""
    openapi_url = app.openapi_url or "/openapi.json"
    replaced = {app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url} - {None}
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", None) not in replaced]
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
    title = f"{app.title} API"
    swagger = _page(
        title, f'<link rel="stylesheet" href="{ASSETS_URL}/swagger-ui.css">',
        f'<div id="swagger-ui" data-openapi-url="{escape(openapi_url)}"></div>'
        f'<script src="{ASSETS_URL}/swagger-ui-bundle.js"></script>'
        f'<script src="/docs/swagger-init.js"></script>')
    redoc = _page(title, "", f'<redoc spec-url="{escape(openapi_url)}"></redoc>'
                             f'<script src="{ASSETS_URL}/redoc.standalone.js"></script>')
    headers = {"Content-Security-Policy": CSP, "Cache-Control": "no-cache"}

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(swagger, headers=headers)

    @app.get("/docs/swagger-init.js", include_in_schema=False)
    def swagger_init() -> Response:
        return Response(_SWAGGER_INIT, media_type="text/javascript")

    @app.get("/redoc", include_in_schema=False)
    def redoc_page() -> HTMLResponse:
        return HTMLResponse(redoc, headers=headers)
