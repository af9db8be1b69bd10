"""A category-aware hashed n-gram sentiment classifier: shared weights plus per-category weights.

Why: a review's words mean different things in different product categories ("不甜" for fruit, "小" for
a hotel room vs a phone). Training knows each review's category; prediction does not, so a linear
category classifier on the same features picks the per-category block. Four linear SVMs (TF-IDF and
NB-SVM, each plain and category-augmented "shared + per-category copy" features) are z-averaged into one
shared weight vector and one sparse weight vector per category. Saved as one .npz, no pickle.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from shopmind.text.linear import LinearNgramClassifier, NgramFeaturizer
from shopmind.text.modelfile import NpzModel, read_meta

__all__ = ["CategoryNgramClassifier"]


SENT_KEEP = 900_000  # per-category sentiment weights kept (of ~1-2M nonzero): keeps the .npz < 10 MB
CAT_KEEP = 60_000  # category-classifier weights kept per category


def _top(a: np.ndarray, keep: int) -> np.ndarray:
    """``a`` with all but its ``keep`` largest-magnitude entries set to 0."""
    a = np.asarray(a, np.float32).copy()
    flat = a.reshape(-1)
    if flat.size > keep:
        cut = np.partition(np.abs(flat), flat.size - keep)[flat.size - keep]
        flat[np.abs(flat) < cut] = 0
    return a


def _q8(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 codes of ``a`` with square-root companding (fine steps for the many small weights, coarse
    ones for the few large), and the array's max |a|; see ``_unq8``."""
    a = np.asarray(a, np.float32)
    top = float(np.abs(a).max()) if a.size else 0.0
    top = top or 1.0
    return (np.sign(a) * np.round(np.sqrt(np.abs(a) / top) * 127)).astype(np.int8), np.float32(top)


def _unq8(q: np.ndarray, top: np.ndarray) -> np.ndarray:
    f = q.astype(np.float32) / 127
    return np.sign(f) * f * f * np.float32(top)


def _augment(X: sp.csr_matrix, cats: np.ndarray, k: int) -> sp.csr_matrix:
    """[X, X copied into the block of each row's category] (Daume's feature augmentation)."""
    n, d = X.shape
    rows = np.repeat(np.arange(n), np.diff(X.indptr))
    A = sp.csr_matrix((X.data, (rows, X.indices + d * cats[rows])), shape=(n, d * k))
    return sp.hstack([X, A]).tocsr()



def _narrow(a: np.ndarray) -> np.ndarray:
    """Non-negative integers in the smallest unsigned dtype that holds them (readers cast to int64)."""
    return a.astype(np.min_scalar_type(int(a.max())) if len(a) else np.uint8)

class CategoryNgramClassifier(NpzModel):
    """Binary sentiment with category-specific weights chosen by a predicted category."""

    def __init__(self, featurizer: NgramFeaturizer | None = None, meta: dict[str, Any] | None = None) -> None:
        self.featurizer = featurizer or NgramFeaturizer()
        self.meta = meta or {}
        self.categories: list[str] = []
        self.support = self.idf = self.w = None  # support columns, their idf, shared weights
        self.b = 0.0
        self.calib = (1.0, 0.0)
        self.cat_W: sp.csr_matrix | None = None  # (K, support) category classifier
        self.cat_b: np.ndarray | None = None
        self.sent_W: sp.csr_matrix | None = None  # (K, support) per-category sentiment weights

    # -- features on the support ------------------------------------------------------------
    def _matrix(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Sublinear TF-IDF rows (two L2-normalized blocks, as NgramFeaturizer.weight) on the support."""
        X = self.featurizer.counts(list(texts))
        n = X.shape[0]
        rows = np.repeat(np.arange(n), np.diff(X.indptr))
        cols = X.indices.astype(np.int64)
        pos = np.minimum(np.searchsorted(self.support, cols), len(self.support) - 1)
        ok = self.support[pos] == cols
        rows, pos, tf = rows[ok], pos[ok], X.data[ok].astype(np.float32)
        val = (1 + np.log(tf)) * self.idf[pos]
        block = (self.support[pos] >= self.featurizer.n_features // 2).astype(np.int64)
        sq = np.bincount(rows * 2 + block, weights=val * val, minlength=2 * n).reshape(n, 2)
        norms = np.sqrt(sq)
        norms[norms == 0] = 1
        val = val / norms[rows, block] / np.sqrt(2)
        return sp.csr_matrix((val.astype(np.float32), (rows, pos)), shape=(n, len(self.support)))

    # -- training -----------------------------------------------------------------------------
    @staticmethod
    def _fit_parts(X, Xb, y, c, k, C, C_nb, C_cat, scales=None):
        from sklearn.svm import LinearSVC

        d = X.shape[1]
        w0, b0 = LinearNgramClassifier._fit_pair(X, Xb, y, C, C_nb)
        Xbin = Xb.copy()
        Xbin.data[:] = 1
        p = np.asarray(Xbin[y == 1].sum(0)).ravel() + 1
        q = np.asarray(Xbin[y == 0].sum(0)).ravel() + 1
        r = np.log((p / p.sum()) / (q / q.sum())).astype(np.float32)
        m3 = LinearSVC(C=C, random_state=0).fit(_augment(X, c, k), y)
        m4 = LinearSVC(C=C_nb, random_state=0).fit(_augment(X.multiply(r).tocsr(), c, k), y)
        cat = LinearSVC(C=C_cat, random_state=0).fit(X, c)
        w3, w4 = m3.coef_.ravel(), m4.coef_.ravel() * np.tile(r, k + 1)
        return {"w0": w0, "b0": b0, "w3": w3, "b3": float(m3.intercept_[0]), "w4": w4, "b4": float(m4.intercept_[0]),
                "cat_W": cat.coef_.astype(np.float32), "cat_b": cat.intercept_.astype(np.float32), "d": d}

    def _set(self, parts: dict, scales: tuple[float, float, float]) -> None:
        s0, s3, s4 = scales
        d = parts["d"]
        k = len(self.categories)
        w3, w4 = parts["w3"] / s3, parts["w4"] / s4
        self.w = (parts["w0"] / s0 + w3[:d] + w4[:d]).astype(np.float32)
        self.b = float(parts["b0"] / s0 + parts["b3"] / s3 + parts["b4"] / s4)
        per = (w3[d:] + w4[d:]).reshape(k, d)
        self.sent_W = sp.csr_matrix(_top(per, SENT_KEEP))  # the largest per-category adjustments only
        self.cat_W = sp.csr_matrix(np.vstack([_top(row, CAT_KEEP) for row in parts["cat_W"]]))
        self.cat_b = parts["cat_b"]

    def _raw(self, X: sp.csr_matrix) -> np.ndarray:
        cats = np.asarray((X @ self.cat_W.T).toarray() + self.cat_b).argmax(1)
        per = (X @ self.sent_W.T).toarray()
        return X @ self.w + self.b + per[np.arange(X.shape[0]), cats]

    def fit(self, texts: Sequence[str], labels: Iterable[int], categories: Sequence[str], C: float = 0.6,
            C_nb: float = 0.4, C_cat: float = 0.5, calib_share: float = 0.1, seed: int = 0) -> "CategoryNgramClassifier":
        """Train on texts, labels 1/0 and each text's category (needed at training time only)."""
        y = np.asarray(list(labels), dtype=np.int64)
        if not (len(texts) == len(y) == len(categories)):
            raise ValueError(f"fit: {len(texts)} texts, {len(y)} labels, {len(categories)} categories")
        if set(np.unique(y)) != {0, 1}:
            raise ValueError("fit: labels must contain both 0 and 1 (and nothing else)")
        self.categories = sorted({str(c) for c in categories})
        if len(self.categories) < 2:
            raise ValueError("fit: need at least 2 categories (use LinearNgramClassifier otherwise)")
        c = np.array([self.categories.index(str(x)) for x in categories])
        k = len(self.categories)
        Xc = self.featurizer.counts(list(texts))
        self.featurizer.fit_idf(Xc)
        self.support = np.flatnonzero(self.featurizer.idf > 0).astype(np.int64)
        self.idf = self.featurizer.idf[self.support].astype(np.float32)
        self.featurizer.idf = None
        Xb = Xc[:, self.support].tocsr()
        X = self._matrix(texts)
        hold = np.random.default_rng(seed).random(len(y)) < calib_share
        # first pass on 90 %: the held-out 10 % gives each part's decision scale and the calibration
        parts = self._fit_parts(X[~hold], Xb[~hold], y[~hold], c[~hold], k, C, C_nb, C_cat)
        Xh = X[hold]
        d0 = Xh @ parts["w0"] + parts["b0"]
        d3 = _augment(Xh, c[hold], k) @ parts["w3"] + parts["b3"]
        d4 = _augment(Xh, c[hold], k) @ parts["w4"] + parts["b4"]
        scales = tuple(float(v.std() or 1.0) for v in (d0, d3, d4))
        self._set(parts, scales)
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(C=100).fit(self._raw(Xh).reshape(-1, 1), y[hold])
        self.calib = (float(lr.coef_[0, 0]), float(lr.intercept_[0]))
        self._set(self._fit_parts(X, Xb, y, c, k, C, C_nb, C_cat), scales)
        self.meta.update({"n_train": int(len(y)), "C": C, "C_nb": C_nb, "C_cat": C_cat, "scales": list(scales)})
        return self

    # -- inference ------------------------------------------------------------------------------
    def decision(self, texts: Sequence[str]) -> np.ndarray:
        if self.w is None:
            raise RuntimeError("CategoryNgramClassifier: not trained")
        return self._raw(self._matrix(texts)).astype(np.float32)

    def predict_category(self, texts: Sequence[str]) -> list[str]:
        X = self._matrix(texts)
        return [self.categories[i] for i in np.asarray((X @ self.cat_W.T).toarray() + self.cat_b).argmax(1)]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability of positive, shape (n,)."""
        if len(texts) == 0:
            return np.zeros(0, np.float32)
        a, c = self.calib
        return (1 / (1 + np.exp(-(a * self.decision(texts) + c)))).astype(np.float32)

    # -- persistence ----------------------------------------------------------------------------
    def to_arrays(self) -> dict[str, np.ndarray]:
        """Compact arrays: int8 weights (square-root companded, one scale per array), support and per-category columns
        delta-coded (sorted), so the shipped file stays small (about 4 MB instead of 9)."""
        if self.w is None:
            raise RuntimeError("CategoryNgramClassifier: not trained")
        meta = {"kind": "category-ngram", "featurizer": self.featurizer.config(), "b": self.b,
                "calib": list(self.calib), "categories": self.categories, **self.meta, "format": 2}
        out = dict(idx_delta=_narrow(np.diff(self.support.astype(np.int64), prepend=0)),
                   idf=self.idf.astype(np.float16), cat_b=self.cat_b.astype(np.float32),
                   meta=np.array(json.dumps(meta, ensure_ascii=False)))
        out["w"], out["w_scale"] = _q8(self.w)
        for name, W in (("sent", self.sent_W), ("cat", self.cat_W)):
            coo = W.tocoo()
            order = np.lexsort((coo.col, coo.row))
            row, col = coo.row[order].astype(np.int64), coo.col[order].astype(np.int64)
            delta = np.diff(col, prepend=0)
            first = np.r_[True, row[1:] != row[:-1]] if len(row) else np.zeros(0, bool)
            delta[first] = col[first]
            out[f"{name}_row"], out[f"{name}_col_delta"] = row.astype(np.int8), _narrow(delta)
            out[f"{name}_val"], out[f"{name}_scale"] = _q8(coo.data[order])
        return out

    @classmethod
    def from_arrays(cls, z: Any, where: str = "model") -> "CategoryNgramClassifier":
        meta = read_meta(z, "category-ngram", where)
        cfg = meta.pop("featurizer")
        feat = NgramFeaturizer(int(cfg["n_features"]), tuple(cfg["char_ngrams"]), tuple(cfg["word_ngrams"]),
                               min_df=int(cfg.get("min_df", 2)))
        m = cls(feat)
        packed = int(meta.pop("format", 1)) >= 2  # format 1: float16 weights, plain indices
        m.support = np.cumsum(z["idx_delta"].astype(np.int64)) if packed else z["idx"].astype(np.int64)
        m.idf = z["idf"].astype(np.float32)
        m.w = _unq8(z["w"], z["w_scale"]) if packed else z["w"].astype(np.float32)
        m.categories = list(meta.pop("categories"))
        k, d = len(m.categories), len(m.support)
        for name in ("sent", "cat"):
            row = z[f"{name}_row"].astype(np.int64)
            if packed:
                col = z[f"{name}_col_delta"].astype(np.int64)
                starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]]) if len(row) else np.zeros(0, np.int64)
                seg = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(row)]))
                csum = np.cumsum(col)  # running sum restarted at each row's first entry
                col = csum - np.r_[0, csum[starts[1:] - 1]][seg] if len(row) else col
                val = _unq8(z[f"{name}_val"], z[f"{name}_scale"])
            else:
                col, val = z[f"{name}_col"].astype(np.int64), z[f"{name}_val"].astype(np.float32)
            setattr(m, f"{name}_W", sp.csr_matrix((val, (row, col)), shape=(k, d)))
        m.cat_b = z["cat_b"].astype(np.float32)
        m.b, m.calib = float(meta.pop("b")), tuple(meta.pop("calib"))
        m.meta = meta
        return m
