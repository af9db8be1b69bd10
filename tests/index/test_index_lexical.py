"""Fielded BM25 index: scores against a hand computation, incremental add/remove, compaction, persistence."""

from __future__ import annotations

import math

import numpy as np
import pytest

from shopmind.index.lexical import LexicalIndex

DOCS = [
    {"title": ["red", "shoe"], "brand": ["nike"]},
    {"title": ["blue", "shoe", "shoe"], "brand": ["adida"]},
    {"title": ["red", "phone"], "description": ["shoe", "shape", "case"]},
]


def bm25(tf, dl, avgdl, n, df, k1=1.2, b=0.75):
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    return idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))


def test_scores_match_bm25_formula():
    ix = LexicalIndex(weights={"title": 2.0, "brand": 1.0, "category": 1.0, "attributes": 1.0, "description": 0.5})
    ix.build(DOCS)
    s = ix.score(["shoe"])
    avg_t = (2 + 3 + 2) / 3
    avg_d = 3 / 3
    # "shoe" appears in all 3 documents (doc 2 through its description)
    exp0 = 2.0 * bm25(1, 2, avg_t, 3, 3)
    exp1 = 2.0 * bm25(2, 3, avg_t, 3, 3)
    exp2 = 0.5 * bm25(1, 3, avg_d, 3, 3)
    assert s == pytest.approx([exp0, exp1, exp2], rel=1e-5)
    fs = ix.field_scores(np.array([2, 0]), ["shoe"])
    assert fs["description"][0] == pytest.approx(bm25(1, 3, avg_d, 3, 3), rel=1e-5)
    assert fs["title"][0] == 0 and fs["title"][1] == pytest.approx(bm25(1, 2, avg_t, 3, 3), rel=1e-5)
    assert ix.score(["unknown"]).sum() == 0


def test_incremental_add_remove_and_compact(tmp_path):
    ix = LexicalIndex()
    ix.build(DOCS)
    ix.add(3, {"title": ["green", "kettl"]})
    ix.refresh()
    s = ix.score(["kettl"])
    assert s.argmax() == 3 and s[3] > 0
    assert ix.df[ix.vocab["kettl"]] == 1
    ix.remove(0)  # a main-segment row
    ix.refresh()
    assert ix.score(["nike"]).sum() == 0
    assert ix.df[ix.vocab["red"]] == 1
    ix.remove(3)  # a delta row
    ix.refresh()
    assert ix.score(["kettl"]).sum() == 0
    ix.add(4, {"title": ["red", "kettl"]})
    ix.refresh()
    before = ix.score(["red", "kettl"])
    order = np.flatnonzero(ix.alive)  # rows 1, 2, 4
    ix.compact(order)
    after = ix.score(["red", "kettl"])
    assert len(after) == 3 and after.argmax() == 2
    assert ix.seqs[2] == (ix.vocab["red"], ix.vocab["kettl"])
    assert before[4] > 0 and after[2] > 0
    ix.save(tmp_path / "lex")
    ix2 = LexicalIndex.load(tmp_path / "lex")
    assert np.allclose(ix2.score(["red", "kettl", "shoe"]), ix.score(["red", "kettl", "shoe"]))
    assert ix2.seqs == ix.seqs
    with pytest.raises(RuntimeError):
        ix2.add(3, {"title": ["x"]})
        ix2.save(tmp_path / "lex2")
