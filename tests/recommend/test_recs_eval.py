"""Leave-one-out evaluation, loaders and the rating model (synthetic data and a slice of MovieLens)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from shopmind.eval.recs import eval_recs, loo_splits
from shopmind.recommend.data import load_sequences, movielens_sequences, write_sequences

from .conftest import make_clusters


def test_loo_split_protocol(clusters):
    val, test = loo_splits(clusters)
    u = 0
    seq = clusters.sequences[u]
    assert list(val.histories[u]) == list(seq[:-2]) and val.targets[u] == seq[-2]
    assert list(test.histories[u]) == list(seq[:-1]) and test.targets[u] == seq[-1]
    assert all(len(s) == len(o) - 2 for s, o in zip(val.train.sequences, clusters.sequences))


def test_eval_recs_ranks_models_as_expected(tmp_path):
    path = tmp_path / "seq.txt"
    write_sequences(make_clusters(n_users=160, seed=3), path)
    rep = eval_recs(path, ["pop", "itemknn", "ease", "blend"], budget_s=20, log=None, save_dir=tmp_path / "m")
    json.dumps(rep)  # JSON-able
    assert rep["users"] == 160
    m = rep["models"]
    for name in ("pop", "itemknn", "ease", "blend"):
        assert set(m[name]) >= {"hr@10", "ndcg@10", "hr@20", "ndcg@20", "coverage@10", "novelty@10", "gini@10",
                                "train_s"}
        assert 0 <= m[name]["ndcg@10"] <= m[name]["hr@10"] <= m[name]["hr@20"] <= 1
        assert 0 <= m[name]["gini@10"] <= 1 and m[name]["novelty@10"] > 0
    # 40 items in 4 clusters of 10, 5-8 seen: the next item of a cluster walk is predictable, so the
    # in-cluster models rank it near the top (ties count against them: no free 1.0)
    assert m["itemknn"]["hr@10"] > 0.9 and m["ease"]["hr@10"] > 0.9
    assert m["itemknn"]["ndcg@10"] > 0.5
    assert m["pop"]["ndcg@10"] < m["itemknn"]["ndcg@10"]
    # popularity sends everyone the same items: more concentrated exposure than item-kNN
    assert m["pop"]["gini@10"] > m["itemknn"]["gini@10"]
    assert m["blend"]["ndcg@10"] >= min(m["itemknn"]["ndcg@10"], m["ease"]["ndcg@10"]) - 1e-9
    assert (tmp_path / "m" / "blend.npz").exists()


def test_sequence_file_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_sequences(tmp_path / "missing.txt")
    bad = tmp_path / "bad.txt"
    bad.write_text("u1 a b\nu2\n")
    with pytest.raises(ValueError, match="bad.txt:2"):
        load_sequences(bad)
    good = tmp_path / "good.txt"
    good.write_text("u1 3 1 2\nu2 2 10\n")
    d = load_sequences(good)
    assert d.item_ids == ["1", "2", "3", "10"] and [d.item_ids[k] for k in d.sequences[0]] == ["3", "1", "2"]


def test_movielens_as_sequences(data_dir):
    d = movielens_sequences(data_dir / "recs/movielens-100k")
    assert d.n_users == 943 and d.n_items == 1682 and sum(len(s) for s in d.sequences) == 100_000
    assert all(np.all(np.diff(t) >= 0) for t in d.timestamps)


def test_rating_model_beats_baselines_on_movielens(data_dir):
    """A short run: the biased dot-product model must beat the global mean by a wide margin."""
    import torch

    from shopmind.recommend.rating import BiasBaseline, BiasedMF, GlobalMean, split_ratings
    from shopmind.recommend.data import load_movielens_ratings
    from shopmind.eval.metrics import rmse

    torch.set_num_threads(1)
    u, i, y, _ = load_movielens_ratings(data_dir / "recs/movielens-100k")
    keep = u <= 200  # a slice of users keeps the test short
    u, i, y = u[keep], i[keep], y[keep]
    tr, te = split_ratings(len(y), seed=0)
    nu, ni = int(u.max()) + 1, int(i.max()) + 1
    gm = rmse(y[te], GlobalMean().fit(u[tr], i[tr], y[tr]).predict(u[te], i[te]))
    bias = rmse(y[te], BiasBaseline().fit(u[tr], i[tr], y[tr]).predict(u[te], i[te]))
    mf = BiasedMF(nu, ni, dim=16, l2=0.1, epochs=5, seed=0).fit(u[tr], i[tr], y[tr])
    err = rmse(y[te], mf.predict(u[te], i[te]))
    assert bias < gm - 0.1 and err < gm - 0.1, (gm, bias, err)


def test_rating_model_save_load(tmp_path):
    from shopmind.recommend.rating import BiasedMF

    rng = np.random.default_rng(0)
    u, i = rng.integers(0, 20, 400), rng.integers(0, 30, 400)
    y = np.clip(3 + (u % 3) - (i % 2) + rng.normal(0, 0.1, 400), 1, 5)
    m = BiasedMF(20, 30, dim=4, epochs=3).fit(u, i, y)
    m.save(tmp_path / "mf.npz")
    again = BiasedMF.load(tmp_path / "mf.npz")
    np.testing.assert_allclose(again.predict(u, i), m.predict(u, i), rtol=1e-6)
    with pytest.raises(ValueError, match="same length"):
        m.fit(u, i, y[:-1])
