"""Every tool on a real SQLite knowledge base: orders (owner only), documents, products, the shop's real
search engine and recommender, tickets."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopmind.assistant.sample import load_bundle
from shopmind.assistant.safety import strip_injection
from shopmind.assistant.tools import DocsTool, OrderTool, ProductTool, Tickets, split_sentences
from shopmind.kb.models import DocumentIn, OrderIn, ProductIn

DATA = Path(__file__).resolve().parents[1] / "data" / "assistant"


@pytest.fixture
def kb(store):
    load_bundle(store, DATA / "kb.json")
    return store


def test_order_lookup_only_for_owner(kb):
    tool = OrderTool(kb)
    assert tool.get("A-1001", "u1").id == "A-1001"
    assert tool.get("a-1001", "u1").id == "A-1001"
    assert tool.get("A-1001", "u2") is None  # exists, but not u2's: reads like a missing order
    assert tool.get("A-1001", None) is None
    assert tool.get("NOPE-1", "u1") is None
    assert tool.latest("u1").id == "A-1001" and tool.latest("u2").id == "B-2001"
    kb.upsert_orders([OrderIn(id="C-1", user_id="u3", lines=[{"product_id": "P-KB", "qty": 1, "price": 499}])])
    assert tool.get("C-1", "u1") is None and tool.get("C-1", "u3").id == "C-1"
    assert tool.titles(tool.get("A-1002", "u1")) == {"P-MBA": "Apple MacBook Air 13 M2 Laptop", "P-KB": "罗技 G610 机械键盘 红轴"}


def _copy_cached_vectors(src, dst, encoder) -> None:
    """Seed ``dst``'s vector cache with the document-sentence vectors ``src`` already holds (the same
    texts under the same model id), so a fresh store does not encode them again."""
    from shopmind.embed import text_key

    keys = [text_key(f"{d.title}: {s}") for d in src.documents() for s in split_sentences(strip_injection(d.body))]
    dst.put_vectors(encoder.name, src.get_vectors(encoder.name, keys))


def test_document_retrieval_hybrid_and_i_dont_know(kb, kb_store, assistant):
    encoder = assistant.encoder
    _copy_cached_vectors(kb_store, kb, encoder)
    docs = DocsTool(kb, encoder)
    p = docs.search("能开增值税发票吗", intent="get_invoice", lang="zh")[0]
    assert p.doc.id == "invoice-zh" and any("增值税专用发票" in s for s in p.sentences)
    p = docs.search("how long does delivery take", intent="delivery_period", lang="en")[0]
    assert p.doc.id == "shipping-en" and "3 to 5 business days" in " ".join(p.sentences)
    assert docs.search("do you offer gift wrapping?", intent="delivery_options", lang="en") == []
    # injected instructions in a document are never quoted
    promo = docs.search("spring sale discount on headphones", lang="en")
    assert promo and all("Ignore" not in s for p in promo for s in p.sentences)
    # a new document is picked up without rebuilding by hand
    kb.upsert_documents([DocumentIn(id="warranty-en", kind="policy", topic="warranty", title="Warranty",
                                    body="All electronics come with a two-year manufacturer warranty.", language="en")])
    assert docs.search("is there a warranty on laptops?", lang="en")[0].doc.id == "warranty-en"


def test_product_references_facts_and_reviews(kb):
    tool = ProductTool(kb)  # references resolve from the catalog's own names and model codes
    assert [p.id for p in tool.resolve("does the WH-1000XM5 have noise cancelling?", ["WH-1000XM5"])] == ["P-XM5"]
    assert [p.id for p in tool.resolve("华为Mate 60 Pro防水吗", ["华为Mate"])] == ["P-MATE60"]
    assert [p.id for p in tool.resolve("does the ThinkPad X1 have a touch screen", ["X1"])] == ["P-X1"]
    assert tool.resolve("what is your return policy", []) == []
    p = kb.get_product("P-XM5")
    assert tool.aspects("how long does the battery last and is it waterproof?") == ["battery", "waterproof"]
    assert tool.attributes_for(p, "battery") == [("battery_hours", 30)]
    rs = tool.review_summary(p)
    assert rs["count"] == 3 and rs["average"] == 4.7
    assert tool.review_summary(kb.get_product("P-KB")) is None


def test_product_search_runs_the_shops_search_engine(asst_shop, assistant):
    tool = assistant.products
    prods, how = tool.search("蓝牙耳机", price_max=2000)
    assert how == "search" and prods[0].id == "P-BUDS" and all(p.price <= 2000 for p in prods)
    prods, how = tool.search("noise cancelling headphones", k=2)
    assert how == "search" and {p.id for p in prods} <= {"P-XM5", "P-QC45", "P-BUDS"} and "P-XM5" in {p.id for p in prods}
    # the same order the engine gives for the same request
    engine = asst_shop.search.search("手机", filters={"price_max": 8000}, size=5)
    prods, _ = tool.search("手机", price_max=8000, k=5)
    assert [p.id for p in prods] == [r["id"] for r in engine["results"]][: len(prods)] and "P-MI14" in [p.id for p in prods]
    # a product added to the catalog is found after the engine follows the change
    asst_shop.store.upsert_products([ProductIn(id="P-Q30", title="Anker Soundcore Q30 降噪蓝牙耳机 Headphones",
                                               brand="Anker", category="Electronics > Audio > Headphones",
                                               price=599, stock=9)])
    try:
        asst_shop.search.refresh()
        prods, _ = tool.search("Soundcore Q30")
        assert prods and prods[0].id == "P-Q30"
    finally:
        asst_shop.store.delete_product("P-Q30")
        asst_shop.search.refresh()
    assert "P-Q30" not in [p.id for p in tool.search("Soundcore Q30")[0]]
    # without a search engine the tool says so instead of guessing from names
    assert ProductTool(asst_shop.store).search("蓝牙耳机") == ([], "unavailable")


def test_recommendations_come_from_the_shops_recommender(asst_shop, assistant):
    tool, rec = assistant.products, asst_shop.recommender
    xm5 = asst_shop.store.get_product("P-XM5")
    prods, how = tool.recommend("u1", xm5, "")
    assert how == "recommender" and "P-XM5" not in [p.id for p in prods]
    assert [p.id for p in prods] == [r.id for r in rec.similar("P-XM5", n=4) if r.id != "P-XM5"][: len(prods)]
    assert {p.id for p in prods} & {"P-QC45", "P-BUDS"}  # browsed together with the XM5
    prods, how = tool.recommend("shopper0", None, "")  # a known shopper: the personal list
    assert how == "recommender" and [p.id for p in prods] == [r.id for r in rec.recommend(user="shopper0", n=3)]
    prods, how = tool.recommend(None, None, "")  # anonymous: what is trending
    assert how == "recommender" and len(prods) == 3
    prods, how = tool.recommend(None, None, "laptop")  # asks for something: search decides
    assert how == "search" and prods[0].id in {"P-X1", "P-MBA"}


def test_tickets_store_masked_transcripts(kb):
    t = Tickets(kb)
    tk = t.create("c1", "u1", "call me at 13812345678", [{"role": "user", "text": "my email is alice@example.com"}])
    stored = t.get(tk["id"])
    assert stored["user_id"] == "u1" and stored["status"] == "open"
    assert "alice@example.com" not in str(stored) and "13812345678" not in str(stored)
    assert [x["id"] for x in t.list()] == [tk["id"]]
    kb.upsert_products([ProductIn(id="P-NEW", title="Test product")])  # unrelated writes keep tickets
    assert t.get(tk["id"]) is not None
