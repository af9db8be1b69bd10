"""Query understanding: price phrases, entity linking to filters, spelling, synonyms (zh and en)."""

from __future__ import annotations

import numpy as np
import pytest
from catalog import PRODUCTS

from shopmind.index.manager import IndexSet
from shopmind.kb.models import Product
from shopmind.search.engine import SearchEngine
from shopmind.search.query import QueryParser, parse_price


@pytest.fixture(scope="module")
def parser() -> QueryParser:
    ix = IndexSet.build([Product(**p.model_dump()) for p in PRODUCTS])
    return SearchEngine(None, ix).parser


def test_red_nike_shoes_under_300_yuan(parser):
    pq = parser.parse("red nike shoes under 300元")
    assert pq.filters == {"price_max": 300.0, "currency": "CNY", "brand": "Nike", "attrs": {"color": "red"}}
    assert pq.text == "red nike shoes"
    assert pq.terms == ["red", "nike", "shoe"]


@pytest.mark.parametrize(
    "q, expected",
    [
        ("华为手机 5000元以下", {"brand": "华为", "price_max": 5000.0, "currency": "CNY"}),
        ("黑色小米手机 3000到4000元", {"brand": "小米", "price_min": 3000.0, "price_max": 4000.0,
                                      "currency": "CNY", "attrs": {"color": "black"}}),
        ("sony headphones between 1000 and 2000", {"brand": "Sony", "price_min": 1000.0, "price_max": 2000.0}),
        ("logitech mouse over $500", {"brand": "Logitech", "price_min": 500.0, "currency": "USD"}),
        ("白色手机 不超过5千", {"price_max": 5000.0, "attrs": {"color": "white"}}),
        ("bluetooth speaker", {}),
    ],
)
def test_filters_zh_en(parser, q, expected):
    assert parser.parse(q).filters == expected


def test_price_phrases():
    assert parse_price("耳机 300元以内")[:2] == (None, 300.0)
    assert parse_price("laptop 2k-5k元")[:2] == (2000.0, 5000.0)
    assert parse_price("tv under 1,000") == (None, 1000.0, "tv")
    assert parse_price("iphone 15")[:2] == (None, None)  # a model number is not a price


def test_spelling_from_catalog_vocabulary(parser):
    pq = parser.parse("bluetoth hedphones")
    assert pq.did_you_mean == "bluetooth headphones"
    assert pq.corrections == [("bluetoth", "bluetooth"), ("hedphones", "headphones")]
    assert parser.parse("bluetooth headphones").did_you_mean is None
    assert parser.parse("sony wh-1000xm5").did_you_mean is None  # model numbers are left alone


def test_synonyms_both_languages(parser):
    pq = parser.parse("手机")
    assert {"phone", "cellphon", "smartphon"} <= set(pq.expansions)
    assert all(w == 0.5 for w in pq.expansions.values())
    assert "手机" in parser.parse("cellphone").expansions
    parser.set_synonyms([["earbuds", "耳塞"]])
    try:
        assert set(parser.parse("耳塞").expansions) == {"earbud"}
        assert parser.parse("手机").expansions == {}
    finally:
        from shopmind.search.query import DEFAULT_SYNONYMS

        parser.set_synonyms(DEFAULT_SYNONYMS)


def test_category_and_color_boosts(parser):
    pq = parser.parse("purple headphones")  # no product has a purple color attribute -> soft boost
    assert pq.filters == {}
    assert pq.boosts["attrs"] == {"color": "purple"}
    assert pq.boosts["category"] == "Headphones"
    assert any(e["type"] == "category" for e in pq.entities)
    assert isinstance(np.asarray(pq.terms), np.ndarray)
