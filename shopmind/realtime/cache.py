"""A bounded result cache keyed by (namespace, key) with tag- and namespace-wide invalidation.

Callers put the things that change the answer into the key (query or user, filters, model/index
version); events and catalog changes invalidate by tag ("product:ID", "user:U", "session:S") or by
namespace (every cached search after a catalog change). Memory is bounded by entry count and by an
estimate of bytes (LRU eviction); hits, misses and the hit ratio are exposed for /api/metrics.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import OrderedDict
from itertools import islice
from typing import Any, Callable, Hashable, Iterable

_MISSING = object()


SAMPLE = 4  # items of a list, tuple or set measured by approx_size (the rest: their mean)
DICT_SAMPLE = 16  # entries of a dict measured by approx_size


def approx_size(obj: Any, depth: int = 0) -> int:
    """A cheap estimate of an object's memory: containers to depth 4; of a long list (dict) only the
    first ``SAMPLE`` (``DICT_SAMPLE``) items are measured and the rest counted at their mean (a search
    answer: ~0.15 ms instead of ~0.4 ms, on the serving event loop, within ~10 % of the full count)."""
    n = sys.getsizeof(obj)
    if depth >= 4:
        return n
    if isinstance(obj, dict):
        items = list(islice(obj.items(), DICT_SAMPLE))
        part = sum(approx_size(k, depth + 1) + approx_size(v, depth + 1) for k, v in items)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        items = list(islice(obj, SAMPLE))
        part = sum(approx_size(v, depth + 1) for v in items)
    else:
        return n
    return n + (part * len(obj) // len(items) if items else 0)


class ResultCache:
    """Thread-safe LRU cache with TTL, tags and per-namespace hit statistics."""

    def __init__(self, max_entries: int = 20_000, max_bytes: int = 64 << 20, ttl: float = 60.0) -> None:
        self.max_entries, self.max_bytes, self.ttl = max_entries, max_bytes, ttl
        self._d: OrderedDict[tuple, tuple[Any, float, tuple[str, ...], int]] = OrderedDict()
        self._tags: dict[str, set[tuple]] = {}
        self._lock = threading.Lock()
        self.bytes = 0
        self.hits: dict[str, int] = {}
        self.misses: dict[str, int] = {}
        self.evictions = 0
        self.invalidations = 0

    # -- reading and writing ------------------------------------------------------------------------
    def get(self, namespace: str, key: Hashable, default: Any = None, count_miss: bool = True) -> Any:
        """The cached value or ``default``; ``count_miss=False`` for a look before ``get_or_compute``
        (that one counts the miss)."""
        k = (namespace, key)
        now = time.monotonic()
        with self._lock:
            hit = self._d.get(k)
            if hit is not None and hit[1] >= now:
                self._d.move_to_end(k)
                self.hits[namespace] = self.hits.get(namespace, 0) + 1
                return hit[0]
            if hit is not None:
                self._drop(k)
            if count_miss:
                self.misses[namespace] = self.misses.get(namespace, 0) + 1
            return default

    def put(self, namespace: str, key: Hashable, value: Any, tags: Iterable[str] = (),
            ttl: float | None = None, size: int | None = None) -> None:
        k = (namespace, key)
        tags = tuple(dict.fromkeys(tags))
        size = approx_size(value) if size is None else size
        expires = time.monotonic() + (self.ttl if ttl is None else ttl)
        with self._lock:
            if k in self._d:
                self._drop(k)
            self._d[k] = (value, expires, tags, size)
            self.bytes += size
            for t in tags:
                self._tags.setdefault(t, set()).add(k)
            while self._d and (len(self._d) > self.max_entries or self.bytes > self.max_bytes):
                self._drop(next(iter(self._d)))
                self.evictions += 1

    def get_or_compute(self, namespace: str, key: Hashable, compute: Callable[[], Any],
                       tags: Iterable[str] | Callable[[Any], Iterable[str]] = (), ttl: float | None = None) -> Any:
        """The cached value, or ``compute()`` stored under ``tags`` (a list, or a function of the value)."""
        v = self.get(namespace, key, _MISSING)
        if v is not _MISSING:
            return v
        v = compute()
        self.put(namespace, key, v, tags(v) if callable(tags) else tags, ttl)
        return v

    # -- invalidation -------------------------------------------------------------------------------
    def _drop(self, k: tuple) -> None:
        entry = self._d.pop(k, None)
        if entry is None:
            return
        self.bytes -= entry[3]
        for t in entry[2]:
            keys = self._tags.get(t)
            if keys is not None:
                keys.discard(k)
                if not keys:
                    del self._tags[t]

    def invalidate_tags(self, tags: Iterable[str]) -> int:
        """Drop every entry carrying one of ``tags``; returns how many were dropped."""
        n = 0
        with self._lock:
            for t in tags:
                for k in list(self._tags.get(t, ())):
                    self._drop(k)
                    n += 1
            self.invalidations += n
        return n

    def invalidate_namespace(self, namespace: str) -> int:
        with self._lock:
            keys = [k for k in self._d if k[0] == namespace]
            for k in keys:
                self._drop(k)
            self.invalidations += len(keys)
        return len(keys)

    def clear(self) -> None:
        with self._lock:
            self.invalidations += len(self._d)
            self._d.clear()
            self._tags.clear()
            self.bytes = 0

    # -- statistics ---------------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        with self._lock:
            hits, misses = sum(self.hits.values()), sum(self.misses.values())
            per = {ns: {"hits": self.hits.get(ns, 0), "misses": self.misses.get(ns, 0)}
                   for ns in sorted(set(self.hits) | set(self.misses))}
            for d in per.values():
                total = d["hits"] + d["misses"]
                d["hit_ratio"] = d["hits"] / total if total else 0.0
            return {"entries": len(self._d), "bytes": self.bytes, "hits": hits, "misses": misses,
                    "hit_ratio": hits / (hits + misses) if hits + misses else 0.0,
                    "evictions": self.evictions, "invalidations": self.invalidations, "namespaces": per}

    def __len__(self) -> int:
        return len(self._d)
