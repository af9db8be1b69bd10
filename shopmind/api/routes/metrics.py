"""GET /api/metrics: Prometheus text format (requests and latency per endpoint, events, cache, models)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from shopmind.api.deps import ShopDep
from shopmind.realtime.metrics import TextWriter

router = APIRouter(prefix="/api", tags=["system"])


def _version_of(component) -> int | None:
    for holder in (component, getattr(component, "index", None), getattr(component, "indexes", None)):
        v = getattr(holder, "version", None)
        if isinstance(v, int) and not isinstance(v, bool):
            return v
    return None


@router.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics")
def metrics(request: Request, shop: ShopDep) -> PlainTextResponse:
    """Request counts and latency histograms per endpoint, event counts, cache hit ratio, freshness lag
    and model versions, in the Prometheus text exposition format (version 0.0.4)."""
    w = TextWriter()
    http = getattr(request.app.state, "http_metrics", None)
    if http is not None:
        http.write(w)
    store = shop.store
    w.sample("shopmind_events_stored", "gauge", "Events in the knowledge base.", store.count_events())
    w.sample("shopmind_products", "gauge", "Active products in the knowledge base.", store.count_products())
    w.sample("shopmind_catalog_change_seq", "gauge", "Newest product change sequence in the store.",
             store.change_seq())
    rt = shop.__dict__.get("realtime")  # reading metrics never builds a component
    if rt is not None:
        rt.write_metrics(w)
    workers = shop.__dict__.get("search_workers")
    if workers is not None:
        st = workers.status()
        w.sample("shopmind_search_workers_ready", "gauge", "Search worker processes serving.", st["ready"])
        w.sample("shopmind_search_worker_searches_total", "counter", "Searches answered by a search worker.",
                 st["served"])
        w.sample("shopmind_search_worker_fallbacks_total", "counter",
                 "Searches computed in the serving process because no worker was ready.", st["fallbacks"])
        w.sample("shopmind_search_worker_restarts_total", "counter", "Search workers started again after dying.",
                 st["restarts"])
    for name in ("search", "recommender"):
        v = _version_of(shop.__dict__.get(name))
        if v is not None:
            w.sample("shopmind_model_version", "gauge", "Version of each served model.", v, {"component": name})
    return PlainTextResponse(w.text(), media_type="text/plain; version=0.0.4; charset=utf-8")
