"""The Shop: one object, built from Settings, that the API, the CLI and the tests share.

Each component is built lazily by its package's ``build(shop)`` so that a command that only needs the
knowledge base never loads an encoder or a model.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from shopmind.config import Settings
from shopmind.kb import open_store

if TYPE_CHECKING:
    from shopmind.kb.store import KnowledgeBase


class Shop:
    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        self.settings = settings or Settings(**overrides)
        self.settings.ensure_home()

    @cached_property
    def store(self) -> "KnowledgeBase":
        return open_store(self.settings.kb_url)

    @cached_property
    def text(self):
        """Text understanding: normalization, tokens, entities, sentiment (shopmind.text)."""
        from shopmind.text import build

        return build(self)

    @cached_property
    def encoder(self):
        """The configured sentence encoder (shopmind.embed)."""
        from shopmind.embed import build

        return build(self)

    @cached_property
    def search(self):
        """Hybrid product search (shopmind.search)."""
        from shopmind.search import build

        return build(self)

    @cached_property
    def recommender(self):
        """Recommendation service (shopmind.recommend)."""
        from shopmind.recommend import build

        return build(self)

    @cached_property
    def assistant(self):
        """Customer-service assistant (shopmind.assistant)."""
        from shopmind.assistant import build

        return build(self)

    @cached_property
    def realtime(self):
        """Event ingestion, online updaters and caches (shopmind.realtime)."""
        from shopmind.realtime import build

        return build(self)

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()
