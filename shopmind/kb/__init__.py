"""The product knowledge base: typed records, a store chosen by URL, ingest, validation."""

from __future__ import annotations

from shopmind.kb.store import KnowledgeBase


def open_store(url: str) -> KnowledgeBase:
    """Open the knowledge base named by ``url`` (``sqlite:///path/to/kb.sqlite3``)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(f"store URL needs a scheme, e.g. sqlite:///path: {url!r}")
    if scheme == "sqlite":
        from shopmind.kb.sqlite import SQLiteStore

        return SQLiteStore(rest[1:] if rest.startswith("/") else rest, url=url)
    raise ValueError(f"unsupported store URL scheme {scheme!r} (supported: sqlite)")


__all__ = ["KnowledgeBase", "open_store"]
