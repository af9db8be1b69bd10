"""Search on the real demo shop with the product graph: the cases a new user hit (手机 listing novels,
`smart watch` without watches, `novel` -> navel, prices compared across ¥ and $), fixed and kept fixed."""

from __future__ import annotations

import time

import pytest

from shopmind.config import Settings
from shopmind.demo import read_demo
from shopmind.search.currency import CurrencySettings, load_currency, save_currency
from shopmind.search.query import parse_price_currency
from shopmind.shop import Shop

pytestmark = pytest.mark.slow  # builds the demo shop's indexes once (~20 s on 2 cores)
PRODUCTS = {p.id: p for p in read_demo("products")}
USD = 7.2


def cls(pid: str) -> str:
    return PRODUCTS[pid].category or ""


def base_price(r: dict) -> float:
    return r["price"] * (USD if r["currency"] == "USD" else 1.0)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    shop = Shop(Settings(home=tmp_path_factory.mktemp("demo-graph"), encoder="minilm", admin_key="k"))
    shop.store.upsert_products(list(PRODUCTS.values()), source="demo")
    shop.store.add_events(read_demo("events"))
    eng = shop.search
    yield eng
    shop.close()


def top(engine, q: str, n: int = 10, **kw) -> list[dict]:
    return engine.search(q, size=n, **kw)["results"]


def test_a_named_class_lists_that_class_in_both_trees(engine):
    res = engine.search("手机", size=50)
    phones = [p for p in PRODUCTS.values() if p.category in ("数码 > 手机", "Electronics > Phones")]
    assert res["total"] == len(phones) == 44  # the count counts what matches the class
    assert all(cls(r["id"]) in ("数码 > 手机", "Electronics > Phones") for r in res["results"])
    assert any(r["currency"] == "USD" for r in res["results"])  # the English phones too
    assert not any("图书" in cls(r["id"]) or "Books" in cls(r["id"]) for r in res["results"][:10])
    assert all("Phones" in cls(r["id"]) or "手机" in cls(r["id"]) for r in top(engine, "phone"))


def test_smart_watch_shows_watches(engine):
    assert all("Smart Watches" in cls(r["id"]) or "智能手表" in cls(r["id"]) for r in top(engine, "smart watch"))


def test_known_vocabulary_is_not_corrected(engine):
    res = engine.search("novel", size=10)
    assert res["did_you_mean"] is None
    assert res["results"] and all(cls(r["id"]) in ("Books", "图书") for r in res["results"])
    fixed = engine.search("bluetoth hedphones under $100", size=10)
    assert fixed["did_you_mean"] == "bluetooth headphones"
    assert fixed["results"] and all("耳机" in cls(r["id"]) or "Headphones" in cls(r["id"]) for r in fixed["results"])
    assert all(base_price(r) <= 100 * USD for r in fixed["results"])


def test_prices_compare_converted(engine):
    res = top(engine, "earbuds under ¥300", 50)
    assert res and all(base_price(r) <= 300 for r in res)
    assert "sony-wf1000xm5-01" not in {r["id"] for r in res}  # $299.99 is not under ¥300
    zh = top(engine, "耳机 300元以下")
    assert zh[0]["id"].startswith("redmi-buds5") and all("耳机" in cls(r["id"]) for r in zh)
    asc = engine.search("手机", size=50, sort="price_asc")["results"]
    prices = [base_price(r) for r in asc]
    assert prices == sorted(prices)
    usd = engine.search("", filters={"price_max": 50, "currency": "USD"}, size=200)["results"]
    assert usd and all(base_price(r) <= 50 * USD for r in usd) and any(r["currency"] == "CNY" for r in usd)


def test_exchange_rates_are_a_kb_setting(engine):
    store = engine.store
    assert load_currency(store).base == "CNY" and load_currency(store).rate("USD") == 7.2
    save_currency(store, CurrencySettings(base="CNY", rates={"USD": 1.0}))
    try:
        time.sleep(1.1)  # settings are re-read at most once a second
        assert "sony-wf1000xm5-01" in {r["id"] for r in top(engine, "earbuds under ¥300", 50)}
    finally:
        save_currency(store, CurrencySettings())
        time.sleep(1.1)
    with pytest.raises(ValueError, match="rates"):
        CurrencySettings(rates={"USD": -1})


def test_feature_and_brand_come_first(engine):
    anc = top(engine, "降噪耳机", 5)
    assert all("降噪" in r["title"] or "Noise" in r["title"] for r in anc)
    sony = top(engine, "sony 耳机", 4)
    assert {r["brand"] for r in sony} <= {"Sony", "索尼"} and len(sony) == 4
    res = engine.search("蓝牙耳机", size=5)
    assert res["total"] == 27


def test_facets_merged_by_entity_in_the_query_language(engine):
    f = engine.search("耳机", size=5)["facets"]
    sony = [b for b in f["brand"] if "Sony" in b.get("names", [b["value"]])]
    assert len(sony) == 1 and sorted(sony[0]["names"]) == ["Sony", "索尼"] and sony[0]["value"] == "索尼"
    assert f["class"] == [{"value": "headphones", "label": "耳机", "count": 27}]
    en = engine.search("headphones", size=5)["facets"]
    assert en["class"][0]["label"] == "Headphones"
    assert "color" in en["attributes"] and "颜色" not in en["attributes"]
    filtered = engine.search("", filters={"brand": "索尼", "class": "headphones"}, size=50)
    assert {r["brand"] for r in filtered["results"]} == {"Sony", "索尼"}


def test_bad_filters_name_the_field(engine):
    with pytest.raises(ValueError, match="currency"):
        engine.search("phone", filters={"currency": "dollars"})
    with pytest.raises(ValueError, match="class"):
        engine.search("phone", filters={"class": "spaceships"})


def test_price_phrases_name_their_currency():
    assert parse_price_currency("earbuds under ¥300")[1:] == (300.0, "earbuds", "CNY")
    assert parse_price_currency("$100以下 耳机")[1:] == (100.0, "耳机", "USD")
    assert parse_price_currency("耳机 300元以下")[3] == "CNY"
    assert parse_price_currency("tv under 1000")[3] is None
