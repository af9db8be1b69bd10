"""Search in a serving process with real time: popularity from the live stream, the search event
through the group commit, answers cached until a catalog or merchandising change."""

from __future__ import annotations

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
def live_shop(tmp_path_factory):
    shop = Shop(Settings(home=tmp_path_factory.mktemp("rt-search"), encoder="minilm", admin_key="test-key",
                         search_workers=0))  # in-process search here; test_realtime_search_workers.py: workers
    shop.store.upsert_products(PRODUCTS, source="test")
    shop.search  # built before real time: real time links itself at start
    rt = Realtime(shop, start=False, train=False)
    shop.__dict__["realtime"] = rt
    yield shop
    shop.close()


@pytest.fixture(scope="module")
def client(live_shop):
    with TestClient(create_app(shop=live_shop)) as c:
        yield c


def test_search_popularity_comes_from_the_live_stream(live_shop):
    eng, rt = live_shop.search, live_shop.realtime
    assert eng.popularity_source == rt.popularity
    row = eng.ix.catalog.row_of["ad-red-1"]
    before = float(eng.popularity()[row])
    rt.ingest([{"type": "click", "session_id": "pop-s", "product_id": "ad-red-1"},
               {"type": "add_to_cart", "session_id": "pop-s", "product_id": "ad-red-1"}])
    time.sleep(1.05)  # the engine re-reads the live values at most once a second
    after = float(eng.popularity()[row])
    assert after == pytest.approx(before + 6.0, abs=1e-3)  # click 2 + cart 4
    assert after == pytest.approx(rt.popularity(["ad-red-1"])["ad-red-1"], abs=1e-3)
    assert float(eng.popularity()[eng.ix.catalog.row_of["nk-red-2"]]) == 0.0


def test_search_event_goes_through_the_group_commit(client, live_shop):
    rt = live_shop.realtime
    commits = rt.writer.commits
    # (only the admin or events key may name the session; others' searches are recorded under their own)
    r = client.get("/api/search", params={"q": "running shoes", "session_id": "srch-1", "size": 3}, headers=KEY)
    assert r.status_code == 200, r.text
    assert _wait(lambda: rt.session_queries(session="srch-1") == ["running shoes"])
    assert rt.writer.commits > commits
    stored = [e for e in live_shop.store.iter_events(types=["search"]) if e.session_id == "srch-1"]
    assert [e.query for e in stored] == ["running shoes"]


def test_search_answers_are_cached_until_the_catalog_or_rules_change(client, live_shop):
    params = {"q": "sneakers", "size": 5}
    first = client.get("/api/search", params=params).json()
    again = client.get("/api/search", params=params).json()
    assert first["cached"] is False and again["cached"] is True
    assert [x["id"] for x in again["results"]] == [x["id"] for x in first["results"]]
    assert live_shop.realtime.cache.stats()["namespaces"]["search"]["hits"] >= 1
    # another filter is another answer
    assert client.get("/api/search", params={**params, "brand": "Nike"}).json()["cached"] is False

    new = {"id": "pm-snk-1", "title": "Puma Suede classic sneakers", "brand": "Puma",
           "category": "Shoes > Sneakers", "price": 499.0, "stock": 7}
    assert client.post("/api/products", json=new, headers=KEY).status_code == 200
    after = client.get("/api/search", params=params).json()
    assert after["cached"] is False and "pm-snk-1" in [x["id"] for x in after["results"]]

    assert client.get("/api/search", params=params).json()["cached"] is True
    rule = {"action": "pin", "product_id": "ad-wht-1", "query": "sneakers", "position": 1}
    assert client.post("/api/search/rules", json=rule, headers=KEY).status_code == 200
    pinned = client.get("/api/search", params=params).json()
    assert pinned["cached"] is False and pinned["results"][0]["id"] == "ad-wht-1"
