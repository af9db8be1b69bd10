"""Personal data through the real server: masked before it is stored, and erased for good by
DELETE /api/users/{id} and `shopmind forget-user` (events, conversations, tickets, orders, models).

Own server (the demo shop with trained recommendations): erasing demo users must not change what the
other security tests read."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx
import pytest

from shopmind.testing.live import ROOT

pytestmark = pytest.mark.slow  # trains the demo shop's recommenders and builds the assistant (~30-60 s)

KEY = "privacy-test-key"
USER, CLI_USER = "u-ava", "u-chloe"
SESSION = "sess-privacy-ava"
CARD = "4111 1111 1111 1111"
CN_ID = "11010519491231002X"  # valid check character


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    from shopmind.testing.live import demo_server

    s = demo_server(tmp_path_factory.mktemp("privacy-shop"), KEY, warm_search=False, warm_recs=True,
                    search_workers=0)
    assert s.warm.get("recommender", "").startswith("ok"), s.warm
    yield s
    s.stop()


@pytest.fixture
def admin(srv):
    with httpx.Client(base_url=srv.url, timeout=120, headers={"X-API-Key": KEY}) as c:
        yield c


def _personal(recs: dict) -> list[dict]:
    return [r for r in recs["items"] if "because" in r or "viewed" in r["reason"] or "看过" in r["reason"]]


def _model_users(home) -> tuple[set[str], int]:
    from shopmind.recommend import modelset
    from shopmind.recommend.base import load_model

    root = home / "models" / "recs"
    blend = load_model(modelset.current(root) / "blend.npz")
    return set(blend.user_index) | set(blend._extra_hist), len(modelset.versions(root))


def test_personal_data_is_masked_then_erased(srv, admin):
    store, shop = srv.shop.store, srv.shop
    orders = store.orders(USER)
    order = orders[0]
    pid = next(iter(store.get_products([ln.product_id for ln in order.lines])))
    # activity: anonymous browsing, then signed in, a search with a card number, a chat with PII, a handoff
    for body in ({"type": "view", "session_id": SESSION, "product_id": pid},
                 {"type": "click", "session_id": SESSION, "user_id": USER, "product_id": pid}):
        assert admin.post("/api/events", json=body).status_code in (200, 201, 202)
    assert admin.get("/api/search", params={"q": f"case for card {CARD}", "user_id": USER}).status_code == 200
    msg = f"my phone is 13812345678, id {CN_ID}, where is order {order.id}?"
    r = admin.post("/api/chat", json={"conversation_id": "c-privacy", "message": msg, "user_id": USER})
    assert r.status_code == 200, r.text
    assert order.id in r.json()["reply"] or any(order.id in str(c) for c in r.json()["citations"])  # lookup works
    r = admin.post("/api/chat", json={"conversation_id": "c-privacy", "user_id": USER,
                                      "message": f"I want to talk to a human agent, call me on +1 415-555-0132 or card {CARD}"})
    assert r.status_code == 200

    stored = json.dumps(store.get_meta(f"assistant.conv.{USER}.c-privacy"), ensure_ascii=False)
    tickets = store.tickets(user_id=USER)
    searches = [e.query for e in store.iter_events(types=["search"]) if e.user_id == USER]
    for text in [stored, json.dumps([t.model_dump() for t in tickets], ensure_ascii=False), *searches]:
        for secret in ("13812345678", CN_ID, "415-555-0132", "1111 1111 1111"):
            assert secret not in text, (secret, text[:300])
    assert order.id in stored and "***5678" in stored  # the order number stays readable
    assert tickets and searches and "[card ****1111]" in searches[-1]
    before = admin.get("/api/recommend", params={"user": USER, "n": 10}).json()
    assert _personal(before), before  # explained by the user's own history
    assert admin.get("/api/sessions", params={"user": USER}).json()["items"]
    assert USER in _model_users(shop.settings.home)[0]

    with httpx.Client(base_url=srv.url, timeout=60) as anon:
        assert anon.delete(f"/api/users/{USER}").status_code == 401
    r = admin.delete(f"/api/users/{USER}")
    assert r.status_code == 200, r.text
    rep = r.json()
    assert rep["events"] >= 3 and rep["conversations"] == 1 and rep["tickets"] == len(tickets)
    assert rep["orders"] == len(orders) and rep["users"] == 1
    assert {"blend", "blend.itemknn", "realtime.sessions"} <= set(rep["models"]), rep

    assert not [e for e in store.iter_events() if e.user_id == USER or e.session_id == SESSION]
    assert store.tickets(user_id=USER) == [] and store.get_user(USER) is None and store.orders(USER) == []
    assert store.get_meta(f"assistant.conv.{USER}.c-privacy") is None
    kept = store.get_order(order.id)
    assert kept is not None and kept.address is None and kept.tracking is None and kept.user_id.startswith("erased-")
    after = admin.get("/api/recommend", params={"user": USER, "n": 10}).json()
    assert not _personal(after), after
    assert admin.get("/api/sessions", params={"user": USER}).json()["items"] == []
    assert admin.get("/api/sessions", params={"session": SESSION}).json()["items"] == []
    assert admin.get(f"/api/orders/{order.id}").json().get("address") is None
    users, versions = _model_users(shop.settings.home)
    assert USER not in users and versions == 1  # no older model version on disk still holds the user
    assert shop.assistant.conversation("c-privacy", USER).turns == []
    assert admin.delete(f"/api/users/{USER}").status_code == 404


def test_cli_forget_user(srv):
    home = srv.shop.settings.home
    assert CLI_USER in _model_users(home)[0]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "shopmind.cli", "--home", str(home), *a],  # noqa: E731
                                    capture_output=True, text=True, timeout=300, env=env, cwd=ROOT)
    r = run("forget-user", CLI_USER, "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["user"] == CLI_USER and rep["events"] > 0 and rep["orders"] > 0 and "blend" in rep["models"]
    assert set(rep) >= {"events", "conversations", "tickets", "orders", "models"}
    store = srv.shop.store
    assert not [e for e in store.iter_events() if e.user_id == CLI_USER] and store.orders(CLI_USER) == []
    assert CLI_USER not in _model_users(home)[0]
    r = run("forget-user", "u-nobody-zz", "--json")
    assert r.returncode == 1 and json.loads(r.stdout)["events"] == 0
