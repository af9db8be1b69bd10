"""The int8 shortlist of the exact dense search returns the float search's answers."""

import numpy as np
import pytest

from shopmind.index import dense as dense_mod
from shopmind.index.dense import DenseIndex
from shopmind.index.int8scan import Int8Scan


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def _exact(V: np.ndarray, q: np.ndarray, ok: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    s = V @ q
    s[~ok] = -np.inf
    top = np.lexsort((np.arange(len(s)), -s))[:k]
    return top, s[top]


def test_int8_top_matches_exact_float_search():
    rng = np.random.default_rng(0)
    # clustered vectors, like product embeddings: many near neighbours around each query
    centers = rng.normal(size=(20, 384))
    V = _unit(centers[rng.integers(0, 20, 6000)] + rng.normal(scale=0.6, size=(6000, 384)))
    scan = Int8Scan(384)
    scan.reset(V)
    ok = np.ones(len(V), bool)
    for i in range(40):
        q = _unit(V[rng.integers(len(V))] + rng.normal(scale=0.2, size=384))
        mask = ok if i % 2 else rng.random(len(V)) < 0.3
        rows, sims = scan.top(q, V, 50, mask)
        want_rows, want_sims = _exact(V, q, mask, 50)
        assert rows.tolist() == want_rows.tolist()
        assert np.allclose(sims, want_sims, atol=1e-6)
        assert mask[rows].all()


def test_int8_estimate_is_close_and_update_replaces_rows():
    rng = np.random.default_rng(1)
    V = _unit(rng.normal(size=(500, 64)))
    scan = Int8Scan(64)
    scan.reset(V)
    q = V[3]
    assert np.abs(scan.estimate(q, len(V)) - V @ q).max() < 0.03
    V2 = np.vstack([V, np.zeros((201, 64), np.float32)])
    V2[10], V2[700] = -q, q  # an edited row and a new row past the end (the matrix grows)
    scan.update(np.array([10, 700]), V2[[10, 700]])
    est = scan.estimate(q, 701)
    assert est[10] < -0.9 and est[700] > 0.9
    rows, _ = scan.top(q, V2, 2, np.r_[np.ones(500, bool), np.zeros(200, bool), [True]])
    assert set(rows.tolist()) == {3, 700}


def test_dense_index_uses_int8_above_threshold_and_follows_changes(monkeypatch):
    monkeypatch.setattr(dense_mod, "INT8_MIN_ROWS", 100)
    rng = np.random.default_rng(2)
    V = _unit(rng.normal(size=(400, 32)))
    ix = DenseIndex(32)
    ix.build(V)
    q = V[7]
    rows, _ = ix.search(q, 5)
    assert ix._i8 is not None and rows[0] == 7
    new = _unit(q + 0.01 * rng.normal(size=32))
    ix.add(400, new)  # a new product next to the query
    ix.remove(7)  # and the best one deleted
    rows, sims = ix.search(q, 5)
    assert rows[0] == 400 and 7 not in rows.tolist()
    want, _ = _exact(np.vstack([V, new[None]]), _unit(q), np.r_[np.arange(400) != 7, [True]], 5)
    assert rows.tolist() == want.tolist()
    mask = np.zeros(401, bool)
    mask[200:] = True
    rows, _ = ix.search(q, 5, mask)
    assert (rows >= 200).all()


@pytest.mark.parametrize("n", [0, 1])
def test_int8_tiny_inputs(n):
    scan = Int8Scan(8)
    V = _unit(np.ones((max(n, 1), 8)))[:n]
    scan.reset(V)
    rows, sims = scan.top(np.ones(8, np.float32), V, 3, np.ones(n, bool))
    assert len(rows) == n
