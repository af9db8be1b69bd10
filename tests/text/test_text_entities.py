"""Entities and price expressions on real titles, Bitext messages and queries (exact spans and values)."""

from __future__ import annotations

import json
import zipfile

import pandas as pd
import pytest

from shopmind.text.entities import EntityExtractor
from shopmind.text.gazetteer import Gazetteer
from shopmind.text.prices import parse_price, parse_prices


@pytest.fixture(scope="module")
def ex():
    return EntityExtractor()


def spans(ex, text, ner=False):
    return [(e.type, e.text, e.value) for e in ex.extract(text, ner=ner)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("300元以内的蓝牙耳机", ("300元以内", None, 300.0, "CNY")),
        ("under $50 headphones", ("under $50", None, 50.0, "USD")),
        ("between 100 and 200", ("between 100 and 200", 100.0, 200.0, None)),
        ("100-200元", ("100-200元", 100.0, 200.0, "CNY")),
        ("两千左右的手机", ("两千左右", 1600.0, 2400.0, None)),
        ("$50 or less", ("$50 or less", None, 50.0, "USD")),
        ("不超过500块", ("不超过500块", None, 500.0, "CNY")),
        ("1000元以上", ("1000元以上", 1000.0, None, "CNY")),
        ("laptop under 1,200 dollars", ("under 1,200 dollars", None, 1200.0, "USD")),
        ("$100-$200", ("$100-$200", 100.0, 200.0, "USD")),
        ("1.5k以内", ("1.5k以内", None, 1500.0, None)),
        ("ｉｐｈｏｎｅ　３００元以下", ("３００元以下", None, 300.0, "CNY")),
    ],
)
def test_price_expressions(text, expected):
    p = parse_price(text)
    assert p is not None
    assert (p.text, p.min, p.max, p.currency) == expected
    assert text[p.start : p.end] == p.text


@pytest.mark.parametrize("text", ["over 5 years warranty", "iphone 15 pro max 2 pack", "3天以内发货", "128gb under 5in"])
def test_not_prices(text):
    assert parse_prices(text) == []


def test_queries(ex):
    assert spans(ex, "华为Mate60 Pro 手机壳 黑色") == [
        ("brand", "华为", "Huawei"), ("model", "Mate60 Pro", "mate 60 pro"),
        ("category", "手机壳", "phone case"), ("color", "黑色", "black")]
    assert spans(ex, "Samsung Galaxy S23 Ultra 8GB RAM 256 GB Phantom Black") == [
        ("brand", "Samsung", "Samsung"), ("model", "Galaxy S23 Ultra", "galaxy s23 ultra"),
        ("memory", "8GB", "8gb"), ("storage", "256 GB", "256gb"), ("color", "Black", "black")]
    assert spans(ex, "小米13 12+256G 白色 纯棉") == [
        ("brand", "小米", "Xiaomi"), ("model", "13", "13"), ("memory", "12", "12gb"), ("storage", "256G", "256gb"),
        ("color", "白色", "white"), ("material", "纯棉", "cotton")]
    assert spans(ex, "women's cotton dress size M under $50") == [
        ("material", "cotton", "cotton"), ("category", "dress", "dress"), ("size", "size M", "m"),
        ("price", "under $50", {"min": None, "max": 50.0, "currency": "USD"})]
    assert spans(ex, "红色连衣裙 XL码 包邮") == [("color", "红色", "red"), ("category", "连衣裙", "dress"), ("size", "XL码", "xl")]


def test_icecat_titles(ex, data_dir):
    rows = json.load(zipfile.ZipFile(data_dir / "search/icecat/icecat-products-1.json.zip").open("1.json"))
    title = {r["id"]: r["title"] for r in rows[:10]}
    assert spans(ex, title["3920564"]) == [
        ("brand", "Xerox", "Xerox"), ("model", "006R90321", "006r90321"), ("category", "toner cartridge", "toner"),
        ("color", "Black", "black"), ("quantity", "6 pc(s)", 6)]
    got = spans(ex, title["2101957"])
    assert ("model", "Pavilion dv7-1211ea", "pavilion dv7-1211ea") in got
    assert ("memory", "4 GB", "4gb") in got and ("storage", "250 GB", "250gb") in got
    assert ("size", '17"', "17in") in got and ("measure", "43.2 cm", {"value": 43.2, "unit": "cm"}) in got
    assert spans(ex, title["1625640"]) == [
        ("storage", "2GB", "2gb"), ("category", "SD Card", "memory card"), ("category", "memory card", "memory card")]


def test_home_depot_titles(ex, data_dir):
    titles = pd.read_csv(data_dir / "search/homedepot/products.csv").set_index("product_id")["title"]
    assert spans(ex, titles[100006]) == [
        ("brand", "Whirlpool", "Whirlpool"), ("measure", "1.9 cu. ft", {"value": 1.9, "unit": "cuft"}),
        ("material", "Stainless Steel", "stainless steel")]
    assert spans(ex, titles[100009]) == [
        ("size", "3/4 in", "3/4in"), ("size", "3 in", "3in"), ("measure", "8 ft", {"value": 8, "unit": "ft"})]
    assert spans(ex, titles[100010]) == [("quantity", "4-Pack", 4)]


def test_bitext_messages_and_chinese_ner(ex, data_dir):
    msgs = pd.read_csv(data_dir / "support/bitext/support.csv")["instruction"]
    assert spans(ex, msgs[0]) == [("order_id", "00123842", "00123842")]
    assert spans(ex, msgs[1]) == [("order_id", "3707955617", "3707955617")]
    assert spans(ex, "get invoices from Ms. Hawkings") == [("person", "Ms. Hawkings", "Ms. Hawkings")]
    got = spans(ex, "我叫张伟，昨天在北京下的订单号123456还没发货", ner=True)
    assert got == [("person", "张伟", "张伟"), ("time", "昨天", "昨天"), ("place", "北京", "北京"),
                   ("order_id", "123456", "123456")]


def test_offsets_point_into_the_input(ex):
    text = "ＨＵＡＷＥＩ　Mate60 Pro １２８Ｇ 黑色"
    for e in ex.extract(text):
        assert text[e.start : e.end] == e.text


def test_catalog_gazetteer_adds_shop_brands_and_attribute_values():
    g = Gazetteer.builtin()
    g.add_catalog(brands=["StarTech.com", "HUAWEI"], categories=["Electronics > Cables > Patch Cords"],
                  attributes=[("product_colour", "Midnight Teal"), ("material", "Yes")])
    ex = EntityExtractor(g)
    assert spans(ex, "StarTech.com patch cords midnight teal") == [
        ("brand", "StarTech.com", "StarTech.com"), ("category", "patch cords", "Patch Cords"),
        ("color", "midnight teal", "midnight teal")]
    # the shop's own spelling wins for the Chinese alias of a known brand
    assert spans(ex, "华为手机") == [("brand", "华为", "HUAWEI"), ("category", "手机", "phone")]
    assert g.lookup("yes") is None
