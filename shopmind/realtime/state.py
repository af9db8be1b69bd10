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
from typing import Iterable

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

    def recent_items(self, key: str | None, types: Iterable[str] | None = None) -> list[str]:
        items, _, _ = self.get(key)
        allowed = set(types) if types else None
        return [pid for pid, t, _, _ in items if allowed is None or t in allowed]

    def __len__(self) -> int:
        return len(self._d)


class CoOccurrence:
    """Counts of items seen together in a session: 'viewed also viewed' and 'bought together'.

    Each new view/click pairs with the session's previous ``window`` looked-at items; each cart/purchase
    with its previous ``window`` bought items. Neighbour lists keep the ``cap`` heaviest entries
    (pruned to half when twice over), so memory is bounded by items x 2·cap.
    """

    def __init__(self, window: int = 5, cap: int = 50) -> None:
        self.window, self.cap = window, cap
        self.viewed: dict[str, dict[str, float]] = {}
        self.bought: dict[str, dict[str, float]] = {}
        self._lock = threading.Lock()
        self.pairs = 0

    def _bump(self, table: dict[str, dict[str, float]], a: str, b: str) -> None:
        row = table.get(a)
        if row is None:
            row = table[a] = {}
        row[b] = row.get(b, 0.0) + 1.0
        if len(row) > 2 * self.cap:
            keep = heapq.nlargest(self.cap, row.items(), key=lambda kv: kv[1])
            table[a] = dict(keep)

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
        with self._lock:
            for other in seen:
                self._bump(table, e.product_id, other)
                self._bump(table, other, e.product_id)
                self.pairs += 1

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
        s = self._scale(now)
        with self._lock:
            items = list((self.values.get(group) or {}).items())
        if skip is not None:
            items = [kv for kv in items if not skip(kv[0])]
        best = heapq.nlargest(n, items, key=lambda kv: (kv[1], kv[0]))
        return [(k, v * s) for k, v in best]

    def remove(self, key: str) -> None:
        with self._lock:
            for grp in self.values.values():
                grp.pop(key, None)


def category_prefixes(category: str | None) -> list[str]:
    """'' plus every prefix of a ' > ' category path: 'A > B' -> ['', 'A', 'A > B']."""
    out = [""]
    if category:
        parts = [p.strip() for p in category.split(">") if p.strip()]
        for i in range(len(parts)):
            out.append(" > ".join(parts[: i + 1]))
    return out
