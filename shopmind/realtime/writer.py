"""Group-commit event writer: requests enqueue, one thread commits whatever is queued in one transaction.

Nothing is acknowledged before its commit: a request's future resolves with the stored event ids only
after ``store.add_events`` has committed (and the online updaters have seen the events, so a client
that reads right after its write sees its own events). When a group commit fails, each of its requests
is committed again on its own, so a request the store refuses fails alone.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from concurrent.futures import Future
from typing import Callable, Sequence

from shopmind.kb.models import EventIn
from shopmind.procutil import nice_current_thread

log = logging.getLogger(__name__)

AfterCommit = Callable[[list[EventIn], list[int]], None]


class WriterClosed(RuntimeError):
    """The writer is shut down; the events were not stored."""


class GroupCommitWriter:
    """One writer thread in front of the store; throughput comes from committing many requests at once."""

    def __init__(self, store, after_commit: AfterCommit | None = None, max_batch: int = 20000,
                 name: str = "shopmind-events-writer", lazy_delay: float = 0.05, nice: int = 0) -> None:
        self.store = store
        self.nice = int(nice)
        self.lazy_delay = float(lazy_delay)
        self.after_commit = after_commit
        self.max_batch = max_batch
        self._queue: deque[tuple[list[EventIn], Future]] = deque()
        self._cv = threading.Condition()
        self._closed = False
        self.commits = 0
        self.events = 0
        self.failures = 0
        self.commit_seconds = 0.0
        self.last_batch = 0
        self.max_seen_batch = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    # -- producers -------------------------------------------------------------------------
    def submit(self, events: Sequence[EventIn], wake: bool = True) -> Future:
        """Queue events; the future resolves to their ids once committed (or to the commit's error).

        ``wake=False`` (fire-and-forget analytics, e.g. a search's own event): the writer thread is not
        woken for them; they join the next commit, at most ``lazy_delay`` seconds later. Waking a thread
        costs a busy serving process more than the event itself."""
        fut: Future = Future()
        events = list(events)
        if not events:
            fut.set_result([])
            return fut
        with self._cv:
            if self._closed:
                raise WriterClosed("the event writer is closed")
            self._queue.append((events, fut))
            if wake:
                self._cv.notify()
        return fut

    def write(self, events: Sequence[EventIn], timeout: float = 60.0) -> list[int]:
        """Blocking submit: the ids of the stored events."""
        return self.submit(events).result(timeout)

    @property
    def pending(self) -> int:
        with self._cv:
            return sum(len(e) for e, _ in self._queue)

    # -- the writer thread -------------------------------------------------------------------
    def _take(self) -> list[tuple[list[EventIn], Future]] | None:
        with self._cv:
            while not self._queue and not self._closed:
                self._cv.wait(self.lazy_delay)  # (timed: picks up events queued without a wake-up)
            if not self._queue:
                return None
            batch, n = [], 0
            while self._queue and (not batch or n + len(self._queue[0][0]) <= self.max_batch):
                item = self._queue.popleft()
                batch.append(item)
                n += len(item[0])
            return batch

    def _run(self) -> None:
        nice_current_thread(self.nice, "event writer")
        while True:
            batch = self._take()
            if batch is None:
                return
            if not self._commit(batch) and len(batch) > 1:
                # one request's bad event must not fail the others' events: each request again, alone
                for item in batch:
                    self._commit([item])

    def _commit(self, batch: list[tuple[list[EventIn], Future]]) -> bool:
        """Commit the requests of ``batch`` in one transaction and resolve their futures; on failure
        the futures are left pending when there are several (the caller retries them one by one)."""
        events = [e for evs, _ in batch for e in evs]
        t0 = time.perf_counter()
        try:
            ids = self.store.add_events(events)
        except BaseException as ex:  # the store failed: nothing of this batch is acknowledged
            self.failures += 1
            log.error("event commit failed for %d events in %d requests: %s", len(events), len(batch), ex)
            if len(batch) == 1:
                batch[0][1].set_exception(ex)
            return False
        self.commit_seconds += time.perf_counter() - t0
        self.commits += 1
        self.events += len(events)
        self.last_batch = len(events)
        self.max_seen_batch = max(self.max_seen_batch, len(events))
        if self.after_commit is not None:
            try:
                self.after_commit(events, ids)
            except Exception:  # stored already: an updater bug must not fail the write
                log.exception("online update after commit failed")
        i = 0
        for evs, fut in batch:
            fut.set_result(ids[i : i + len(evs)])
            i += len(evs)
        return True

    def close(self, timeout: float = 10.0) -> None:
        """Commit what is queued, then stop the thread."""
        with self._cv:
            self._closed = True
            self._cv.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)
