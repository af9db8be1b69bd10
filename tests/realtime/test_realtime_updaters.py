"""Each online updater on real Amazon Beauty sequences: sessions, co-occurrence, trending, popularity,
the model re-run on the live session, and fold-in of new users."""

from __future__ import annotations

import time

from shopmind.kb.models import EventIn
from shopmind.realtime.state import PRUNE_AT, CoOccurrence, Decayed, Sessions, category_prefixes


def _ev(**kw):
    kw.setdefault("ts", time.time())
    return EventIn(**kw)


def test_sessions_keep_the_last_n_items_and_queries_per_key():
    s = Sessions(max_items=3, max_queries=2, max_sessions=2)
    for i in range(5):
        s.update(_ev(type="view", session_id="a", product_id=f"p{i}"), i + 1)
    s.update(_ev(type="search", session_id="a", query="q1"))
    s.update(_ev(type="search", session_id="a", query="q2"))
    s.update(_ev(type="search", session_id="a", query="q3"))
    assert s.recent_items("s:a") == ["p2", "p3", "p4"]
    assert [q for q, _ in s.get("s:a")[1]] == ["q2", "q3"]
    s.update(_ev(type="view", user_id="u", session_id="b", product_id="x"))  # both keys get it
    assert s.recent_items("u:u") == ["x"] and s.recent_items("s:b") == ["x"]
    assert s.recent_items("s:a") == []  # least recently used key evicted (bound of 2 keys)
    assert s.evicted == 1


def test_cooccurrence_on_beauty_sessions(data_dir):
    from tests.realtime.conftest import beauty_sequences  # noqa: PLC0415

    seqs = beauty_sequences(data_dir, 3000)
    c = CoOccurrence(window=3, cap=20)
    s = Sessions()
    pairs = {}
    for user, items in seqs:
        for i in items:
            e = _ev(type="view", session_id=user, product_id=i)
            c.update(e, s.get("s:" + user)[0])
            s.update(e)
        for a in range(len(items)):  # brute force the same window for a reference count
            for b in range(max(0, a - 3), a):
                if items[a] != items[b]:
                    pairs[(items[a], items[b])] = pairs.get((items[a], items[b]), 0) + 1
    top = max(pairs, key=pairs.get)
    neigh = dict(c.neighbours(top[0], "viewed", 20))
    assert top[1] in neigh and neigh[top[1]] >= pairs[top]  # symmetric counts include both orders
    assert all(len(r) <= PRUNE_AT * 20 for r in c.viewed.values())  # bounded neighbour lists
    assert max(len(r) for r in c.viewed.values()) > 20  # (the bound is reached: pruning ran)
    assert c.neighbours(top[0], "bought") == []  # views never count as bought together
    c.update(_ev(type="add_to_cart", session_id="z", product_id="B"), [("A", "purchase", 0, 0)])
    assert c.neighbours("A", "bought") == [("B", 1.0)]


def test_decayed_trending_per_category_prefers_recent():
    d = Decayed(half_life=3600.0)
    now = time.time()
    for _ in range(10):
        d.add(category_prefixes("Beauty > Lips"), "old", 1.0, now - 4 * 3600)  # 10 views 4 half-lives ago
    for _ in range(2):
        d.add(category_prefixes("Beauty > Lips"), "new", 1.0, now)
    d.add(category_prefixes("Beauty > Eyes"), "eye", 1.0, now)
    top = d.top("Beauty > Lips", 5, now)
    assert [k for k, _ in top] == ["new", "old"]
    assert abs(top[1][1] - 10 / 16) < 1e-6 and abs(top[0][1] - 2.0) < 1e-6
    assert {k for k, _ in d.top("Beauty", 5, now)} == {"new", "old", "eye"}
    assert [k for k, _ in d.top("Beauty > Eyes", 5, now)] == ["eye"]
    d.add([""], "far", 1.0, now + 200 * 3600)  # a big jump rebases without overflow
    assert d.get("", ["far"], now + 200 * 3600)["far"] == 1.0


def test_decayed_top_skips_leaders_and_still_fills_n():
    d = Decayed(half_life=3600.0)
    now = time.time()
    for i in range(30):
        d.add([""], f"p{i:02d}", float(i), now)  # p29 highest
    gone = {"p29", "p28", "p27", "p25"}
    top = d.top("", 4, now, skip=gone.__contains__)
    assert [k for k, _ in top] == ["p26", "p24", "p23", "p22"]
    assert [k for k, _ in d.top("", 40, now, skip=gone.__contains__)][-1] == "p00"  # fewer than n left


def test_trending_is_one_ranking_sliced_per_n(beauty_shop):
    rt = beauty_shop.realtime
    ten = rt.trending(None, 10)
    assert len(ten) == 10 and rt.trending(None, 3) == ten[:3]
    assert [s for _, s in ten] == sorted((s for _, s in ten), reverse=True)


def test_popularity_and_trending_follow_events(beauty_shop):
    rt = beauty_shop.realtime
    target = beauty_shop.beauty[0][1][0]
    before = rt.popularity([target, "no-such-item"])
    assert before["no-such-item"] == 0.0
    rt.ingest([{"type": "purchase", "user_id": "pop-user", "product_id": target}] * 3)
    after = rt.popularity([target])[target]
    assert abs(after - before[target] - 24.0) < 0.05  # 3 purchases weigh 8 each
    cat = beauty_shop.store.get_product(target).category
    rt.ingest([{"type": "purchase", "user_id": "pop-user", "product_id": target}] * 200)
    assert rt.trending(cat, 3)[0][0] == target


def test_a_click_changes_the_sessions_next_recommendations(beauty_shop):
    rt = beauty_shop.realtime
    model = rt.slot.get().model
    a, b = beauty_shop.beauty[5][1][0], beauty_shop.beauty[9][1][0]
    rt.ingest([{"type": "click", "session_id": "live-1", "product_id": a}])
    first = rt.recommend(session="live-1", n=10)
    assert first["based_on"] == [a]
    ids, _ = model.recommend(None, items=[a], n=10)
    assert [x["id"] for x in first["items"]] == ids  # the model re-run on the live session
    rt.ingest([{"type": "click", "session_id": "live-1", "product_id": b}])
    second = rt.recommend(session="live-1", n=10)  # no waiting: the ack means visible
    assert second["based_on"] == [b, a] and second["session_version"] == first["session_version"] + 1
    assert [x["id"] for x in second["items"]] != [x["id"] for x in first["items"]]
    ids2, _ = model.recommend(None, items=[a, b], n=10)
    assert [x["id"] for x in second["items"]] == ids2


def test_new_user_is_folded_into_the_model(beauty_shop):
    rt = beauty_shop.realtime
    served = rt.slot.get()
    items = beauty_shop.beauty[3][1][:3]
    assert len(served.model.history("brand-new")) == 0
    rt.ingest([{"type": "view", "user_id": "brand-new", "product_id": i} for i in items])
    hist = served.model.history("brand-new")
    assert [served.model.item_ids[k] for k in hist] == items
    out = rt.recommend(user="brand-new", n=10)
    expected, _ = served.model.recommend(user="brand-new", n=10)
    assert [x["id"] for x in out["items"]] == expected  # the folded-in history drives the answer
    assert not set(items) & {x["id"] for x in out["items"]}
