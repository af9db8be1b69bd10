"""Duplicate flags: same EAN/SKU under two ids, near-identical titles of one brand; never merged."""

from __future__ import annotations

import csv
import itertools

from shopmind.kb.dedupe import dedupe_report, find_duplicates, similar_pairs, title_tokens
from shopmind.kb.models import ProductIn


def _p(pid: str, title: str, **kw) -> ProductIn:
    return ProductIn(id=pid, title=title, **kw)


def test_ean_sku_and_title_groups(store):
    store.upsert_products([
        _p("a1", "Acme Kettle 1.7 l steel", brand="Acme", ean="4006381333931"),
        _p("a2", "Kettle by Acme", brand="Acme", ean="04006381333931,5901234123457"),  # GTIN-14 form
        _p("a3", "Another thing", brand="Other", ean="5901234123457"),  # chained through a2's 2nd EAN
        _p("s1", "Blue mug", brand="Cups", sku="MUG-001"),
        _p("s2", "Red mug", brand="Cups", sku="mug-001 "),
        _p("t1", "Sony WH-1000XM5 Wireless Noise Cancelling Headphones Black Over-Ear Bluetooth", brand="Sony"),
        _p("t2", "Sony WH-1000XM5 Wireless Noise-Cancelling Headphones Black Over-Ear Bluetooth", brand="SONY"),
        _p("t3", "Sony WH-1000XM5 Wireless Noise Cancelling Headphones Black Over-Ear Bluetooth", brand="Bose"),
        _p("t4", "Sony WH-1000XM4 Wireless Noise Cancelling Headphones Black Over-Ear Bluetooth", brand="Sony"),
        _p("z1", "华为 Mate 60 Pro 智能手机 雅川青 12GB+512GB", brand="华为"),
        _p("z2", "华为 Mate 60 Pro 智能手机 雅川青 12GB+512GB 官方", brand="华为"),
        _p("z3", "华为 Mate 60 Pro 智能手机 雅川青 12GB+256GB", brand="华为"),
        _p("d1", "Deleted twin of a1", brand="Acme", ean="4006381333931"),
    ])
    store.delete_product("d1")
    groups = find_duplicates(store)
    got = {(g.kind, tuple(g.ids)) for g in groups}
    assert ("ean", ("a1", "a2", "a3")) in got
    assert ("sku", ("s1", "s2")) in got
    assert ("title", ("t1", "t2")) in got  # brand compared case-insensitively; t3 is another brand
    assert not any("t4" in ids for _, ids in got)  # XM4 vs XM5: a different model, not a duplicate
    assert ("title", ("z1", "z2")) in got
    assert not any("z3" in ids for _, ids in got)  # 256GB instead of 512GB: a variant
    assert not any("d1" in ids for _, ids in got)  # deleted products are not flagged
    assert store.count_products() == 12  # flagged, never merged
    rep = dedupe_report(store)
    assert rep["groups"] == len(groups) and rep["by_kind"]["ean"] == 1


def test_chinese_titles_tokenize_to_bigrams():
    toks = title_tokens("华为Mate60智能手机")
    assert {"华为", "mate60", "智能", "能手", "手机"} <= toks
    low = find_duplicates(products=[
        ProductIn(id="1", title="小米 空气净化器 4 Pro 家用 除甲醛", brand="小米"),
        ProductIn(id="2", title="小米 空气净化器 4 Pro 家用除甲醛", brand="小米"),
    ])
    assert [g.ids for g in low] == [["1", "2"]]


def test_prefix_filter_finds_exactly_the_brute_force_pairs_on_real_titles(data_dir):
    with (data_dir / "search/homedepot/products.csv").open(encoding="utf-8") as f:
        rows = list(itertools.islice(csv.reader(f), 1, 601))
    sets = {pid: title_tokens(title) for pid, title in rows}
    for t in (0.6, 0.8):
        fast = {(min(a, b), max(a, b)) for a, b, _ in similar_pairs(sets, t)}
        brute = {
            (min(a, b), max(a, b))
            for (a, x), (b, y) in itertools.combinations(sets.items(), 2)
            if x and y and len(x & y) / len(x | y) >= t
        }
        assert fast == brute and brute
