"""Sign-in: shopper tokens issued by the shop's back end, demo sign-in, sign-out, and who am I."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from shopmind.api.auth import DEFAULT_TTL_S, MAX_TTL_S, MIN_TTL_S, TOKEN_COOKIE, Principal, cookie_header
from shopmind.api.deps import AdminDep, PrincipalDep, ShopDep

router = APIRouter(prefix="/api/auth", tags=["auth"])


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    user_id: str = Field(min_length=1, max_length=200, description="The shopper the token speaks for.")
    ttl_s: int = Field(default=DEFAULT_TTL_S, ge=MIN_TTL_S, le=MAX_TTL_S,
                       description="Seconds the token is valid (60 s to 30 days; default 7 days).")


class TokenOut(BaseModel):
    token: str = Field(description="Send as `Authorization: Bearer <token>`.")
    user_id: str
    expires_at: int = Field(description="Unix seconds.")


class DemoLoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    user_id: str = Field(min_length=1, max_length=200)


class DemoLoginOut(BaseModel):
    user_id: str
    name: str | None
    expires_at: int


class DemoUser(BaseModel):
    user_id: str
    name: str | None


@router.post("/token", dependencies=[AdminDep])
def issue_token(request: Request, body: TokenIn) -> TokenOut:
    """A signed, expiring shopper token (admin): the shop's back end signs its shoppers in with it."""
    token, expires = request.app.state.auth.signer.issue(body.user_id, body.ttl_s)
    return TokenOut(token=token, user_id=body.user_id, expires_at=expires)


def _demo_on(request: Request) -> None:
    if not request.app.state.auth.demo_sign_in:
        raise HTTPException(404, detail="demo sign-in is off on this shop (setting demo_sign_in, "
                                        "SHOPMIND_DEMO_SIGN_IN; `shopmind demo` turns it on)")


@router.get("/demo-users")
def demo_users(request: Request, shop: ShopDep) -> list[DemoUser]:
    """The users one may sign in as with demo-login (only while demo sign-in is on; else 404)."""
    _demo_on(request)
    return [DemoUser(user_id=u.id, name=u.name) for u in shop.store.users()]


@router.post("/demo-login")
def demo_login(request: Request, response: Response, shop: ShopDep, body: DemoLoginIn) -> DemoLoginOut:
    """Sign in as an existing user without a password (demo shops only): sets the HttpOnly
    `shopmind_token` cookie. 403 while demo sign-in is off, 404 for an unknown user."""
    auth = request.app.state.auth
    if not auth.demo_sign_in:
        raise HTTPException(403, detail="demo sign-in is off on this shop (setting demo_sign_in, "
                                        "SHOPMIND_DEMO_SIGN_IN)")
    user = shop.store.get_user(body.user_id)
    if user is None:
        raise HTTPException(404, detail={"error": f"unknown user {body.user_id!r}",
                                         "errors": [{"field": "user_id", "reason": "no such user"}]})
    token, expires = auth.signer.issue(user.id, DEFAULT_TTL_S)
    response.headers.append("set-cookie", cookie_header(TOKEN_COOKIE, token, DEFAULT_TTL_S,
                                                        request.url.scheme == "https"))
    return DemoLoginOut(user_id=user.id, name=user.name, expires_at=expires)


@router.post("/logout")
def logout(request: Request, response: Response) -> dict[str, bool]:
    """Clear the `shopmind_token` cookie (the anonymous session cookie stays)."""
    response.headers.append("set-cookie", cookie_header(TOKEN_COOKIE, "", 0, request.url.scheme == "https"))
    return {"ok": True}


@router.get("/me")
def me(p: PrincipalDep) -> Principal:
    """Who the request speaks for: `kind` admin, user, events or anonymous, with `user_id` and the
    anonymous `session_id`. A wrong admin key is 403 and a bad bearer token 401 (a key can be checked)."""
    return p
