"""Sentiment: shipped models on held-out real reviews, aspects, summaries, the eval function."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from shopmind.text.evaluate import binary_labels, eval_sentiment, read_labelled
from shopmind.text.linear import LinearNgramClassifier
from shopmind.text.sentiment import default_analyzer, split_clauses, summarize

EN_TEST = "tests/data/reviews_electronics_en.csv"


@pytest.fixture(scope="module")
def analyzer():
    return default_analyzer()


@pytest.fixture(scope="module")
def zh_heldout(data_dir):
    d = pd.read_csv(data_dir / "reviews/online-shopping-zh/reviews.csv").dropna(subset=["review", "label"])
    _, te = train_test_split(d, test_size=0.2, random_state=0, stratify=d.label)  # the split the model never saw
    return te.sample(400, random_state=1)


def test_chinese_model_on_heldout_reviews(analyzer, zh_heldout):
    p = analyzer.score(zh_heldout.review.tolist())
    assert ((p >= 0.5) == zh_heldout.label.to_numpy()).mean() >= 0.9


def test_english_model_generalizes_to_electronics(analyzer):
    d = pd.read_csv(EN_TEST)
    assert len(d) >= 100 and set(d.category) >= {"phone", "headphones", "laptop"}
    p = analyzer.score(d.text.tolist())
    assert ((p >= 0.5) == d.label.to_numpy()).mean() >= 0.85


def test_aspects_on_a_real_review(analyzer, data_dir):
    review = pd.read_csv(data_dir / "reviews/online-shopping-zh/reviews.csv")["review"][0]
    res = analyzer.analyze(review)
    assert res["label"] == "positive" and res["language"] == "zh"
    found = {(a["aspect"], a["polarity"]) for a in res["aspects"]}
    assert {("appearance", "positive"), ("comfort", "positive"), ("delivery", "positive")} <= found
    # "卖家服务态度好" is found as the service aspect (its short clause alone scores near 0.5)
    assert "service" in {a for a, _ in found}
    en = analyzer.analyze("The screen is gorgeous, but the battery dies by noon.")
    pol = {a["aspect"]: a["polarity"] for a in en["aspects"]}
    assert pol == {"screen": "positive", "battery": "negative"}
    assert split_clauses("屏幕很好，但是电池不行") == ["屏幕很好", "电池不行"]


def test_summary_uses_ratings_when_given():
    analyses = [
        {"label": "positive", "aspects": [{"aspect": "battery", "polarity": "positive"}]},
        {"label": "negative", "aspects": [{"aspect": "battery", "polarity": "negative"},
                                          {"aspect": "delivery", "polarity": "negative"}]},
        {"label": "negative", "aspects": [{"aspect": "delivery", "polarity": "negative"}]},
    ]
    s = summarize(analyses, ratings=[None, 5, None])
    assert s["n"] == 3 and s["share_positive"] == round(2 / 3, 4)
    assert s["praised"] == [{"aspect": "battery", "count": 1}]
    assert s["complained"] == [{"aspect": "delivery", "count": 2}, {"aspect": "battery", "count": 1}]
    assert summarize([]) == {"n": 0, "share_positive": None, "praised": [], "complained": []}


def test_linear_model_round_trip(tmp_path, data_dir):
    d = pd.read_csv(data_dir / "reviews/online-shopping-zh/reviews.csv").dropna().sample(800, random_state=2)
    m = LinearNgramClassifier().fit(d.review.tolist()[:600], d.label.to_numpy()[:600])
    path = m.save(tmp_path / "m.npz")
    m2 = LinearNgramClassifier.load(path)
    test = d.review.tolist()[600:]
    assert np.allclose(m.predict_proba(test), m2.predict_proba(test), atol=2e-3)
    assert ((m2.predict_proba(test) >= 0.5) == d.label.to_numpy()[600:]).mean() > 0.75
    with pytest.raises(ValueError):
        LinearNgramClassifier().fit(["a", "b"], [1, 1])


def test_category_model_round_trip(tmp_path, data_dir):
    from shopmind.text.catlinear import CategoryNgramClassifier
    from shopmind.text.linear import NgramFeaturizer
    from shopmind.text.sentiment import load_model

    d = pd.read_csv(data_dir / "reviews/online-shopping-zh/reviews.csv").dropna().sample(1200, random_state=3)
    tr, te = d[:1000], d[1000:]
    m = CategoryNgramClassifier(NgramFeaturizer(n_features=2**20)).fit(tr.review.tolist(), tr.label.to_numpy(), tr.cat.tolist())
    m2 = load_model(m.save(tmp_path / "c.npz"))  # the category is not needed (nor given) at prediction
    test = te.review.tolist()
    assert isinstance(m2, CategoryNgramClassifier)
    assert np.allclose(m.predict_proba(test), m2.predict_proba(test), atol=2e-3)
    assert ((m2.predict_proba(test) >= 0.5) == te.label.to_numpy()).mean() > 0.8
    assert (np.array(m2.predict_category(test)) == te.cat.to_numpy()).mean() > 0.7
    assert m2.predict_category(["酒店房间很干净，前台服务热情"]) == ["酒店"]
    with pytest.raises(ValueError, match="categories"):
        CategoryNgramClassifier().fit(["a", "b"], [1, 0], ["x"])


def test_eval_sentiment_files(tmp_path, data_dir):
    d = pd.read_csv(data_dir / "reviews/online-shopping-zh/reviews.csv").dropna().sample(1000, random_state=3)
    d.iloc[:800].to_csv(tmp_path / "train.csv", index=False)
    d.iloc[800:].to_parquet(tmp_path / "test.parquet")
    res = eval_sentiment(tmp_path / "train.csv", tmp_path / "test.parquet", "review", "label")
    assert res["n"] == 200 and res["accuracy"] > 0.75 and 0 < res["macro_f1"] <= 1
    default = eval_sentiment(None, tmp_path / "test.parquet", "review", "label")
    assert default["n"] == 200 and default["accuracy"] > 0.85
    with pytest.raises(ValueError, match="no column 'text'"):
        read_labelled(tmp_path / "train.csv", "text", "label")


def test_label_formats():
    y, keep = binary_labels([5, 4, 3, 2, 1])
    assert y[keep].tolist() == [1, 1, 0, 0] and keep.tolist() == [True, True, False, True, True]
    assert binary_labels(["positive", "neg", "POS"])[0].tolist() == [1, 0, 1]
    with pytest.raises(ValueError, match="row 1 has 'meh'"):
        binary_labels(["pos", "meh"])
