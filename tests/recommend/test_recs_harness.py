"""The evaluation harness cannot flatter: ties rank against the model, a constant or random scorer
scores chance on real data, a model fitted on another split is refused, no thread-pool warnings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from shopmind.eval.metrics import gini, hit_rate, ndcg_single, novelty, target_ranks
from shopmind.eval.recs import eval_recs, evaluate, loo_splits
from shopmind.recommend.data import load_sequences, write_sequences
from shopmind.recommend.models import make

from .conftest import make_clusters

ROOT = Path(__file__).resolve().parents[2]


def test_ties_rank_pessimistically():
    s = np.array([[0.5, 0.5, 0.5, 0.1], [0.9, 0.2, 0.2, 0.1], [1.0, np.nan, 0.0, 0.0]], dtype=np.float32)
    # row 0: two other items tie with the target -> rank 2; row 1: one higher, one tie -> 2; row 2: nan target
    ranks = target_ranks(s, np.array([1, 2, 1]))
    assert ranks.tolist() == [2, 2, 2]
    const = np.zeros((5, 1000), np.float32)
    r = target_ranks(const, np.arange(5))
    assert (r == 999).all() and hit_rate(r, 10) == 0.0 and ndcg_single(r, 10) == 0.0


def test_exposure_metrics():
    assert gini(np.ones(50)) == pytest.approx(0.0)
    one = np.zeros(50)
    one[3] = 100
    assert gini(one) == pytest.approx(49 / 50)
    pop = np.array([100, 10, 1, 0])
    # recommending only the item every user has carries no information; rare items carry more
    assert novelty(np.array([5, 0, 0, 0]), pop, 100) == pytest.approx(0.0)
    assert novelty(np.array([0, 0, 5, 0]), pop, 100) == pytest.approx(np.log2(100))


@pytest.fixture(scope="module")
def beauty_test(data_dir):
    d = load_sequences(data_dir / "recs/amazon-beauty/Beauty.txt")
    _val, test = loo_splits(d)
    return d, test


@pytest.mark.slow
def test_constant_and_random_scorers_score_chance_on_beauty(beauty_test):
    """On Amazon Beauty (12,101 items), 8,000 test users: no signal must mean no score."""
    data, test = beauty_test
    n = data.n_items
    users = np.sort(np.random.default_rng(0).choice(len(test.targets), 8000, replace=False))
    rng = np.random.default_rng(1)
    const = evaluate(lambda h: np.ones((len(h), n), np.float32), test, n, ks=(10, 100), users=users)
    rand = evaluate(lambda h: rng.random((len(h), n), dtype=np.float32), test, n, ks=(10, 100), users=users)
    assert const["hr@10"] == 0.0 and const["hr@100"] == 0.0  # ties count against the model (was 1.0)
    chance100 = 100 / n  # ~0.0083: about 66 hits of 8,000 expected
    assert 0.65 * chance100 < rand["hr@100"] < 1.35 * chance100, rand
    assert rand["hr@10"] < 4 * 10 / n and rand["ndcg@10"] < rand["hr@10"] + 1e-12
    pop = make("pop").fit(test.train)
    popular = evaluate(pop.score, test, n, ks=(10,), users=users)
    assert popular["hr@10"] > 5 * 10 / n  # a real signal still shows
    assert popular["gini@10"] > 0.99 and popular["coverage@10"] < 0.01


def test_pretrained_model_from_another_split_is_refused(tmp_path):
    data = make_clusters(n_users=80, seed=2)
    val, test = loo_splits(data)
    on_val = make("itemknn").fit(val.train).save(tmp_path / "val.npz")
    on_test = make("itemknn").fit(test.train).save(tmp_path / "test.npz")
    rep = eval_recs(data, ["itemknn"], budget_s=2, log=None, pretrained={"itemknn": on_val})
    assert rep["models"]["itemknn"]["hr@10"] > 0.5
    with pytest.raises(ValueError, match="fitted on the test split"):
        eval_recs(data, ["itemknn"], budget_s=2, log=None, pretrained={"itemknn": on_test})
    other = make("itemknn").fit(make_clusters(n_users=80, seed=9).subset(2)).save(tmp_path / "other.npz")
    with pytest.raises(ValueError, match="fitted on other data"):
        eval_recs(data, ["itemknn"], budget_s=2, log=None, pretrained={"itemknn": other})
    # the fingerprint survives save/load and covers the split parameters
    from shopmind.recommend.base import load_model

    m = load_model(on_val)
    assert m.train_fingerprint == val.train.fingerprint() != test.train.fingerprint()
    assert m.train_split == {"leave_out": 2}


@pytest.mark.slow
def test_eval_recs_cli_prints_no_thread_pool_warnings(tmp_path):
    """`shopmind eval recs` as a real process: progress with an ETA on stderr, and no OpenBLAS
    'Detect OpenMP Loop' or threadpool warnings (ALS runs BLAS inside OpenMP loops)."""
    path = tmp_path / "seq.txt"
    write_sequences(make_clusters(n_users=120, seed=4), path)
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    env.update(PYTHONPATH=str(ROOT), SHOPMIND_HOME=str(tmp_path / "home"), HF_HUB_OFFLINE="1")
    params = '{"als": {"factors": 8, "iterations": 3, "regularization": 1.0, "alpha": 1.0}}'
    res = subprocess.run([sys.executable, "-m", "shopmind.cli", "eval", "recs", "--sequences", str(path),
                          "--models", "pop,itemknn,als", "--budget", "2", "--params", params],
                         capture_output=True, text=True, timeout=240, env=env, cwd=tmp_path)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "OpenMP Loop" not in res.stderr and "OpenBLAS is configured" not in res.stderr, res.stderr[-3000:]
    assert "[3/3] als done" in res.stderr and "ETA" in res.stderr
    assert "| novelty@10 | gini@10 |" in res.stdout


def test_a_model_over_its_memory_bound_is_skipped_with_its_reason():
    """EASE over its item limit: reported as skipped (with why), the blend goes on without it."""
    from shopmind.eval.recs import format_table

    data = make_clusters(n_users=80, seed=6)  # 40 items
    lines: list[str] = []
    rep = eval_recs(data, ["itemknn", "ease", "blend"], budget_s=2, log=lines.append,
                    params={"ease": {"max_items": 30}})
    assert "40 items is over its limit of 30" in rep["models"]["ease"]["skipped"]
    assert rep["skipped"]["ease"] == rep["models"]["ease"]["skipped"]
    assert set(rep["models"]["blend"]["params"]["components"]) == {"itemknn"}
    assert any("ease: skipped" in s for s in lines) and "| ease | skipped:" in format_table(rep)


def test_blend_tuning_gives_a_flat_component_no_credit(clusters):
    """Blend weights are tuned with the same pessimistic ranks: a component scoring every item equal
    scores 0 alone on validation (it used to score a perfect 1.0 and win)."""
    from shopmind.recommend.blend import tune_blend

    from shopmind.recommend.popular import Popular

    class Flat(Popular):
        def score(self, hists):
            return np.zeros((len(hists), self.n_items), np.float32)

    val, _test = loo_splits(clusters)
    knn = make("itemknn").fit(val.train)
    _blend, info = tune_blend({"flat": Flat().fit(val.train), "itemknn": knn}, val)
    assert info["val_ndcg@10_alone"]["flat"] == 0.0
    assert info["val_ndcg@10_alone"]["itemknn"] > 0.5 and info["weights"]["itemknn"] > 0
