"""TF-IDF keywords per product and LDA topics per category, over the search analyzer's tokens.

Keywords say what sets a product apart in its catalog (idf over the whole catalog); topics give each
category a few word groups that the admin UI shows and products are tagged with.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any, Iterable, Sequence

import numpy as np

__all__ = ["document_frequencies", "keywords", "fit_topics", "keyword_filter"]

_SKIP = re.compile(r"^(?:\d+(?:[./]\d+)?|[a-z]|\W+)$")


def keyword_filter(token: str) -> bool:
    """Tokens that can be keywords: not bare numbers, single Latin letters or punctuation."""
    return not _SKIP.match(token)


def document_frequencies(docs: Iterable[Sequence[str]]) -> tuple[Counter[str], int]:
    """Term -> number of documents containing it, and the number of documents."""
    df: Counter[str] = Counter()
    n = 0
    for toks in docs:
        df.update(set(toks))
        n += 1
    return df, n


def keywords(tokens: Sequence[str], df: Counter[str] | dict[str, int], n_docs: int, top: int = 8) -> list[list[Any]]:
    """[[term, weight], ...] of one document: sublinear tf x smooth idf, L2-normalized, best first."""
    tf = Counter(t for t in tokens if keyword_filter(t))
    if not tf:
        return []
    scores = {t: (1 + math.log(c)) * (math.log((1 + n_docs) / (1 + df.get(t, 0))) + 1) for t, c in tf.items()}
    norm = math.sqrt(sum(v * v for v in scores.values())) or 1.0
    best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return [[t, round(v / norm, 4)] for t, v in best]


def fit_topics(docs: Sequence[Sequence[str]], n_topics: int | None = None, top_words: int = 8,
               seed: int = 0, max_docs: int = 3000) -> dict[str, Any]:
    """LDA (sklearn) over token lists of one category: topics' top words and each doc's main topic.

    ``n_topics`` defaults to about one per 150 documents, between 2 and 12. Fits on at most
    ``max_docs`` documents (a seeded sample) and assigns all of them."""
    from sklearn.decomposition import LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer

    docs = [[t for t in d if keyword_filter(t)] for d in docs]
    nonempty = [i for i, d in enumerate(docs) if d]
    if len(nonempty) < 10:
        return {"topics": [], "assignments": [None] * len(docs)}
    k = n_topics or int(min(12, max(2, len(nonempty) // 150)))
    cv = CountVectorizer(analyzer=lambda d: d, min_df=2 if len(nonempty) >= 50 else 1, max_df=0.5, max_features=5000)
    X = cv.fit_transform([docs[i] for i in nonempty])
    if X.shape[1] < k:
        return {"topics": [], "assignments": [None] * len(docs)}
    rng = np.random.default_rng(seed)
    fit_rows = np.arange(X.shape[0]) if X.shape[0] <= max_docs else rng.choice(X.shape[0], max_docs, replace=False)
    lda = LatentDirichletAllocation(n_components=k, learning_method="online", max_iter=6, batch_size=512,
                                    random_state=seed, n_jobs=1)
    lda.fit(X[fit_rows])
    vocab = np.asarray(cv.get_feature_names_out())
    topics = []
    for j, comp in enumerate(lda.components_):
        order = np.argsort(-comp)[:top_words]
        topics.append({"topic": j, "words": [str(w) for w in vocab[order]],
                       "weight": round(float(comp.sum() / lda.components_.sum()), 4)})
    theta = lda.transform(X)
    assignments: list[dict[str, Any] | None] = [None] * len(docs)
    for row, i in enumerate(nonempty):
        j = int(theta[row].argmax())
        assignments[i] = {"topic": j, "p": round(float(theta[row, j]), 4)}
    return {"topics": topics, "assignments": assignments}
