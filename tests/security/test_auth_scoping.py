"""Who may read and write a shopper's data, through the real HTTP server: anonymous callers get 401/403
for anyone else's sessions, recommendations, orders and events; a shopper's token reads that shopper
only; the admin key reads anyone; expired, forged and tampered tokens and a non-ASCII key are refused."""

from __future__ import annotations

import base64
import time

import httpx
import pytest

from shopmind.api.auth import TokenSigner, load_secret

LINA, WANG = "u-lina", "u-wangqiang"


def _signer(server) -> TokenSigner:
    return TokenSigner(load_secret(server.shop.settings.home))


def _client(server, **headers) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=60, headers=headers)


@pytest.fixture
def lina(secure_server, admin):
    """A client signed in as u-lina with a token the admin issued (POST /api/auth/token)."""
    r = admin.post("/api/auth/token", json={"user_id": LINA, "ttl_s": 600})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["user_id"] == LINA and body["expires_at"] > time.time() + 500
    with _client(secure_server, Authorization=f"Bearer {body['token']}") as c:
        yield c


def _product(server) -> str:
    return next(iter(server.shop.store.iter_products())).id


@pytest.mark.parametrize("path, params", [
    ("/api/sessions", {"user": WANG}),
    ("/api/realtime/recommend", {"user": LINA}),
    ("/api/recommend", {"user": WANG}),
    ("/api/orders", {"user": LINA}),
    ("/api/orders", {}),
    ("/api/orders/o-0001", {}),
])
def test_anonymous_reads_of_a_user_are_refused(anon, path, params):
    r = anon.get(path, params=params)
    assert r.status_code == 401, r.text
    assert "based_on" not in r.text and '"items"' not in r.text


def test_a_users_history_is_there_for_the_admin_and_for_that_user(admin, lina):
    # the demo's history is real: the admin sees it (so the refusals above hide something)
    st = admin.get("/api/sessions", params={"user": WANG}).json()
    assert st["user"] == WANG and st["items"], st
    recs = admin.get("/api/realtime/recommend", params={"user": LINA})
    assert recs.status_code == 200 and recs.json()["based_on"]
    assert admin.get("/api/recommend", params={"user": WANG}).status_code not in (401, 403)
    # her own token: her state, her live recommendations, her orders only
    assert lina.get("/api/sessions", params={"user": LINA}).json()["items"]
    own = lina.get("/api/sessions").json()  # no user given: the caller's own
    assert own["user"] == LINA and own["items"]
    assert lina.get("/api/realtime/recommend").json()["based_on"] == recs.json()["based_on"]
    orders = lina.get("/api/orders").json()
    assert orders and {o["user_id"] for o in orders} == {LINA}
    assert lina.get("/api/orders/o-0001").json()["user_id"] == LINA
    # ... and nobody else's
    for path, params in [("/api/sessions", {"user": WANG}), ("/api/realtime/recommend", {"user": WANG}),
                         ("/api/recommend", {"user": WANG}), ("/api/orders", {"user": WANG}),
                         ("/api/orders/o-0003", {})]:
        r = lina.get(path, params=params)
        assert r.status_code == 403, (path, r.text)
        assert '"items"' not in r.text and "based_on" not in r.text


def test_anonymous_session_is_readable_only_with_its_own_cookie(secure_server, anon):
    pid = _product(secure_server)
    r = anon.post("/api/events", json={"type": "view", "product_id": pid})
    assert r.status_code == 200, r.text
    mine = anon.get("/api/sessions").json()
    assert mine["session"] and [x["product_id"] for x in mine["items"]] == [pid]
    assert anon.get("/api/sessions", params={"session": mine["session"]}).status_code == 200
    stored = [e for e in secure_server.events("view", pid) if e.id == r.json()["ids"][0]]
    assert stored[0].session_id == mine["session"] and stored[0].user_id is None
    with _client(secure_server) as other:
        for path in ("/api/sessions", "/api/realtime/recommend", "/api/recommend"):
            r = other.get(path, params={"session": mine["session"]})
            assert r.status_code == 403 and "session" in r.text, (path, r.text)
        assert other.get("/api/sessions").json()["items"] == []  # a new visitor: its own, empty session


def test_events_are_only_the_callers_own(secure_server, anon, lina):
    pid = _product(secure_server)
    before = len(secure_server.events("purchase"))
    # anonymous: no purchase in another shopper's name, no writes into another session
    r = anon.post("/api/events", json={"type": "purchase", "user_id": LINA, "product_id": pid})
    assert r.status_code == 401 and "user_id" in r.text
    r = anon.post("/api/events", json=[{"type": "view", "product_id": pid},
                                       {"type": "purchase", "session_id": "someone-else", "product_id": pid}])
    assert r.status_code == 403 and "[1].session_id" in r.text
    # a shopper: their own events (user_id filled in), never another shopper's
    r = lina.post("/api/events", json={"type": "purchase", "user_id": WANG, "product_id": pid})
    assert r.status_code == 403 and "user_id" in r.text
    assert len(secure_server.events("purchase")) == before  # nothing of the refused requests was stored
    r = lina.post("/api/events", json={"type": "add_to_cart", "product_id": pid})
    assert r.status_code == 200, r.text
    (ev,) = [e for e in secure_server.events("add_to_cart", pid) if e.id == r.json()["ids"][0]]
    assert ev.user_id == LINA


@pytest.mark.slow  # the first chat builds the assistant (~30 s on 2 cores)
def test_chat_reads_only_the_callers_orders(secure_server, anon, lina):
    r = anon.post("/api/chat", json={"conversation_id": "sec-1", "message": "我的订单到哪了", "user_id": LINA})
    assert r.status_code == 401
    r = lina.post("/api/chat", json={"conversation_id": "sec-2", "message": "我的订单到哪了", "user_id": WANG})
    assert r.status_code == 403
    # signed in, no user_id needed: the assistant looks up her own orders, and not another's by number
    mine = lina.post("/api/chat", json={"conversation_id": "sec-3", "message": "订单 o-0002 到哪了"})
    assert mine.status_code == 200, mine.text
    assert "o-0002" in mine.json()["reply"]
    theirs = lina.post("/api/chat", json={"conversation_id": "sec-4", "message": "订单 o-0003 到哪了"}).json()
    wang_order = secure_server.shop.store.get_order("o-0003")
    assert wang_order.address not in theirs["reply"] and (wang_order.tracking or "@@") not in theirs["reply"]


def test_expired_forged_and_tampered_tokens_are_refused(secure_server):
    signer = _signer(secure_server)
    expired, _ = signer.issue(LINA, 60, now=time.time() - 120)
    forged, _ = TokenSigner(b"not the shop's secret, 32 bytes+").issue(LINA, 600)
    good, _ = signer.issue(WANG, 600)
    v, _, exp, mac = good.split(".")
    tampered = ".".join([v, base64.urlsafe_b64encode(LINA.encode()).decode().rstrip("="), exp, mac])
    longer = ".".join([v, base64.urlsafe_b64encode(WANG.encode()).decode().rstrip("="), str(int(exp) + 86400), mac])
    for token, words in [(expired, "expired"), (forged, "signature"), (tampered, "signature"),
                         (longer, "signature"), ("v1.x.y.z", "malformed")]:
        with _client(secure_server, Authorization=f"Bearer {token}") as c:
            r = c.get("/api/sessions", params={"user": LINA})
            assert r.status_code == 401 and words in r.text, (token, r.text)
            assert c.get("/api/auth/me").status_code == 401
    # as a cookie, a stale or forged token is no sign-in: the caller is anonymous
    for token in (expired, forged):
        with httpx.Client(base_url=secure_server.url, cookies={"shopmind_token": token}, timeout=60) as c:
            assert c.get("/api/auth/me").json()["kind"] == "anonymous"
            assert c.get("/api/sessions", params={"user": LINA}).status_code == 401
    ok, _ = signer.issue(LINA, 600)
    with httpx.Client(base_url=secure_server.url, cookies={"shopmind_token": ok}, timeout=60) as c:
        assert c.get("/api/auth/me").json() == {"kind": "user", "user_id": LINA,
                                                "session_id": c.cookies.get("shopmind_sid")}


@pytest.mark.parametrize("header", ["X-API-Key", "Authorization"])
def test_wrong_and_non_ascii_keys_are_403_not_500(secure_server, header):
    for value in ("ключ-管理员", "wrong-key", "é"):
        raw = (f"Bearer {value}" if header == "Authorization" else value).encode("utf-8")
        with _client(secure_server) as c:
            r = c.get("/api/auth/me", headers={header: raw})
            assert r.status_code == 403, (value, r.status_code, r.text)
            assert c.get("/api/users", headers={header: raw}).status_code == 403
            assert c.post("/api/realtime/retrain", headers={header: raw}).status_code == 403


def test_admin_endpoints_and_me(secure_server, admin, anon, lina):
    assert admin.get("/api/auth/me").json()["kind"] == "admin"
    with _client(secure_server, Authorization=f"Bearer {secure_server.key}") as c:
        assert c.get("/api/auth/me").json()["kind"] == "admin"
    me = anon.get("/api/auth/me").json()
    assert me["kind"] == "anonymous" and me["user_id"] is None and len(me["session_id"]) >= 16
    assert lina.get("/api/auth/me").json()["user_id"] == LINA
    # a shopper's token is no admin key; issuing tokens is the admin's
    assert lina.get("/api/users").status_code == 403
    assert lina.post("/api/auth/token", json={"user_id": WANG}).status_code == 403
    assert anon.post("/api/auth/token", json={"user_id": WANG}).status_code == 401
    r = admin.post("/api/auth/token", json={"user_id": WANG, "ttl_s": 10})
    assert r.status_code == 422 and "ttl_s" in r.text
    # no events key is configured on this shop: sending one is refused, not ignored
    assert anon.get("/api/auth/me", headers={"X-Events-Key": "guess"}).status_code == 403
    # demo sign-in is off here
    assert anon.get("/api/auth/demo-users").status_code == 404
    assert anon.post("/api/auth/demo-login", json={"user_id": LINA}).status_code == 403


def test_session_cookie_is_httponly_and_lax(secure_server):
    with _client(secure_server) as c:
        r = c.get("/api/health")
        cookie = r.headers["set-cookie"]
        assert cookie.startswith("shopmind_sid=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "set-cookie" not in c.get("/api/health").headers  # the browser has it now
    with _client(secure_server) as c:
        assert "shopmind_sid=" in c.get("/").headers["set-cookie"]  # pages too
