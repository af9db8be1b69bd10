"""FastAPI dependencies: the Shop of this app and the admin-key guard for write endpoints."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader

from shopmind.shop import Shop

_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="The shop's admin key.")


async def get_shop(request: Request) -> Shop:
    """async: resolved on the event loop, without a thread hop per request."""
    return request.app.state.shop


def require_admin(request: Request, key: Annotated[str | None, Security(_api_key)] = None) -> None:
    """Write endpoints need the admin key in ``X-API-Key`` (or ``Authorization: Bearer``)."""
    if key is None:
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            key = auth[7:].strip()
    expected = request.app.state.admin_key
    if not key:
        raise HTTPException(status_code=401, detail="missing API key: send it in the X-API-Key header")
    if not secrets.compare_digest(key, expected):
        raise HTTPException(status_code=403, detail="invalid API key")


ShopDep = Annotated[Shop, Depends(get_shop)]
AdminDep = Depends(require_admin)
