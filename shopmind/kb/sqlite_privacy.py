"""Erasure of one user's personal data in the SQLite store (``forget_user``), one transaction."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Callable


def anonymous_id(user_id: str) -> str:
    """What an erased user's orders are filed under: stable, not reversible to the id."""
    return "erased-" + hashlib.sha256(user_id.encode("utf-8")).hexdigest()[:16]


class PrivacyMixin:
    """``forget_user`` and ``delete_meta`` for SQLiteStore (which provides ``_tx``)."""

    def delete_meta(self, prefix: str, match: Callable[[Any], bool] | None = None) -> int:
        like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self._tx() as c:  # type: ignore[attr-defined]
            rows = c.execute("SELECT key, value FROM meta WHERE key LIKE ? ESCAPE '\\'", (like,)).fetchall()
            keys = [r[0] for r in rows if match is None or match(json.loads(r[1]))]
            c.executemany("DELETE FROM meta WHERE key=?", [(k,) for k in keys])
        return len(keys)

    def forget_user(self, user_id: str) -> dict[str, Any]:
        """Delete the user's events (and those of the anonymous sessions they used), their tickets and
        user record; orders stay for the books, filed under an anonymous id, without address or
        tracking. Returns the counts and the session ids whose live state must go too."""
        with self._tx() as c:  # type: ignore[attr-defined]
            sessions = sorted(r[0] for r in c.execute(
                "SELECT DISTINCT session_id FROM events WHERE user_id=? AND session_id IS NOT NULL", (user_id,)))
            events = c.execute("DELETE FROM events WHERE user_id=?", (user_id,)).rowcount
            for sid in sessions:  # events of the same sessions sent before signing in
                events += c.execute("DELETE FROM events WHERE session_id=? AND user_id IS NULL", (sid,)).rowcount
            tickets = c.execute("DELETE FROM tickets WHERE user_id=?", (user_id,)).rowcount
            orders = c.execute(
                "UPDATE orders SET user_id=?, address=NULL, tracking=NULL WHERE user_id=?",
                (anonymous_id(user_id), user_id)).rowcount
            users = c.execute("DELETE FROM users WHERE id=?", (user_id,)).rowcount
        return {"events": events, "tickets": tickets, "orders": orders, "users": users, "sessions": sessions}
