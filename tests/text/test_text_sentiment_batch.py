"""What the enrichment step asks of the analyzer: repeated texts scored once, overall scores skipped
where the star rating decides, and the same summaries as before."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # loads the Chinese and English models (~10-30 s on 2 busy cores)

from shopmind.text.sentiment import default_analyzer, rating_decides, summarize

REVIEWS = [
    ("Battery life is great but the case feels cheap.", 5),
    ("电池续航很好，但是外壳做工一般。", 3),
    ("Battery life is great but the case feels cheap.", None),
    ("物流很快，包装很好，音质不错。", 1),
]


@pytest.fixture(scope="module")
def analyzer():
    return default_analyzer()


def test_score_repeated_texts_once_in_order(analyzer):
    texts = [t for t, _ in REVIEWS]
    s = analyzer.score(texts + texts[::-1])
    single = [float(analyzer.score([t])[0]) for t in texts]
    assert s.shape == (8,)
    assert list(s[:4]) == pytest.approx(single, abs=1e-5)
    assert list(s[4:]) == pytest.approx(single[::-1], abs=1e-5)
    assert len(analyzer.score([])) == 0


def test_overall_flags_skip_only_the_whole_text_score(analyzer):
    texts = [t for t, _ in REVIEWS]
    full = analyzer.analyze_many(texts)
    flags = [not rating_decides(r) for _, r in REVIEWS]
    assert flags == [False, True, True, False]
    part = analyzer.analyze_many(texts, overall=flags)
    for f, a, b in zip(flags, full, part):
        assert a["aspects"] == b["aspects"] and a["aspects"]  # clauses are scored either way
        assert (b["label"], b["score"]) == ((a["label"], a["score"]) if f else (None, None))
    ratings = [r for _, r in REVIEWS]
    assert summarize(part, ratings) == summarize(full, ratings)
    with pytest.raises(ValueError, match="overall flags"):
        analyzer.analyze_many(texts, overall=[True])
