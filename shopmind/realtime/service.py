"""The real-time component of a Shop: event pipeline, online updaters, live recommendations, caches.

One object per serving process (``shop.realtime``). Events are validated, stored by the group-commit
writer, and folded into the online state before the write is acknowledged; catalog changes are
followed through ``products_changed`` (API writes in this process) and a poller on the store's change
sequence (writes from other processes); the recommendation model is retrained in the background and
swapped atomically.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
import time
from concurrent.futures import Future
from typing import Any, Iterable, Sequence

from shopmind.kb.models import EventIn
from shopmind.realtime.cache import ResultCache
from shopmind.realtime.metrics import Histogram, TextWriter
from shopmind.realtime.state import TYPE_WEIGHT, CoOccurrence, Decayed, Sessions, category_prefixes, session_key
from shopmind.realtime.swap import ModelSlot, Retrainer, Served, fold_in, interactions_from_store, model_user
from shopmind.realtime.validate import check_events
from shopmind.realtime.writer import GroupCommitWriter

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "model": "als",  # a shopmind.recommend model name (ALS: seconds to train, folds in new users)
    "model_params": {},
    "retrain_every_events": 50_000,  # 0: never by count
    "retrain_every_seconds": 3600.0,  # 0: never by time
    "train_max_events": 1_000_000,
    "train_max_items": 20_000,
    "warm_events": 200_000,  # events replayed into the online state at start
    "session_items": 50,
    "trending_half_life": 86400.0,
    "popularity_half_life": 7 * 86400.0,
    "cache_entries": 20_000,
    "cache_mb": 64,
    "cache_ttl": 30.0,
    "catalog_poll_seconds": 0.5,
    # the serving process's GIL switch interval (seconds; 0 leaves Python's 0.005): a search thread
    # waiting for the GIL after each numpy/ONNX call waits up to this long while the event threads run
    "gil_switch_interval": 0.001,
    # niceness added to the event writer thread (Linux; 0: none): its commits and online updates may
    # wait a few ms for a CPU, so searches and recommendations do not wait for it (2 cores: search p95
    # 45-58 -> 42-44 ms at 2,500 events/s, freshness unchanged; benchmarks/results/realtime.md)
    "writer_nice": 10,
}


#: trending rankings are computed this deep once per group and second, then sliced per request
TRENDING_DEPTH = 256

_MODEL_MODULES = {"als": "mf", "bpr": "mf", "itemknn": "itemknn", "ease": "ease", "pop": "popular",
                  "trending": "popular", "sasrec": "sasrec", "content": "content"}


def running(shop) -> "Realtime | None":
    """The shop's real-time component when it runs; never starts it."""
    return shop.__dict__.get("realtime")


def start(shop) -> "Realtime":
    """The shop's real-time component, started on first use; a failure to start is logged, kept for
    ``state`` and raised (RuntimeError naming the cause)."""
    rt = shop.__dict__.get("realtime")
    if rt is not None:
        return rt
    try:
        rt = shop.realtime
    except Exception as e:
        shop.__dict__["realtime_error"] = f"{type(e).__name__}: {e}"
        log.exception("real time did not start")
        raise RuntimeError(f"real time did not start: {type(e).__name__}: {e}") from e
    shop.__dict__.pop("realtime_error", None)
    return rt


def state(shop) -> dict[str, Any]:
    """``{"state": "running", ...status}``, ``{"state": "stopped"}`` (not started: the first POST
    /api/events starts it) or ``{"state": "failed", "error": ...}``; never starts it."""
    rt = running(shop)
    if rt is not None:
        return {"state": "running", **rt.status()}
    err = shop.__dict__.get("realtime_error")
    return {"state": "failed", "error": err} if err else {"state": "stopped"}


def realtime_settings(shop, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults < store meta 'realtime' (admin-editable) < SHOPMIND_REALTIME_* env < overrides."""
    cfg = dict(DEFAULTS)
    try:
        cfg.update(shop.store.get_meta("realtime", {}) or {})
    except Exception:  # pragma: no cover - a store without meta
        pass
    for k, v in DEFAULTS.items():
        env = os.environ.get(f"SHOPMIND_REALTIME_{k.upper()}")
        if env is not None and not isinstance(v, dict):
            cfg[k] = type(v)(env) if not isinstance(v, str) else env
    cfg.update({k: v for k, v in (overrides or {}).items() if v is not None})
    unknown = set(cfg) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown realtime setting(s) {sorted(unknown)}; known: {sorted(DEFAULTS)}")
    return cfg


class Realtime:
    """Event ingestion, online state, live recommendations, result cache and metrics of one shop."""

    def __init__(self, shop, start: bool = True, train: bool = True, **overrides: Any) -> None:
        self.shop, self.store = shop, shop.store
        self.cfg = cfg = realtime_settings(shop, overrides)
        self.sessions = Sessions(max_items=int(cfg["session_items"]))
        self.cooc = CoOccurrence()
        self.trend = Decayed(cfg["trending_half_life"])
        self.popular = Decayed(cfg["popularity_half_life"])
        self.cache = ResultCache(int(cfg["cache_entries"]), int(cfg["cache_mb"]) << 20, float(cfg["cache_ttl"]))
        self.slot = ModelSlot()
        self._fold_lock = threading.Lock()
        self._obs_lock = threading.Lock()
        self._catalog: dict[str, tuple[str | None, bool]] = {}  # id -> (category, available)
        self._catalog_lock = threading.RLock()
        self._trending: dict[str, tuple[float, int, int, list[tuple[str, float]]]] = {}  # group -> ranking
        self._trending_lock = threading.Lock()
        self.catalog_seq = 0
        self.catalog_version = 0
        self.events_by_type: dict[str, int] = {}
        self.rejected_by_field: dict[str, int] = {}
        self.last_event_id = 0
        self.visible = Histogram()  # receive -> stored and visible to reads (seconds)
        self.catalog_lag = Histogram()  # store change -> followed here (seconds)
        self._stop = threading.Event()
        if float(cfg["gil_switch_interval"]) > 0:
            sys.setswitchinterval(float(cfg["gil_switch_interval"]))
        self._load_catalog()
        self.warmed = self._warm(int(cfg["warm_events"]))
        # the catalog and the replayed online state are long-lived: keep the cyclic GC from rescanning
        # them in every full collection (a 0.2-0.5 s pause of the serving process under event load)
        gc.collect()
        gc.freeze()
        if start and hasattr(self.store, "start_checkpointer"):  # SQLite: commits never run a checkpoint
            self.store.start_checkpointer(nice=int(cfg["writer_nice"]))
        self.writer = GroupCommitWriter(self.store, after_commit=self._after_commit, nice=int(cfg["writer_nice"]))
        self.retrainer = Retrainer(self.slot, self._train, self._install, int(cfg["retrain_every_events"]),
                                   float(cfg["retrain_every_seconds"]), name=str(cfg["model"]))
        self._threads: list[threading.Thread] = []
        self._search: Any = None  # the search engine fed by serve_search
        if shop.__dict__.get("search") is not None:
            self.serve_search(shop.search)
        if start:
            self.retrainer.start(initial=train)
            t = threading.Thread(target=self._follow_catalog, name="shopmind-catalog-follower", daemon=True)
            t.start()
            self._threads.append(t)

    # -- catalog ------------------------------------------------------------------------------------
    @staticmethod
    def _facts(p) -> tuple[str | None, bool]:
        return p.category, p.status == "active" and (p.stock is None or p.stock > 0)

    def _load_catalog(self) -> None:
        seq = self.store.change_seq()
        with self._catalog_lock:
            for p in self.store.iter_products(include_deleted=True):
                self._catalog[p.id] = self._facts(p)
            self.catalog_seq = seq

    def _sync_catalog(self) -> list[str]:
        """Apply product changes after the followed sequence; invalidates what they affect."""
        with self._catalog_lock:
            products, newest = self.store.product_changes(self.catalog_seq)
            if not products:
                self.catalog_seq = max(self.catalog_seq, newest)
                return []
            now = time.time()
            for p in products:
                self._catalog[p.id] = self._facts(p)
                self.catalog_lag.observe(max(0.0, now - (p.updated_at or now)))
            self.catalog_seq = newest
            self.catalog_version += 1
        ids = [p.id for p in products]
        # any change can add a product to any answer (new, restored, back in stock), so whole
        # namespaces go; keys carry catalog_version too, so an answer computed across the change is
        # never served after it
        for ns in ("search", "recommend"):  # trending rankings carry catalog_version (see trending())
            self.cache.invalidate_namespace(ns)
        self.cache.invalidate_tags("product:" + i for i in ids)
        return ids

    def products_changed(self, product_ids: Sequence[str]) -> None:
        """Shop hook after API writes: follow the change at once (deleted/out-of-stock disappear)."""
        self._sync_catalog()

    def _follow_catalog(self) -> None:
        period = float(self.cfg["catalog_poll_seconds"])
        while not self._stop.wait(period):
            try:
                if self.store.change_seq() != self.catalog_seq:
                    self._sync_catalog()
            except Exception as ex:  # the store may be closing
                log.debug("catalog follower: %s", ex)

    def is_known(self, product_id: str) -> bool:
        if product_id in self._catalog:
            return True
        p = self.store.get_product(product_id, include_deleted=True)
        if p is None:
            return False
        with self._catalog_lock:
            self._catalog[p.id] = self._facts(p)
        return True

    def available(self, product_id: str) -> bool:
        """Known, active and in stock (stock unset counts as available)."""
        f = self._catalog.get(product_id)
        return bool(f and f[1])

    # -- ingestion ----------------------------------------------------------------------------------
    def validate(self, items: Iterable[Any]) -> tuple[list[tuple[int, EventIn]], list[dict[str, Any]]]:
        good, bad = check_events(items, self.is_known)
        for b in bad:
            self.rejected_by_field[b["field"]] = self.rejected_by_field.get(b["field"], 0) + 1
        return good, bad

    def submit(self, events: Sequence[EventIn], wake: bool = True) -> Future:
        """Queue validated events for the group commit; the future gives their ids. ``wake=False``:
        fire and forget, committed with the next batch (at most the writer's ``lazy_delay`` later)."""
        return self.writer.submit(events, wake=wake)

    def observe_visible(self, seconds: float) -> None:
        with self._obs_lock:
            self.visible.observe(seconds)

    def ingest(self, items: Iterable[Any], timeout: float = 60.0) -> dict[str, Any]:
        """Validate, store durably and apply events (blocking); bad ones are reported by index."""
        t0 = time.perf_counter()
        good, bad = self.validate(items)
        ids = self.submit([e for _, e in good]).result(timeout) if good else []
        if good:
            self.observe_visible(time.perf_counter() - t0)
        return {"accepted": len(ids), "ids": ids, "rejected": bad}

    def _apply(self, pairs: Iterable[tuple[int, Any]]) -> None:
        """The online updaters, in event order: sessions, co-occurrence, trending, popularity."""
        for eid, e in pairs:
            key = session_key(None, e.session_id) or session_key(e.user_id, None)
            previous = self.sessions.get(key)[0] if e.product_id and e.type in TYPE_WEIGHT else []
            self.sessions.update(e, eid)
            if e.product_id:
                self.cooc.update(e, previous)
                w = TYPE_WEIGHT.get(e.type, 0.0)
                if w:
                    cat = (self._catalog.get(e.product_id) or (None, True))[0]
                    self.trend.add(category_prefixes(cat), e.product_id, w, e.ts)
                    self.popular.add(("",), e.product_id, w, e.ts)
            self.events_by_type[e.type] = self.events_by_type.get(e.type, 0) + 1
            self.last_event_id = max(self.last_event_id, eid)

    def _after_commit(self, events: list[EventIn], ids: list[int]) -> None:
        pairs = list(zip(ids, events))
        self._apply(pairs)
        with self._fold_lock:
            served = self.slot.get()
            if served is not None:
                self._fold(served, ((i, e) for i, e in pairs if i > served.folded_upto))
        tags = {f"user:{e.user_id}" for e in events if e.user_id} | {f"session:{e.session_id}" for e in events
                                                                      if e.session_id}
        self.cache.invalidate_tags(tags)
        self.retrainer.note_events(len(events))

    @staticmethod
    def _fold(served: Served, pairs: Iterable[tuple[int, Any]]) -> None:
        """Fold users' new product events into the served model (matrix-factorization style fold-in)."""
        per_user: dict[str, list[str]] = {}
        last = served.folded_upto
        for i, e in pairs:
            last = max(last, i)
            if e.user_id and e.product_id and e.type != "search":
                per_user.setdefault(e.user_id, []).append(e.product_id)
        if per_user:
            fold_in(served.model, per_user)
        served.folded_upto = last

    def _warm(self, n: int) -> int:
        """Replay the latest ``n`` stored events into the online state (after a restart)."""
        if n <= 0:
            return 0
        total = self.store.count_events()
        count = 0
        batch: list[tuple[int, Any]] = []
        for e in self.store.iter_events(after_id=max(0, total - n)):
            batch.append((e.id, e))
            if len(batch) >= 5000:
                self._apply(batch)
                count += len(batch)
                batch = []
        self._apply(batch)
        return count + len(batch)

    # -- model lifecycle ------------------------------------------------------------------------------
    def _make_model(self):
        """A fresh model by name, importing only its module (SASRec's torch is not loaded for ALS)."""
        import importlib

        from shopmind.recommend.base import REGISTRY

        name = str(self.cfg["model"])
        module = _MODEL_MODULES.get(name)
        if module and name not in REGISTRY:
            importlib.import_module(f"shopmind.recommend.{module}")
        if name not in REGISTRY:
            from shopmind.recommend.models import make

            return make(name, **dict(self.cfg["model_params"] or {}))
        return REGISTRY[name](**dict(self.cfg["model_params"] or {}))

    def _train(self) -> tuple[Any, dict[str, Any]]:
        with self.store.job("retrain") as job:
            data, upto = interactions_from_store(self.store, int(self.cfg["train_max_events"]),
                                                 int(self.cfg["train_max_items"]))
            if data is None:
                job.counts.update(events=0)
                return None, {"reason": "no product events to train on yet", "upto": upto}
            model = self._make_model()
            model.fit(data)
            info = {"name": str(self.cfg["model"]), "upto": upto, "users": data.n_users, "items": data.n_items}
            job.counts.update(info)
        return model, info

    def _catch_up(self, served: Served) -> None:
        pairs = [(e.id, e) for e in self.store.iter_events(after_id=served.folded_upto)]
        self._fold(served, pairs)

    def _install(self, served: Served) -> None:
        """Fold in what arrived during training, then publish (the writer waits only for the tail)."""
        self._catch_up(served)
        with self._fold_lock:
            self._catch_up(served)
            self.slot.swap(served)
        self.cache.invalidate_namespace("recommend")

    def retrain(self) -> bool:
        """Train and swap now (blocking); False when it failed and the last good model stays."""
        return self.retrainer.run_once()

    def forget_user(self, user_id: str, sessions: Iterable[str] = ()) -> list[str]:
        """Drop an erased user (and their sessions) from the live session state, the served model and
        the answer cache; which of the first two knew them."""
        sessions = list(sessions)
        out = []
        if self.sessions.forget([session_key(user_id, None), *(session_key(None, s) for s in sessions)]):
            out.append("realtime.sessions")
        with self._fold_lock:
            served = self.slot.get()
            forget = getattr(served.model, "forget_user", None) if served is not None else None
            if forget is not None and any([forget(k) for k in [user_id, *(model_user(None, s) for s in sessions)]]):
                out.append(f"realtime.{served.name}")
        self.cache.invalidate_tags({f"user:{user_id}", *(f"session:{s}" for s in sessions)})
        self.cache.invalidate_namespace("recommend")
        return out

    # -- reads ----------------------------------------------------------------------------------------
    def session_items(self, user: str | None = None, session: str | None = None) -> list[str]:
        """The live last-N product ids of a user (or else an anonymous session), oldest first."""
        return self.sessions.recent_items(session_key(user, session))

    def session_queries(self, user: str | None = None, session: str | None = None) -> list[str]:
        return [q for q, _ in self.sessions.get(session_key(user, session))[1]]

    def popularity(self, product_ids: Iterable[str]) -> dict[str, float]:
        """Time-decayed weighted event counts (view 1, click 2, cart 4, purchase 8) per product."""
        return self.popular.get("", product_ids, time.time())

    def serve_search(self, engine: Any) -> None:
        """Feed a search engine's popularity feature from the live stream (no re-reading of stored
        events inside search requests); idempotent, undone by ``close``."""
        if getattr(engine, "popularity_source", None) != self.popularity:
            engine.popularity_source = self.popularity
            self._search = engine

    def trending(self, category: str | None = None, n: int = 10) -> list[tuple[str, float]]:
        """Trending available products, overall or under a category path prefix.

        Each group's ranking (its top ``TRENDING_DEPTH``) is recomputed at most once a second by one
        thread, and sliced for every ``n``; meanwhile the others serve the previous ranking, except
        after a catalog change (deleted or out-of-stock products leave at once)."""
        group = " > ".join(p.strip() for p in (category or "").split(">") if p.strip())
        depth = max(n, TRENDING_DEPTH)
        snap = self._trending.get(group)
        if snap is not None and snap[1] == self.catalog_version and snap[2] >= depth:
            if time.monotonic() - snap[0] <= 1.0 or not self._trending_lock.acquire(blocking=False):
                return snap[3][:n]  # fresh, or being refreshed by another thread
            try:
                return self._rank_trending(group, depth)[:n]
            finally:
                self._trending_lock.release()
        with self._trending_lock:
            snap = self._trending.get(group)  # computed by the thread this one waited for?
            if snap is not None and snap[1] == self.catalog_version and snap[2] >= depth:
                return snap[3][:n]
            return self._rank_trending(group, depth)[:n]

    def _rank_trending(self, group: str, depth: int) -> list[tuple[str, float]]:
        version, at = self.catalog_version, time.monotonic()
        top = self.trend.top(group, depth, time.time(), skip=lambda pid: not self.available(pid))
        self._trending[group] = (at, version, depth, top)
        return top

    def also(self, product_id: str, kind: str = "viewed", n: int = 10) -> list[tuple[str, float]]:
        """Live 'viewed also viewed' (kind='viewed') or 'bought together' (kind='bought') neighbours."""
        return [(p, c) for p, c in self.cooc.neighbours(product_id, kind, n * 3) if self.available(p)][:n]

    def recommend(self, user: str | None = None, session: str | None = None, n: int = 10) -> dict[str, Any]:
        """Session-aware recommendations: the served model re-run on the live history, live
        co-occurrence for items the model does not know yet, trending to fill; unavailable dropped."""
        if n <= 0:
            raise ValueError("n must be positive")
        key = session_key(user, session)
        items, _, sver = self.sessions.get(key)
        served = self.slot.get()
        tags = [f"user:{user}"] if user else [f"session:{session}"] if session else []

        def compute() -> dict[str, Any]:
            return self._recommend(user, [pid for pid, t, _, _ in items], served, n, sver)

        return self.cache.get_or_compute(
            "recommend", self._recommend_key(key, sver, served, n), compute,
            tags=lambda r: tags + ["product:" + x["id"] for x in r["items"]])

    def _recommend_key(self, key: str | None, sver: int, served: Served | None, n: int) -> tuple:
        return key, sver, served.version if served is not None else 0, self.catalog_version, n

    def _recommend(self, user: str | None, session_pids: list[str], served: Served | None, n: int,
                   sver: int) -> dict[str, Any]:
        seen = list(dict.fromkeys(reversed(session_pids)))  # most recent first, unique
        seen_set = set(seen)
        scores: dict[str, float] = {}
        source: dict[str, str] = {}
        want = n * 3 + 10

        def add(ids: Iterable[str], weight: float, why: str) -> None:
            for rank, pid in enumerate(ids):
                if pid in seen_set or not self.available(pid):
                    continue
                scores[pid] = scores.get(pid, 0.0) + weight / (60.0 + rank)
                source.setdefault(pid, why)

        if served is not None:
            model = served.model
            try:
                if user and len(model.history(user)):
                    ids, _ = model.recommend(user=user, n=want)
                    add(ids, 1.0, "model")
                else:
                    known = [p for p in reversed(seen) if p in model.item_index]
                    if known:
                        ids, _ = model.recommend(None, items=known, n=want)
                        add(ids, 1.0, "model")
            except Exception as ex:  # a model bug must not take recommendations down
                log.warning("model %s failed to recommend: %s", served.name, ex)
        # live co-occurrence brings in what the model cannot know yet (products newer than the model),
        # or everything when there is no model answer; the model's own order is left alone
        known = served.model.item_index if served is not None and scores else {}
        for w, pid in zip((1.0, 0.7, 0.5), seen[:3]):
            for kind, why in (("viewed", "also_viewed"), ("bought", "bought_together")):
                add([p for p, _ in self.cooc.neighbours(pid, kind, want) if p not in known], w, why)
        ranked = sorted(scores, key=lambda p: (-scores[p], p))[:n]
        if len(ranked) < n:
            cat = (self._catalog.get(seen[0]) or (None, True))[0] if seen else None
            for group in ([cat] if cat else []) + [None]:
                for pid, _ in self.trending(group, n * 2 + len(seen)):
                    if pid not in seen_set and pid not in scores and len(ranked) < n:
                        ranked.append(pid)
                        scores[pid] = 0.0
                        source[pid] = "trending"
        return {
            "items": [{"id": p, "score": round(scores[p], 6), "source": source[p]} for p in ranked],
            "based_on": seen[:10],
            "model_version": served.version if served is not None else 0,
            "session_version": sver,
        }

    # -- status and metrics ---------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        served = self.slot.get()
        w = self.writer
        return {
            "events": {"accepted_by_type": dict(self.events_by_type), "rejected_by_field": dict(self.rejected_by_field),
                       "last_id": self.last_event_id, "warmed": self.warmed, "pending": w.pending,
                       "commits": w.commits, "committed": w.events, "commit_failures": w.failures,
                       "visible_p95_s": self.visible.quantile(0.95)},
            "model": None if served is None else {
                "name": served.name, "version": served.version, "trained_at": served.trained_at,
                "train_seconds": round(served.train_seconds, 3), "upto": served.upto,
                "folded_upto": served.folded_upto, **{k: v for k, v in served.info.items() if k not in ("name", "upto")}},
            "retrain": {"runs": self.retrainer.runs, "failures": self.retrainer.failures,
                        "last_error": self.retrainer.last_error, "training": self.retrainer.training,
                        "events_since": self.retrainer.events_since},
            "catalog": {"followed_seq": self.catalog_seq, "version": self.catalog_version, "products": len(self._catalog)},
            "sessions": len(self.sessions), "cooc_entries": self.cooc.size(),
            "cache": self.cache.stats(),
        }

    def write_metrics(self, w: TextWriter) -> None:
        for t, c in sorted(self.events_by_type.items()):
            w.sample("shopmind_events_total", "counter", "Events accepted and applied, by type.", c, {"type": t})
        for f, c in sorted(self.rejected_by_field.items()):
            w.sample("shopmind_events_rejected_total", "counter", "Events rejected, by field.", c, {"field": f})
        wr = self.writer
        w.sample("shopmind_event_commits_total", "counter", "Group commits of the event writer.", wr.commits)
        w.sample("shopmind_event_committed_total", "counter", "Events committed by the writer.", wr.events)
        w.sample("shopmind_event_commit_failures_total", "counter", "Failed group commits.", wr.failures)
        w.sample("shopmind_event_commit_seconds_total", "counter", "Time spent committing.", round(wr.commit_seconds, 6))
        w.sample("shopmind_event_queue_pending", "gauge", "Events waiting for the next commit.", wr.pending)
        w.sample("shopmind_event_last_batch", "gauge", "Events in the last group commit.", wr.last_batch)
        w.histogram("shopmind_event_visible_seconds",
                    "Freshness lag: from receiving an event to it being stored and visible to reads.", self.visible)
        w.histogram("shopmind_catalog_visible_seconds",
                    "Catalog freshness lag: from a product change to realtime following it.", self.catalog_lag)
        w.sample("shopmind_catalog_followed_seq", "gauge", "Product change sequence followed by realtime.",
                 self.catalog_seq)
        w.sample("shopmind_sessions", "gauge", "Users and sessions with live state.", len(self.sessions))
        cs = self.cache.stats()
        for ns, d in cs["namespaces"].items():
            w.sample("shopmind_cache_hits_total", "counter", "Result-cache hits.", d["hits"], {"namespace": ns})
            w.sample("shopmind_cache_misses_total", "counter", "Result-cache misses.", d["misses"], {"namespace": ns})
        w.sample("shopmind_cache_hit_ratio", "gauge", "Result-cache hit ratio since start.", round(cs["hit_ratio"], 6))
        w.sample("shopmind_cache_entries", "gauge", "Entries in the result cache.", cs["entries"])
        w.sample("shopmind_cache_bytes", "gauge", "Estimated bytes held by the result cache.", cs["bytes"])
        w.sample("shopmind_cache_evictions_total", "counter", "LRU evictions.", cs["evictions"])
        w.sample("shopmind_cache_invalidations_total", "counter", "Entries dropped by invalidation.",
                 cs["invalidations"])
        served = self.slot.get()
        if served is not None:
            w.sample("shopmind_model_version", "gauge", "Version of each served model.", served.version,
                     {"component": "realtime", "model": served.name})
            w.sample("shopmind_model_trained_timestamp_seconds", "gauge", "When the served model was trained.",
                     round(served.trained_at, 3), {"component": "realtime", "model": served.name})
            w.sample("shopmind_model_folded_event_id", "gauge", "Last event folded into the served model.",
                     served.folded_upto, {"component": "realtime", "model": served.name})
        w.sample("shopmind_model_retrains_total", "counter", "Successful background retrains.", self.retrainer.runs,
                 {"component": "realtime"})
        w.sample("shopmind_model_retrain_failures_total", "counter", "Failed retrains (last good model kept).",
                 self.retrainer.failures, {"component": "realtime"})

    def close(self) -> None:
        """Commit what is queued and stop the threads (call before closing the store)."""
        self._stop.set()
        engine, self._search = self._search, None
        if engine is not None and engine.popularity_source == self.popularity:
            engine.popularity_source = None
        self.retrainer.stop()
        self.writer.close()
        for t in self._threads:
            t.join(2.0)
