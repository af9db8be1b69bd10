"""HTTP API of search: /api/search with filters and attr.*, /api/suggest, admin synonyms and rules."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from shopmind.api.app import create_app

ADMIN = {"X-API-Key": "test-key"}


@pytest.fixture
def client(fresh_shop):
    with TestClient(create_app(shop=fresh_shop)) as c:
        yield c


def test_search_endpoint(client):
    r = client.get("/api/search", params={"q": "running shoes", "brand": "Nike", "attr.color": "red", "size": 1,
                                          "sort": "price_asc"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"query", "results", "facets", "total", "took_ms"}
    assert body["total"] == 2 and [x["id"] for x in body["results"]] == ["nk-red-1"]
    assert body["query"]["filters_applied"] == {"brand": "Nike", "class": "shoes", "attrs": {"color": "red"}}
    assert client.get("/api/search", params={"q": "x", "sort": "bogus"}).status_code == 422
    assert client.get("/api/search", params={"q": "x", "size": 0}).status_code == 422
    s = client.get("/api/suggest", params={"q": "logi"}).json()
    assert "logitech" in [x["text"] for x in s["suggestions"]]


def test_admin_synonyms_and_rules(client):
    assert client.put("/api/search/synonyms", json={"synonyms": [["kettle", "水壶"]]}).status_code == 401
    bad = client.put("/api/search/synonyms", json={"synonyms": [["only-one"]]}, headers=ADMIN)
    assert bad.status_code == 422 and "group 0" in bad.text
    ok = client.put("/api/search/synonyms", json={"synonyms": [["earbuds", "耳塞"]]}, headers=ADMIN)
    assert ok.status_code == 200
    assert client.get("/api/search/synonyms").json() == {"synonyms": [["earbuds", "耳塞"]]}
    parsed = client.get("/api/search", params={"q": "耳塞"}).json()["query"]
    assert parsed["expansions"] == {"earbud": 0.5}
    rule = client.post("/api/search/rules", json={"action": "pin", "product_id": "canon-r50", "query": "headphones"},
                       headers=ADMIN)
    assert rule.status_code == 200, rule.text
    first = client.get("/api/search", params={"q": "headphones"}).json()["results"][0]
    assert first["id"] == "canon-r50" and first["merchandising"] == "pin"
    assert client.post("/api/search/rules", json={"action": "pin", "product_id": "nope"}, headers=ADMIN).status_code == 422
    assert client.post("/api/search/rules", json={"action": "shout", "product_id": "canon-r50"},
                       headers=ADMIN).status_code == 422
    rid = rule.json()["id"]
    assert client.delete(f"/api/search/rules/{rid}", headers=ADMIN).status_code == 200
    assert client.get("/api/search", params={"q": "headphones"}).json()["results"][0]["id"] != "canon-r50"
    assert client.delete(f"/api/search/rules/{rid}", headers=ADMIN).status_code == 404


def test_currency_setting_and_class_filter(client):
    assert client.get("/api/search/currency").json()["base"] == "CNY"
    r = client.put("/api/search/currency", json={"base": "CNY", "rates": {"USD": "lots"}},
                   headers=ADMIN)
    assert r.status_code == 422 and "rates" in r.text
    r = client.put("/api/search/currency", json={"base": "CNY", "rates": {"USD": 7.0}}, headers=ADMIN)
    assert r.status_code == 200 and r.json()["rates"] == {"USD": 7.0}
    assert client.get("/api/search/currency").json()["rates"] == {"USD": 7.0}
    r = client.get("/api/search", params={"q": "", "class": "shoes", "price_max": 100, "currency": "USD"})
    assert r.status_code == 200 and r.json()["query"]["filters_applied"]["currency"] == "USD"
    bad = client.get("/api/search", params={"q": "x", "currency": "dollars"})
    assert bad.status_code == 422 and "currency" in bad.text
