"""Storage errors over HTTP: a full disk (or database at its size limit) answers 507 Insufficient
Storage with the reason, in the API's error shape; any other error goes on to the server's 500."""

from __future__ import annotations

import logging
import sqlite3

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shopmind.kb.storage_errors import storage_full

log = logging.getLogger(__name__)


def install_storage_errors(app: FastAPI) -> None:
    async def _storage(request: Request, exc: Exception) -> JSONResponse:
        reason = storage_full(exc)
        if reason is None:
            raise exc
        log.error("%s %s: %s", request.method, request.url.path, reason)
        return JSONResponse(status_code=507, content={"error": reason,
                                                      "errors": [{"field": "storage", "reason": reason}]})

    for kind in (sqlite3.OperationalError, OSError):
        app.add_exception_handler(kind, _storage)
