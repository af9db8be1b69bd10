"""Dashboard numbers (shopmind.web.analytics) on small hand-made event and review logs."""

from __future__ import annotations

from shopmind.kb.models import Event, Review
from shopmind.web.analytics import DAY, events_per_minute, search_stats, sentiment_by_category, window_end

T0 = 1_700_000_000.0


def ev(i, type_, ts, **kw):
    return Event(id=i, type=type_, ts=ts, **kw)


def test_search_stats_zero_results_ctr_and_top_queries():
    events = [
        ev(1, "search", T0, session_id="a", query="Phone", value=12),
        ev(2, "click", T0 + 5, session_id="a", query="phone", product_id="p1", position=0),
        ev(3, "search", T0 + 60, session_id="b", query="phone", value=12),
        ev(4, "search", T0 + 70, session_id="b", query="flux capacitor", value=0),
        ev(5, "search", T0 + 80, session_id="c", query="tea"),  # count unknown: taken from hits
        ev(6, "view", T0 + 90, session_id="c", product_id="p2"),
    ]
    s = search_stats(events, T0 - 10, T0 + DAY, DAY, hits={"tea": 0})
    assert s["searches"] == 4
    assert s["zero_result"]["count"] == 2 and s["zero_result"]["share"] == 0.5
    assert {q["query"] for q in s["zero_result"]["top"]} == {"flux capacitor", "tea"}
    assert s["ctr"]["searches"] == 4 and s["ctr"]["clicked"] == 1 and s["ctr"]["rate"] == 0.25
    top = s["top_queries"][0]
    assert top["query"] == "phone" and top["count"] == 2 and top["ctr"] == 0.5
    assert sum(p["count"] for p in s["volume"]) == 4
    # without counts for "tea" the zero-result share only covers the searches it knows
    s2 = search_stats(events, T0 - 10, T0 + DAY, DAY)
    assert s2["zero_result"]["count"] == 1 and s2["zero_result"]["known"] == 3


def test_events_per_minute_counts_by_type():
    events = [ev(i, "view" if i % 2 else "click", T0 + i * 20) for i in range(9)]
    out = events_per_minute(events, T0 + 180, minutes=5)
    assert out["total"] == 9 and len(out["t"]) == 5
    assert sum(out["types"]["view"]) == 4 and sum(out["types"]["click"]) == 5


def test_negative_review_surge_raises_an_alert_for_that_category_only():
    cat = {"p1": "Phones", "p2": "Tea"}
    reviews = []
    n = 0
    for week in range(6):  # steady: 1 negative of 5 per week in both categories
        for k in range(5):
            n += 1
            reviews.append(Review(id=f"r{n}", product_id="p1" if k % 2 else "p2", text="x",
                                  rating=1 if k == 0 else 5, created_at=T0 + week * 7 * DAY + k))
    for k in range(6):  # the latest week: phones get 5 one-star reviews of 6
        n += 1
        reviews.append(Review(id=f"r{n}", product_id="p1", text="x", rating=1 if k else 4,
                              created_at=T0 + 6 * 7 * DAY + 100 + k))
    out = sentiment_by_category(reviews, cat)
    assert [a["category"] for a in out["alerts"]] == ["Phones"]
    a = out["alerts"][0]
    assert a["negative"] == 5 and a["share"] > 0.8 and a["baseline"] < 0.3
    phones = next(c for c in out["categories"] if c["category"] == "Phones")
    assert phones["series"][-1]["share"] == a["share"]


def test_window_follows_old_history_but_not_live_traffic():
    old = [ev(i, "view", T0 + i) for i in range(100)]
    now = T0 + 400 * DAY
    assert window_end(old, now, 30 * DAY) == T0 + 99  # an old log (the demo): its own last window
    live = old + [ev(100 + i, "view", now - i) for i in range(20)]
    assert window_end(live, now, 30 * DAY) == now
