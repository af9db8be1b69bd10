"""Item-kNN on co-occurrence: asymmetric cosine with shrinkage, top-k neighbours per item, recency-weighted.

Also answers "bought together" / "viewed also viewed" (`also`: items most often next to this one).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from shopmind.recommend.base import Recommender, history_matrix, register
from shopmind.recommend.data import Interactions
from shopmind.recommend.ease import recency_weights


def topk_rows(m: np.ndarray, k: int) -> sp.csr_matrix:
    """Keep the k largest positive entries of each row of a dense matrix (as CSR)."""
    n = m.shape[0]
    k = min(k, m.shape[1])
    idx = np.argpartition(-m, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(m, idx, axis=1)
    keep = vals > 0
    rows = np.repeat(np.arange(n), k).reshape(n, k)[keep]
    return sp.csr_matrix((vals[keep], (rows, idx[keep])), shape=m.shape, dtype=np.float32)


@register
class ItemKNN(Recommender):
    """score(u, j) = Σ_{i in history} w(i) · sim(i, j), sim = c_ij / (n_i^α n_j^(1-α) + shrink)."""

    name = "itemknn"
    defaults = {"k": 100, "shrink": 10.0, "alpha": 0.5, "recency": 1.0}
    grid = {
        "k": [100, 50, 200, 400],
        "shrink": [10.0, 0.0, 50.0],
        "alpha": [0.5, 0.3, 0.7],
        "recency": [1.0, 0.8, 0.6, 0.4],
    }
    score_params = frozenset({"recency"})

    def _fit(self, data: Interactions) -> None:
        x = data.matrix()
        c = (x.T @ x).toarray().astype(np.float32)
        np.fill_diagonal(c, 0.0)
        n = np.asarray(x.sum(axis=0)).ravel().astype(np.float32)
        a = float(self.params["alpha"])
        denom = np.power(n, a)[:, None] * np.power(n, 1.0 - a)[None, :] + float(self.params["shrink"]) + 1e-9
        self.S = topk_rows(c / denom, int(self.params["k"]))
        self.counts = n
        self._cooc_fit(data)

    def _cooc_fit(self, data: Interactions) -> None:
        """Adjacent-pair counts (i followed by j within 3 steps): 'bought together' evidence."""
        rows, cols = [], []
        for s in data.sequences:
            for d in (1, 2, 3):
                if len(s) > d:
                    rows.append(s[:-d])
                    cols.append(s[d:])
        if rows:
            r, c = np.concatenate(rows), np.concatenate(cols)
            keep = r != c
            r, c = r[keep], c[keep]
            m = sp.csr_matrix((np.ones(len(r), np.float32), (r, c)), shape=(self.n_items, self.n_items))
            m = (m + m.T).tocsr()
        else:
            m = sp.csr_matrix((self.n_items, self.n_items), dtype=np.float32)
        m.sum_duplicates()
        self.adj = m

    def score(self, histories: list[np.ndarray]) -> np.ndarray:
        w = recency_weights(histories, float(self.params["recency"]))
        if len(histories) == 1:  # serving: sum the history's CSR rows directly (no sparse build)
            h = np.asarray(histories[0], dtype=np.int64)
            if w is None:
                h, ww = np.unique(h), None
            else:
                ww = np.asarray(w[0], np.float32)
            ptr, ind, dat = self.S.indptr, self.S.indices, self.S.data
            lens = ptr[h + 1] - ptr[h]
            sel = np.concatenate([np.arange(ptr[k], ptr[k + 1]) for k in h]) if len(h) else np.zeros(0, np.int64)
            vals = dat[sel] if ww is None else dat[sel] * np.repeat(ww, lens)
            return np.bincount(ind[sel], weights=vals, minlength=self.n_items).astype(np.float32)[None, :]
        return np.asarray((history_matrix(histories, self.n_items, w) @ self.S).toarray(), dtype=np.float32)

    def _item_scores(self, k: int) -> np.ndarray:
        return np.asarray(self.S[k].toarray()).ravel()

    def also(self, item_id: str, n: int = 10) -> tuple[list[str], np.ndarray]:
        """Items most often interacted with right before/after this one (bought together)."""
        self._check_fitted()
        if item_id not in self.item_index:
            raise KeyError(f"unknown item id {item_id!r}")
        k = self.item_index[item_id]
        row = self.adj[k]
        if row.nnz == 0:
            return [], np.zeros(0, np.float32)
        order = np.lexsort((row.indices, -row.data))[:n]
        return [self.item_ids[j] for j in row.indices[order]], row.data[order].astype(np.float32)

    def partial_fit_items(self, data: Interactions) -> None:
        """Refit similarities (cheap: one sparse product)."""
        self.fit(data)

    def _state(self) -> dict[str, np.ndarray]:
        return {
            "S_data": self.S.data, "S_indices": self.S.indices, "S_indptr": self.S.indptr,
            "A_data": self.adj.data, "A_indices": self.adj.indices, "A_indptr": self.adj.indptr,
            "counts": self.counts,
        }

    def _set_state(self, s: dict[str, np.ndarray]) -> None:
        n = len(s["counts"])
        self.S = sp.csr_matrix((s["S_data"], s["S_indices"], s["S_indptr"]), shape=(n, n))
        self.adj = sp.csr_matrix((s["A_data"], s["A_indices"], s["A_indptr"]), shape=(n, n))
        self.counts = s["counts"]
