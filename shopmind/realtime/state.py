"""Online updaters fed by the event stream: session state, co-occurrence, time-decayed counters.

All of them are bounded in memory (LRU of sessions, capped neighbour lists, one float per product and
category prefix) and cheap per event (a few dict operations), so they run inside the writer's commit
loop and a client sees its own event in the very next read.
"""

from __future__ import annotations

import heapq
import math
import threading
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Iterable

import numpy as np

from shopmind.kb.models import EventIn

#: weight of each event type in popularity and trending
TYPE_WEIGHT = {"view": 1.0, "click": 2.0, "add_to_cart": 4.0, "purchase": 8.0, "rate": 2.0, "search": 0.0}
BUY_TYPES = frozenset({"add_to_cart", "purchase"})
LOOK_TYPES = frozenset({"view", "click"})


def session_key(user_id: str | None, session_id: str | None) -> str | None:
    """The key of a user's state ('u:ID'), or of an anonymous session ('s:ID')."""
    if user_id:
        return "u:" + user_id
    if session_id:
        return "s:" + session_id
    return None


@dataclass
class Session:
    """The last N items and queries of one user or session (oldest first)."""

    items: deque = field(default_factory=deque)  # (product_id, type, ts, event_id)
    queries: deque = field(default_factory=deque)  # (query, ts)
    version: int = 0
    updated: float = 0.0


class Sessions:
    """Live state of users and anonymous sessions, an LRU bounded to ``max_sessions`` keys."""

    def __init__(self, max_items: int = 50, max_queries: int = 20, max_sessions: int = 200_000) -> None:
        self.max_items, self.max_queries, self.max_sessions = max_items, max_queries, max_sessions
        self._d: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()
        self.evicted = 0

    def _get(self, key: str) -> Session:
        s = self._d.get(key)
        if s is None:
            s = self._d[key] = Session(deque(maxlen=self.max_items), deque(maxlen=self.max_queries))
            if len(self._d) > self.max_sessions:
                self._d.popitem(last=False)
                self.evicted += 1
        else:
            self._d.move_to_end(key)
        return s

    def update(self, e: EventIn, event_id: int = 0) -> None:
        keys = [k for k in (session_key(e.user_id, None), session_key(None, e.session_id)) if k]
        with self._lock:
            for key in keys:
                s = self._get(key)
                if e.product_id and e.type != "search":
                    s.items.append((e.product_id, e.type, e.ts, event_id))
                if e.query:
                    s.queries.append((e.query, e.ts))
                s.version += 1
                s.updated = max(s.updated, e.ts or 0.0)

    def get(self, key: str | None) -> tuple[list[tuple], list[tuple], int]:
        """(items, queries, version) of a key; empty for an unknown key."""
        if key is None:
            return [], [], 0
        with self._lock:
            s = self._d.get(key)
            if s is None:
                return [], [], 0
            return list(s.items), list(s.queries), s.version

    def version(self, key: str | None) -> int:
        """How many events the key's state has seen (0 for an unknown key)."""
        s = self._d.get(key) if key is not None else None
        return s.version if s is not None else 0

    def recent_items(self, key: str | None, types: Iterable[str] | None = None) -> list[str]:
        items, _, _ = self.get(key)
        allowed = set(types) if types else None
        return [pid for pid, t, _, _ in items if allowed is None or t in allowed]

    def forget(self, keys: Iterable[str]) -> int:
        """Drop the live state of these keys (an erased user); how many existed."""
        with self._lock:
            return sum(self._d.pop(k, None) is not None for k in keys)

    def __len__(self) -> int:
        return len(self._d)


PRUNE_AT = 4  # a neighbour list is cut back to ``cap`` entries when it grows past PRUNE_AT x cap


def _heaviest(row: dict[str, float], cap: int) -> dict[str, float]:
    return dict(heapq.nlargest(cap, row.items(), key=itemgetter(1)))


class CoOccurrence:
    """Counts of items seen together in a session: 'viewed also viewed' and 'bought together'.

    Each new view/click pairs with the session's previous ``window`` looked-at items; each cart/purchase
    with its previous ``window`` bought items. Neighbour lists keep the ``cap`` heaviest entries
    (pruned back to ``cap`` when over PRUNE_AT x cap, so a busy item is pruned once per 3·cap new
    neighbours, not once per cap), so memory is bounded by items x PRUNE_AT·cap.
    """

    def __init__(self, window: int = 5, cap: int = 50) -> None:
        self.window, self.cap = window, cap
        self.viewed: dict[str, dict[str, float]] = {}
        self.bought: dict[str, dict[str, float]] = {}
        self._lock = threading.Lock()
        self.pairs = 0

    def update(self, e: EventIn, previous: list[tuple]) -> None:
        """Pair the event's product with the session's earlier items (``previous``: Session.items)."""
        if not e.product_id:
            return
        if e.type in LOOK_TYPES:
            table, kinds = self.viewed, LOOK_TYPES
        elif e.type in BUY_TYPES:
            table, kinds = self.bought, BUY_TYPES
        else:
            return
        seen: list[str] = []
        for pid, t, _, _ in reversed(previous):
            if t in kinds and pid != e.product_id and pid not in seen:
                seen.append(pid)
                if len(seen) >= self.window:
                    break
        if not seen:
            return
        a, cap = e.product_id, self.cap
        with self._lock:  # both directions, inlined: this runs for every event in the writer thread
            row_a = table.get(a)
            if row_a is None:
                row_a = table[a] = {}
            for other in seen:
                row_a[other] = row_a.get(other, 0.0) + 1.0
                row = table.get(other)
                if row is None:
                    row = table[other] = {}
                row[a] = row.get(a, 0.0) + 1.0
                if len(row) > PRUNE_AT * cap:
                    table[other] = _heaviest(row, cap)
            if len(row_a) > PRUNE_AT * cap:
                table[a] = _heaviest(row_a, cap)
            self.pairs += len(seen)

    def neighbours(self, product_id: str, kind: str = "viewed", n: int = 10) -> list[tuple[str, float]]:
        table = self.bought if kind == "bought" else self.viewed
        with self._lock:
            row = dict(table.get(product_id) or {})
        return sorted(row.items(), key=lambda kv: (-kv[1], kv[0]))[:n]

    def size(self) -> int:
        return sum(len(r) for r in self.viewed.values()) + sum(len(r) for r in self.bought.values())


class Decayed:
    """Exponentially time-decayed sums per key (half-life in seconds), updated in O(1).

    Stored values are scaled to a reference time ``t0``: value(t) = stored · 2^(-(t - t0)/half_life),
    so an update adds w · 2^((t_event - t0)/half_life) and ranking needs no decay pass at all.
    """

    def __init__(self, half_life: float) -> None:
        self.half_life = float(half_life)
        self.t0: float | None = None
        self.values: dict[str, dict[str, float]] = {}  # group -> key -> scaled value
        self._lock = threading.Lock()

    def _rebase(self, t: float) -> None:
        f = math.pow(2.0, -(t - self.t0) / self.half_life)  # type: ignore[operator]
        for grp in self.values.values():
            for k in grp:
                grp[k] *= f
        self.t0 = t

    def add(self, groups: Iterable[str], key: str, w: float, t: float) -> None:
        with self._lock:
            if self.t0 is None:
                self.t0 = t
            x = (t - self.t0) / self.half_life
            if x > 60:  # keep the scaled values far from overflow
                self._rebase(t)
                x = 0.0
            inc = w * math.pow(2.0, max(x, -1000.0))
            for g in groups:
                grp = self.values.get(g)
                if grp is None:
                    grp = self.values[g] = {}
                grp[key] = grp.get(key, 0.0) + inc

    def _scale(self, now: float) -> float:
        if self.t0 is None:
            return 0.0
        return math.pow(2.0, max(min(-(now - self.t0) / self.half_life, 700.0), -1000.0))

    def get(self, group: str, keys: Iterable[str], now: float) -> dict[str, float]:
        s = self._scale(now)
        with self._lock:
            grp = self.values.get(group) or {}
            return {k: grp.get(k, 0.0) * s for k in keys}

    def top(self, group: str, n: int, now: float, skip=None) -> list[tuple[str, float]]:
        """The ``n`` highest keys of a group, highest first (ties: greater key first), leaving out keys
        for which ``skip`` is true (asked only of the leaders, not of every key: skipped keys are few)."""
        if n <= 0:
            return []
        s = self._scale(now)
        with self._lock:
            grp = self.values.get(group) or {}
            keys = list(grp)
            vals = np.fromiter(grp.values(), np.float64, len(keys))
        k = n
        while True:
            if len(keys) > k:  # every key scoring at least the k-th value (ties at the cut stay in)
                cut = np.partition(vals, len(vals) - k)[len(vals) - k]
                rows = np.flatnonzero(vals >= cut).tolist()
            else:
                rows = range(len(keys))
            best = sorted(((vals[r], keys[r]) for r in rows), reverse=True)[:k]
            kept = best if skip is None else [vk for vk in best if not skip(vk[1])]
            if len(kept) >= n or len(best) < k:
                return [(key, float(v) * s) for v, key in kept[:n]]
            k = 2 * k + (n - len(kept))

    def remove(self, key: str) -> None:
        with self._lock:
            for grp in self.values.values():
                grp.pop(key, None)


@lru_cache(maxsize=8192)
def category_prefixes(category: str | None) -> tuple[str, ...]:
    """'' plus every prefix of a ' > ' category path: 'A > B' -> ('', 'A', 'A > B') (memoized)."""
    out = [""]
    if category:
        parts = [p.strip() for p in category.split(">") if p.strip()]
        for i in range(len(parts)):
            out.append(" > ".join(parts[: i + 1]))
    return tuple(out)
