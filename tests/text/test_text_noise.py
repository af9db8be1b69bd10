"""Label-noise cleaning (shopmind/text/noise.py) on synthetic data with known flipped labels."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from shopmind.text.noise import clean, out_of_fold_proba, pick_suspicious


@pytest.fixture(scope="module")
def noisy():
    """Two well-separated Gaussian classes (the Bayes error on clean labels ~0.2 %), 5 % of the labels flipped."""
    rng = np.random.default_rng(0)
    n = 2000
    y_true = rng.integers(0, 2, n)
    X = rng.normal(size=(n, 5)) + np.where(y_true[:, None] == 1, 2.0, -2.0) * np.array([1, 1, 0, 0, 0])
    flipped = rng.choice(n, n // 20, replace=False)
    y = y_true.copy()
    y[flipped] = 1 - y[flipped]

    def fit_predict(tr, te):
        return LogisticRegression().fit(X[tr], y[tr]).predict_proba(X[te])[:, 1]

    return y_true, y, flipped, out_of_fold_proba(fit_predict, y, k=5, seed=0)


def test_out_of_fold_covers_every_row(noisy):
    y_true, y, _, p = noisy
    assert p.shape == y.shape and not np.isnan(p).any()
    assert np.mean((p >= 0.5) == y_true) > 0.97  # the model learns the clean concept despite the noise


@pytest.mark.parametrize("share", [0.05, None])
def test_picker_finds_most_flipped_labels(noisy, share):
    _, y, flipped, p = noisy
    bad = pick_suspicious(p, y, share)
    hit = np.isin(bad, flipped)
    recall = hit.sum() / len(flipped)
    precision = hit.mean()
    assert recall >= 0.8, recall  # a random pick of 5 % would find ~5 %
    assert precision >= 0.8, precision


def test_picker_orders_by_suspicion_and_respects_share(noisy):
    _, y, _, p = noisy
    bad = pick_suspicious(p, y, 0.01)
    assert len(bad) == 20
    against = np.where(y == 1, 1 - p, p)
    assert np.all(np.diff(against[bad]) <= 0) and np.all(against[bad] > 0.5)
    assert against[bad].min() >= np.sort(against)[-20]  # the 20 most contradicted rows
    assert len(pick_suspicious(p, y, 0.0)) == 0
    with pytest.raises(ValueError):
        pick_suspicious(p, y, 1.5)


def test_clean_drops_or_flips(noisy):
    y_true, y, flipped, _ = noisy
    rows, lab = clean(y, flipped, "drop")
    assert len(rows) == len(y) - len(flipped) and np.array_equal(lab, y_true[rows])
    rows, lab = clean(y, flipped, "relabel")
    assert np.array_equal(rows, np.arange(len(y))) and np.array_equal(lab, y_true)
    with pytest.raises(ValueError):
        clean(y, flipped, "weight")
