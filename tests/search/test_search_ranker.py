"""Ranker: training from a judgments file against the shop, LightGBM text model save/load, the
engine using it, evaluation, and clear errors for bad judgment files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from shopmind.eval.search import eval_search, relevant_threshold
from shopmind.search.features import FEATURES
from shopmind.search.ranker import DEFAULT_MODEL, Ranker, label_scale, read_judgments, split_queries, train_ranker

JUDGMENTS = """query,product_id,grade
running shoes,nk-red-1,3
running shoes,nk-red-2,3
running shoes,ad-red-1,3
running shoes,ad-wht-1,1.67
running shoes,nk-blk-1,2
headphones,sony-xm5,3
headphones,bose-qc45,3
headphones,sony-buds,2.33
headphones,jbl-flip,1
wireless mouse,lx-mouse,3
wireless mouse,lx-kb,1.33
laptop,lenovo-x1,3
laptop,dell-xps,3
laptop,lx-kb,1.33
smartphone,ap-ip15,3
smartphone,hw-p60,2.67
smartphone,xm-14,2.67
smartphone,hw-m60,2.67
camera,canon-r50,3
bluetooth speaker,jbl-flip,3
bluetooth speaker,sony-xm5,1.33
tv,mi-tv,3
fridge,haier-fr,3
sneakers,nk-blk-1,3
sneakers,ad-wht-1,3
"""


@pytest.fixture
def judgments(tmp_path):
    p = tmp_path / "judgments.csv"
    p.write_text(JUDGMENTS, "utf-8")
    return p


def test_train_save_load_and_use(fresh_shop, judgments, tmp_path):
    out = tmp_path / "ranker.lgb"
    res = train_ranker(fresh_shop, judgments, out=out, rounds=30)
    assert res["train_queries"] >= 8 and res["label_scale"] == 3.0 and res["finite"]
    text = out.read_text("utf-8")
    assert text.startswith("tree") and "feature_names=" + " ".join(FEATURES) in text  # LightGBM text, no pickle
    loaded = Ranker.load(out)
    X = np.random.default_rng(0).random((5, len(FEATURES))).astype(np.float32)
    assert np.allclose(loaded.predict(X), fresh_shop.search.ranker.predict(X))
    r = fresh_shop.search.search("headphones", explain=True, size=3)
    assert r["results"][0]["explain"]["stage"] == "ranked"
    assert set(r["results"][0]["explain"]["features"]) == set(FEATURES)
    rep = eval_search(fresh_shop, judgments, methods=["bm25", "hybrid", "ranked"])
    assert rep["queries"] == 10 and rep["relevant_grade"] == 2.33
    for m in ("bm25", "hybrid", "ranked"):
        assert 0.3 < rep["methods"][m]["ndcg@10"] <= 1.0
        assert rep["methods"][m]["p95_ms"] >= rep["methods"][m]["p50_ms"] > 0
    assert json.dumps(rep)


def test_default_model_loads_when_shipped():
    if not DEFAULT_MODEL.exists():
        pytest.skip("no default ranker shipped yet (benchmarks/search_bench.py --train-default writes it)")
    r = Ranker.load(DEFAULT_MODEL)
    assert r.booster.num_trees() > 10
    assert np.isfinite(r.predict(np.zeros((2, len(FEATURES)), np.float32))).all()


def test_model_with_other_features_is_refused(tmp_path):
    import lightgbm as lgb

    X = np.random.default_rng(1).random((40, 3))
    b = lgb.train({"objective": "regression", "verbose": -1, "min_data_in_leaf": 5}, lgb.Dataset(X, X[:, 0]), 3)
    b.save_model(str(tmp_path / "m.lgb"))
    with pytest.raises(ValueError, match="retrain"):
        Ranker.load(tmp_path / "m.lgb")


def test_judgment_files_and_helpers(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("query,product_id,grade\nshoes,p1,3\nshoes,p2,high\n", "utf-8")
    with pytest.raises(ValueError, match="row 3"):
        read_judgments(bad)
    cols = tmp_path / "cols.csv"
    cols.write_text("q,id,grade\nx,y,1\n", "utf-8")
    with pytest.raises(ValueError, match="missing"):
        read_judgments(cols)
    with pytest.raises(FileNotFoundError):
        read_judgments(tmp_path / "none.csv")
    train, test = split_queries([f"q{i}" for i in range(1000)])
    assert not set(train) & set(test) and 400 < len(test) < 600
    assert split_queries(["q1", "q2"]) == split_queries(["q2", "q1", "q1"])
    assert label_scale(np.array([1, 1.33, 2.67, 3])) == 3.0 and label_scale(np.array([1, 2, 4])) == 1.0
    assert relevant_threshold([1, 2, 3]) == 2.33 and relevant_threshold([1, 4]) == 3.0


def test_training_features_equal_serving_features(search_shop):
    """The ranker must see at serving time exactly the features it was trained on."""
    eng = search_shop.search
    X_train, ids = eng.candidate_features("wireless bluetooth headphones")
    pq = eng.parser.parse("wireless bluetooth headphones")

    import lightgbm as lgb

    X = np.random.default_rng(2).random((60, len(FEATURES)))
    booster = lgb.train({"objective": "regression", "verbose": -1, "min_data_in_leaf": 5},
                        lgb.Dataset(X, X[:, 0], feature_name=list(FEATURES)), 5)
    old, eng.ranker = eng.ranker, Ranker(booster)
    try:
        # the filters the query links (its class: headphones) mask serving as they mask training
        res = eng.retrieve(pq, eng.filter_mask(pq.filters) if pq.filters else None, "ranked")
    finally:
        eng.ranker = old
    assert [eng.ix.catalog.ids[r] for r in res["feature_rows"]] == ids
    assert np.allclose(res["features"], X_train)
