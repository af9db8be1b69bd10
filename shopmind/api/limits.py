"""Bounded input: request bodies have a size limit (413 before the whole body is read) and JSON a depth limit.

A pure-ASGI middleware: Content-Length over the limit is refused at once; a body without one is
counted while it streams. Bodies that are not form uploads (JSON, or anything FastAPI may parse as
JSON) are read whole (they are small by then) and checked for nesting depth, so a 1,000-deep array is
a 422 naming ``body``, never a RecursionError. Uploads to the paths in ``upload_paths`` get the larger
limit and stream on to the route.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.exceptions import HTTPException

from shopmind.api.errors import error_response

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_SYNTAX = bytes(b for b in range(256) if b not in b'[]{}"\\')
_TO_SQUARE = bytes.maketrans(b"{}", b"[]")


def json_too_deep(body: bytes, max_depth: int) -> bool:
    """True when the JSON text nests arrays/objects deeper than ``max_depth`` (strings ignored).

    Runs in C-speed passes: strings removed, only brackets kept, then innermost pairs peeled off
    once per level; at most ``max_depth + 1`` passes over a string that shrinks every time.
    """
    if body.count(b"[") + body.count(b"{") <= max_depth:
        return False
    # keep only brackets, quotes and backslashes (C speed), then drop what was inside strings
    syntax = body.translate(_TO_SQUARE, _NOT_SYNTAX)
    if b"\\" not in syntax:
        syntax = syntax.replace(b'""', b"")  # strings without brackets inside: the common case
    brackets = _STRING.sub(b"", syntax) if b'"' in syntax else syntax
    depth = 0
    while brackets:
        shorter = brackets.replace(b"[]", b"")
        if len(shorter) == len(brackets):  # unbalanced leftovers "]]][[[": the opens nest what follows
            return depth + shorter.count(b"[") > max_depth
        depth += 1
        if depth > max_depth:
            return True
        brackets = shorter
    return False


def _too_large(limit: int) -> HTTPException:
    return HTTPException(413, detail={"error": f"request body too large (at most {limit:,} bytes)",
                                      "errors": [{"field": "body", "reason": f"larger than {limit:,} bytes"}]})


class BodyLimit:
    """Refuse bodies over ``max_bytes`` (``upload_bytes`` on ``upload_paths``) and JSON deeper than ``max_depth``."""

    def __init__(self, app: Any, max_bytes: int, upload_bytes: int, max_depth: int = 32,
                 upload_paths: tuple[str, ...] = ("/api/ingest",)) -> None:
        self.app, self.max_bytes, self.upload_bytes = app, max_bytes, upload_bytes
        self.max_depth, self.upload_paths = max_depth, upload_paths

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        limit = self.upload_bytes if scope.get("path") in self.upload_paths else self.max_bytes
        length = headers.get(b"content-length")
        if length is not None:
            if not length.strip().isdigit():
                await error_response(400, "invalid Content-Length header",
                                     [{"field": "content-length", "reason": "not a whole number"}])(scope, receive, send)
                return
            if int(length) > limit:
                exc = _too_large(limit)
                await error_response(413, exc.detail["error"], exc.detail["errors"])(scope, receive, send)
                return
        ctype = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if ctype in (b"multipart/form-data", b"application/x-www-form-urlencoded"):
            await self.app(scope, self._counting(receive, limit), send)
            return
        try:
            body = await self._read_all(receive, limit)
        except HTTPException as exc:
            await error_response(413, exc.detail["error"], exc.detail["errors"])(scope, receive, send)
            return
        if body and json_too_deep(body, self.max_depth):
            reason = f"JSON nested deeper than {self.max_depth} levels"
            await error_response(422, f"invalid body: {reason}", [{"field": "body", "reason": reason}])(
                scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    @staticmethod
    async def _read_all(receive: Any, limit: int) -> bytes:
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)

    @staticmethod
    def _counting(receive: Any, limit: int) -> Any:
        size = 0

        async def counted() -> dict:
            nonlocal size
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > limit:
                    raise _too_large(limit)  # FastAPI re-raises it from body parsing: a 413
            return message

        return counted


def _replay(body: bytes, receive: Any) -> Any:
    sent = False

    async def replay() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
