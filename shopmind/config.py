"""Settings for every part of shopmind, read from SHOPMIND_* environment variables."""

from __future__ import annotations

import logging
import os
import stat
import threading
from pathlib import Path
from typing import Callable

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """One typed configuration shared by the CLI, the API and the tests."""

    model_config = SettingsConfigDict(env_prefix="SHOPMIND_", extra="ignore")

    home: Path = Field(default=Path("./shopmind-data"), description="Data directory of the shop.")
    store_url: str | None = Field(
        default=None, description="Knowledge-base URL, e.g. sqlite:///path/kb.sqlite3 (default: <home>/kb.sqlite3)."
    )
    host: str = "127.0.0.1"
    port: int = 8000
    admin_key: str | None = Field(
        default=None, description="API key for write endpoints (default: generated once per home, kept in "
        "<home>/admin_key with mode 0600)."
    )
    events_key: str | None = Field(
        default=None, description="Key (header X-Events-Key) that lets the shop's own server post events for any "
        "user or session. Unset: only the admin key can.")
    token_secret: str | None = Field(
        default=None, description="HMAC secret of shopper tokens (at least 32 characters). Unset: generated once "
        "into <home>/auth-secret (mode 0600).")
    demo_sign_in: bool = Field(
        default=False, description="Allow POST /api/auth/demo-login: anyone may sign in as any existing user, "
        "without a password. For the demo shop only (`shopmind demo` turns it on).")
    rate_limit_per_s: float = Field(default=20.0, gt=0, description="Anonymous and shopper writes (events, chat): "
                                    "requests per second per session or user.")
    rate_limit_burst: int = Field(default=100, ge=1, description="Burst of rate_limit_per_s.")
    rate_limit_ip_per_s: float = Field(default=100.0, gt=0, description="The same writes: requests per second per "
                                       "client IP (shoppers behind one proxy share it).")
    rate_limit_ip_burst: int = Field(default=500, ge=1, description="Burst of rate_limit_ip_per_s.")
    data: Path = Field(default=Path("../shared/data"), description="Path to the shared public data sets.")
    encoder: str = Field(
        default="auto", description="Text encoder: auto, minilm (English), e5 (multilingual e5-small)."
    )
    log_level: str = "info"
    search_workers: int = Field(
        default_factory=lambda: min(2, os.cpu_count() or 1), ge=0, le=16,
        description="Search worker processes used while real time runs: searches that miss the result cache "
        "run there, so they do not queue behind the event stream for the serving process's interpreter, "
        "nor behind each other (default: 2, or 1 on a one-CPU machine; ~350 MB each). "
        "0: every search runs in the serving process.",
    )
    max_body_bytes: int = Field(
        default=2 << 20, ge=1024,
        description="Largest request body (JSON) in bytes; 413 above it (2 MiB: a 5,000-event batch fits).")
    max_upload_bytes: int = Field(default=64 << 20, ge=1024, description="Largest upload to /api/ingest in bytes; 413 above it.")
    max_json_depth: int = Field(default=32, ge=2, le=200, description="Deepest JSON nesting a request body may have; 422 above it.")
    llm_url: str | None = Field(
        default=None,
        description="Optional generative backend of the assistant: base URL of an OpenAI-compatible chat "
        "endpoint (POST <url>/chat/completions), e.g. http://127.0.0.1:8080/v1. Unset (default): off.",
    )
    llm_model: str = Field(default="default", description="Model name sent to the chat endpoint.")
    llm_api_key: str | None = Field(default=None, description="Bearer token for the chat endpoint, if it needs one.")
    llm_timeout: float = Field(default=10.0, gt=0, description="Seconds to wait for the chat endpoint before the template answer is used.")

    @property
    def kb_url(self) -> str:
        return self.store_url or f"sqlite:///{(self.home / 'kb.sqlite3').as_posix()}"

    def ensure_home(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home

    def ensure_admin_key(self) -> str:
        """The admin key: SHOPMIND_ADMIN_KEY when set, else the one stored in the home (made on first use),
        so it stays the same across restarts."""
        if self.admin_key:
            return self.admin_key
        return stored_admin_key(self.ensure_home() / ADMIN_KEY_FILE)


ADMIN_KEY_FILE = "admin_key"
log = logging.getLogger(__name__)


def stored_admin_key(path: Path) -> str:
    """The admin key kept at ``path`` (made on first use)."""
    import secrets

    return stored_secret(path, lambda: secrets.token_urlsafe(24))


def stored_secret(path: Path, make: Callable[[], str]) -> str:
    """A per-home secret: read from ``path``, or ``make()`` written there first (mode 0600; a file that
    others can read is set back to 0600 with a warning; an empty one is replaced)."""
    exists = path.exists()
    if exists:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            log.warning("%s was readable by others (mode %o); set to 0600", path, mode)
            path.chmod(0o600)
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
    value = make()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(value + "\n")
    if exists:  # an empty file: replace it
        os.replace(tmp, path)
        return value
    try:
        os.link(tmp, path)  # atomic, never replaces a secret another process wrote first
    except FileExistsError:
        value = path.read_text(encoding="utf-8").strip()
    finally:
        tmp.unlink()
    return value


def data_dir() -> Path:
    """Where the shared public data sets live (env SHOPMIND_DATA, default ../shared/data)."""
    return Path(os.environ.get("SHOPMIND_DATA", "../shared/data"))
