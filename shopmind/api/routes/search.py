"""Search endpoints: /api/search (filters, facets, sort, pages, explain), /api/suggest, and admin
endpoints for synonyms and merchandising rules."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from fastapi import APIRouter, Body, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.background import BackgroundTask

from shopmind.api.deps import AdminDep, PrincipalDep, ShopDep
from shopmind.search.currency import CurrencySettings, load_currency, save_currency
from shopmind.search.filters import SORTS
from shopmind.search.merch import (DEFAULT_SYNONYMS, SYNONYMS_KEY, MerchRule, check_synonyms, load_rules, load_synonyms,
                                   update_rules)

router = APIRouter(prefix="/api", tags=["search"])
log = logging.getLogger(__name__)


@router.get("/search")
async def search(
    request: Request,
    shop: ShopDep,
    p: PrincipalDep,
    q: str = Query("", max_length=500, description="The query; empty browses with filters."),
    brand: str | None = Query(None),
    category: str | None = Query(None, description="Category path or level; includes sub-categories."),
    klass: str | None = Query(None, alias="class", description="A class of the product graph's taxonomy "
                              "(e.g. phone): its categories in every language's tree (ids in facets.class)."),
    price_min: float | None = Query(None, ge=0),
    price_max: float | None = Query(None, ge=0),
    currency: str | None = Query(None, description="Currency of price_min/price_max (ISO code); default the "
                                 "shop's base currency. Prices compare converted (GET /api/search/currency)."),
    in_stock: bool | None = Query(None),
    sort: str = Query("relevance", description=", ".join(SORTS)),
    page: int = Query(1, ge=1, le=1000),
    size: int = Query(20, ge=1, le=200),
    explain: bool = Query(False, description="Each result's features, ranker score and contributions."),
    method: str = Query("ranked", description="bm25, dense, hybrid or ranked"),
    session_id: str | None = Query(None, description="Recorded with the search event (admin or events key; "
                                   "other callers' searches are recorded under their own session and user)."),
    user_id: str | None = Query(None, description="As session_id."),
) -> dict[str, Any]:
    """Hybrid search; attribute filters as ``attr.<name>=value`` (e.g. ``attr.color=red``).

    While real time runs, answers are cached per (query, filters, sort, page, size, explain, method,
    index and catalog version) until a catalog or merchandising change or ``cache_ttl`` seconds
    (``"cached": true`` marks a cached answer), the others are computed by a search worker process
    (setting ``search_workers``) and the search event goes through its group commit."""
    t0 = time.perf_counter()
    attrs = {k[5:]: v for k, v in request.query_params.items() if k.startswith("attr.") and len(k) > 5 and v}
    filters = {"brand": brand, "category": category, "class": klass, "price_min": price_min,
               "price_max": price_max, "currency": currency, "in_stock": in_stock, "attrs": attrs or None}
    filters = {k: v for k, v in filters.items() if v is not None}
    args = (q, filters, sort, page, size, explain, method)
    rt, engine = shop.__dict__.get("realtime"), shop.__dict__.get("search")
    record = bool(q.strip()) and page == 1
    if not p.privileged:  # nobody writes into another shopper's history
        session_id, user_id = p.session_id, p.user_id
    try:
        if rt is None or engine is None:  # no result cache; the engine is built on first use
            res = await run_in_threadpool(lambda: shop.search.search(*args[:6], method=args[6]))
            # the event is stored after the answer is sent: a long write (a bulk upload) never delays a search
            task = BackgroundTask(_record_search, shop, rt, q, session_id, user_id) if record else None
            return JSONResponse(res, background=task)
        rt.serve_search(engine)
        key = (q, repr(sorted(filters.items())), sort, page, size, explain, method, engine.ix.version,
               rt.catalog_version)  # the versions: an answer computed across a change is not served after it
        hit = rt.cache.get("search", key, None, count_miss=False)  # (the thread below counts a miss)
        workers = _workers(shop) if hit is None else None
        if hit is not None:  # answered on the event loop, no thread hop
            res = {**hit, "took_ms": round((time.perf_counter() - t0) * 1000.0, 2), "cached": True}
        elif workers is not None and workers.ready:  # a worker process computes it; awaited on the loop
            rt.cache.get("search", key, None)  # counts the miss
            res = await workers.search_async(*args)
            if res is None:  # the worker was lost: this one search runs here
                res = await run_in_threadpool(engine.search, *args[:6], method=args[6])
            rt.cache.put("search", key, res)
            res = {**res, "cached": False}
        else:
            res = await run_in_threadpool(_search_and_cache, rt, engine, key, args)
    except ValueError as e:
        raise HTTPException(422, detail=str(e)) from e
    if record:
        _record_search(shop, rt, q, session_id, user_id)
    return JSONResponse(res)  # already plain JSON types: skips the response-model encoding pass


_start_lock = threading.Lock()


def _workers(shop):
    """The shop's search worker pool, started on the first search while real time runs (None: off)."""
    if not shop.settings.search_workers:
        return None
    workers = shop.__dict__.get("search_workers")
    if workers is None:
        with _start_lock:  # one pool per shop, even when the first searches come at once
            workers = shop.search_workers
    return workers


def _search_and_cache(rt, engine, key: tuple, args: tuple) -> dict[str, Any]:
    res = rt.cache.get("search", key, None)  # counts the miss, unless a request just cached the answer
    if res is not None:
        return {**res, "cached": True}
    res = engine.search(*args[:6], method=args[6])
    rt.cache.put("search", key, res)
    return {**res, "cached": False}


def _record_search(shop, rt, q: str, session_id: str | None, user_id: str | None) -> None:
    """Record the search event; analytics must never fail or slow down a search. With real time the
    event joins the next group commit (and the session's live queries) without waiting for it."""
    from shopmind.kb.models import EventIn
    from shopmind.text.pii import mask_pii

    try:
        event = EventIn(type="search", query=mask_pii(q[:500]), session_id=session_id, user_id=user_id)
        if rt is None:
            shop.store.add_events([event])
        else:
            rt.submit([event], wake=False).add_done_callback(_log_failure)  # analytics: no thread wake-up
    except Exception as ex:  # noqa: BLE001
        log.warning("search event not recorded: %s", ex)


def _log_failure(fut) -> None:
    if fut.exception() is not None:
        log.warning("search event not recorded: %s", fut.exception())


def _forget_cached_searches(shop) -> None:
    """Merchandising or synonym changes change answers: drop the cached ones."""
    rt = shop.__dict__.get("realtime")
    if rt is not None:
        rt.cache.invalidate_namespace("search")
    workers = shop.__dict__.get("search_workers")
    if workers is not None:
        workers.changed()


@router.get("/suggest")
def suggest(shop: ShopDep, q: str = Query("", max_length=200), limit: int = Query(10, ge=1, le=50)) -> dict[str, Any]:
    """Autocomplete from popular past queries, catalog words and brands, plus a did-you-mean."""
    return shop.search.suggest(q, limit)


@router.get("/search/synonyms")
def get_synonyms(shop: ShopDep) -> dict[str, Any]:
    return {"synonyms": load_synonyms(shop.store)}


@router.put("/search/synonyms", dependencies=[AdminDep])
def put_synonyms(shop: ShopDep, body: dict[str, Any] = Body(..., examples=[{"synonyms": [["手机", "phone"]]}])) -> dict[str, Any]:
    """Replace the synonym groups (each a list of equivalent terms, zh and en)."""
    try:
        groups = check_synonyms(body.get("synonyms"))
    except ValueError as e:
        raise HTTPException(422, detail=str(e)) from e
    shop.store.update_meta(SYNONYMS_KEY, lambda _: groups)
    return _synonyms_changed(shop, groups)


@router.post("/search/synonyms", dependencies=[AdminDep])
def add_synonyms(shop: ShopDep, body: dict[str, Any] = Body(..., examples=[{"group": ["耳机", "headphones"]}])) -> dict[str, Any]:
    """Add one synonym group to the current ones (read and written in one transaction: concurrent
    admins adding groups keep each other's)."""
    try:
        group = check_synonyms([body.get("group")])[0]
    except ValueError as e:
        raise HTTPException(422, detail=str(e).replace("synonym group 0", "group")) from e

    def add(current: Any) -> list[list[str]]:
        groups = [list(g) for g in (DEFAULT_SYNONYMS if current is None else current)]
        return groups if group in groups else groups + [group]

    return _synonyms_changed(shop, shop.store.update_meta(SYNONYMS_KEY, add))


def _synonyms_changed(shop, groups: list[list[str]]) -> dict[str, Any]:
    shop.search.set_synonyms(groups)
    _forget_cached_searches(shop)
    return {"synonyms": groups}


@router.get("/search/currency")
def get_currency(shop: ShopDep) -> dict[str, Any]:
    """The shop's base currency and exchange rates (base units per unit of each other currency)."""
    return load_currency(shop.store).model_dump()


@router.put("/search/currency", dependencies=[AdminDep])
def put_currency(shop: ShopDep, body: dict[str, Any] = Body(..., examples=[{"base": "CNY", "rates": {"USD": 7.2}}])
                 ) -> dict[str, Any]:
    """Set the base currency and exchange rates that price filters, price sorts and "under $100" use."""
    try:
        cur = CurrencySettings(**body)
    except (ValidationError, TypeError) as e:
        detail = e.errors(include_url=False, include_context=False) if isinstance(e, ValidationError) else str(e)
        raise HTTPException(422, detail=detail) from e
    save_currency(shop.store, cur)
    shop.search.invalidate_currency()
    _forget_cached_searches(shop)
    return cur.model_dump()


@router.get("/search/rules")
def get_rules(shop: ShopDep) -> dict[str, Any]:
    return {"rules": [r.model_dump() for r in load_rules(shop.store)]}


@router.post("/search/rules", dependencies=[AdminDep])
def add_rule(shop: ShopDep, body: dict[str, Any] = Body(..., examples=[
        {"action": "pin", "product_id": "p1", "query": "phone", "position": 1}])) -> dict[str, Any]:
    """Add a merchandising rule: pin (position), boost (factor > 1), bury or hide a product, for one
    query (normalized match) or for all queries (query omitted). Read and written in one transaction:
    rules added at the same time by two admins are both kept."""
    try:
        rule = MerchRule(**body)
    except ValidationError as e:
        raise HTTPException(422, detail=e.errors(include_url=False, include_context=False)) from e
    if shop.store.get_product(rule.product_id) is None:
        raise HTTPException(422, detail=f"product_id {rule.product_id!r} is not an active product")
    update_rules(shop.store, lambda rules: [r for r in rules if r.id != rule.id] + [rule])
    _rules_changed(shop)
    return rule.model_dump()


@router.delete("/search/rules/{rule_id}", dependencies=[AdminDep])
def delete_rule(shop: ShopDep, rule_id: str) -> dict[str, Any]:
    def drop(rules: list[MerchRule]) -> list[MerchRule]:
        kept = [r for r in rules if r.id != rule_id]
        if len(kept) == len(rules):
            raise KeyError(rule_id)  # nothing written
        return kept

    try:
        update_rules(shop.store, drop)
    except KeyError:
        raise HTTPException(404, detail=f"rule {rule_id!r} not found") from None
    _rules_changed(shop)
    return {"deleted": rule_id}


def _rules_changed(shop) -> None:
    shop.search.invalidate_rules()
    _forget_cached_searches(shop)
