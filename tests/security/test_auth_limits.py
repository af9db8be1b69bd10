"""Anonymous writes are rate limited (per session and per IP, 429 with Retry-After), and hostile events
(huge numbers, huge ids) are refused by validation with their index and field, so they never reach the
group commit that other clients' events share."""

from __future__ import annotations

import threading

import httpx
import pytest

KEY = "limits-admin-key"


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    """The demo shop with small limits: 5 requests burst per session, 12 per IP, refilled at 0.2/s."""
    from shopmind.testing.live import demo_server

    srv = demo_server(tmp_path_factory.mktemp("limits"), KEY, warm_search=False, search_workers=0,
                      rate_limit_per_s=0.2, rate_limit_burst=5, rate_limit_ip_per_s=0.2, rate_limit_ip_burst=12)
    yield srv
    srv.stop()


def _view(server) -> dict:
    return {"type": "view", "product_id": next(iter(server.shop.store.iter_products())).id}


def test_anonymous_writes_get_429_with_retry_after_per_session_then_per_ip(limited):
    ev = _view(limited)
    with httpx.Client(base_url=limited.url, timeout=60) as a:
        codes = [a.post("/api/events", json=ev).status_code for _ in range(6)]
        assert codes == [200] * 5 + [429], codes
        r = a.post("/api/events", json=ev)
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1 and "too many" in r.text
        # chat shares the session's bucket (refused before the assistant is even built)
        r = a.post("/api/chat", json={"conversation_id": "lim", "message": "hello"})
        assert r.status_code == 429 and r.headers["Retry-After"]
    # a new session has its own bucket, until the IP's bucket (12) is empty as well
    codes = []
    for _ in range(10):
        with httpx.Client(base_url=limited.url, timeout=60) as fresh:
            codes.append(fresh.post("/api/events", json=ev).status_code)
    assert codes[:7] == [200] * 7 and codes[-1] == 429, codes
    # the admin (the shop's own back end) is not limited
    with httpx.Client(base_url=limited.url, timeout=60, headers={"X-API-Key": KEY}) as admin:
        assert {admin.post("/api/events", json={**ev, "session_id": "backend"}).status_code for _ in range(15)} == {200}


def test_anonymous_batches_are_small(limited):
    ev = _view(limited)
    with httpx.Client(base_url=limited.url, timeout=60, headers={"X-API-Key": KEY}) as admin:
        assert admin.post("/api/events", json=[{**ev, "session_id": "b"}] * 101).status_code == 200
    with httpx.Client(base_url=limited.url, timeout=60) as a:
        r = a.post("/api/events", json=[ev] * 101)
        assert r.status_code == 413 and "at most 100" in r.text


HOSTILE = [
    ({"position": 2 ** 70}, "position"),
    ({"value": 1e30}, "value"),
    ({"product_id": "x" * 10_000}, "product_id"),
    ({"position": -1}, "position"),
    ({"query": "q" * 5000}, "query"),
]


def test_hostile_events_are_refused_by_index_and_never_poison_others(secure_server, admin):
    ev = _view(secure_server)
    for extra, field in HOSTILE:
        with httpx.Client(base_url=secure_server.url, timeout=60) as a:
            r = a.post("/api/events", json=[ev, ev, ev, {**ev, **extra}])
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["accepted"] == 3 and [(x["index"], x["field"]) for x in body["rejected"]] == [(3, field)]
            r = a.post("/api/events", json=[{**ev, **extra}, {**ev, **extra}])
            assert r.status_code == 422 and f"[0].{field}" in r.json()["error"], r.text

    # one client keeps sending hostile events while another's valid batches share the group commits
    before = secure_server.shop.store.count_events()
    results: dict[str, list] = {"good": [], "bad": []}

    def hostile() -> None:
        with httpx.Client(base_url=secure_server.url, timeout=60) as a:
            for i in range(40):
                extra, _ = HOSTILE[i % len(HOSTILE)]
                results["bad"].append(a.post("/api/events", json={**ev, **extra}).status_code)

    def shop_backend() -> None:
        for i in range(40):
            batch = [{**ev, "session_id": f"good-{i}-{j}"} for j in range(5)]
            r = admin.post("/api/events", json=batch)
            results["good"].append((r.status_code, r.json().get("accepted")))

    threads = [threading.Thread(target=hostile), threading.Thread(target=shop_backend)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert set(results["bad"]) == {422}, results["bad"]
    assert results["good"] == [(200, 5)] * 40
    assert secure_server.shop.store.count_events() - before == 200
    assert secure_server.shop.realtime.writer.failures == 0  # nothing hostile reached a commit


def test_rate_limiter_refills_and_stays_bounded():
    from shopmind.api.ratelimit import RateLimiter

    lim = RateLimiter(rate=2.0, burst=3, max_keys=100)
    assert [lim.take("a", now=0.0) for _ in range(3)] == [0.0] * 3
    assert lim.take("a", now=0.0) == pytest.approx(0.5)  # one token comes back in 0.5 s
    assert lim.take("a", now=0.5) == 0.0 and lim.take("a", now=0.5) > 0
    for i in range(1000):  # many one-off sessions: idle (full) buckets are forgotten
        lim.take(f"s{i}", now=1000.0 + i)
    assert len(lim) <= 100
    assert lim.take("a", now=2000.0) == 0.0
