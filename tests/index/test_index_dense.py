"""Dense index: exact search, hnswlib above the threshold, incremental add/remove, persistence."""

from __future__ import annotations

import numpy as np

from shopmind.index.dense import DenseIndex


def _vecs(n, d=16, seed=0):
    return np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)


def test_exact_search_is_cosine_top_k():
    v = _vecs(200)
    ix = DenseIndex(16, ann_threshold=10_000)
    ix.build(v)
    assert not ix.uses_ann
    q = v[17] + 0.01
    rows, sims = ix.search(q, 5)
    vn = v / np.linalg.norm(v, axis=1, keepdims=True)
    expected = np.argsort(-(vn @ (q / np.linalg.norm(q))))[:5]
    assert rows.tolist() == expected.tolist()
    assert sims[0] > 0.99 and np.all(np.diff(sims) <= 1e-6)
    mask = np.zeros(200, bool)
    mask[[3, 5, 7]] = True
    rows, _ = ix.search(q, 5, mask)
    assert sorted(rows.tolist()) == [3, 5, 7]


def test_ann_incremental_and_persisted(tmp_path):
    v = _vecs(300, seed=1)
    ix = DenseIndex(16, ann_threshold=100)
    ix.build(v)
    assert ix.uses_ann
    rows, sims = ix.search(v[42], 3)
    assert rows[0] == 42 and sims[0] > 0.999
    ix.remove(42)
    assert 42 not in ix.search(v[42], 10)[0].tolist()
    new = _vecs(1, seed=9)[0]
    ix.add(300, new)
    assert ix.search(new, 1)[0].tolist() == [300]
    ix.save(tmp_path / "dense")
    ix2 = DenseIndex.load(tmp_path / "dense")
    assert ix2.uses_ann and ix2.search(new, 1)[0].tolist() == [300]
    assert 42 not in ix2.search(v[42], 10)[0].tolist()
    assert np.allclose(ix2.scores(new, np.array([300, 0])), ix.scores(new, np.array([300, 0])))
    ix2.compact(np.array([0, 1, 300]))
    assert ix2.n == 3 and ix2.search(new, 1)[0].tolist() == [2]
