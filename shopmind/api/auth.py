"""Who is calling: principals, signed shopper tokens, the anonymous session cookie.

A shopper token is ``v1.<base64url(user id)>.<expiry unix seconds>.<base64url(HMAC-SHA256)>``, signed
with the shop's secret (setting ``token_secret``, else generated once into ``<home>/auth-secret`` with
mode 0600). Anonymous callers are told apart by an unguessable session id in the HttpOnly cookie
``shopmind_sid``, set on any response to a request that has none (``SessionCookieMiddleware``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from shopmind.api.ratelimit import RateLimiter
from shopmind.config import stored_secret

log = logging.getLogger(__name__)

SID_COOKIE = "shopmind_sid"
TOKEN_COOKIE = "shopmind_token"
SID_SCOPE = "shopmind.sid"  # the ASGI scope key the middleware leaves the session id under
SECRET_FILE = "auth-secret"
DEFAULT_TTL_S = 7 * 86400
MIN_TTL_S = 60
MAX_TTL_S = 30 * 86400
MAX_TOKEN_LEN = 1000
_SID_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")


class Principal(BaseModel):
    """The caller: the admin, a signed-in shopper, the shop's event feed, or an anonymous session."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["admin", "user", "anonymous", "events"]
    user_id: str | None = None
    session_id: str | None = None

    @property
    def privileged(self) -> bool:
        """Admin or the events key: may write events for anyone, not rate limited."""
        return self.kind in ("admin", "events")


class TokenError(ValueError):
    """A token that is malformed, not signed by this shop, or expired (the reason says which)."""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    """Issues and checks shopper tokens (stdlib HMAC-SHA256 over version, user id and expiry)."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("token secret: at least 16 bytes")
        self._secret = secret

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self._secret, body.encode("ascii"), hashlib.sha256).digest())

    def issue(self, user_id: str, ttl_s: int = DEFAULT_TTL_S, now: float | None = None) -> tuple[str, int]:
        """(token, expires_at unix seconds) for ``user_id``."""
        expires = int(time.time() if now is None else now) + int(ttl_s)
        body = f"v1.{_b64(user_id.encode('utf-8'))}.{expires}"
        return f"{body}.{self._mac(body)}", expires

    def verify(self, token: str, now: float | None = None) -> tuple[str, int]:
        """(user id, expires_at) of a valid token; TokenError otherwise."""
        parts = token.split(".") if len(token) <= MAX_TOKEN_LEN else []
        if len(parts) != 4 or parts[0] != "v1" or not parts[2].isdigit() or not token.isascii():
            raise TokenError("malformed token")
        body = ".".join(parts[:3])
        if not hmac.compare_digest(self._mac(body).encode("ascii"), parts[3].encode("ascii")):
            raise TokenError("bad signature (not issued by this shop, or altered)")
        expires = int(parts[2])
        if expires <= (time.time() if now is None else now):
            raise TokenError("token expired; sign in again")
        try:
            user_id = _unb64(parts[1]).decode("utf-8")
        except ValueError:
            raise TokenError("malformed token") from None
        return user_id, expires


def looks_like_token(value: str) -> bool:
    return value.startswith("v1.") and value.count(".") == 3


def load_secret(home: Path, configured: str | None = None) -> bytes:
    """The token secret: the setting when given, else ``<home>/auth-secret`` (created once, mode 0600)."""
    if configured:
        if len(configured) < 32:
            raise ValueError("token_secret (SHOPMIND_TOKEN_SECRET): at least 32 characters")
        return configured.encode("utf-8")
    home.mkdir(parents=True, exist_ok=True)
    path = home / SECRET_FILE
    stored_secret(path, lambda: secrets.token_hex(32))
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < 32:
        raise ValueError(f"{path}: the token secret is too short; delete the file to generate a new one")
    return secret.encode("ascii")


def same_secret(given: str, expected: str | None) -> bool:
    """Constant-time comparison of a header value with a key; any characters (never a TypeError)."""
    if not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode("utf-8"))


@dataclass
class AuthConfig:
    """What the principal dependency needs, built once per app from the settings."""

    admin_key: str
    signer: TokenSigner
    events_key: str | None = None
    demo_sign_in: bool = False
    session_limits: RateLimiter = field(default_factory=lambda: RateLimiter(20.0, 100))
    ip_limits: RateLimiter = field(default_factory=lambda: RateLimiter(100.0, 500))

    @classmethod
    def from_settings(cls, settings, admin_key: str) -> "AuthConfig":
        return cls(admin_key=admin_key, signer=TokenSigner(load_secret(settings.home, settings.token_secret)),
                   events_key=settings.events_key or None, demo_sign_in=settings.demo_sign_in,
                   session_limits=RateLimiter(settings.rate_limit_per_s, settings.rate_limit_burst),
                   ip_limits=RateLimiter(settings.rate_limit_ip_per_s, settings.rate_limit_ip_burst))


def cookie_header(name: str, value: str, max_age: int | None, secure: bool) -> str:
    """A Set-Cookie value: HttpOnly, SameSite=Lax, Path=/ (Secure over https)."""
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.insert(1, f"Max-Age={max_age}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def _sid_from(headers: list[tuple[bytes, bytes]]) -> str | None:
    for k, v in headers:
        if k == b"cookie" and b"shopmind_sid=" in v:
            for part in v.decode("latin-1").split(";"):
                name, _, value = part.strip().partition("=")
                if name == SID_COOKIE and _SID_RE.fullmatch(value):
                    return value
    return None


class SessionCookieMiddleware:
    """Pure ASGI: gives every HTTP request a session id (``scope[SID_SCOPE]``) from the ``shopmind_sid``
    cookie, or a new ``secrets.token_urlsafe(16)`` that the response then sets as that cookie."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sid = _sid_from(scope["headers"])
        if sid is not None:
            scope[SID_SCOPE] = sid
            await self.app(scope, receive, send)
            return
        sid = scope[SID_SCOPE] = secrets.token_urlsafe(16)
        cookie = cookie_header(SID_COOKIE, sid, None, scope.get("scheme") == "https").encode("latin-1")

        async def send_with_cookie(message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), (b"set-cookie", cookie)]
            await send(message)

        await self.app(scope, receive, send_with_cookie)
