"""Bundled encoders, the automatic choice and the content-hash vector cache (real models, real store)."""

from __future__ import annotations

import numpy as np
import pytest

from shopmind.embed import Encoder, build, choose_encoder, embed_products, get_encoder, product_text, text_key
from shopmind.kb.models import ProductIn


@pytest.fixture(scope="module")
def minilm():
    return get_encoder("minilm")


@pytest.fixture(scope="module")
def e5():
    return get_encoder("e5")


def test_encoders_are_normalized_float32(minilm, e5):
    for enc in (minilm, e5):
        assert isinstance(enc, Encoder)
        q = enc.encode_queries(["cordless drill"])
        p = enc.encode_passages(["DEWALT 20-Volt MAX Cordless Drill/Driver Kit", "Pantene shampoo 400 ml"], batch_size=1)
        assert q.shape == (1, enc.dim) and p.shape == (2, enc.dim) and enc.dim == 384
        assert q.dtype == np.float32 and np.allclose(np.linalg.norm(p, axis=1), 1, atol=1e-4)
        assert p[0] @ q[0] > p[1] @ q[0] + 0.1
        assert enc.encode_passages([]).shape == (0, enc.dim)
    assert get_encoder("minilm") is minilm  # one instance per process
    with pytest.raises(TypeError):
        minilm.encode_queries("not a list")
    with pytest.raises(ValueError):
        get_encoder("word2vec")


def test_e5_understands_chinese(e5):
    q = e5.encode_queries(["蓝牙耳机"])[0]
    p = e5.encode_passages(["索尼无线蓝牙降噪耳机", "不锈钢保温杯 500ml"])
    assert p[0] @ q > p[1] @ q


def test_auto_choice():
    assert choose_encoder(["Cordless drill", "LED bulb"]) == "minilm"
    assert choose_encoder(["Cordless drill", "华为手机壳 黑色"]) == "e5"
    assert choose_encoder([]) == "e5"


def test_embed_products_caches_by_text_and_model(store, minilm):
    ps = [ProductIn(id="a", title="Cordless drill 20V", brand="DeWalt"), ProductIn(id="b", title="LED light bulb 60W")]
    v1 = embed_products(store, ps, minilm)
    assert v1.shape == (2, 384)
    cached = store.get_vectors(minilm.name, [text_key(product_text(p)) for p in ps])
    assert len(cached) == 2
    v2 = embed_products(store, ps, minilm)  # served from the cache
    assert np.array_equal(v1, v2)
    changed = [ps[0], ps[1].model_copy(update={"title": "LED light bulb 100W"})]
    v3 = embed_products(store, changed, minilm)
    assert np.array_equal(v3[0], v1[0]) and not np.allclose(v3[1], v1[1])
    assert len(store.get_vectors(minilm.name, [text_key(product_text(p)) for p in ps + changed])) == 3
    # a price change does not change the embedded text
    assert product_text(ps[0].model_copy(update={"price": 99.0})) == product_text(ps[0])


def test_build_auto_remembers_the_choice(shop):
    shop.settings.encoder = "auto"
    assert build(shop).name == "e5-small-q4"  # empty catalog: multilingual
    assert shop.store.get_meta("embed.auto_encoder") is None
    shop.store.upsert_products([ProductIn(id=str(i), title=f"Cordless drill model {i}") for i in range(5)])
    assert build(shop).name == "minilm-l6-v2-int8"
    assert shop.store.get_meta("embed.auto_encoder") == "minilm"
    shop.store.upsert_products([ProductIn(id=f"zh{i}", title=f"华为手机壳 {i}") for i in range(20)])
    assert build(shop).name == "minilm-l6-v2-int8"  # kept, so cached vectors stay comparable
    shop.settings.encoder = "e5"
    assert build(shop).name == "e5-small-q4"
