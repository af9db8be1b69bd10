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

    @cached_property
    def search_workers(self):
        """Search worker processes (shopmind.search.workers), or None when ``search_workers`` is 0;
        started by /api/search once real time runs."""
        from shopmind.search.workers import build

        return build(self)

    def index(self, progress: bool = False, quiet: bool = False) -> dict[str, Any]:
        """Build or refresh everything search and recommendations need, incrementally.

        Enrichment first (tokens, entities, keywords, topics, sentiment, embeddings: only new or
        changed products), then the search indexes, then the recommendation models; the whole run is
        recorded as an ``index`` job with per-step seconds.
        """
        import time

        show = progress and not quiet
        steps = (
            ("enrich", lambda: self.text.enrich(progress=show)),
            ("search", lambda: self.search.refresh(progress=show)),
            ("recommend", lambda: self.recommender.refresh(progress=show)),
        )
        results: dict[str, Any] = {}
        with self.store.job("index") as job:
            for i, (name, step) in enumerate(steps):
                t0 = time.perf_counter()
                out = step()
                results[name] = {"seconds": round(time.perf_counter() - t0, 3),
                                 **(out if isinstance(out, dict) else {})}
                job.progress((i + 1) / len(steps), **{name: results[name]})
        return results

    def on_products_changed(self, product_ids: list[str]) -> None:
        """Tell the components already running that these products changed (added, edited, deleted).

        Components that follow the catalog expose ``products_changed(ids)``; the ones not built yet
        read the current catalog when they are built.
        """
        if not product_ids:
            return
        self.text.enrich(product_ids=list(product_ids))
        for name in ("text", "search", "recommender", "realtime", "assistant"):
            component = self.__dict__.get(name)
            hook = getattr(component, "products_changed", None)
            if hook is not None:
                hook(list(product_ids))

    def forget_user(self, user_id: str) -> dict[str, Any]:
        """Erase a user's personal data (``shopmind forget-user``, ``DELETE /api/users/{id}``): their
        events and those of their anonymous sessions, conversations, tickets and user record are
        deleted, their orders keep no address or tracking under an anonymous id, and every trained
        model and the live state drop them. Returns what was removed, by kind."""
        from shopmind.assistant.assistant import forget_conversations

        erased = self.store.forget_user(user_id)  # first: nothing retrained after this sees them
        sessions = erased.pop("sessions")
        assistant = self.__dict__.get("assistant")
        conversations = (assistant.forget_user(user_id) if assistant is not None
                         else forget_conversations(self.store, user_id))
        models = self.recommender.forget_user(user_id, sessions)
        realtime = self.__dict__.get("realtime")
        if realtime is not None:
            models += realtime.forget_user(user_id, sessions)
        return {"user": user_id, "events": erased["events"], "conversations": conversations,
                "tickets": erased["tickets"], "orders": erased["orders"], "users": erased["users"],
                "sessions": len(sessions), "models": models}

    def close(self) -> None:
        """Stop the components that run threads (event writer, retraining), then close the store."""
        for name in ("search_workers", "realtime", "assistant", "recommender", "search", "text"):
            closer = getattr(self.__dict__.get(name), "close", None)
            if closer is not None:
                closer()
        if "store" in self.__dict__:
            self.store.close()
