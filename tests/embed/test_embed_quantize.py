"""The int8-GEMM query model derived from the shipped MiniLM ONNX model: close vectors, built once and
reused, rebuilt when the cached file is corrupt, and a fallback to the shipped model when deriving fails."""

from __future__ import annotations

import json

import numpy as np
import pytest

from shopmind.embed import quantize
from shopmind.embed.encoders import MiniLMOnnx

# real queries and product titles (Home Depot / Crowdflower / Icecat style), not tuned on
QUERIES = ["cordless drill", "led light bulbs 60 watt", "bathroom vanity with top 36 inch", "garden hose reel",
           "samsung galaxy tab case", "stainless steel refrigerator french door", "hdmi cable 10 ft", "rain boots",
           "wireless mouse logitech", "ceiling fan with light", "1/2 in. pvc pipe", "usb c charger 65w"]
TITLES = ["DEWALT 20-Volt MAX Lithium-Ion Cordless 1/2 in. Drill/Driver Kit",
          "Philips 60W Equivalent Soft White A19 LED Light Bulb (4-Pack)",
          "HP ProBook 450 G7 15.6 inch notebook Intel Core i5 8 GB DDR4 256 GB SSD"]


@pytest.fixture(scope="module")
def encoders(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("SHOPMIND_MODEL_CACHE", str(tmp_path_factory.mktemp("models")))
    try:
        yield MiniLMOnnx(threads=1), MiniLMOnnx(threads=1, query_model="shipped")
    finally:
        mp.undo()


def test_query_vectors_close_to_the_shipped_model(encoders):
    fast, shipped = encoders
    assert fast.query_model == "int8-gemm" and shipped.query_model == "shipped"
    assert fast.query_session is not fast.session
    a, b = fast.encode_queries(QUERIES + TITLES), shipped.encode_queries(QUERIES + TITLES)
    cos = (a * b).sum(1)
    assert cos.min() > 0.99 and cos.mean() > 0.995, cos
    assert cos.mean() < 0.99999  # it really is another computation, not the shipped session
    # the same nearest passage for every query, and passages (the cached vectors) are unchanged
    p_fast, p_shipped = fast.encode_passages(TITLES), shipped.encode_passages(TITLES)
    assert np.array_equal(p_fast, p_shipped)
    assert np.array_equal((a[:len(QUERIES)] @ p_fast.T).argmax(1), (b[:len(QUERIES)] @ p_shipped.T).argmax(1))
    assert fast.name == shipped.name  # document vectors come from the same model


def test_the_derived_file_is_built_once_and_reused(tmp_path, monkeypatch, encoders):
    src = encoders[0].source_path
    path = quantize.int8_gemm_model(src, tmp_path)
    stat = path.stat()
    meta = json.loads(path.with_suffix(".json").read_text())
    assert meta["sha256"] == quantize.file_sha256(path) and meta["source_sha256"] == quantize.file_sha256(src)

    def no_rebuild(*a, **k):
        raise AssertionError("rebuilt a valid cached model")

    monkeypatch.setattr(quantize, "derive_int8_gemm", no_rebuild)
    again = quantize.int8_gemm_model(src, tmp_path)
    assert again == path and again.stat().st_mtime_ns == stat.st_mtime_ns and again.stat().st_ino == stat.st_ino
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("damage", ["flip", "truncate", "manifest"])
def test_a_corrupt_cached_file_is_rebuilt(tmp_path, encoders, damage):
    fast, shipped = encoders
    path = quantize.int8_gemm_model(fast.source_path, tmp_path)
    good = path.read_bytes()
    if damage == "flip":
        data = bytearray(good)
        data[len(data) // 2] ^= 0xFF  # inside a weight tensor: still loads, gives wrong numbers
        path.write_bytes(bytes(data))
    elif damage == "truncate":
        path.write_bytes(good[: len(good) // 3])
    else:
        path.with_suffix(".json").write_text("{not json")
    rebuilt = quantize.int8_gemm_model(fast.source_path, tmp_path)
    assert rebuilt == path and rebuilt.read_bytes() == good
    # and the rebuilt file is a working model
    got = fast._run(fast._new_session(rebuilt), QUERIES[:4])
    ref = shipped._run(shipped.session, QUERIES[:4])
    cos = (got * ref).sum(1) / np.linalg.norm(got, axis=1) / np.linalg.norm(ref, axis=1)
    assert cos.min() > 0.99


def test_fallback_to_the_shipped_model_when_deriving_fails(tmp_path, monkeypatch, encoders):
    monkeypatch.setenv("SHOPMIND_MODEL_CACHE", str(tmp_path))

    def broken(*a, **k):
        raise ValueError("no int8 weights here")

    monkeypatch.setattr(quantize, "derive_int8_gemm", broken)
    enc = MiniLMOnnx(threads=1)
    assert enc.query_model == "shipped" and enc.query_session is enc.session
    q = enc.encode_queries(QUERIES[:3])
    assert np.allclose(q, encoders[1].encode_queries(QUERIES[:3]), atol=1e-5)
    assert not list(tmp_path.glob("*.onnx"))


def test_a_derived_model_failing_the_probe_check_is_not_published(tmp_path, monkeypatch, encoders):
    monkeypatch.setenv("SHOPMIND_MODEL_CACHE", str(tmp_path))
    monkeypatch.setattr(MiniLMOnnx, "MIN_PROBE_COS", 1.0001)  # no derived model can pass
    enc = MiniLMOnnx(threads=1)
    assert enc.query_model == "shipped"
    assert not list(tmp_path.glob("*.onnx")) and not list(tmp_path.glob("*.tmp"))


def test_unwritable_cache_derives_in_memory(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")  # a file where the cache directory should be: mkdir fails
    monkeypatch.setenv("SHOPMIND_MODEL_CACHE", str(blocker / "models"))
    enc = MiniLMOnnx(threads=1)
    assert enc.query_model == "int8-gemm" and enc.query_model_path is None


def test_unknown_query_model_is_refused():
    with pytest.raises(ValueError):
        MiniLMOnnx(query_model="fp16")
