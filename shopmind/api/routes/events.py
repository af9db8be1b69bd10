"""Event endpoints: POST /api/events (one or a batch, stored durably before the reply), live session
state, session-aware recommendations, trending, and the real-time status."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from shopmind.api.auth import Principal
from shopmind.api.deps import AdminDep, PrincipalDep, ShopDep, authorize, limit_writes, own_ids
from shopmind.kb.models import EventIn

router = APIRouter(prefix="/api", tags=["events"])

MAX_BATCH = 5000
#: at most this many events per request from anonymous callers and shoppers (the admin and events key: MAX_BATCH)
MAX_OWN_BATCH = 100


def _body_schema() -> dict[str, Any]:
    """OpenAPI of the body (one event, a list, or {"events": [...]}); the route reads the raw body itself,
    so that each bad event of a batch is reported by its index while the good ones are stored."""
    one = EventIn.model_json_schema()
    many = {"type": "array", "items": one, "minItems": 1, "maxItems": MAX_BATCH}
    wrapped = {"type": "object", "properties": {"events": many}, "required": ["events"]}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": {
        "anyOf": [one, many, wrapped]}, "example": {"type": "click", "product_id": "p1", "query": "phone",
                                                   "position": 0}}}}}


async def _realtime(shop):
    """The shop's realtime component; started off the event loop the first time (it loads state);
    503 with the cause when it cannot start (also shown by /api/realtime/status)."""
    from shopmind.realtime.service import start

    rt = shop.__dict__.get("realtime")
    if rt is None:
        try:
            rt = await run_in_threadpool(start, shop)
        except RuntimeError as e:
            raise HTTPException(503, detail=str(e)) from e
    return rt


def _error(status: int, errors: list[dict[str, Any]], **extra: Any) -> JSONResponse:
    first = errors[0]
    where = f"[{first['index']}]." if "index" in first and extra.get("batch") else ""
    extra.pop("batch", None)
    return JSONResponse(status_code=status, content={
        "error": f"invalid {where}{first['field']}: {first['reason']}", "errors": errors, **extra})


def _claim(items: list[Any], p: Principal) -> None:
    """Events of anonymous callers and shoppers are theirs only: a missing ``user_id`` is the signed-in
    shopper's, a missing ``session_id`` the cookie's; naming anyone else is refused (401/403) by index."""
    if p.privileged:
        return
    for i, raw in enumerate(items):
        if not isinstance(raw, dict):
            continue  # validation names it
        uid, sid = raw.get("user_id"), raw.get("session_id")
        if uid in (None, ""):
            if p.user_id:
                raw["user_id"] = p.user_id
        elif not isinstance(uid, str) or uid.strip() != p.user_id:
            who = "sign in as this user (a token) or send the events key" if p.kind == "anonymous" else \
                "a shopper may only record their own events"
            _refuse_event(401 if p.kind == "anonymous" else 403, i, "user_id", who, len(items) > 1)
        if sid in (None, ""):
            raw["session_id"] = p.session_id
        elif not isinstance(sid, str) or sid.strip() != p.session_id:
            _refuse_event(403, i, "session_id", "not your session: leave session_id out (the shopmind_sid "
                                                "cookie's session is used) or send the events key", len(items) > 1)


def _refuse_event(status: int, index: int, field: str, reason: str, batch: bool) -> None:
    where = f"[{index}].{field}" if batch else field
    raise HTTPException(status, detail={"error": f"{where}: {reason}",
                                        "errors": [{"index": index, "field": field, "reason": reason}]})


@router.post("/events", summary="Record one event or a batch", openapi_extra=_body_schema())
async def post_events(request: Request, shop: ShopDep, p: PrincipalDep) -> JSONResponse:
    """Record view, click, add_to_cart, purchase, search and rate events.

    Body: one event object, a list of them, or `{"events": [...]}` (at most 5,000). Each event has
    `type`, `user_id` and/or `session_id`, `product_id` (required for product events and checked
    against the catalog), `query`, `position`, `value` (rating for 'rate') and `ts` (unix seconds,
    default now, at most 5 minutes in the future). Events are committed to the knowledge base before
    the reply. A single bad event gets 422 naming the field and reason; in a batch the bad events are
    listed in `rejected` with their index and the rest are stored.

    Who may record what: the admin key and the events key (`X-Events-Key`) any user's or session's events;
    a signed-in shopper only their own (`user_id` may be left out), an anonymous caller only its
    `shopmind_sid` session's (leave `session_id` out); anyone else's is 401/403 naming `[index].field`.
    Those two are rate limited (429 with `Retry-After`) and send at most 100 events a request.
    """
    t0 = time.perf_counter()
    raw = await request.body()
    try:
        body = json.loads(raw) if raw else None
    except ValueError as ex:
        return _error(400, [{"field": "body", "reason": f"not valid JSON ({ex.msg} at {ex.pos})"}])
    single = isinstance(body, dict) and "events" not in body
    if isinstance(body, dict) and "events" in body:
        body = body["events"]
    items = [body] if single else body
    if not isinstance(items, list) or not items:
        return _error(422, [{"field": "body", "reason": "send an event object or a non-empty list of events"}])
    limit = MAX_BATCH if p.privileged else MAX_OWN_BATCH
    if len(items) > limit:
        return _error(413, [{"field": "body", "reason": f"{len(items)} events in one request; at most {limit}"}])
    limit_writes(request, p)
    _claim(items, p)
    rt = await _realtime(shop)
    good, bad = rt.validate(items)
    if not good:
        return _error(422, bad, accepted=0, ids=[], rejected=bad, batch=not single)
    try:
        ids = await asyncio.wrap_future(rt.submit([e for _, e in good]))
    except Exception as ex:  # nothing was acknowledged
        raise HTTPException(503, detail=f"events not stored: {type(ex).__name__}: {ex}") from ex
    rt.observe_visible(time.perf_counter() - t0)
    return JSONResponse({"accepted": len(ids), "ids": ids, "rejected": bad})


@router.get("/sessions", summary="Live state of a user or session")
async def get_session(shop: ShopDep, p: PrincipalDep, user: str | None = None,
                      session: str | None = None) -> dict[str, Any]:
    """The last items and queries of a user (or else of an anonymous session), as the online state has them.

    Only that user (their token), that session (its cookie) or the admin may read it (else 401/403);
    without `user` and `session` it is the caller's own."""
    user, session = own_ids(p, user, session)
    authorize(p, user, session)
    if not user and not session:
        raise HTTPException(422, detail="user or session: give one")
    rt = await _realtime(shop)
    from shopmind.realtime.state import session_key

    items, queries, version = rt.sessions.get(session_key(user, session))
    return {"user": user, "session": session, "version": version,
            "items": [{"product_id": p, "type": t, "ts": ts, "event_id": i} for p, t, ts, i in items],
            "queries": [{"query": q, "ts": ts} for q, ts in queries]}


@router.get("/realtime/recommend", summary="Session-aware recommendations")
async def live_recommend(shop: ShopDep, p: PrincipalDep, user: str | None = None, session: str | None = None,
                         n: int = Query(10, ge=1, le=100)) -> dict[str, Any]:
    """Recommendations that follow the live session: a click changes the very next answer.

    `based_on` is that user's or session's history, so only they or the admin may ask (else 401/403);
    without `user` and `session` it is the caller's own."""
    user, session = own_ids(p, user, session)
    authorize(p, user, session)
    rt = await _realtime(shop)
    # computed on the event loop: a few milliseconds of numpy, cheaper than waking a thread for it on a
    # busy serving process (and a cache hit is a dict lookup)
    out = rt.recommend(user, session, n)
    return JSONResponse({"user": user, "session": session, **out})  # plain JSON types: no encoding pass


@router.get("/trending", summary="Trending products")
async def trending(shop: ShopDep, category: str | None = None, n: int = Query(10, ge=1, le=100)) -> dict[str, Any]:
    """Time-decayed trending products (views, clicks, carts, purchases), overall or in a category.

    From the live event stream while real time runs (``"live": true``); else from the batch
    recommendation model's popularity (``"live": false``); it does not start real time."""
    from shopmind.realtime.service import running

    rt = running(shop)
    if rt is not None:
        items = [{"id": p, "score": round(s, 6)} for p, s in rt.trending(category, n)]
        return {"category": category, "items": items, "live": True}
    try:
        recs = await run_in_threadpool(lambda: shop.recommender.recommend(items=[], n=n, category=category))
    except RuntimeError as e:
        raise HTTPException(503, detail=str(e)) from e
    except ValueError as e:
        raise HTTPException(422, detail=str(e)) from e
    return {"category": category, "items": [{"id": r.id, "score": round(float(r.score), 6)} for r in recs],
            "live": False}


@router.get("/realtime/status", summary="Event pipeline, model and cache status")
async def realtime_status(shop: ShopDep) -> dict[str, Any]:
    """``state``: running (with the pipeline, model and cache status), stopped (not started yet: the
    first POST /api/events starts it) or failed (with the ``error`` it failed with)."""
    from shopmind.realtime.service import state

    return state(shop)


@router.post("/realtime/retrain", dependencies=[AdminDep], summary="Retrain the live model now")
async def retrain(shop: ShopDep) -> dict[str, Any]:
    """Train on the stored events and swap the model in atomically (the last good model stays on failure)."""
    rt = await _realtime(shop)
    ok = await run_in_threadpool(rt.retrain)
    st = rt.status()
    return {"ok": ok, "model": st["model"], "retrain": st["retrain"]}
