"""Atomic edits through the real server: concurrent admins adding merchandising rules and synonyms keep
each other's, PATCH with If-Match / expected_rev (409 with the current revision), re-sent deleted
products restored or refused, and drafts/deleted products hidden from public reads."""

from __future__ import annotations

import threading

import httpx

from tests.security.conftest import ADMIN_KEY

QUERY = "atomic-test-query-zz"  # rules on a query nobody else searches


def _err(r: httpx.Response) -> dict:
    body = r.json()
    return body["detail"] if isinstance(body.get("detail"), dict) else body


def _concurrently(url: str, jobs: list, clients: int | None = None) -> list[httpx.Response]:
    """The jobs (method, path, json) shared out over ``clients`` admin clients (default: one each), all
    released at once; each client sends its share one after another."""
    clients = clients or len(jobs)
    out: list = [None] * len(jobs)
    start = threading.Barrier(clients)

    def go(c_no: int) -> None:
        with httpx.Client(base_url=url, timeout=60, headers={"X-API-Key": ADMIN_KEY}) as c:
            start.wait()
            for i in range(c_no, len(jobs), clients):
                method, path, body = jobs[i]
                out[i] = c.request(method, path, json=body)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return out


def test_two_admins_adding_rules_at_once_both_survive(secure_server, admin):
    from shopmind.search.merch import MerchRule, load_rules, save_rules

    store = secure_server.shop.store
    pid = admin.get("/api/products", params={"limit": 1}).json()["items"][0]["id"]
    kept = load_rules(store)
    # many rules already there: each add reads and writes a long list, a wide window for a lost update
    filler = [MerchRule(action="bury", product_id=pid, query=f"{QUERY}-filler-{i}") for i in range(3000)]
    save_rules(store, kept + filler)
    try:
        n = 20  # two admins, 10 rules each, at the same time
        jobs = [("POST", "/api/search/rules", {"action": "boost", "product_id": pid, "query": f"{QUERY}-{i}",
                                               "factor": 1.5}) for i in range(n)]
        res = _concurrently(secure_server.url, jobs, clients=2)
        assert [r.status_code for r in res] == [200] * n
        ids = {r.json()["id"] for r in res}
        stored = {r["id"] for r in admin.get("/api/search/rules").json()["rules"]}
        assert ids <= stored, f"lost {len(ids - stored)} of {n} rules"
        res = _concurrently(secure_server.url, [("DELETE", f"/api/search/rules/{i}", None) for i in ids], clients=2)
        assert [r.status_code for r in res] == [200] * n
        assert not ids & {r["id"] for r in admin.get("/api/search/rules").json()["rules"]}
        assert admin.delete(f"/api/search/rules/{next(iter(ids))}").status_code == 404
    finally:
        save_rules(store, kept)
        secure_server.shop.search.invalidate_rules()


def test_two_admins_adding_synonyms_at_once_both_survive(secure_server, admin):
    before = admin.get("/api/search/synonyms").json()["synonyms"]
    try:
        res = _concurrently(secure_server.url, [("POST", "/api/search/synonyms", {"group": [f"zzsyn{i}", f"zzalt{i}"]})
                                                for i in range(6)])
        assert [r.status_code for r in res] == [200] * 6
        groups = admin.get("/api/search/synonyms").json()["synonyms"]
        assert all([f"zzsyn{i}", f"zzalt{i}"] in groups for i in range(6)) and all(g in groups for g in before)
        assert admin.post("/api/search/synonyms", json={"group": ["lonely"]}).status_code == 422
    finally:
        assert admin.put("/api/search/synonyms", json={"synonyms": before}).status_code == 200


def test_patch_with_a_stale_revision_is_refused(admin, anon):
    p = {"id": "atomic-p1", "title": "Atomic test lamp", "price": 20.0, "stock": 3}
    assert admin.post("/api/products", json=p).status_code == 200
    r = admin.get("/api/products/atomic-p1")
    rev = r.json()["version"]
    assert r.headers["etag"] == f'"{rev}"'
    r = admin.patch("/api/products/atomic-p1", json={"price": 18.0}, headers={"If-Match": f'"{rev}"'})
    assert r.status_code == 200 and r.json()["version"] == rev + 1
    for kw in ({"headers": {"If-Match": f'"{rev}"'}}, {"params": {"expected_rev": rev}}):
        r = admin.patch("/api/products/atomic-p1", json={"stock": 0}, **kw)
        assert r.status_code == 409, r.text
        err = _err(r)
        assert err["current_rev"] == rev + 1 and f"revision {rev + 1}" in err["error"]
    r = admin.patch("/api/products/atomic-p1", json={"stock": 0, "expected_rev": rev + 1})
    assert r.status_code == 200 and r.json()["stock"] == 0
    assert admin.patch("/api/products/atomic-p1", json={"stock": 1}, headers={"If-Match": "abc"}).status_code == 422
    assert anon.patch("/api/products/atomic-p1", json={"stock": 1}).status_code == 401

    # concurrent PATCHes of one field, each based on the revision it read: exactly one wins
    cur = admin.get("/api/products/atomic-p1").json()["version"]
    res = _concurrently(admin.base_url.__str__(), [("PATCH", f"/api/products/atomic-p1?expected_rev={cur}",
                                                    {"stock": 10 + i}) for i in range(4)])
    assert sorted(r.status_code for r in res) == [200, 409, 409, 409]


def test_resent_deleted_product_is_restored_not_updated(admin, anon):
    p = {"id": "atomic-p2", "title": "Atomic test kettle", "price": 30.0}
    admin.post("/api/products", json=p)
    assert admin.delete("/api/products/atomic-p2").status_code == 200
    r = admin.post("/api/products", params={"restore": "false"}, json=[p, {"id": "atomic-p3", "title": "x"}])
    assert r.status_code == 409 and "atomic-p2" in _err(r)["error"]
    assert anon.get("/api/products/atomic-p2").status_code == 404 and anon.get("/api/products/atomic-p3").status_code == 404
    r = admin.post("/api/products", json=p)
    assert r.status_code == 200 and (r.json()["restored"], r.json()["updated"]) == (1, 0)
    assert admin.get("/api/products/atomic-p2/history").json()[-1]["op"] == "restore"
    assert anon.get("/api/products/atomic-p2").status_code == 200


def test_public_reads_show_active_products_only(admin, anon):
    admin.post("/api/products", json={"id": "atomic-draft", "title": "Atomic draft blender", "status": "draft"})
    admin.post("/api/products", json={"id": "atomic-gone", "title": "Atomic gone blender"})
    admin.delete("/api/products/atomic-gone")
    assert anon.get("/api/products/atomic-draft").status_code == 404
    assert admin.get("/api/products/atomic-draft").json()["status"] == "draft"
    public = anon.get("/api/products", params={"q": "Atomic", "limit": 500}).json()["items"]
    assert public and {p["status"] for p in public} == {"active"}
    assert "atomic-draft" not in {p["id"] for p in public}
    drafts = admin.get("/api/products", params={"status": "draft", "limit": 500}).json()
    assert "atomic-draft" in {p["id"] for p in drafts["items"]} and {p["status"] for p in drafts["items"]} == {"draft"}
    gone = admin.get("/api/products", params={"status": "deleted", "limit": 500}).json()["items"]
    assert "atomic-gone" in {p["id"] for p in gone}
    for params in ({"status": "draft"}, {"include_deleted": "true"}):
        assert anon.get("/api/products", params=params).status_code == 401
    assert anon.get("/api/products/atomic-gone", params={"include_deleted": "true"}).status_code == 401
    assert admin.get("/api/products/atomic-gone", params={"include_deleted": "true"}).json()["status"] == "deleted"
    assert anon.get("/api/products", headers={"X-API-Key": "wrong"}).status_code == 403
