"""HTTP API: auth on writes, validation errors that name the field, CRUD, history and rollback."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from shopmind.api import create_app

KEY = {"X-API-Key": "test-key"}
PHONE = {"id": "p1", "title": "Xiaomi 14 手机 256GB", "brand": "Xiaomi", "category": "数码 > 手机",
         "price": 3999, "currency": "CNY", "stock": 5, "attributes": {"storage": "256GB", "color": "黑色"}}


@pytest.fixture
def client(shop):
    with TestClient(create_app(shop=shop)) as c:
        yield c


def test_health_and_openapi(client):
    r = client.get("/api/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/products" in paths and "/api/products/{product_id}/rollback" in paths


def test_writes_need_the_admin_key(client):
    assert client.post("/api/products", json=PHONE).status_code == 401
    assert client.post("/api/products", json=PHONE, headers={"X-API-Key": "wrong"}).status_code == 403
    assert client.post("/api/products", json=PHONE, headers={"Authorization": "Bearer test-key"}).status_code == 200
    assert client.get("/api/products/p1").status_code == 200  # reads are open


def test_invalid_input_names_the_field(client):
    r = client.post("/api/products", json={**PHONE, "price": -5}, headers=KEY)
    assert r.status_code == 422
    body = r.json()
    assert body["errors"][0]["field"].endswith("price") and "price" in body["error"]
    r = client.post("/api/products", json={"title": "no id"}, headers=KEY)
    assert r.status_code == 422 and any(e["field"].endswith("id") for e in r.json()["errors"])
    r = client.patch("/api/products/p1", json={"stock": -1}, headers=KEY)
    assert r.status_code == 404  # not created yet
    client.post("/api/products", json=PHONE, headers=KEY)
    r = client.patch("/api/products/p1", json={"stock": -1}, headers=KEY)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "stock"
    r = client.put("/api/products/p1", json={**PHONE, "id": "other"}, headers=KEY)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "id"


def test_crud_history_rollback_delete_restore(client):
    r = client.post("/api/products", json=[PHONE, {**PHONE, "id": "p2", "title": "Redmi Note"}], headers=KEY)
    assert r.json()["inserted"] == 2
    assert client.post("/api/products", json=PHONE, headers=KEY).json()["unchanged"] == 1
    r = client.patch("/api/products/p1", json={"price": 3499}, headers=KEY)
    assert r.json()["price"] == 3499 and r.json()["version"] == 2
    hist = client.get("/api/products/p1/history").json()
    assert [h["op"] for h in hist] == ["create", "update"]
    r = client.post("/api/products/p1/rollback", json={"rev": hist[0]["rev"]}, headers=KEY)
    assert r.status_code == 200 and r.json()["price"] == 3999
    assert client.post("/api/products/p1/rollback", json={"rev": 999}, headers=KEY).status_code == 404
    assert client.delete("/api/products/p2", headers=KEY).json()["status"] == "deleted"
    assert client.get("/api/products/p2").status_code == 404
    assert client.get("/api/products").json()["total"] == 1
    assert client.post("/api/products/p2/restore", headers=KEY).json()["status"] == "active"
    assert client.get("/api/stats").json()["products"] == 2


def test_reviews_and_documents(client):
    client.post("/api/products", json=PHONE, headers=KEY)
    r = client.post("/api/reviews", json={"product_id": "p1", "rating": 5, "text": "屏幕很清楚"}, headers=KEY)
    assert r.status_code == 200
    r = client.post("/api/reviews", json={"product_id": "nope", "text": "x"}, headers=KEY)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "product_id"
    assert client.get("/api/products/p1/reviews").json()[0]["text"] == "屏幕很清楚"
    doc = {"id": "returns-zh", "kind": "policy", "topic": "returns", "title": "退货政策", "body": "7天无理由退货"}
    assert client.post("/api/documents", json=doc, headers=KEY).status_code == 200
    assert client.get("/api/documents/returns-zh").json()["body"] == "7天无理由退货"
    assert client.get("/api/orders").status_code == 401  # orders are private
