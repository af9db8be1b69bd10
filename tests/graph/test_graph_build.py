"""The product graph over the real demo catalog: one taxonomy for both trees, brand aliases, features,
attribute entities, lines, events; incremental refresh and an N-Triples round trip."""

from __future__ import annotations

import pytest

from shopmind.demo import read_demo
from shopmind.graph import ProductGraph
from shopmind.graph.ntriples import export, parse
from shopmind.kb import open_store
from shopmind.kb.graph_store import GraphStore
from shopmind.kb.models import ProductIn


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('graph') / 'kb.sqlite3'}")
    store.upsert_products(read_demo("products"), source="demo")
    store.add_events(read_demo("events"))
    store.upsert_orders(read_demo("orders"))
    g = ProductGraph(store)
    g.refresh()
    yield g
    store.close()


def test_both_category_trees_become_one_taxonomy(graph):
    assert graph.class_of("数码 > 手机") == graph.class_of("Electronics > Phones") == "phone"
    assert graph.class_of("图书") == graph.class_of("Books") == "book"
    assert set(graph.categories_of("smartwatch")) == {"数码 > 智能穿戴 > 智能手表",
                                                      "Electronics > Wearables > Smart Watches"}
    electronics = graph.categories_of("electronics")
    assert "数码 > 耳机" in electronics and "Electronics > Audio > Headphones" in electronics
    assert "图书" not in electronics
    assert graph.label("class", "smartwatch", "zh") == "智能手表"
    assert graph.label("class", "smartwatch", "en") == "Smart Watches"


def test_one_brand_per_maker_with_its_aliases(graph):
    sony = graph.brand_of_name["索尼"]
    assert graph.brand_of_name["sony"] == sony
    assert sorted(graph.brand_names(sony)) == ["Sony", "索尼"]
    assert graph.brand_of_name["苹果"] == graph.brand_of_name["apple"]  # a lexicon alias, no 苹果 products
    # title rule: "戴森 Dyson V12" ties the two catalog names even without the lexicon's help
    assert graph.brand_of_name["戴森"] == graph.brand_of_name["dyson"]


def test_features_attributes_and_lines(graph):
    assert "anc" in graph.product_features["sony-wh1000xm5-01"]  # attribute noise cancelling: true
    assert "anc" in graph.product_features["huawei-freebudspro3-01"]  # 主动降噪: true
    assert "anc" not in graph.product_features.get("book-santi", set())
    color = graph.attr_of_name["颜色"]
    assert graph.attr_of_name["color"] == color and graph.label("attribute", color, "zh") == "颜色"
    weight = graph.attributes[graph.attr_of_name["重量(g)"]]
    assert "g" in weight["units"] and "kg" in weight["units"]
    line = graph.lines["apple:iphone"]
    assert line["class"] == "phone" and line["brand"] == "apple"


def test_edges_carry_source_and_confidence(graph):
    gs = graph.gs
    rels = {r for _, r, _, _, _, _ in gs.edges()}
    assert {"belongs_to", "brand_of", "has_feature", "same_series", "bought_together", "viewed_together"} <= rels
    for src, rel, dst, source, conf, weight in gs.edges(rel="viewed_together"):
        assert source == "events" and 0 < conf <= 1 and weight >= 1
    feats = list(gs.edges(rel="has_feature", src="product:sony-wh1000xm5-01"))
    assert feats and feats[0][3] == "attribute"


def test_refresh_is_incremental(graph):
    store = graph.store
    assert graph.refresh() == {"changed": 0}
    store.upsert_products([ProductIn(id="kg-test-buds", title="索尼 WF-C700N 降噪耳机 黑色", brand="索尼",
                                     category="数码 > 耳机", price=699, currency="CNY")], source="test")
    res = graph.refresh()
    assert res["changed"] == 1
    assert "anc" in graph.product_features["kg-test-buds"]
    store.delete_product("kg-test-buds")
    graph.refresh()
    assert "kg-test-buds" not in graph.product_features
    assert not list(graph.gs.edges(src="product:kg-test-buds"))


def test_n_triples_round_trip(graph, tmp_path):
    lines = list(export(graph.gs))
    assert any('"智能手表"@zh' in ln for ln in lines)
    nodes, edges = parse(lines)
    other = GraphStore(open_store(f"sqlite:///{tmp_path / 'copy.sqlite3'}"))
    other.write(nodes, edges)
    assert other.counts() == graph.gs.counts()
    assert list(other.edges(rel="brand_of"))[:5] == list(graph.gs.edges(rel="brand_of"))[:5]
    with pytest.raises(ValueError, match="line 1"):
        parse(["not a triple"])


def test_unknown_category_leaves_pair_across_languages_by_the_encoder():
    from shopmind.embed import get_encoder
    from shopmind.graph.build import CatalogEntities

    enc = get_encoder("e5")
    cats = ["家电 > 洗衣机", "Appliances > Washing Machines", "数码 > 蓝牙音箱", "Electronics > Bluetooth Speakers"]
    prods = [ProductIn(id=f"p{i}", title="x", category=c) for i, c in enumerate(cats)]
    ents = CatalogEntities(prods, enc.encode_queries)
    cc = ents.category_class
    assert cc["家电 > 洗衣机"][0] == cc["Appliances > Washing Machines"][0] == "c:washing machine"
    assert cc["家电 > 洗衣机"][1] == "embedding" and 0.8 < cc["家电 > 洗衣机"][2] <= 1
    assert cc["数码 > 蓝牙音箱"][0] == cc["Electronics > Bluetooth Speakers"][0] != cc["家电 > 洗衣机"][0]

    def english_only(texts):
        raise LookupError("not multilingual")

    apart = CatalogEntities(prods, english_only).category_class
    assert apart["家电 > 洗衣机"][0] != apart["Appliances > Washing Machines"][0]
