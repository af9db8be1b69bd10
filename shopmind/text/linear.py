"""A hashed n-gram linear text classifier (char 1-4 grams + word 1-3 grams, TF-IDF, SVM + NB-SVM).

Why: on Chinese reviews it beats plain TF-IDF + logistic regression, trains in a minute on 2 cores,
predicts ~10k texts/s, and saves as one small .npz (no vocabulary, no pickle).
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any, Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from shopmind.text.modelfile import NpzModel, read_meta

__all__ = ["NgramFeaturizer", "LinearNgramClassifier"]

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[\u3400-\u9fff]+|[!?！？]")


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _words(text: str) -> list[str]:
    """Words: jieba for Chinese runs, regex words for the rest, "!"/"?" kept (they carry tone)."""
    out: list[str] = []
    for m in _WORD_RE.finditer(text):
        w = m.group()
        if _CJK_RUN.fullmatch(w):
            from shopmind.text.tokenize import _get_jieba

            out.extend(_get_jieba().lcut(w))
        else:
            out.append(w)
    return out


class NgramFeaturizer:
    """Hashed sublinear TF-IDF over char n-grams and word n-grams, rows L2-normalized."""

    def __init__(self, n_features: int = 2**24, char_ngrams: tuple[int, int] = (1, 4),
                 word_ngrams: tuple[int, int] = (1, 3), idf: np.ndarray | None = None, min_df: int = 2) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        self.n_features = int(n_features)
        self.char_ngrams = tuple(char_ngrams)
        self.word_ngrams = tuple(word_ngrams)
        self.idf = idf
        self.min_df = int(min_df)
        # two hashed blocks, char n-grams then word n-grams, each L2-normalized on its own
        half = self.n_features // 2
        self._hv_char = HashingVectorizer(analyzer=self._chars, n_features=half, alternate_sign=False, norm=None)
        self._hv_word = HashingVectorizer(analyzer=self._words, n_features=half, alternate_sign=False, norm=None)

    def _chars(self, text: str) -> list[str]:
        t = re.sub(r"\s+", " ", _clean(text))
        lo, hi = self.char_ngrams
        feats: list[str] = []
        for n in range(lo, hi + 1):
            feats.extend(t[i : i + n] for i in range(len(t) - n + 1))
        return feats

    def _words(self, text: str) -> list[str]:
        ws = _words(_clean(text))
        lo, hi = self.word_ngrams
        feats: list[str] = []
        for n in range(lo, hi + 1):
            feats.extend(" ".join(ws[i : i + n]) for i in range(len(ws) - n + 1))
        return feats

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        return sp.hstack([self._hv_char.transform(texts), self._hv_word.transform(texts)]).tocsr()

    def fit_idf(self, X: sp.csr_matrix) -> None:
        df = np.bincount(X.indices, minlength=self.n_features).astype(np.float64)
        n = X.shape[0]
        idf = np.log((1 + n) / (1 + df)) + 1
        idf[df < self.min_df] = 0.0  # n-grams seen in fewer documents carry noise, not signal
        self.idf = idf.astype(np.float32)

    def weight(self, X: sp.csr_matrix) -> sp.csr_matrix:
        """Counts -> sublinear TF-IDF, L2 rows."""
        if self.idf is None:
            raise RuntimeError("NgramFeaturizer: idf not fitted")
        X = X.astype(np.float32, copy=True)
        X.data = 1 + np.log(X.data)
        X = X.multiply(self.idf).tocsr()
        half = self.n_features // 2
        blocks = []
        for B in (X[:, :half], X[:, half:]):
            norms = np.sqrt(np.asarray(B.multiply(B).sum(1)).ravel())
            norms[norms == 0] = 1
            blocks.append(sp.diags(1 / norms).dot(B))
        return (sp.hstack(blocks).tocsr() * np.float32(1 / np.sqrt(2))).astype(np.float32)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self.weight(self.counts(texts))

    def config(self) -> dict[str, Any]:
        return {"n_features": self.n_features, "char_ngrams": list(self.char_ngrams),
                "word_ngrams": list(self.word_ngrams), "min_df": self.min_df}


class LinearNgramClassifier(NpzModel):
    """Binary classifier: an SVM on TF-IDF and an NB-SVM (log-count-ratio scaled) averaged after
    z-scoring; the average is itself linear, so one weight vector is kept. Platt-scaled probabilities."""

    def __init__(self, featurizer: NgramFeaturizer | None = None, w: np.ndarray | None = None, b: float = 0.0,
                 calib: tuple[float, float] = (1.0, 0.0), meta: dict[str, Any] | None = None) -> None:
        self.featurizer = featurizer or NgramFeaturizer()
        self.w, self.b, self.calib = w, b, calib
        self.meta = meta or {}
        self._support: np.ndarray | None = None  # sorted hashed columns with idf > 0
        self._w_s = self._idf_s = None
        if w is not None and self.featurizer.idf is not None:
            self._compact(np.flatnonzero(self.featurizer.idf > 0), w, self.featurizer.idf)

    def _compact(self, support: np.ndarray, w: np.ndarray, idf: np.ndarray, aligned: bool = False) -> None:
        """Keep only the support (about 1M of 16M hashed columns): ~8 MB instead of two dense arrays."""
        self._support = support.astype(np.int64)
        self._w_s = (w if aligned else w[support]).astype(np.float32)
        self._idf_s = (idf if aligned else idf[support]).astype(np.float32)
        self.w = None  # the dense training-time vectors are not needed for prediction
        self.featurizer.idf = None

    # -- training -------------------------------------------------------------------------------
    @staticmethod
    def _fit_pair(X: sp.csr_matrix, Xc: sp.csr_matrix, y: np.ndarray, C: float, C_nb: float) -> tuple[np.ndarray, float]:
        from sklearn.svm import LinearSVC

        Xb = Xc.copy()
        Xb.data[:] = 1
        p = np.asarray(Xb[y == 1].sum(0)).ravel() + 1
        q = np.asarray(Xb[y == 0].sum(0)).ravel() + 1
        r = np.log((p / p.sum()) / (q / q.sum())).astype(np.float32)
        m1 = LinearSVC(C=C, random_state=0).fit(X, y)
        m2 = LinearSVC(C=C_nb, random_state=0).fit(X.multiply(r).tocsr(), y)
        d1, d2 = m1.decision_function(X), m2.decision_function(X.multiply(r).tocsr())
        s1, s2 = d1.std() or 1.0, d2.std() or 1.0
        w = m1.coef_.ravel() / s1 + m2.coef_.ravel() * r / s2
        b = (m1.intercept_[0] - d1.mean()) / s1 + (m2.intercept_[0] - d2.mean()) / s2
        return w.astype(np.float32), float(b)

    def fit(self, texts: Sequence[str], labels: Iterable[int], C: float = 0.6, C_nb: float = 0.4,
            calib_share: float = 0.1, seed: int = 0) -> "LinearNgramClassifier":
        """Train on texts with labels 1 (positive) / 0 (negative)."""
        y = np.asarray(list(labels), dtype=np.int64)
        if len(texts) != len(y):
            raise ValueError(f"fit: {len(texts)} texts but {len(y)} labels")
        if set(np.unique(y)) != {0, 1}:
            raise ValueError("fit: labels must contain both 0 and 1 (and nothing else)")
        Xc = self.featurizer.counts(texts)
        self.featurizer.fit_idf(Xc)
        X = self.featurizer.weight(Xc)
        rng = np.random.default_rng(seed)
        hold = rng.random(len(y)) < calib_share
        if calib_share > 0 and hold.sum() >= 20 and len(np.unique(y[~hold])) == 2:
            w, b = self._fit_pair(X[~hold], Xc[~hold], y[~hold], C, C_nb)
            d = X[hold] @ w + b
            from sklearn.linear_model import LogisticRegression

            lr = LogisticRegression(C=100).fit(d.reshape(-1, 1), y[hold])
            self.calib = (float(lr.coef_[0, 0]), float(lr.intercept_[0]))
        w, self.b = self._fit_pair(X, Xc, y, C, C_nb)
        self._compact(np.flatnonzero(self.featurizer.idf > 0), w, self.featurizer.idf)
        self.meta.update({"n_train": int(len(y)), "C": C, "C_nb": C_nb})
        return self

    # -- inference ------------------------------------------------------------------------------
    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """w . tfidf(text) + b, computed on the support only (same result as the dense product)."""
        if self._support is None:
            raise RuntimeError("LinearNgramClassifier: not trained")
        X = self.featurizer.counts(list(texts))
        n = X.shape[0]
        rows = np.repeat(np.arange(n), np.diff(X.indptr))
        cols = X.indices.astype(np.int64)
        pos = np.minimum(np.searchsorted(self._support, cols), len(self._support) - 1)
        ok = self._support[pos] == cols
        rows, pos, tf = rows[ok], pos[ok], X.data[ok].astype(np.float32)
        val = (1 + np.log(tf)) * self._idf_s[pos]
        block = (self._support[pos] >= self.featurizer.n_features // 2).astype(np.int64)
        sq = np.bincount(rows * 2 + block, weights=val * val, minlength=2 * n).reshape(n, 2)
        norms = np.sqrt(sq)
        norms[norms == 0] = 1
        contrib = val * self._w_s[pos] / norms[rows, block]
        dots = np.bincount(rows, weights=contrib, minlength=n) / np.sqrt(2)
        return (dots + self.b).astype(np.float32)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability of positive, shape (n,)."""
        if len(texts) == 0:
            return np.zeros(0, np.float32)
        a, c = self.calib
        return (1 / (1 + np.exp(-(a * self.decision(texts) + c)))).astype(np.float32)

    # -- persistence ----------------------------------------------------------------------------
    def to_arrays(self) -> dict[str, np.ndarray]:
        meta = {"kind": "linear-ngram", "featurizer": self.featurizer.config(), "b": self.b,
                "calib": list(self.calib), **self.meta}
        # the weights only matter where idf > 0, so both are stored on that support
        if self._support is None:
            raise RuntimeError("LinearNgramClassifier: not trained")
        return dict(idx=self._support.astype(np.int32), w=self._w_s.astype(np.float16),
                    idf=self._idf_s.astype(np.float16), meta=np.array(json.dumps(meta)))

    @classmethod
    def from_arrays(cls, z: Any, where: str = "model") -> "LinearNgramClassifier":
        meta = read_meta(z, "linear-ngram", where)
        cfg = meta.pop("featurizer")
        n = int(cfg["n_features"])
        idx, w, idf = z["idx"], z["w"].astype(np.float32), z["idf"].astype(np.float32)
        feat = NgramFeaturizer(n, tuple(cfg["char_ngrams"]), tuple(cfg["word_ngrams"]), min_df=int(cfg.get("min_df", 2)))
        b, calib = float(meta.pop("b")), tuple(meta.pop("calib"))
        model = cls(feat, None, b, calib, meta)
        model._compact(idx, w, idf, aligned=True)
        return model
