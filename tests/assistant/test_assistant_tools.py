"""Every tool on a real SQLite knowledge base: orders (owner only), documents, products, tickets."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopmind.assistant.sample import load_bundle
from shopmind.assistant.tools import DocsTool, OrderTool, ProductTool, Tickets
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


def test_document_retrieval_hybrid_and_i_dont_know(kb):
    from shopmind.embed import get_encoder

    docs = DocsTool(kb, get_encoder("e5"))
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
    tool = ProductTool(kb)
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


def test_product_search_fallback_with_price_limit(kb):
    tool = ProductTool(kb)  # no search engine wired: names only, said so by how == "fallback"
    prods, how = tool.search("蓝牙耳机", price_max=2000)
    assert how == "fallback" and [p.id for p in prods] == ["P-BUDS"]
    prods, _ = tool.search("headphones", price_max=2000)
    assert [p.id for p in prods] == ["P-QC45"]
    recs, how = tool.recommend("u1", kb.get_product("P-XM5"), "headphones")
    assert how == "fallback" and "P-XM5" not in [p.id for p in recs]


def test_product_search_uses_the_shop_search_engine_when_present(kb):
    class Engine:
        def __init__(self):
            self.calls = []

        def search(self, q, filters=None, size=20):
            self.calls.append((q, filters, size))
            return {"results": [{"id": "P-MI14"}, {"id": "P-MATE60"}]}

    eng = Engine()
    tool = ProductTool(kb, search=lambda: eng)
    prods, how = tool.search("手机", price_max=8000)
    assert how == "search" and [p.id for p in prods] == ["P-MI14", "P-MATE60"]
    assert eng.calls == [("手机", {"price_max": 8000}, 3)]


def test_tickets_store_masked_transcripts(kb):
    t = Tickets(kb)
    tk = t.create("c1", "u1", "call me at 13812345678", [{"role": "user", "text": "my email is alice@example.com"}])
    stored = t.get(tk["id"])
    assert stored["user_id"] == "u1" and stored["status"] == "open"
    assert "alice@example.com" not in str(stored) and "13812345678" not in str(stored)
    assert [x["id"] for x in t.list()] == [tk["id"]]
    kb.upsert_products([ProductIn(id="P-NEW", title="Test product")])  # unrelated writes keep tickets
    assert t.get(tk["id"]) is not None
