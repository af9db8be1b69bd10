"""Serving models that are retrained in the background and swapped atomically.

A reader takes ``slot.get()`` once per request and uses only that object, so it sees the old model or
the new one, never a half-loaded one: the new model is trained, caught up and complete before one
reference assignment publishes it. When training fails the last good model keeps serving.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from shopmind.realtime.validate import PRODUCT_TYPES

log = logging.getLogger(__name__)


class Served:
    """A published model: the object, its version, and the last event id folded into it."""

    __slots__ = ("model", "version", "name", "trained_at", "train_seconds", "upto", "folded_upto", "info")

    def __init__(self, model: Any, version: int, name: str, upto: int = 0, train_seconds: float = 0.0,
                 info: dict[str, Any] | None = None) -> None:
        self.model, self.version, self.name = model, version, name
        self.trained_at = time.time()
        self.train_seconds = train_seconds
        self.upto = upto  # last event id the training data included
        self.folded_upto = upto  # last event id folded in online (partial_fit)
        self.info = info or {}


class ModelSlot:
    """Holds the current Served model; ``swap`` is one reference assignment."""

    def __init__(self) -> None:
        self._current: Served | None = None
        self._lock = threading.Lock()
        self.swaps = 0

    def get(self) -> Served | None:
        return self._current

    @property
    def version(self) -> int:
        cur = self._current
        return cur.version if cur is not None else 0

    def swap(self, served: Served) -> None:
        with self._lock:
            self._current = served
            self.swaps += 1


TrainFn = Callable[[], tuple[Any, dict[str, Any]]]


class Retrainer:
    """Retrains on a schedule (``every_seconds``) or after ``every_events`` new events, in a thread.

    ``train()`` returns (model, info) where info may carry 'upto' (last event id trained on) and
    'name'; ``install(served)`` publishes it (default: ``slot.swap``). Failures are counted and
    logged, and the previous model stays.
    """

    def __init__(self, slot: ModelSlot, train: TrainFn, install: Callable[[Served], None] | None = None,
                 every_events: int = 0, every_seconds: float = 0.0, name: str = "model") -> None:
        self.slot, self.train, self.name = slot, train, name
        self.install = install or slot.swap
        self.every_events, self.every_seconds = every_events, every_seconds
        self.events_since = 0
        self.runs = 0
        self.skipped = 0
        self.failures = 0
        self.last_error: str | None = None
        self.last_seconds = 0.0
        self.training = False
        self._run_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, initial: bool = True) -> None:
        """Start the background thread (training once right away when ``initial``)."""
        if initial:
            self._wake.set()
        self._thread = threading.Thread(target=self._loop, name=f"shopmind-retrain-{self.name}", daemon=True)
        self._thread.start()

    def note_events(self, n: int) -> None:
        self.events_since += n
        if self.every_events and self.events_since >= self.every_events and not self.training:
            self._wake.set()

    def trigger(self) -> None:
        self._wake.set()

    def run_once(self) -> bool:
        """Train and publish now (blocking); False when training failed (the old model stays)."""
        with self._run_lock:
            self.training = True
            self.events_since = 0
            t0 = time.perf_counter()
            try:
                model, info = self.train()
                if model is None:  # nothing to learn from yet: not a failure
                    self.skipped += 1
                    log.info("retraining %s skipped: %s", self.name, info.get("reason"))
                    return False
                served = Served(model, self.slot.version + 1, info.get("name", self.name), int(info.get("upto", 0)),
                                time.perf_counter() - t0, info)
                self.install(served)
                self.runs += 1
                self.last_error = None
                return True
            except Exception as ex:
                self.failures += 1
                self.last_error = f"{type(ex).__name__}: {ex}"
                log.warning("retraining %s failed, keeping version %d: %s", self.name, self.slot.version, ex)
                return False
            finally:
                self.last_seconds = time.perf_counter() - t0
                self.training = False

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.every_seconds or None)
            if self._stop.is_set():
                return
            self._wake.clear()
            self.run_once()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)


def model_user(user_id: str | None, session_id: str | None) -> str | None:
    """The id a model knows a history by: the user id, or 's:' + an anonymous session id."""
    return user_id or (("s:" + session_id) if session_id else None)


def interactions_from_store(store, max_events: int = 1_000_000, max_items: int = 20_000):
    """The latest ``max_events`` product events as Interactions (one sequence per user or session).

    Consecutive repeats of an item (view then click) collapse to one step; only the ``max_items`` most
    frequent items are kept, so dense item-item models stay within memory. Returns (data, last event id).
    """
    from shopmind.recommend.data import from_lists

    total = store.count_events()
    seqs: dict[str, list[str]] = {}
    stamps: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    upto = 0
    for e in store.iter_events(after_id=max(0, total - max_events), types=sorted(PRODUCT_TYPES)):
        upto = e.id
        key = model_user(e.user_id, e.session_id)
        if key is None or not e.product_id:
            continue
        s = seqs.setdefault(key, [])
        if s and s[-1] == e.product_id:
            continue
        s.append(e.product_id)
        stamps.setdefault(key, []).append(e.ts)
        counts[e.product_id] = counts.get(e.product_id, 0) + 1
    if not seqs:
        return None, upto
    if len(counts) > max_items:
        keep = set(sorted(counts, key=lambda i: (-counts[i], i))[:max_items])
        for k in list(seqs):
            pairs = [(i, t) for i, t in zip(seqs[k], stamps[k]) if i in keep]
            if pairs:
                seqs[k], stamps[k] = [p[0] for p in pairs], [p[1] for p in pairs]
            else:
                del seqs[k], stamps[k]
    items = sorted(counts if len(counts) <= max_items else keep,
                   key=lambda x: (0, int(x), "") if x.isdigit() else (1, 0, x))
    data = from_lists(seqs, items, stamps)
    return data, upto


def fold_in(model: Any, user_items: dict[str, list[str]]) -> None:
    """Fold users' new items into a model (its ``partial_fit``) without retraining."""
    fit = getattr(model, "partial_fit", None)
    if fit is None:
        return
    for user, items in user_items.items():
        known = [i for i in items if i in model.item_index] if hasattr(model, "item_index") else items
        if known:
            fit(user, known)
