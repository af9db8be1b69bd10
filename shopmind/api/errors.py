"""One error shape for every 4xx/5xx: ``{"error": "<message>", "errors": [{"field", "reason"}]}``.

``install_errors(app)`` adds the handlers: Starlette's ``HTTPException`` (401/403/404/405/409/413/429
from the framework and from routes' ``raise HTTPException(code, detail=...)``; a ``detail`` dict that
already has ``error`` passes through), request validation with the field path the way the client
wrote it (``items[3].price``, ``[0].position``, ``offset``), malformed JSON named ``body``, and any
unexpected exception: logged with its traceback and answered as a JSON 500 on a live connection.
``ERROR_RESPONSES`` declares that shape in OpenAPI for every route.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from shopmind.kb.validate import loc_path

log = logging.getLogger("shopmind.api")

_LOCATIONS = ("body", "query", "path", "header", "cookie")
_FIELD_PREFIX = re.compile(r"([A-Za-z_][\w.\[\]]{0,80}): (.+)", re.DOTALL)
_UNION_MISS = {"model_type", "dict_type", "list_type", "model_attributes_type", "is_instance_of"}


class ErrorItem(BaseModel):
    field: str = Field(description="Where: a body path like items[3].price, a query parameter, 'body'.")
    reason: str


class ErrorBody(BaseModel):
    """Every error response; some add context keys (e.g. ``rejected`` for a batch)."""

    model_config = ConfigDict(extra="allow")

    error: str = Field(description="One readable message.")
    errors: list[ErrorItem] = Field(default_factory=list, description="Each problem with its field.")


_DESCRIPTIONS = {
    400: "Bad request (e.g. malformed body)", 401: "Missing credentials", 403: "Not allowed",
    404: "Not found", 409: "Conflict", 413: "Request body too large", 422: "Invalid input",
    429: "Too many requests", 500: "Internal error (logged on the server)",
    507: "Storage full",
    503: "Not available yet (e.g. a model still to be trained) or a dependency is down",
}
#: the error responses every route declares (``FastAPI(responses=ERROR_RESPONSES)``)
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text} for code, text in _DESCRIPTIONS.items()
}


def error_body(message: str, errors: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {"error": message, "errors": errors or [], **extra}


def error_response(status: int, message: str, errors: list[dict[str, Any]] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(message, errors), status_code=status, headers=headers)


def field_path(loc: tuple | list) -> str:
    """('body', 'items', 3, 'price') -> 'items[3].price'; ('body', 0, 'position') -> '[0].position'."""
    parts = list(loc)
    if parts and parts[0] in _LOCATIONS:
        where = parts.pop(0)
        if not parts:
            return where
    return loc_path(parts) or "body"


def _drop_union_misses(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For ``A | list[A]`` bodies keep the errors of the branch the input matched, without its tag.

    pydantic reports every union member (loc ``('body', 'ProductIn', ...)`` and ``('body',
    'list[ProductIn]', 3, ...)``); a member whose root error is "not a dict/list/model" is the wrong one.
    """
    tags: dict[tuple, bool] = {}
    for e in errors:
        loc = tuple(e.get("loc", ()))
        if len(loc) >= 2 and isinstance(loc[1], str) and (loc[1][:1].isupper() or "[" in loc[1]):
            key = loc[:2]
            missed = len(loc) == 2 and e.get("type") in _UNION_MISS
            tags[key] = tags.get(key, False) or missed
    if len(tags) < 2:
        return errors
    kept = [e for e in errors if not tags.get(tuple(e.get("loc", ()))[:2], False)]
    if not kept:  # no member fits at all: one error on the value itself
        root = tuple(errors[0].get("loc", ()))[:1]
        shapes = "; ".join(f"{e['loc'][1]}: {e.get('msg', 'invalid')}" for e in errors if tuple(e["loc"])[:2] in tags)
        return [{"type": "union", "loc": root, "msg": f"matches none of the accepted shapes ({shapes})"}]
    return [{**e, "loc": (e["loc"][0], *e["loc"][2:])} if tuple(e["loc"])[:2] in tags else e for e in kept]


def _reason(e: dict[str, Any]) -> str:
    if e.get("type") == "json_invalid":
        detail = (e.get("ctx") or {}).get("error", "invalid JSON")
        loc = e.get("loc", ())
        at = f" at character {loc[1]}" if len(loc) > 1 and isinstance(loc[1], int) else ""
        return f"malformed JSON: {detail}{at}"
    msg = e.get("msg", "invalid")
    return msg[len("Value error, "):] if msg.startswith("Value error, ") else msg


def validation_errors(raw: list[dict[str, Any]]) -> list[dict[str, str]]:
    """pydantic/FastAPI error dicts as [{field, reason}] (field as the client wrote it)."""
    out = []
    for e in _drop_union_misses(list(raw)):
        loc = tuple(e.get("loc", ()))
        field = "body" if e.get("type") == "json_invalid" else field_path(loc)
        out.append({"field": field, "reason": _reason(e)})
    return out


def _from_detail(status: int, detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict) and "error" in detail:
        return {**detail, "errors": detail.get("errors") or []}
    if isinstance(detail, (list, dict)):
        return error_body(json.dumps(detail, ensure_ascii=False, default=str)[:500])
    text = str(detail) if detail is not None else ""
    m = _FIELD_PREFIX.fullmatch(text)
    if m and status in (400, 409, 413, 422):
        return error_body(text, [{"field": m.group(1), "reason": m.group(2)}])
    return error_body(text or f"HTTP {status}")


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return JSONResponse(_from_detail(exc.status_code, exc.detail), status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = validation_errors(exc.errors()) or [{"field": "body", "reason": "invalid"}]
    first = errors[0]
    return JSONResponse(error_body(f"invalid {first['field']}: {first['reason']}", errors), status_code=422)


class CatchAll:
    """Pure-ASGI: an exception no handler took is logged with its traceback and answered as JSON 500."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            ref = uuid.uuid4().hex[:12]
            log.exception("unhandled error %s on %s %s", ref, scope.get("method"), scope.get("path"))
            if started:
                raise  # the reply is half sent: nothing sensible can follow it
            resp = error_response(500, f"internal server error (reference {ref})")
            await resp(scope, receive, send)


def install_errors(app: FastAPI) -> None:
    """Register the handlers and the catch-all middleware on ``app`` (before it starts)."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_middleware(CatchAll)
