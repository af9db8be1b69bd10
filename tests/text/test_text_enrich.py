"""The enrichment pipeline on real Icecat products: results, incrementality, resumption, job record."""

from __future__ import annotations

import json
import zipfile

import pytest

from shopmind.kb.formats.icecat import to_record
from shopmind.kb.models import ProductIn
from shopmind.text.enrich import STEPS, enrich

STEPS_NO_EMB = ["tokens", "entities", "keywords", "topics"]


@pytest.fixture
def icecat_shop(shop, data_dir):
    rows = json.load(zipfile.ZipFile(data_dir / "search/icecat/icecat-products-1.json.zip").open("1.json"))[:120]
    shop.store.upsert_products([ProductIn(**to_record(r)) for r in rows])
    return shop


def test_enrich_stores_results_and_is_incremental(icecat_shop):
    shop, store = icecat_shop, icecat_shop.store
    res = enrich(shop, steps=STEPS_NO_EMB)
    assert res["products"] == 120
    assert {s: res["steps"][s]["processed"] for s in STEPS_NO_EMB} == {s: 120 for s in STEPS_NO_EMB}
    e = store.get_enrichment("3920564")  # Xerox 006R90321 toner cartridge Original Black 6 pc(s)
    assert e["tokens"]["tokens"][:4] == ["xerox", "006r90321", "toner", "cartridg"]
    assert e["entities"]["attributes"]["brand"] == ["Xerox"]
    assert e["entities"]["attributes"]["model"][0] == "006r90321"
    assert e["entities"]["attributes"]["quantity"] == [6]
    assert [k for k, _ in e["keywords"]["keywords"]][:4] == ["xerox", "toner", "006r90321", "c65"]
    assert e["topics"]["category"] == "_all" and isinstance(e["topics"]["topic"], int)
    topics = shop.text.topics()["_all"]["topics"]
    assert len(topics) >= 2 and all(len(t["words"]) == 8 for t in topics)
    job = store.jobs(limit=1, kind="enrich")[0]
    assert job.status == "succeeded" and job.counts["tokens"]["processed"] == 120

    again = enrich(shop, steps=STEPS_NO_EMB)
    assert all(again["steps"][s]["processed"] == 0 for s in STEPS_NO_EMB)

    p = store.get_product("3920564")
    store.upsert_products([ProductIn(**{**p.model_dump(include=set(ProductIn.model_fields)), "title": p.title + " Magenta"})])
    third = enrich(shop, steps=["tokens", "entities"])
    assert third["steps"]["tokens"]["processed"] == 1 and third["steps"]["entities"]["processed"] == 1
    assert "magenta" in store.get_enrichment("3920564")["tokens"]["tokens"]
    # a price change does not touch the text steps
    store.upsert_products([ProductIn(**{**store.get_product("3920564").model_dump(include=set(ProductIn.model_fields)), "price": 1.0})])
    assert enrich(shop, steps=["tokens", "entities"])["steps"]["tokens"]["processed"] == 0


def test_enrich_resumes_where_a_partial_run_stopped(icecat_shop):
    shop, store = icecat_shop, icecat_shop.store
    ids = [p.id for p in store.iter_products()]
    first = enrich(shop, product_ids=ids[:50], steps=["tokens", "entities"], batch_size=20)
    assert first["steps"]["tokens"]["processed"] == 50
    rest = enrich(shop, steps=["tokens", "entities"], batch_size=20)
    assert rest["steps"]["tokens"]["processed"] == 70 and rest["steps"]["entities"]["processed"] == 70


def test_enrich_sentiment_and_embeddings(icecat_shop, data_dir):
    import pandas as pd

    from shopmind.kb.models import ReviewIn

    shop, store = icecat_shop, icecat_shop.store
    zh = pd.read_csv(data_dir / "reviews/online-shopping-zh/reviews.csv")
    picked = zh[zh.cat == "平板"].head(6)
    store.add_reviews([ReviewIn(product_id="3920564", text=t) for t in picked.review]
                      + [ReviewIn(product_id="3920564", text="Battery died after a week, terrible.", rating=1)])
    shop.settings.encoder = "minilm"
    ids = [p.id for p in store.iter_products() if p.id != "3920564"][:10] + ["3920564"]
    res = enrich(shop, product_ids=ids, steps=["sentiment", "embeddings"])
    assert res["steps"]["sentiment"]["processed"] == 1 and res["steps"]["embeddings"]["processed"] == 11
    summary = store.get_enrichment("3920564")["sentiment"]
    assert summary["n"] == 7 and 0 <= summary["share_positive"] <= 1
    assert {"aspect", "count"} <= set((summary["praised"] + summary["complained"])[0])
    emb = store.get_enrichment("3920564")["embeddings"]
    assert emb["model"] == "minilm-l6-v2-int8" and len(store.get_vectors(emb["model"], [emb["key"]])) == 1


def test_enrich_rejects_unknown_steps(shop):
    with pytest.raises(ValueError, match="unknown enrichment step"):
        enrich(shop, steps=["tokens", "vibes"])
    assert set(STEPS) >= set(STEPS_NO_EMB)
