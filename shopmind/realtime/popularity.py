"""Live product popularity for a process that does not receive the event stream itself.

``Realtime.popularity`` is fed by the event pipeline of the serving process. A search worker process
(``shopmind.search.workers``) gets the same numbers by following the stored events: the same decayed
counters (``Decayed``), the same weights (``TYPE_WEIGHT``) and the same half-life setting, read from the
store every ``period`` seconds (``background``: by a thread every half period, between requests;
events are stored before they are acknowledged, so it trails the serving process by about that long).
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

    def __init__(self, store: Any, half_life: float, warm_events: int = 200_000, period: float = 0.5,
                 background: bool = False) -> None:
        self.store = store
        self.popular = Decayed(half_life)
        self.period = float(period)
        self.after_id = max(0, store.count_events() - max(0, int(warm_events)))
        self.followed_at = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.follow()
        self.background = background
        if background:  # read the store between requests, not inside one
            threading.Thread(target=self._run, name="shopmind-popularity-follower", daemon=True).start()

    def _run(self) -> None:
        while not self._stop.wait(self.period / 2):
            try:
                self.follow()
            except Exception:  # noqa: BLE001 - a failed read is retried next period
                pass

    def close(self) -> None:
        self._stop.set()

    def follow(self) -> int:
        """Fold the events stored since the last call in; returns how many were read."""
        with self._lock:
            n = 0
            while True:
                rows = self.store.product_event_rows(self.after_id, POPULARITY_TYPES, limit=5000)
                for eid, etype, pid, ts in rows:
                    self.popular.add(("",), pid, TYPE_WEIGHT[etype], ts)
                n += len(rows)
                if len(rows) < 5000:
                    break
                self.after_id = rows[-1][0]
            if rows:
                self.after_id = rows[-1][0]
            self.followed_at = time.monotonic()
            return n

    def __call__(self, product_ids: Iterable[str]) -> dict[str, float]:
        if time.monotonic() - self.followed_at > self.period * (3 if self.background else 1):
            self.follow()  # (in the background mode only when that thread falls behind)
        return self.popular.get("", product_ids, time.time())
