"""The HTTP API: ``create_app(settings)`` builds the FastAPI app around one Shop."""

from __future__ import annotations

import importlib
import pkgutil
from contextlib import asynccontextmanager

from fastapi import FastAPI

import shopmind
import shopmind.api.routes as routes_pkg
from shopmind.api.auth import AuthConfig, SessionCookieMiddleware
from shopmind.api.errors import ERROR_RESPONSES, install_errors
from shopmind.api.limits import BodyLimit
from shopmind.config import Settings
from shopmind.shop import Shop


def create_app(settings: Settings | None = None, shop: Shop | None = None) -> FastAPI:
    shop = shop or Shop(settings)
    shop.background_indexing = True  # a bulk catalog change never blocks a request (shopmind.indexing)
    @asynccontextmanager
    async def lifespan(_: FastAPI):
        yield
        shop.close()

    app = FastAPI(
        lifespan=lifespan,
        title="shopmind",
        version=shopmind.__version__,
        description="AI search, recommendations and a shopping assistant on one product knowledge base. "
        "Catalog reads are open; a shopper's own data (sessions, personal recommendations, events, chat "
        "with orders) needs that shopper's token or the admin key; admin endpoints need the admin key in the "
        "`X-API-Key` header. See README, Authentication. "
        'Every error is `{"error": "<message>", "errors": [{"field", "reason"}]}`.',
        responses=ERROR_RESPONSES,
    )
    app.state.shop = shop
    from shopmind.text.pii import install_log_filter

    install_log_filter("uvicorn.access")  # search queries in URLs are logged masked
    app.state.admin_key = shop.settings.ensure_admin_key()
    app.state.auth = AuthConfig.from_settings(shop.settings, app.state.admin_key)
    app.add_middleware(SessionCookieMiddleware)

    st = shop.settings
    app.add_middleware(BodyLimit, max_bytes=st.max_body_bytes, upload_bytes=st.max_upload_bytes,
                       max_depth=st.max_json_depth)
    install_errors(app)  # its catch-all sits outside the body limit, inside the metrics

    @app.get("/api/health", tags=["system"])
    def health() -> dict:
        """Liveness plus the size of the knowledge base."""
        return {
            "status": "ok",
            "version": shopmind.__version__,
            "products": shop.store.count_products(),
            "store": shop.store.url.split("://")[0],
        }

    from shopmind.api.storage import install_storage_errors
    from shopmind.realtime.metrics import install_metrics

    install_metrics(app)
    install_storage_errors(app)

    # the request-heavy routers first: routes are matched in order, once per request
    hot = ("events", "search")
    names = sorted(m.name for m in pkgutil.iter_modules(routes_pkg.__path__))
    for mod in [n for n in hot if n in names] + [n for n in names if n not in hot]:
        module = importlib.import_module(f"{routes_pkg.__name__}.{mod}")
        router = getattr(module, "router", None)
        if router is not None:
            app.include_router(router)

    try:
        from shopmind.web import mount as mount_web
    except ImportError:
        mount_web = None
    if mount_web is not None:
        mount_web(app)
    from shopmind.api.docs import install_docs; install_docs(app)  # noqa: E702  offline /docs, /redoc

    return app
