"""Live product popularity for a process that does not receive the event stream itself.

``Realtime.popularity`` is fed by the event pipeline of the serving process. A search worker process
(``shopmind.search.workers``) gets the same numbers by following the stored events: the same decayed
counters (``Decayed``), the same weights (``TYPE_WEIGHT``) and the same half-life setting, read from the
store by a thread every half ``period`` (events are stored before they are acknowledged, so it trails
the serving process by about that long).
"""

from __future__ import annotations

import threading
import time
from typing import Any, Iterable

from shopmind.realtime.state import TYPE_WEIGHT, Decayed

#: the product event types that count towards popularity
POPULARITY_TYPES = tuple(t for t, w in TYPE_WEIGHT.items() if w)


class PopularityFollower:
    """``ids -> {id: popularity}``, usable as ``SearchEngine.popularity_source``."""

    def __init__(self, store: Any, half_life: float, warm_events: int = 200_000, period: float = 0.5) -> None:
        self.store = store
        self.popular = Decayed(half_life)
        self.period = float(period)
        self.after_id = max(0, store.count_events() - max(0, int(warm_events)))
        self.followed_at = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.follow()
        # the store is read by this thread between requests, not inside one
        threading.Thread(target=self._run, name="shopmind-popularity-follower", daemon=True).start()

    def _run(self) -> None:
        while not self._stop.wait(self.period / 2):
            try:
                self.follow()
            except Exception:  # noqa: BLE001 - a failed read is retried next period
                pass

    def close(self) -> None:
        self._stop.set()

    def follow(self, page: int = 5000) -> int:
        """Fold the events stored since the last call in; returns how many were read."""
        with self._lock:
            n = 0
            while True:
                rows = self.store.product_event_rows(self.after_id, POPULARITY_TYPES, limit=page)
                for _, etype, pid, ts in rows:
                    self.popular.add(("",), pid, TYPE_WEIGHT[etype], ts)
                n += len(rows)
                if rows:
                    self.after_id = rows[-1][0]
                if len(rows) < page:
                    break
            self.followed_at = time.monotonic()
            return n

    def __call__(self, product_ids: Iterable[str]) -> dict[str, float]:
        if time.monotonic() - self.followed_at > 3 * self.period:
            self.follow()  # only when the thread falls behind
        return self.popular.get("", product_ids, time.time())
