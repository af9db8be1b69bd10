"""Item-kNN on co-occurrence: asymmetric cosine with shrinkage, top-k neighbours per item, recency-weighted.

Also answers "bought together" / "viewed also viewed" (`also`: items most often next to this one).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from shopmind.recommend.base import Recommender, history_matrix, register
from shopmind.recommend.data import Interactions
from shopmind.recommend.ease import recency_weights


#: entries of one block's co-occurrence product (item rows x all items): bounds the fit's working memory
BLOCK_NNZ = 8_000_000


def topk_sparse(m: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Keep the k largest positive entries of each CSR row (ties: lower column first); stays sparse.
    Rows with at most k entries are kept whole, so only the long rows are sorted."""
    m = m.tocsr()
    m.data[m.data <= 0] = 0.0
    m.eliminate_zeros()
    m.sort_indices()
    lens = np.diff(m.indptr)
    keep = np.ones(m.nnz, dtype=bool)
    for r in np.flatnonzero(lens > k).tolist():
        lo, hi = m.indptr[r], m.indptr[r + 1]
        order = np.lexsort((m.indices[lo:hi], -m.data[lo:hi]))
        keep[lo + order[k:]] = False
    ptr = np.concatenate([[0], np.cumsum(np.minimum(lens, k))]).astype(np.int64)
    return sp.csr_matrix((m.data[keep].astype(np.float32), m.indices[keep], ptr), shape=m.shape)


def row_blocks(cost: np.ndarray, budget: int) -> list[tuple[int, int]]:
    """Consecutive (start, stop) row ranges whose summed cost stays within budget (a row over budget
    gets a block of its own)."""
    bounds, start, acc = [], 0, 0
    for r, c in enumerate(cost.tolist()):
        if acc and acc + c > budget:
            bounds.append((start, r))
            start, acc = r, 0
        acc += c
    if start < len(cost):
        bounds.append((start, len(cost)))
    return bounds


def topk_similarity(x: sp.csr_matrix, k: int, alpha: float, shrink: float,
                    budget: int = BLOCK_NNZ) -> sp.csr_matrix:
    """Top-k asymmetric-cosine neighbours per item from a binary user x item matrix, never dense:
    co-occurrences are computed a block of item rows at a time (``xᵀ[block] @ x``, at most about
    ``budget`` entries), scaled and cut to k per row before the next block."""
    n_items = x.shape[1]
    xt = x.T.tocsr()
    counts = np.diff(xt.indptr).astype(np.float32)  # users per item (binary x)
    user_len = np.diff(x.indptr).astype(np.int64)
    cost = np.asarray(xt @ user_len).ravel().astype(np.int64)  # entries of each item's co-occurrence row
    pa, pb = np.power(counts, alpha), np.power(counts, 1.0 - alpha)
    parts = []
    for i0, i1 in row_blocks(cost, budget):
        if not cost[i0:i1].any():
            parts.append(sp.csr_matrix((i1 - i0, n_items), dtype=np.float32))
            continue
        c = (xt[i0:i1] @ x).tocsr()
        r = np.repeat(np.arange(i1 - i0), np.diff(c.indptr))
        c.data = c.data / (pa[i0 + r] * pb[c.indices] + shrink + 1e-9)
        c.data[c.indices == i0 + r] = 0.0  # no self-similarity
        parts.append(topk_sparse(c, k))
        del c, r
    return sp.vstack(parts, format="csr", dtype=np.float32) if parts else sp.csr_matrix((0, n_items), dtype=np.float32)


@register
class ItemKNN(Recommender):
    """score(u, j) = Σ_{i in history} w(i) · sim(i, j), sim = c_ij / (n_i^α n_j^(1-α) + shrink).

    Memory: O(interactions + items·k) for the model (top-k neighbours per item, CSR) plus one block of
    co-occurrences while fitting (at most max(`BLOCK_NNZ`, items) entries, ~300 MB with its
    temporaries); never items x items (500,000 items, 2.5M events: ~1 GB peak RSS, see
    benchmarks/RESULTS.md). Scoring a batch of histories is dense only in (batch x items)."""

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
        self.S = topk_similarity(x, int(self.params["k"]), float(self.params["alpha"]), float(self.params["shrink"]))
        self.counts = np.bincount(x.indices, minlength=self.n_items).astype(np.float32)
        self._cooc_fit(data)

    def _cooc_fit(self, data: Interactions) -> None:
        """Adjacent-pair counts (i followed by j within 3 steps): 'bought together' evidence.
        Vectorized over the concatenated histories: O(interactions) memory."""
        flat, lens = self._hist_items, np.diff(self._hist_ptr)
        uid = np.repeat(np.arange(len(lens), dtype=np.int64), lens)
        rows, cols = [], []
        for d in (1, 2, 3):
            if len(flat) > d:
                same = uid[:-d] == uid[d:]
                rows.append(flat[:-d][same])
                cols.append(flat[d:][same])
        r = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        c = np.concatenate(cols) if cols else np.zeros(0, np.int64)
        keep = r != c
        r, c = r[keep], c[keep]
        m = sp.csr_matrix((np.ones(len(r), np.float32), (r, c)), shape=(self.n_items, self.n_items))
        m = (m + m.T).tocsr()
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
