"""The result cache: bounded memory, TTL, invalidation by tag and namespace, hit ratio."""

from __future__ import annotations

import time

from shopmind.realtime.cache import ResultCache


def test_lru_bound_by_entries_and_bytes():
    c = ResultCache(max_entries=3, max_bytes=10_000)
    for i in range(5):
        c.put("search", i, [i])
    assert len(c) == 3 and c.get("search", 0) is None and c.get("search", 4) == [4] and c.evictions == 2
    c.put("search", "big", "x" * 20_000)  # larger than the byte budget alone: evicted straight away
    assert c.bytes <= 10_000 and c.get("search", "big") is None


def test_ttl_and_hit_ratio():
    c = ResultCache(ttl=0.05)
    calls = []
    compute = lambda: calls.append(1) or "v"  # noqa: E731
    assert [c.get_or_compute("rec", "k", compute) for _ in range(4)] == ["v"] * 4
    assert len(calls) == 1
    s = c.stats()
    assert (s["hits"], s["misses"], s["hit_ratio"]) == (3, 1, 0.75)
    time.sleep(0.06)
    c.get_or_compute("rec", "k", compute)
    assert len(calls) == 2


def test_invalidation_by_tag_and_namespace():
    c = ResultCache()
    c.put("recommend", ("u:1", 1), ["a", "b"], tags=["user:1", "product:a", "product:b"])
    c.put("recommend", ("u:2", 1), ["c"], tags=["user:2", "product:c"])
    c.put("search", ("shoes", ()), ["a", "c"], tags=["product:a", "product:c"])
    c.put("search", ("hats", ()), ["d"], tags=["product:d"])
    assert c.invalidate_tags(["product:a"]) == 2  # every answer holding product a
    assert c.get("recommend", ("u:1", 1)) is None and c.get("search", ("shoes", ())) is None
    assert c.get("recommend", ("u:2", 1)) == ["c"]
    assert c.invalidate_namespace("search") == 1 and c.get("search", ("hats", ())) is None
    assert c.invalidate_tags(["user:2"]) == 1 and len(c) == 0 and c.bytes == 0 and not c._tags


def test_events_invalidate_the_users_cached_recommendations(shop):
    from shopmind.kb.models import ProductIn

    shop.store.upsert_products([ProductIn(id=f"p{i}", title=f"t{i}") for i in range(3)])
    rt = shop.realtime
    try:
        rt.cache.put("recommend", "custom", ["p1"], tags=["user:u1"])
        rt.cache.put("recommend", "other", ["p2"], tags=["user:u2"])
        rt.ingest([{"type": "view", "user_id": "u1", "product_id": "p0"}])
        assert rt.cache.get("recommend", "custom") is None and rt.cache.get("recommend", "other") == ["p2"]
    finally:
        rt.close()
