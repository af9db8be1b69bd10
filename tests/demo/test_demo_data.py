"""The demo shop's data: valid records, consistent references, both languages, and a loader that
round-trips into a real SQLite knowledge base."""

from __future__ import annotations

import collections
import json
import re

import pytest

from shopmind.demo import DEMO_DIR, FILES, STATIC_DIR, load_demo, read_demo
from shopmind.demo.generate import DEMO_NOW, build_all
from shopmind.demo.spec import CATEGORY, GROUPS

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def demo():
    return {name: read_demo(name) for name in FILES}


@pytest.fixture(scope="module")
def raw():
    return {name: [json.loads(l) for l in (DEMO_DIR / f"{name}.jsonl").open(encoding="utf-8")] for name in FILES}


def _ean_ok(code: str) -> bool:
    if not re.fullmatch(r"\d{13}", code):
        return False
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(code[:12]))
    return (10 - total % 10) % 10 == int(code[12])


def test_files_are_what_the_generator_produces(raw):
    # the committed jsonl files must be reproducible from generate.py (deterministic, seeded)
    assert build_all() == raw


def test_sizes_and_counts(demo):
    total = sum((DEMO_DIR / f"{n}.jsonl").stat().st_size for n in FILES)
    assert total < 2_000_000, total
    assert 300 <= len(demo["products"]) <= 400
    assert 900 <= len(demo["reviews"]) <= 1200
    assert 30 <= len(demo["documents"]) <= 50
    assert 15 <= len(demo["users"]) <= 25
    assert 50 <= len(demo["orders"]) <= 70
    assert 2000 <= len(demo["events"]) <= 8000


def test_ids_unique(demo):
    for name in ("products", "reviews", "documents", "users", "orders"):
        ids = [r.id for r in demo[name]]
        assert len(ids) == len(set(ids)), name
    for field in ("sku", "ean", "description", "title"):
        vals = [getattr(p, field) for p in demo["products"]]
        dup = [v for v, c in collections.Counter(vals).items() if c > 1]
        assert not dup, f"duplicate {field}: {dup[:3]}"


def test_products_fields(demo):
    for p in demo["products"]:
        assert _ean_ok(p.ean), (p.id, p.ean)
        assert p.sku and p.brand and p.category and p.description and p.attributes, p.id
        assert p.price and p.price > 0 and p.stock is not None, p.id
        assert p.currency == {"zh": "CNY", "en": "USD"}[p.language], p.id
        assert p.images == [f"/static/demo/{p.id}.svg"] and (STATIC_DIR / f"{p.id}.svg").exists(), p.id
        if p.language == "zh":
            assert CJK.search(p.title) and CJK.search(p.description), p.id
        else:
            assert not CJK.search(p.description), p.id
        n_sentences = len(re.findall(r"[。！？]|[.!?](\s|$)", p.description))
        assert 1 <= n_sentences <= 4, (p.id, p.description)
    langs = collections.Counter(p.language for p in demo["products"])
    assert 0.4 < langs["zh"] / len(demo["products"]) < 0.6, langs
    assert any(p.stock == 0 for p in demo["products"])
    # numeric attributes are numbers, not strings
    for p in demo["products"]:
        for key in ("battery (mAh)", "电池容量(mAh)", "weight (g)", "重量(g)", "pages", "页数", "screen size (in)"):
            if key in p.attributes:
                assert isinstance(p.attributes[key], (int, float)) and not isinstance(p.attributes[key], bool), (p.id, key)
    # mixed titles: Chinese listings that carry Latin model names
    assert sum(1 for p in demo["products"] if p.language == "zh" and re.search(r"[A-Za-z]{2,}", p.title)) >= 30


def test_both_languages_in_every_category_group(demo):
    kind_of = {path: kind for kind, paths in CATEGORY.items() for path in paths}
    seen = collections.defaultdict(set)
    for p in demo["products"]:
        seen[GROUPS[kind_of[p.category]]].add(p.language)
    for group in set(GROUPS.values()):
        assert seen[group] == {"zh", "en"}, (group, seen[group])
    for kind, (zh, en) in CATEGORY.items():
        assert any(p.category == zh for p in demo["products"]), zh
        assert any(p.category == en for p in demo["products"]), en


def test_reviews(demo):
    products = {p.id: p for p in demo["products"]}
    ratings = collections.Counter(int(r.rating) for r in demo["reviews"])
    assert ratings[5] > ratings[4] > ratings[3] and ratings[1] + ratings[2] >= 0.08 * len(demo["reviews"]), ratings
    for r in demo["reviews"]:
        assert r.product_id in products, r.id
        assert DEMO_NOW - 366 * 86400 <= r.created_at <= DEMO_NOW, r.id
        assert r.language in ("zh", "en") and r.author
        assert bool(CJK.search(r.text)) == (r.language == "zh"), r.id
    same = sum(1 for r in demo["reviews"] if r.language == products[r.product_id].language)
    assert same / len(demo["reviews"]) > 0.85
    texts = " ".join(r.text for r in demo["reviews"])
    for word in ("电池", "屏幕", "物流", "尺码", "质量", "价格", "battery", "screen", "sound", "size", "price", "delivery"):
        assert word.lower() in texts.lower(), word


def test_documents(demo):
    topics = collections.defaultdict(set)
    for d in demo["documents"]:
        assert d.kind in ("policy", "faq") and d.topic and len(d.body) > 40, d.id
        topics[d.topic].add(d.language)
    assert all(langs == {"zh", "en"} for langs in topics.values()), topics
    for t in ("returns", "shipping", "payment", "warranty", "invoice", "account", "privacy", "order-cancel",
              "price-protection"):
        assert t in topics, t
    body = {d.id: d.body for d in demo["documents"]}
    # the facts other features quote must be stated
    assert "7天" in body["doc-returns-zh"] and "7 days" in body["doc-returns-en"]
    assert "99元" in body["doc-shipping-zh"] and "$35" in body["doc-shipping-en"]
    assert "增值税专用发票" in body["doc-invoice-zh"] and "纳税人识别号" in body["doc-invoice-zh"]
    assert "支付宝" in body["doc-payment-zh"] and "微信支付" in body["doc-payment-zh"]


def test_orders_consistent(demo):
    products = {p.id: p for p in demo["products"]}
    users = {u.id: u for u in demo["users"]}
    statuses = collections.Counter(o.status for o in demo["orders"])
    assert {"pending", "paid", "shipped", "delivered", "cancelled", "returned"} <= set(statuses), statuses
    for o in demo["orders"]:
        assert o.user_id in users, o.id
        for line in o.lines:
            p = products[line.product_id]
            assert p.currency == o.currency and p.price == line.price, (o.id, line.product_id)
            assert p.language == users[o.user_id].language, o.id
        assert o.created_at <= DEMO_NOW and o.address
        if o.status in ("shipped", "delivered", "returned"):
            assert o.carrier and o.tracking and o.eta and o.created_at < o.shipped_at < o.eta, o.id
        else:
            assert o.shipped_at is None and o.tracking is None, o.id
        if o.status in ("delivered", "returned"):
            assert o.shipped_at < o.delivered_at <= DEMO_NOW, o.id
        if o.status == "shipped":
            assert o.delivered_at is None and o.eta > DEMO_NOW, o.id
        if o.status == "pending":  # unpaid orders are cancelled after 30 minutes (order-cancel policy)
            assert DEMO_NOW - o.created_at < 1800, o.id


def test_events_coherent(demo):
    products = {p.id: p for p in demo["products"]}
    users = {u.id: u for u in demo["users"]}
    types = collections.Counter(e.type for e in demo["events"])
    assert {"view", "click", "add_to_cart", "purchase", "search"} <= set(types), types
    ts = [e.ts for e in demo["events"]]
    assert ts == sorted(ts) and ts[-1] <= DEMO_NOW and ts[0] >= DEMO_NOW - 366 * 86400
    for e in demo["events"]:
        assert e.product_id is None or e.product_id in products
        assert e.user_id is None or e.user_id in users
        assert e.user_id or e.session_id
        if e.type == "search":
            assert e.query
    assert any(e.user_id is None for e in demo["events"])  # anonymous sessions
    bought = {(e.user_id, e.product_id) for e in demo["events"] if e.type == "purchase"}
    for o in demo["orders"]:
        if o.status not in ("pending",):
            assert all((o.user_id, line.product_id) in bought for line in o.lines), o.id
    # the runners browse running gear: most of their product events are shoes, watches, sports
    kind_of = {path: kind for kind, paths in CATEGORY.items() for path in paths}
    for uid in ("u-lina", "u-emily"):
        kinds = collections.Counter(kind_of[products[e.product_id].category] for e in demo["events"]
                                    if e.user_id == uid and e.product_id)
        share = (kinds["shoes"] + kinds["watch"] + kinds["sports"]) / sum(kinds.values())
        assert share > 0.5, (uid, kinds)


def test_load_demo_round_trips(store, demo):
    counts = load_demo(store)
    assert counts["products"] == counts["products_inserted"] == len(demo["products"])
    assert counts["reviews"] == len(demo["reviews"]) and counts["events"] == len(demo["events"])
    assert store.count_products() == len(demo["products"])
    p0 = demo["products"][0]
    got = store.get_product(p0.id)
    assert got.source == "demo" and got.title == p0.title and got.attributes == p0.attributes
    assert len(store.reviews()) == len(demo["reviews"])
    assert len(store.documents()) == len(demo["documents"])
    assert len(store.users()) == len(demo["users"])
    orders = store.orders()
    assert len(orders) == len(demo["orders"])
    o = store.get_order(demo["orders"][0].id)
    assert o.total == pytest.approx(sum(line.qty * line.price for line in o.lines))
    assert store.count_events() == len(demo["events"])
    again = load_demo(store)  # idempotent: nothing new, events not appended twice
    assert again["products_inserted"] == again["products_updated"] == 0 and again["events"] == 0
    assert store.count_events() == len(demo["events"]) and len(store.reviews()) == len(demo["reviews"])


def test_bad_row_is_reported_with_line(tmp_path):
    bad = tmp_path / "products.jsonl"
    bad.write_text('{"id": "x", "title": "ok"}\n{"id": "y", "title": "t", "price": -1}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"(?s)products.jsonl line 2.*price"):
        read_demo("products", tmp_path)
