"""`shopmind demo`'s foreground: search and the assistant work before any enrichment has run."""

from __future__ import annotations

import numpy as np
import pytest

from shopmind.config import Settings
from shopmind.demo import read_demo
from shopmind.demo.start import VECTORS_DIR, prepare
from shopmind.shop import Shop


@pytest.fixture
def fresh_shop(tmp_path):
    sh = Shop(Settings(home=tmp_path / "home", admin_key="k", search_workers=0))
    yield sh
    sh.close()


def test_shipped_vectors_cover_the_demo_and_match_the_encoder():
    from shopmind.embed import get_encoder, product_text, text_key

    with np.load(VECTORS_DIR / "vectors-e5-small-q4.npz", allow_pickle=False) as z:
        assert str(z["model"]) == get_encoder("e5").name
        vecs = dict(zip(z["keys"].tolist(), z["vecs"]))
    products = read_demo("products")
    texts = [product_text(p) for p in products]
    assert all(text_key(t) in vecs for t in texts), "a demo product has no shipped vector: regenerate them"
    sample = texts[:3] + texts[-2:]
    fresh = get_encoder("e5").encode_passages(sample)
    for t, v in zip(sample, fresh):
        assert float(np.dot(vecs[text_key(t)], v)) > 0.999


@pytest.mark.slow
def test_prepare_serves_hybrid_search_and_assistant_before_enrichment(fresh_shop):
    info = prepare(fresh_shop)
    assert info["lexical_only"] is False
    assert not fresh_shop.store.enrichment_hashes("sentiment")  # left to the background job
    engine = fresh_shop.__dict__["search"]
    assert engine.ix.dense is not None
    res = engine.search("蓝牙耳机", size=5)
    assert res["results"]
    assert "assistant" in fresh_shop.__dict__


@pytest.mark.slow
def test_prepare_without_cached_vectors_starts_lexical_only(fresh_shop, monkeypatch, tmp_path):
    import shopmind.demo.start as start

    monkeypatch.setattr(start, "VECTORS_DIR", tmp_path / "none")
    monkeypatch.setattr(start, "_timed", lambda out, name, fn: None if name == "warm_assistant" else fn())
    info = prepare(fresh_shop)
    assert info["lexical_only"] is True
    engine = fresh_shop.__dict__["search"]
    assert engine.ix.dense is None and engine.index_dir is None  # in memory only, never saved
    titles = [r["title"] for r in engine.search("earbuds", size=5)["results"]]
    assert titles and any("earbud" in t.lower() for t in titles)
    assert not (fresh_shop.settings.home / "index").exists()
