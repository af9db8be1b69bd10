"""Catalog changes reach the live answers within a second: deleted and out-of-stock products disappear,
new products become recommendable, and caches that held them are invalidated."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from shopmind.api import create_app
from shopmind.kb import open_store
from shopmind.kb.models import ProductIn

KEY = {"X-API-Key": "test-key"}


@pytest.fixture(scope="module")
def client(beauty_shop):
    # no `with`: the app's lifespan would close the session-wide shop on exit; the admin key: the test
    # reads and writes many sessions
    yield TestClient(create_app(shop=beauty_shop), headers=KEY)


def _rec_ids(client, session):
    r = client.get("/api/realtime/recommend", params={"session": session, "n": 20})
    assert r.status_code == 200, r.text
    return [x["id"] for x in r.json()["items"]]


def test_deleted_and_out_of_stock_products_disappear_at_once(client, beauty_shop):
    a = beauty_shop.beauty[20][1][0]
    client.post("/api/events", json={"type": "click", "session_id": "cat-1", "product_id": a})
    before = _rec_ids(client, "cat-1")
    gone, empty = before[0], before[1]
    assert _rec_ids(client, "cat-1") == before  # served from the cache now
    assert beauty_shop.realtime.cache.stats()["namespaces"]["recommend"]["hits"] >= 1
    assert client.delete(f"/api/products/{gone}", headers=KEY).status_code == 200
    assert client.patch(f"/api/products/{empty}", json={"stock": 0}, headers=KEY).status_code == 200
    after = _rec_ids(client, "cat-1")  # the very next read after the writes returned (no waiting)
    assert gone not in after and empty not in after and after[0] == before[2]
    trend = [x["id"] for x in client.get("/api/trending", params={"n": 100}).json()["items"]]
    assert gone not in trend and empty not in trend
    client.post(f"/api/products/{gone}/restore", headers=KEY)
    assert gone in _rec_ids(client, "cat-1")


def test_new_product_is_recommendable_within_a_second(client, beauty_shop):
    a = beauty_shop.beauty[30][1][0]
    new = ProductIn(id="new-serum", title="Vitamin C serum", category="Beauty > C1", stock=4).model_dump()
    assert client.post("/api/products", json=new, headers=KEY).status_code == 200
    # a few shoppers view the new product right after `a`
    for s in range(3):
        r = client.post("/api/events", json=[{"type": "view", "session_id": f"nv{s}", "product_id": a},
                                             {"type": "view", "session_id": f"nv{s}", "product_id": "new-serum"}])
        assert r.json()["accepted"] == 2
    client.post("/api/events", json={"type": "view", "session_id": "cat-2", "product_id": a})
    recs = client.get("/api/realtime/recommend", params={"session": "cat-2", "n": 10}).json()["items"]  # no waiting
    assert {"id": "new-serum", "source": "also_viewed"}.items() <= next(
        x for x in recs if x["id"] == "new-serum").items()
    assert beauty_shop.realtime.also(a)[0][0] == "new-serum"


def test_changes_from_another_process_are_followed_within_a_second(beauty_shop):
    rt = beauty_shop.realtime
    pid = beauty_shop.beauty[40][1][0]
    rt.cache.put("search", ("lipstick", (), 1), ["x"])
    other = open_store(beauty_shop.store.url)  # e.g. `shopmind ingest` running beside the server
    try:
        other.delete_product(pid, source="cli")
        t0 = time.perf_counter()
        while rt.available(pid) and time.perf_counter() - t0 < 2.0:
            time.sleep(0.02)
        lag = time.perf_counter() - t0
        assert not rt.available(pid) and lag < 1.0
        assert rt.cache.get("search", ("lipstick", (), 1)) is None  # search results re-computed after a change
        other.restore_product(pid, source="cli")
    finally:
        other.close()
