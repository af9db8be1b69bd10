"""Storage errors as themselves: a full disk (or a database at its size limit) is recognised once here,
so the CLI exits 2 and the API answers 507 with the reason instead of a traceback or a 500."""

from __future__ import annotations

import errno
import sqlite3

__all__ = ["storage_full"]


def storage_full(exc: BaseException) -> str | None:
    """A one-line reason when ``exc`` (or what caused it) says the storage is full, else None."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, sqlite3.OperationalError) and ("disk is full" in str(e) or "database is full" in str(e)):
            return f"storage full: {e}"
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            return f"storage full: {e.strerror or 'no space left on device'}"
        e = e.__cause__ or e.__context__
    return None
