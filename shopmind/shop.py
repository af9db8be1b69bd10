"""The Shop: one object, built from Settings, that the API, the CLI and the tests share.

Each component is built lazily by its package's ``build(shop)`` so that a command that only needs the
knowledge base never loads an encoder or a model.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable

from shopmind.config import Settings
from shopmind.kb import open_store

if TYPE_CHECKING:
    from shopmind.kb.store import KnowledgeBase


class Shop:
    #: set by the API app: catalog changes of more than a few products are indexed by a background
    #: job (``indexer``) while searches use the current index; off (CLI), they are indexed in place
    background_indexing = False
    #: set in the child process of a background index job (``shopmind.indexing``)
    in_index_job = False

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
    def graph(self):
        """The product knowledge graph (shopmind.graph), refreshed from the catalog."""
        from shopmind.graph import build

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

    @cached_property
    def indexer(self):
        """The background index job runner of a serving shop (shopmind.indexing: a child process per job)."""
        from shopmind.indexing import BackgroundIndexer

        return BackgroundIndexer(self)

    def index_in_background(self) -> bool:
        """Search's hook when the catalog is far ahead of its index: start (or join) a background
        index job; False when this shop has none (the caller indexes in place)."""
        if not self.background_indexing:
            return False
        self.indexer.request(again=False)
        return True

    def adopt_index(self, models: bool = True) -> None:
        """After a background index job (another process): swap in the search index set and (with
        ``models``) the recommendation models it saved, in the components already running here."""
        import logging

        engine = self.__dict__.get("search")
        if engine is not None:
            engine.adopt_saved_now()
        recommender = self.__dict__.get("recommender")
        if models and recommender is not None:
            try:
                recommender.load()
            except (OSError, ValueError) as e:  # none saved yet (e.g. no events): the current ones stay
                logging.getLogger(__name__).warning("recommendation models not reloaded: %s", e)

    def index(self, progress: bool = False, quiet: bool = False, job: Any = None,
              stop: Callable[[], bool] | None = None) -> dict[str, Any]:
        """Build or refresh everything search and recommendations need, incrementally.

        The search indexes first (new products embedded in batches; a big change builds a new index
        set and swaps it in), then enrichment (tokens, entities, keywords, topics, sentiment; only new
        or changed products), then the recommendation models. The run is recorded as an ``index`` job
        with per-step seconds (``job``: one opened by the caller); ``stop()`` true stops it at the next
        batch boundary (``Stopped``).
        """
        import time
        from contextlib import nullcontext

        from shopmind.kb.store import Stopped

        show = progress and not quiet
        stop = stop or (lambda: False)
        steps = (
            ("graph", lambda: self.graph.refresh()),
            ("search", lambda: self.search.refresh(progress=show, stop=stop,
                                                   report=lambda f, msg: job.progress((1 + f) / 4, stage=f"search: {msg}"))),
            ("enrich", lambda: self.text.enrich(progress=show, stop=stop)),
            ("recommend", lambda: self.recommender.refresh(progress=show)),
        )
        results: dict[str, Any] = {}
        with (nullcontext(job) if job is not None else self.store.job("index")) as job:
            for i, (name, step) in enumerate(steps):
                if stop():
                    raise Stopped(f"index job stopped before {name}")
                job.progress(i / len(steps), state="running", stage=name)
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
        if self.background_indexing and len(product_ids) > self._fast_changes():
            self.indexer.request()  # enriched and indexed by the background job
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

    @staticmethod
    def _fast_changes() -> int:
        from shopmind.search.engine import FAST_FOLLOW

        return FAST_FOLLOW

    def close(self) -> None:
        """Stop the components that run threads (index job, event writer, retraining), then close the store."""
        for name in ("indexer", "search_workers", "realtime", "assistant", "recommender", "search", "text"):
            closer = getattr(self.__dict__.get(name), "close", None)
            if closer is not None:
                closer()
        if "store" in self.__dict__:
            self.store.close()
