"""One suite run over every model on cluster data where the right answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from shopmind.recommend.base import load_model
from shopmind.recommend.blend import Blend
from shopmind.recommend.models import make

from .conftest import PER_CLUSTER, cluster_features, cluster_of

FAST = {
    "pop": {},
    "trending": {"half_life": 3.0},
    "itemknn": {},
    "ease": {"l2": 10.0},
    "als": {"factors": 8, "iterations": 10, "regularization": 0.1, "threads": 1},
    "bpr": {"factors": 8, "iterations": 100, "learning_rate": 0.05, "threads": 1},
    "content": {},
    "sasrec": {"dim": 16, "layers": 1, "heads": 1, "max_len": 10, "dropout": 0.1, "lr": 1e-2, "epochs": 30,
               "batch_size": 64, "threads": 1, "val_every": 0},
    "blend": {"components": {"ease": {"l2": 10.0}, "itemknn": {}}, "weights": {"ease": 1.0, "itemknn": 0.5}},
}


def _fit(name, data):
    m = make(name, **FAST[name])
    if name == "content":
        m.with_features(cluster_features(data))
    return m.fit(data)


@pytest.fixture(scope="module", params=list(FAST))
def fitted(request, clusters):
    return request.param, _fit(request.param, clusters)


NONPERSONAL = {"pop", "trending"}  # same list for everyone, by design


def test_recommends_within_the_users_cluster(fitted, clusters):
    name, model = fitted
    if name in NONPERSONAL:
        pytest.skip("popularity does not depend on the user")
    # a sequential model is sure of the next item only (the walk's successor), so it is checked at n=1
    n = 1 if name == "sasrec" else 2
    pure, total = 0, 0
    for u in clusters.user_ids[:40]:
        ids, scores = model.recommend(u, n=n)
        c = cluster_of(model.item_ids[model.history(u)[0]])
        assert len(ids) == n and np.all(np.diff(scores) <= 1e-6), f"{name}: top list must be sorted"
        pure += sum(cluster_of(i) == c for i in ids)
        total += len(ids)
    assert pure / total >= 0.95, f"{name}: only {pure}/{total} recommendations in the user's cluster"


def test_seen_items_excluded_and_filters(fitted, clusters):
    name, model = fitted
    u = clusters.user_ids[0]
    seen = {model.item_ids[k] for k in model.history(u)}
    ids, _ = model.recommend(u, n=40)
    assert not seen & set(ids)
    assert len(ids) == model.n_items - len(seen)
    ids2, _ = model.recommend(u, n=40, exclude=[ids[0], ids[1]])
    assert ids[0] not in ids2 and ids[1] not in ids2
    only = ["i39", "i0", "i21"]
    ids3, _ = model.recommend(u, n=10, only=only)
    assert set(ids3) <= set(only) - seen and len(ids3) == len(set(only) - seen)
    ids4, _ = model.recommend(u, n=5, exclude_seen=False)
    assert len(ids4) == 5


def test_session_items_and_fold_in_cold_user(fitted):
    name, model = fitted
    ids, _ = model.recommend_session(["i21", "i22"], n=3)
    assert "i21" not in ids and "i22" not in ids
    if name not in NONPERSONAL:
        assert cluster_of(ids[0]) == 2 and sum(cluster_of(i) == 2 for i in ids) >= 2 - (name == "sasrec"), ids
    model.partial_fit("new-user", ["i33", "i34"])
    try:
        assert list(model.history("new-user")) == [model.item_index["i33"], model.item_index["i34"]]
        ids, _ = model.recommend("new-user", n=3)
        assert "i33" not in ids and "i34" not in ids
        if name not in NONPERSONAL:
            assert cluster_of(ids[0]) == 3 and sum(cluster_of(i) == 3 for i in ids) >= 2 - (name == "sasrec")
    finally:
        model._extra_hist.pop("new-user", None)


def test_similar_items_same_cluster(fitted):
    name, model = fitted
    ids, _ = model.similar_items("i5", n=4)
    assert "i5" not in ids and len(ids) == 4
    with pytest.raises(KeyError):
        model.similar_items("nope")
    if name in NONPERSONAL:
        return
    assert sum(cluster_of(i) == 0 for i in ids) >= 3, f"{name}: {ids}"


def test_save_load_round_trip(fitted, tmp_path):
    name, model = fitted
    path = model.save(tmp_path / f"{name}.npz")
    again = load_model(path)
    assert type(again) is type(model) and again.params == model.params
    hists = [model.history(u) for u in ("u0", "u1", "u7")]
    np.testing.assert_allclose(again.score(hists), model.score(hists), rtol=1e-5, atol=1e-5)
    assert again.recommend("u3", n=5)[0] == model.recommend("u3", n=5)[0]
    with np.load(path, allow_pickle=False) as z:  # loads without pickle
        assert "__meta__" in z.files


def test_sequential_model_learns_the_next_item(clusters):
    """SASRec sees the cyclic order: the next item of the walk should be its first pick."""
    model = _fit("sasrec", clusters)
    hits = 0
    users = clusters.user_ids[:60]
    for u in users:
        h = model.history(u)
        last = model.item_ids[h[-1]]
        c, pos = divmod(int(last[1:]), PER_CLUSTER)
        nxt = f"i{c * PER_CLUSTER + (pos + 1) % PER_CLUSTER}"
        ids, _ = model.recommend(None, [model.item_ids[k] for k in h], n=1, exclude_seen=False)
        hits += ids[0] == nxt
    assert hits / len(users) >= 0.8


def test_popularity_order_is_exact():
    from shopmind.recommend.data import from_lists

    data = from_lists({"a": ["x", "y"], "b": ["x", "z"], "c": ["x", "y"], "d": ["w"]}, ["x", "y", "z", "w", "v"])
    pop = make("pop").fit(data)
    ids, scores = pop.recommend(None, [], n=5)
    assert ids[:2] == ["x", "y"] and list(scores[:2]) == [3.0, 2.0]
    assert ids[-1] == "v" and scores[-1] == 0.0
    assert pop.recommend("a", n=5)[0][0] == "z"  # x, y seen


def test_bad_input_is_rejected(clusters):
    with pytest.raises(ValueError, match="unknown model"):
        make("nope")
    with pytest.raises(ValueError, match="unknown parameter"):
        make("ease", lambda_=3)
    with pytest.raises(RuntimeError, match="not fitted"):
        make("itemknn").recommend(None, ["i1"])
    with pytest.raises(ValueError, match="with_features"):
        make("content").fit(clusters)
    with pytest.raises(ValueError, match="n must be positive"):
        _fit("itemknn", clusters).recommend("u1", n=0)


def test_blend_weights_change_the_ranking(clusters):
    ease, knn = _fit("ease", clusters), _fit("itemknn", clusters)
    h = [ease.history("u5")]
    only_ease = Blend(weights={"ease": 1.0, "itemknn": 0.0}).with_models({"ease": ease, "itemknn": knn})
    from shopmind.recommend.blend import standardize

    np.testing.assert_allclose(only_ease.score(h), standardize(ease.score(h)), rtol=1e-5)


@pytest.mark.parametrize("name,params", [("itemknn", {}), ("itemknn", {"recency": 0.6}), ("ease", {"l2": 10.0}),
                                         ("ease", {"l2": 10.0, "recency": 0.6})])
def test_single_history_fast_path_matches_batch(clusters, name, params):
    """Serving scores one history without building a sparse matrix: same numbers as the batch path."""
    import numpy as np

    from shopmind.recommend.models import make

    m = make(name, **params).fit(clusters)
    h = np.array([3, 4, 5, 4, 9], dtype=np.int64)  # with a repeat
    batch = m.score([h, np.array([0], dtype=np.int64)])[0]
    assert np.allclose(m.score([h])[0], batch, atol=1e-5)
    assert np.allclose(m.score([np.zeros(0, np.int64)])[0], 0.0)


def test_bpr_scores_known_users_with_their_learned_factors(clusters):
    bpr = _fit("bpr", clusters)
    row = bpr.user_index["u5"]
    h = bpr.history("u5")
    np.testing.assert_allclose(bpr.score([h])[0], bpr.U[row] @ bpr.Y.T, rtol=1e-5, atol=1e-5)
    # a changed history (new item folded in) or an anonymous session is folded in instead
    longer = np.concatenate([h, h[:1]])
    assert not np.allclose(bpr.score([longer])[0], bpr.U[row] @ bpr.Y.T, atol=1e-3)
    ids, _ = bpr.recommend(None, [bpr.item_ids[k] for k in h], n=2)  # a cluster has >= 2 unseen items
    assert all(cluster_of(i) == cluster_of(bpr.item_ids[h[0]]) for i in ids)


def test_blend_tuning_serves_the_best_component_alone_when_no_mix_beats_it(clusters):
    """Validation: ease is right, popularity is noise; no weighted mix can beat ease, so ease alone is served."""
    from shopmind.eval.recs import loo_splits
    from shopmind.recommend.blend import tune_blend

    val, _ = loo_splits(clusters)
    pop, ease = make("pop").fit(val.train), make("ease", l2=10.0).fit(val.train)
    blend, info = tune_blend({"pop": pop, "ease": ease}, val, levels=(0.0, 1.0))
    assert info["alone"] == "ease" and info["weights"] == {"pop": 0.0, "ease": 1.0}
    assert info["val_ndcg@10"] == info["val_ndcg@10_alone"]["ease"] > info["val_ndcg@10_alone"]["pop"]
