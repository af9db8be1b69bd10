"""POST /api/events: validation with reasons, batches that store the good events, metrics text."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from shopmind.api import create_app
from shopmind.kb.models import ProductIn
from shopmind.realtime.metrics import install_metrics


@pytest.fixture
def client(shop):
    shop.store.upsert_products([ProductIn(id=f"p{i}", title=f"Lipstick {i}", category="Beauty > Lips", stock=3)
                                for i in range(5)])
    app = create_app(shop=shop)
    install_metrics(app)
    with TestClient(app, headers={"X-API-Key": "test-key"}) as c:  # the admin: events of any session
        yield c
    shop.realtime.close()


def test_single_event_is_stored_before_the_reply(client, shop):
    r = client.post("/api/events", json={"type": "click", "session_id": "s1", "product_id": "p1", "position": 2})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["accepted"] == 1 and body["rejected"] == []
    (eid,) = body["ids"]
    stored = [e for e in shop.store.iter_events() if e.id == eid]
    assert stored and stored[0].product_id == "p1" and stored[0].session_id == "s1" and stored[0].position == 2


@pytest.mark.parametrize("event, field, words", [
    ({"type": "clicked", "session_id": "s", "product_id": "p1"}, "type", "'view'"),
    ({"type": "click", "session_id": "s", "product_id": "nope"}, "product_id", "unknown product 'nope'"),
    ({"type": "click", "session_id": "s", "product_id": "p1", "ts": time.time() + 3600}, "ts", "in the future"),
    ({"type": "click", "session_id": "s", "product_id": "p1", "ts": time.time() * 1000}, "ts", "milliseconds"),
    ({"type": "click", "product_id": "p1"}, "user_id", "user_id or a session_id"),
    ({"type": "purchase", "user_id": "u"}, "product_id", "required for 'purchase'"),
    ({"type": "search", "user_id": "u"}, "query", "required"),
    ({"type": "rate", "user_id": "u", "product_id": "p1", "value": 9}, "value", "between 1 and 5"),
    ({"type": "click", "user_id": "u", "product_id": "p1", "colour": "red"}, "colour", "Extra inputs"),
])
def test_bad_event_gets_4xx_naming_the_reason(client, shop, event, field, words):
    before = shop.store.count_events()
    r = client.post("/api/events", json=event)
    assert 400 <= r.status_code < 500
    body = r.json()
    assert body["errors"][0]["field"] == field and words in body["errors"][0]["reason"], body
    assert field in body["error"]
    assert shop.store.count_events() == before


def test_batch_reports_bad_events_by_index_and_stores_the_rest(client, shop):
    batch = [
        {"type": "view", "session_id": "s2", "product_id": "p1"},
        {"type": "view", "session_id": "s2", "product_id": "ghost"},
        {"type": "add_to_cart", "user_id": "u9", "product_id": "p2", "value": 2},
        "not an object",
        {"type": "search", "user_id": "u9", "query": "red lipstick"},
    ]
    r = client.post("/api/events", json={"events": batch})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["accepted"] == 3 and len(body["ids"]) == 3
    assert [(x["index"], x["field"]) for x in body["rejected"]] == [(1, "product_id"), (3, "event")]
    stored = {e.id: e for e in shop.store.iter_events()}
    assert [stored[i].type for i in body["ids"]] == ["view", "add_to_cart", "search"]
    # a batch with nothing valid is a 4xx, and nothing is stored
    r = client.post("/api/events", json=[{"type": "view"}, {"type": "view", "session_id": "x", "product_id": "zz"}])
    assert r.status_code == 422 and len(r.json()["rejected"]) == 2


def test_malformed_bodies(client):
    r = client.post("/api/events", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and "JSON" in r.json()["error"]
    assert client.post("/api/events", json=[]).status_code == 422
    too_many = [{"type": "view", "session_id": "s", "product_id": "p1"}] * 5001
    assert client.post("/api/events", json=too_many).status_code == 413


def test_session_state_and_metrics(client, shop):
    for pid in ("p1", "p2", "p3"):
        assert client.post("/api/events", json={"type": "view", "session_id": "s7", "product_id": pid}).status_code == 200
    client.post("/api/events", json={"type": "search", "session_id": "s7", "query": "matte lipstick"})
    s = client.get("/api/sessions", params={"session": "s7"}).json()
    assert [x["product_id"] for x in s["items"]] == ["p1", "p2", "p3"]
    assert [q["query"] for q in s["queries"]] == ["matte lipstick"]
    client.post("/api/events", json={"type": "view", "session_id": "s7", "product_id": "nope"})
    text = client.get("/api/metrics").text
    assert 'shopmind_http_requests_total{method="POST",route="/api/events",status="200"} 4' in text
    assert 'shopmind_http_requests_total{method="POST",route="/api/events",status="422"} 1' in text
    assert 'shopmind_events_total{type="view"} 3' in text
    assert 'shopmind_events_rejected_total{field="product_id"} 1' in text
    assert "shopmind_event_visible_seconds_count 4" in text
    assert "shopmind_cache_hit_ratio" in text and "shopmind_events_stored 4" in text
    for line in text.splitlines():  # every sample line is `name{labels} number`
        if line and not line.startswith("#"):
            float(line.rsplit(" ", 1)[1].replace("+Inf", "inf").replace("NaN", "nan"))
