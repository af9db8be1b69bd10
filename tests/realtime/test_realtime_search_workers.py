"""Search worker processes while real time runs: the same answers as the serving process's engine,
catalog changes, merchandising changes and live popularity seen at once, bad input still a 422, and a
killed worker replaced without a failed request."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shopmind.api import create_app
from shopmind.config import Settings
from shopmind.realtime import Realtime
from shopmind.shop import Shop

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "search"))
from catalog import PRODUCTS  # noqa: E402  (the search tests' small zh/en catalog)
from tests.realtime.conftest import wait_until as _wait  # noqa: E402

KEY = {"X-API-Key": "test-key"}


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    shop = Shop(Settings(home=tmp_path_factory.mktemp("rt-workers"), encoder="minilm", admin_key="test-key",
                         search_workers=1))
    shop.store.upsert_products(PRODUCTS, source="test")
    shop.search
    shop.__dict__["realtime"] = Realtime(shop, start=True, train=False, catalog_poll_seconds=0.1)
    yield shop
    shop.close()


@pytest.fixture(scope="module")
def client(shop):
    with TestClient(create_app(shop=shop)) as c:
        c.get("/api/search", params={"q": "start the workers"})
        assert _wait(lambda: shop.__dict__["search_workers"].ready == 1, 180), shop.search_workers.status()
        yield c


def _search(client, **params) -> dict:
    r = client.get("/api/search", params=params)
    assert r.status_code == 200, r.text
    return r.json()


QUERIES = [
    {"q": "running shoes"},
    {"q": "red running shoes under 300"},
    {"q": "手机", "size": 3, "page": 2},
    {"q": "bluetooth headphones", "brand": "Sony", "explain": "true"},
    {"q": "laptop", "sort": "price_asc", "in_stock": "true"},
    {"q": "wireless", "category": "Computers"},
    {"q": "", "category": "Shoes"},
    {"q": "heaphones", "method": "hybrid"},
]


def test_workers_give_the_serving_engines_answers(client, shop):
    workers = shop.search_workers
    for params in QUERIES:
        served = workers.served
        got = _search(client, **params)
        assert got["cached"] is False and workers.served == served + 1, params
        args = {k: v for k, v in params.items() if k not in ("brand", "category", "in_stock")}
        filters = {k: (v == "true" if k == "in_stock" else v) for k, v in params.items()
                   if k in ("brand", "category", "in_stock")}
        want = shop.search.search(args.get("q", ""), filters, args.get("sort", "relevance"), int(args.get("page", 1)),
                                  int(args.get("size", 20)), args.get("explain") == "true",
                                  method=args.get("method", "ranked"))
        assert [r["id"] for r in got["results"]] == [r["id"] for r in want["results"]], params
        assert [r["score"] for r in got["results"]] == pytest.approx([r["score"] for r in want["results"]], abs=1e-5)
        assert got["total"] == want["total"] and got["facets"] == want["facets"], params
        assert got["query"] == want["query"] and got["fallback"] == want["fallback"], params


def test_catalog_changes_reach_the_worker_at_once(client, shop):
    params = {"q": "trail running shoes", "size": 10}
    before = [r["id"] for r in _search(client, **params)["results"]]
    assert "sc-trail-1" not in before
    new = {"id": "sc-trail-1", "title": "Salomon Speedcross trail running shoes", "brand": "Salomon",
           "category": "Shoes > Running", "price": 899.0, "stock": 4}
    assert client.post("/api/products", json=new, headers=KEY).status_code == 200
    served = shop.search_workers.served
    after = _search(client, **params)
    assert shop.search_workers.served == served + 1  # answered by the worker, not the serving process
    assert after["results"][0]["id"] == "sc-trail-1"
    # out of stock: filtered by in_stock; deleted: gone
    assert client.patch("/api/products/sc-trail-1", json={"stock": 0}, headers=KEY).status_code == 200
    assert "sc-trail-1" not in [r["id"] for r in _search(client, **params, in_stock="true")["results"]]
    assert client.delete("/api/products/sc-trail-1", headers=KEY).status_code == 200
    assert "sc-trail-1" not in [r["id"] for r in _search(client, **params)["results"]]


def test_rules_and_synonyms_reach_the_worker_at_once(client, shop):
    params = {"q": "sneakers", "size": 5}
    first = _search(client, **params)["results"][0]["id"]
    target = "nk-blk-1" if first != "nk-blk-1" else "ad-wht-1"
    rule = {"action": "pin", "product_id": target, "query": "sneakers", "position": 1}
    r = client.post("/api/search/rules", json=rule, headers=KEY)
    assert r.status_code == 200, r.text
    served = shop.search_workers.served
    assert _search(client, **params)["results"][0]["id"] == target
    assert shop.search_workers.served == served + 1
    assert client.delete(f"/api/search/rules/{r.json()['id']}", headers=KEY).status_code == 200
    assert _search(client, **params)["results"][0]["id"] == first

    assert "dense_only" in _search(client, q="zorblax", method="bm25")["fallback"]  # no word matches
    groups = [["zorblax", "speaker"]]
    assert client.put("/api/search/synonyms", json={"synonyms": groups}, headers=KEY).status_code == 200
    served = shop.search_workers.served
    got = _search(client, q="zorblax", method="bm25")
    assert got["fallback"] == [] and [x["id"] for x in got["results"]] == ["jbl-flip"]
    assert shop.search_workers.served == served + 1


def test_live_popularity_reaches_the_worker(client, shop):
    # browsing a category (empty query) orders by popularity: clicks on the last one bring it first
    params = {"q": "", "category": "Computers > Accessories", "size": 5}
    order = [r["id"] for r in _search(client, **params)["results"]]
    assert len(order) == 2
    last = order[-1]
    events = [{"type": "click", "session_id": "pop-w", "product_id": last}] * 5
    assert client.post("/api/events", json=events, headers=KEY).status_code == 200
    time.sleep(1.6)  # the engine re-reads popularity once a second, the worker the stored events every 0.5 s
    assert _search(client, **{**params, "size": 4})["results"][0]["id"] == last  # another key: not cached


def test_bad_input_is_still_a_422(client, shop):
    r = client.get("/api/search", params={"q": "shoes", "sort": "cheapest"})
    assert r.status_code == 422 and "sort must be one of" in r.text


def test_a_killed_worker_is_replaced_without_a_failed_request(client, shop):
    workers = shop.search_workers
    w = workers._idle.get(timeout=10)
    workers._idle.put(w)
    os.kill(w.proc.pid, signal.SIGKILL)
    w.proc.join(10)
    fallbacks = workers.fallbacks
    got = _search(client, q="noise cancelling headphones")  # served in-process while it restarts
    assert got["results"][0]["id"] == "sony-xm5"
    assert workers.fallbacks == fallbacks + 1 and workers.restarts == 1
    assert _wait(lambda: workers.ready == 1, 180), workers.status()
    served = workers.served
    assert _search(client, q="noise cancelling headphones earbuds")["results"]
    assert workers.served == served + 1


def test_a_cancelled_search_gives_its_worker_back(client, shop):
    import asyncio

    workers = shop.search_workers
    assert workers._idle.qsize() == 1

    async def cancel_one() -> None:
        task = asyncio.ensure_future(workers.search_async("wireless headphones", {}, "relevance", 1, 5, False,
                                                          "ranked"))
        await asyncio.sleep(0)  # sent to the worker, now waiting for its answer
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        for _ in range(200):  # the late answer is read on the loop, then the worker is idle again
            if workers._idle.qsize() == 1:
                return
            await asyncio.sleep(0.05)

    asyncio.run(cancel_one())
    assert workers._idle.qsize() == 1 and workers.restarts == 1  # (the earlier test's kill only)
    served = workers.served
    assert _search(client, q="portable speaker bluetooth")["results"]
    assert workers.served == served + 1


def test_a_search_cancelled_while_waiting_for_a_busy_worker_loses_no_worker(client, shop):
    import asyncio

    workers = shop.search_workers
    args = ("quiet bluetooth speaker for travel", {}, "relevance", 1, 5, True, "ranked")

    async def cancel_the_waiter() -> None:
        first = asyncio.ensure_future(workers.search_async(*args))
        await asyncio.sleep(0)  # holds the only worker
        waiter = asyncio.ensure_future(workers.search_async(*args))
        await asyncio.sleep(0)  # waiting for a worker off the loop
        assert not first.done()
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        assert (await first)["results"]
        for _ in range(200):  # the worker the cancelled waiter got is given back
            if workers._idle.qsize() == 1:
                return
            await asyncio.sleep(0.05)

    asyncio.run(cancel_the_waiter())
    assert workers._idle.qsize() == 1


def test_close_stops_workers_that_are_still_loading(shop):
    from shopmind.search.workers import SearchWorkers

    pool = SearchWorkers(shop.settings, n=1)
    procs = [w.proc for w in pool._procs.values()]
    assert procs and all(p.is_alive() for p in procs) and pool.ready == 0
    pool.close()
    assert not any(p.is_alive() for p in procs)
