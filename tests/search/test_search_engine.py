"""The engine end to end on a real shop: each retrieval path, filters, facets, sorting, pagination,
incremental updates through the store, merchandising rules, fallbacks, explain and suggestions."""

from __future__ import annotations

import time

import pytest

from shopmind.kb.models import EventIn, ProductIn
from shopmind.search.merch import MerchRule, save_rules


def ids(res):
    return [r["id"] for r in res["results"]]


@pytest.mark.parametrize("method", ["bm25", "dense", "hybrid"])
def test_each_retrieval_path_finds_headphones(search_shop, method):
    top = search_shop.search.ids_for("noise cancelling headphones", method=method, k=3)
    assert top[0] == "sony-xm5"
    assert set(top) <= {"sony-xm5", "bose-qc45", "sony-buds"}


def test_dense_path_handles_words_not_in_the_catalog(search_shop):
    assert search_shop.search.ids_for("bm25 never matches this", method="bm25") == []
    assert search_shop.search.ids_for("portable notebook pc", method="dense", k=2)[0] in {"dell-xps", "lenovo-x1"}


def test_parsed_filters_facets_and_query(search_shop):
    res = search_shop.search.search("red nike shoes under 300元")
    assert ids(res) == ["nk-red-1"]
    assert res["query"]["filters_applied"] == {"price_max": 300.0, "currency": "CNY", "brand": "Nike",
                                               "class": "shoes", "attrs": {"color": "red"}}
    assert res["total"] == 1 and res["fallback"] == []
    assert res["facets"]["brand"] == [{"value": "Nike", "count": 1}]
    assert res["took_ms"] > 0


def test_explicit_filters_sort_and_pagination(search_shop):
    eng = search_shop.search
    res = eng.search("", {"category": "Shoes"}, sort="price_asc", size=2)
    assert res["total"] == 5
    assert ids(res) == ["ad-red-1", "nk-red-1"]
    page3 = eng.search("", {"category": "Shoes"}, sort="price_asc", size=2, page=3)
    assert ids(page3) == ["ad-wht-1"]
    desc = eng.search("", {"category": "Shoes"}, sort="price_desc", size=5)
    assert [r["price"] for r in desc["results"]] == [599.0, 399.0, 289.0, 259.0, 199.0]
    assert {f["value"]: f["count"] for f in desc["facets"]["brand"]} == {"Nike": 3, "Adidas": 2}
    assert {f["value"]: f["count"] for f in desc["facets"]["category"]} == {"Shoes > Running": 3, "Shoes > Sneakers": 2}
    assert desc["facets"]["in_stock"] == {"true": 4, "false": 1}
    stocked = eng.search("shoes", {"in_stock": True, "price_min": 250, "price_max": 450})
    assert set(ids(stocked)) == {"nk-red-1", "nk-red-2"}
    attrs = eng.search("", {"attrs": {"存储": "256GB"}})
    assert set(ids(attrs)) == {"hw-p60", "xm-14"}
    black = {"xm-14", "mi-tv", "sony-xm5", "sony-buds", "nk-blk-1", "lenovo-x1", "canon-r50"}
    assert set(ids(eng.search("", {"attrs": {"颜色": "黑色"}}))) == black  # zh and en color names meet
    assert set(ids(eng.search("", {"attrs": {"color": "black"}}))) == black
    with pytest.raises(ValueError, match="sort"):
        eng.search("x", sort="cheapest")
    with pytest.raises(ValueError, match="price_min"):
        eng.search("x", {"price_min": "abc"})
    with pytest.raises(ValueError, match="unknown filter"):
        eng.search("x", {"colour": "red"})


def test_newest_and_rating_sorts(fresh_shop):
    from shopmind.kb.models import ReviewIn

    eng = fresh_shop.search
    fresh_shop.store.add_reviews([ReviewIn(product_id="lx-kb", rating=5, text="great"),
                                  ReviewIn(product_id="lx-mouse", rating=3, text="ok")])
    res = eng.search("logitech", sort="rating")
    assert ids(res)[:2] == ["lx-kb", "lx-mouse"]
    time.sleep(0.01)
    fresh_shop.store.upsert_products([ProductIn(id="lx-new", title="Logitech Pebble mouse", brand="Logitech")])
    assert ids(eng.search("logitech", sort="newest"))[0] == "lx-new"


def test_incremental_updates_are_searchable_at_once(fresh_shop):
    eng = fresh_shop.search
    assert eng.search("espresso machine")["fallback"] == ["dense_only"]
    fresh_shop.store.upsert_products([ProductIn(id="dl-esp", title="De'Longhi espresso machine with milk frother",
                                                brand="DeLonghi", price=1999, stock=3)])
    t = time.perf_counter()
    res = eng.search("espresso machine")
    assert time.perf_counter() - t < 1.0
    assert ids(res)[0] == "dl-esp" and res["fallback"] == []
    fresh_shop.store.upsert_products([ProductIn(id="dl-esp", title="De'Longhi drip coffee maker",
                                                brand="DeLonghi", price=999, stock=3)])
    assert eng.ids_for("espresso", method="bm25") == []
    assert eng.ids_for("coffee maker", method="bm25")[0] == "dl-esp"
    fresh_shop.store.delete_product("dl-esp")
    assert "dl-esp" not in eng.ids_for("coffee maker", method="hybrid")
    # saved and reloaded: the same answers from disk
    eng.refresh()
    from shopmind.search import build

    again = build(fresh_shop)
    assert again.ids_for("noise cancelling headphones", method="hybrid", k=1) == ["sony-xm5"]
    assert "dl-esp" not in again.ix.catalog.row_of


def test_merchandising_rules(fresh_shop):
    eng = fresh_shop.search
    base = ids(eng.search("headphones", method="hybrid"))
    assert {"sony-xm5", "bose-qc45"} <= set(base[:3]) and "jbl-flip" not in base
    save_rules(fresh_shop.store, [
        MerchRule(action="pin", product_id="jbl-flip", query="Headphones", position=1),
        MerchRule(action="hide", product_id="sony-xm5", query="headphones"),
        MerchRule(action="bury", product_id="bose-qc45"),
    ])
    eng.invalidate_rules()
    res = eng.search("headphones", method="hybrid")
    got = ids(res)
    assert got[0] == "jbl-flip" and res["results"][0]["merchandising"] == "pin"  # pinned though not retrieved
    assert "sony-xm5" not in got
    assert got[-1] == "bose-qc45"
    other = ids(eng.search("speaker", method="hybrid"))
    assert "bose-qc45" not in other[:1]
    save_rules(fresh_shop.store, [MerchRule(action="boost", product_id="sony-buds", factor=100.0)])
    eng.invalidate_rules()
    assert ids(eng.search("headphones", method="hybrid"))[0] == "sony-buds"
    with pytest.raises(ValueError):
        MerchRule(action="boost", product_id="x", factor=0.5)


def test_fallbacks_and_did_you_mean(search_shop):
    eng = search_shop.search
    res = eng.search("bluetoth hedphones")
    assert res["did_you_mean"] == "bluetooth headphones"
    assert ids(res)[0] in {"sony-xm5", "bose-qc45"}
    relaxed = eng.search("nike shoes under 100元")  # nothing that cheap: the parsed filters are dropped
    assert relaxed["fallback"] == ["relaxed_filters"] and relaxed["query"]["filters_applied"] == {}
    assert ids(relaxed)[0].startswith("nk-")
    kept = eng.search("nike shoes", {"price_max": 100})  # the caller's own filters are kept
    assert kept["fallback"] == ["relaxed_filters", "dense_only"] and kept["total"] == 0


def test_explain_and_suggest(search_shop):
    eng = search_shop.search
    res = eng.search("wireless mouse", explain=True, size=3)
    e = res["results"][0]["explain"]
    assert e["bm25"] > 0 and e["stage"] in {"ranked", "lexical_tail", "retrieved"}
    if eng.ranker is not None:
        assert "features" in e and "ranker" in e
    search_shop.store.add_events([EventIn(type="search", query="logitech mx keys")] * 3)
    eng._pq_cache = None
    s = eng.suggest("logi")
    texts = [x["text"] for x in s["suggestions"]]
    assert texts[0] == "logitech mx keys" and "logitech" in texts
    assert eng.suggest("noise headph")["suggestions"][0]["text"] == "noise headphones"
    assert eng.suggest("hedphones")["did_you_mean"] == "headphones"
