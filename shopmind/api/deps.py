"""FastAPI dependencies: the Shop of this app, who is calling (``PrincipalDep``), the admin guard, and the
checks user-scoped routes make (``authorize``, ``limit_writes``)."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyCookie, APIKeyHeader, HTTPBearer

from shopmind.api.auth import SID_SCOPE, TOKEN_COOKIE, AuthConfig, Principal, TokenError, looks_like_token, same_secret
from shopmind.shop import Shop

# declared for OpenAPI (the "Authorize" button of /docs); the values are read from the request below
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="The shop's admin key.")
_bearer = HTTPBearer(auto_error=False, description="A shopper token (POST /api/auth/token) or the admin key.")
_events_key = APIKeyHeader(name="X-Events-Key", auto_error=False,
                           description="The events key (SHOPMIND_EVENTS_KEY): post events for any user.")
_token_cookie = APIKeyCookie(name=TOKEN_COOKIE, auto_error=False, description="A shopper token (demo sign-in).")
_PRINCIPAL = "shopmind.principal"


async def get_shop(request: Request) -> Shop:
    """async: resolved on the event loop, without a thread hop per request."""
    return request.app.state.shop


def _refuse(status: int, field: str, message: str, **headers: str) -> HTTPException:
    return HTTPException(status, detail={"error": message, "errors": [{"field": field, "reason": message}]},
                         headers=headers or None)


def resolve_principal(request: Request) -> Principal:
    """The caller from the request's credentials; a wrong credential is refused (401/403), never ignored.

    Order: ``X-API-Key`` (admin), ``Authorization: Bearer`` (admin key or shopper token), ``X-Events-Key``,
    the ``shopmind_token`` cookie (an invalid or expired cookie counts as no sign-in), else anonymous."""
    done = request.scope.get(_PRINCIPAL)
    if done is not None:
        return done
    auth: AuthConfig = request.app.state.auth
    headers = request.headers
    sid = request.scope.get(SID_SCOPE)
    p: Principal | None = None
    key = headers.get("x-api-key")
    if key:
        if not same_secret(key, auth.admin_key):
            raise _refuse(403, "X-API-Key", "invalid API key")
        p = Principal(kind="admin", session_id=sid)
    bearer = headers.get("authorization", "")
    if p is None and bearer[:7].lower() == "bearer " and bearer[7:].strip():
        value = bearer[7:].strip()
        if same_secret(value, auth.admin_key):
            p = Principal(kind="admin", session_id=sid)
        elif not looks_like_token(value):
            raise _refuse(403, "Authorization", "invalid API key or token")
        else:
            try:
                user_id, _ = auth.signer.verify(value)
            except TokenError as e:
                raise _refuse(401, "Authorization", f"invalid token: {e}", **{"WWW-Authenticate": "Bearer"}) from None
            p = Principal(kind="user", user_id=user_id, session_id=sid)
    events = headers.get("x-events-key")
    if p is None and events:
        if not auth.events_key:
            raise _refuse(403, "X-Events-Key", "no events key is configured on this shop (SHOPMIND_EVENTS_KEY)")
        if not same_secret(events, auth.events_key):
            raise _refuse(403, "X-Events-Key", "invalid events key")
        p = Principal(kind="events", session_id=sid)
    if p is None:
        cookie = request.cookies.get(TOKEN_COOKIE)
        if cookie:
            try:
                p = Principal(kind="user", user_id=auth.signer.verify(cookie)[0], session_id=sid)
            except TokenError:
                p = None  # a stale sign-in cookie: the caller is anonymous (and may sign in again)
    if p is None:
        p = Principal(kind="anonymous", session_id=sid)
    request.scope[_PRINCIPAL] = p
    return p


async def get_principal(
    request: Request,
    _k: Annotated[str | None, Security(_api_key)] = None,
    _b: Annotated[Any, Security(_bearer)] = None,
    _e: Annotated[str | None, Security(_events_key)] = None,
    _c: Annotated[str | None, Security(_token_cookie)] = None,
) -> Principal:
    """async: resolved on the event loop (a few header reads and at most one HMAC)."""
    return resolve_principal(request)


def require_admin(request: Request) -> Principal:
    """Admin endpoints need the admin key in ``X-API-Key`` (or ``Authorization: Bearer``)."""
    p = resolve_principal(request)
    if p.kind == "admin":
        return p
    if p.kind == "anonymous":
        raise _refuse(401, "X-API-Key", "missing API key: send it in the X-API-Key header")
    raise _refuse(403, "X-API-Key", "this endpoint needs the admin key")


async def _admin_dep(request: Request, _k: Annotated[str | None, Security(_api_key)] = None) -> Principal:
    return require_admin(request)


def authorize(p: Principal, user: str | None = None, session: str | None = None) -> None:
    """A read or write of ``user``'s or ``session``'s data: only that user (or that session's own caller)
    and the admin may; 401 when the caller is not signed in, 403 when it is someone else."""
    if p.kind == "admin":
        return
    if p.kind == "events":
        raise _refuse(403, "X-Events-Key", "the events key only records events")
    if user is not None and user != p.user_id:
        if p.kind == "anonymous":
            raise _refuse(401, "user", f"user {user!r}: sign in as this user (a token) or send the admin key",
                          **{"WWW-Authenticate": "Bearer"})
        raise _refuse(403, "user", "a shopper may only use their own data")
    if session is not None and session != p.session_id:
        raise _refuse(403, "session", "not your session: an anonymous session is readable only with its own "
                                      "shopmind_sid cookie")


def require_signed_in(p: Principal) -> None:
    """A shopper's own data with no user named (their orders): a shopper token or the admin key."""
    if p.kind == "anonymous":
        raise _refuse(401, "Authorization", "sign in: this needs a shopper token or the admin key",
                      **{"WWW-Authenticate": "Bearer"})
    if p.kind == "events":
        raise _refuse(403, "X-Events-Key", "the events key only records events")


def own_ids(p: Principal, user: str | None, session: str | None) -> tuple[str | None, str | None]:
    """``(user, session)`` a read is about: as given, or else the caller's own (user, else session)."""
    if user is None and session is None and p.kind in ("user", "anonymous"):
        return (p.user_id, None) if p.user_id else (None, p.session_id)
    return user, session


def limit_writes(request: Request, p: Principal) -> None:
    """Anonymous and shopper writes: a token bucket per session (or user) and per client IP; 429 when
    empty, with ``Retry-After``. The admin and the events key are not limited."""
    if p.privileged:
        return
    auth: AuthConfig = request.app.state.auth
    who = f"u:{p.user_id}" if p.user_id else f"s:{p.session_id}"
    wait = auth.session_limits.take(who)
    if not wait:
        wait = auth.ip_limits.take(request.client.host if request.client else "-")
    if wait:
        raise HTTPException(429, detail=f"too many requests: retry in {wait:.1f} s",
                            headers={"Retry-After": str(max(1, math.ceil(wait)))})


ShopDep = Annotated[Shop, Depends(get_shop)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
AdminDep = Depends(_admin_dep)
