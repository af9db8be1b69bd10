"""The ranker's trees in onnxruntime give LightGBM's scores and order."""

import lightgbm as lgb
import numpy as np

from shopmind.search import treeonnx
from shopmind.search.ranker import DEFAULT_MODEL, Ranker


def _data(seed: int = 0, n: int = 3000):
    rng = np.random.default_rng(seed)
    X = np.c_[rng.normal(size=(n, 4)), rng.integers(0, 5, size=(n, 2)),  # integer features: ties at thresholds
              rng.random((n, 1)).round(2)].astype(np.float32)
    y = X[:, 0] + 0.5 * X[:, 4] - X[:, 6] + rng.normal(scale=0.1, size=n)
    return X, y


def test_converted_trees_score_like_lightgbm():
    X, y = _data()
    b = lgb.train({"objective": "regression", "num_leaves": 31, "verbose": -1, "min_data_in_leaf": 5},
                  lgb.Dataset(X, y), 60)
    sess = treeonnx.convert(b)
    assert sess is not None
    Xt, _ = _data(1, 1000)
    Xt[:50, 4] = np.round(Xt[:50, 4])  # exact values next to split thresholds
    want, got = b.predict(Xt), treeonnx.predict(sess, Xt)
    assert np.abs(want - got).max() < 1e-4
    assert (np.argsort(-want, kind="stable") == np.argsort(-got, kind="stable")).mean() > 0.99


def test_models_with_missing_value_routing_are_not_converted():
    X, y = _data()
    X[::5, 0] = np.nan  # NaN seen in training: splits route missing values, which the conversion does not
    b = lgb.train({"objective": "regression", "num_leaves": 15, "verbose": -1}, lgb.Dataset(X, y), 20)
    assert treeonnx.convert(b) is None
    r = Ranker.__new__(Ranker)
    r.booster, r._compiled, r._tried = b, None, False
    assert np.allclose(r.predict(X[:100]), b.predict(X[:100], num_threads=1))  # falls back to LightGBM


def test_shipped_ranker_onnx_matches_booster():
    r = Ranker.load(DEFAULT_MODEL)
    rng = np.random.default_rng(3)
    X = np.abs(rng.normal(size=(300, r.booster.num_feature()))).astype(np.float32)
    X[:, 9:11] = np.log2(2 + rng.integers(0, 100, size=(300, 2)))  # rank features
    X[5, 3] = np.nan  # a NaN feature counts as 0, as LightGBM does for these splits
    want = r.booster.predict(np.nan_to_num(X, nan=0.0), num_threads=1)
    got = r.predict(X)
    assert r._compiled is not None
    assert np.abs(want - got).max() < 1e-4
