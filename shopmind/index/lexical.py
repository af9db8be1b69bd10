"""Fielded BM25 index in scipy sparse matrices: a compacted main segment plus a small live delta.

Each field keeps BM25-saturated term frequencies (docs x vocab, CSC for column sums); idf is applied at
query time from document frequencies that are updated incrementally, so adding, editing or deleting a
product only rebuilds the delta segment (milliseconds) and never the main one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

import scipy.sparse as sp
from shopmind.durable import write_npz, write_text
from shopmind.index.persist import load_meta

FIELDS: tuple[str, ...] = ("title", "brand", "category", "attributes", "description")
DEFAULT_WEIGHTS: dict[str, float] = {
    "title": 3.0,
    "brand": 2.0,
    "category": 1.5,
    "attributes": 1.0,
    "description": 0.6,
}
FORMAT_VERSION = 1


def _saturate(tf: sp.csr_matrix, dl: np.ndarray, avgdl: float, k1: float, b: float) -> sp.csc_matrix:
    """tf*(k1+1)/(tf + k1*(1-b+b*dl/avgdl)) for every stored entry, as a CSC matrix."""
    tf = tf.tocsr().astype(np.float32)
    norm = (k1 * (1.0 - b + b * dl / max(avgdl, 1e-9))).astype(np.float32)
    rows = np.repeat(np.arange(tf.shape[0]), np.diff(tf.indptr))
    data = tf.data * (k1 + 1.0) / (tf.data + norm[rows])
    out = sp.csr_matrix((data.astype(np.float32), tf.indices, tf.indptr), shape=tf.shape)
    return out.tocsc()


class _Segment:
    """Rows [start, start+n) of the index: raw tf (CSR) and saturated tf (CSC) per field."""

    def __init__(self, start: int, tf: dict[str, sp.csr_matrix], dl: dict[str, np.ndarray]) -> None:
        self.start = start
        self.tf = tf
        self.dl = dl
        self.sat: dict[str, sp.csc_matrix] = {}

    @property
    def n(self) -> int:
        return next(iter(self.tf.values())).shape[0]

    def saturate(self, avgdl: dict[str, float], k1: float, b: float) -> None:
        self.sat = {f: _saturate(self.tf[f], self.dl[f], avgdl[f], k1, b) for f in self.tf}


class LexicalIndex:
    """BM25 over several weighted fields; rows are the shared row numbers of the index set."""

    def __init__(
        self,
        fields: Sequence[str] = FIELDS,
        weights: dict[str, float] | None = None,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        self.fields = tuple(fields)
        self.weights = {f: float((weights or DEFAULT_WEIGHTS).get(f, 1.0)) for f in self.fields}
        self.k1, self.b = k1, b
        self.vocab: dict[str, int] = {}
        self.df = np.zeros(0, dtype=np.int64)
        self.n_alive = 0
        self.alive = np.zeros(0, dtype=bool)
        self.avgdl = {f: 1.0 for f in self.fields}
        self.main: _Segment | None = None
        self.delta_rows: dict[int, dict[str, list[str]]] = {}  # row -> field -> terms
        self.delta: _Segment | None = None
        self.seq_field = "title"
        self.seqs: list[tuple[int, ...]] = []  # per row: ordered term ids of the title (ranker features)

    # -- building --------------------------------------------------------------------------------
    def _ids(self, terms: Iterable[str], grow: bool) -> list[int]:
        out = []
        for t in terms:
            i = self.vocab.get(t)
            if i is None:
                if not grow:
                    continue
                i = self.vocab[t] = len(self.vocab)
            out.append(i)
        return out

    def _matrix(self, docs: list[dict[str, list[str]]], field: str) -> tuple[sp.csr_matrix, np.ndarray]:
        indptr, indices, data = [0], [], []
        for d in docs:
            ids = self._ids(d.get(field, ()), grow=True)
            k = 0
            if ids:
                u, c = np.unique(np.asarray(ids, dtype=np.int64), return_counts=True)
                indices.append(u)
                data.append(c)
                k = len(u)
            indptr.append(indptr[-1] + k)
        ind = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
        dat = np.concatenate(data) if data else np.zeros(0, dtype=np.int64)
        m = sp.csr_matrix(
            (dat.astype(np.float32), ind.astype(np.int32), np.asarray(indptr, dtype=np.int64)),
            shape=(len(docs), len(self.vocab)),
        )
        dl = np.asarray(m.sum(axis=1)).ravel().astype(np.float32)
        return m, dl

    def build(self, docs: list[dict[str, list[str]]]) -> None:
        """Index ``docs`` (one dict field -> terms per row, rows 0..n-1) as the main segment."""
        self.vocab = {}
        tf, dl = {}, {}
        for f in self.fields:
            tf[f], dl[f] = self._matrix(docs, f)
        V = len(self.vocab)
        tf = {f: sp.csr_matrix((m.data, m.indices, m.indptr), shape=(m.shape[0], V)) for f, m in tf.items()}
        self.main = _Segment(0, tf, dl)
        self.alive = np.ones(len(docs), dtype=bool)
        self.seqs = [tuple(self._ids(d.get(self.seq_field, ()), grow=False)) for d in docs]
        self.delta_rows, self.delta = {}, None
        self._finish_main()

    def _finish_main(self) -> None:
        assert self.main is not None
        alive = self.alive[: self.main.n]
        for f in self.fields:
            d = self.main.dl[f][alive]
            self.avgdl[f] = float(d.mean()) if len(d) and d.mean() > 0 else 1.0
        self.main.saturate(self.avgdl, self.k1, self.b)
        self._recount_df()

    def _doc_terms_union(self, seg_tf: dict[str, sp.csr_matrix], mask: np.ndarray) -> np.ndarray:
        """Per-term count of masked rows that contain the term in any field."""
        V = len(self.vocab)
        any_m = None
        for f in self.fields:
            m = seg_tf[f]
            m = sp.csr_matrix((np.ones_like(m.data), m.indices, m.indptr), shape=(m.shape[0], V))
            any_m = m if any_m is None else any_m + m
        any_m = any_m[np.flatnonzero(mask)]
        any_m.data[:] = 1
        return np.asarray(any_m.sum(axis=0)).ravel().astype(np.int64)

    def _recount_df(self) -> None:
        V = len(self.vocab)
        df = np.zeros(V, dtype=np.int64)
        if self.main is not None and self.main.n:
            tf = {f: sp.csr_matrix((m.data, m.indices, m.indptr), shape=(m.shape[0], V)) for f, m in self.main.tf.items()}
            df += self._doc_terms_union(tf, self.alive[: self.main.n])
        for row, d in self.delta_rows.items():
            if self.alive[row]:
                for i in set(self._ids((t for ts in d.values() for t in ts), grow=False)):
                    df[i] += 1
        self.df = df
        self.n_alive = int(self.alive.sum())

    # -- incremental updates ------------------------------------------------------------------------
    def add(self, row: int, doc: dict[str, list[str]]) -> None:
        """Index ``doc`` at ``row`` (a new row at the end, or a delta row being replaced)."""
        if row < len(self.alive) and self.alive[row]:
            self.remove(row)
        if row >= len(self.alive):
            self.alive = np.concatenate([self.alive, np.zeros(row + 1 - len(self.alive), dtype=bool)])
        self._ids((t for ts in doc.values() for t in ts), grow=True)
        if len(self.df) < len(self.vocab):
            self.df = np.concatenate([self.df, np.zeros(len(self.vocab) - len(self.df), dtype=np.int64)])
        self.delta_rows[row] = {f: list(doc.get(f, ())) for f in self.fields}
        if len(self.seqs) <= row:
            self.seqs.extend([()] * (row + 1 - len(self.seqs)))
        self.seqs[row] = tuple(self._ids(doc.get(self.seq_field, ()), grow=False))
        for i in set(self._ids((t for ts in doc.values() for t in ts), grow=False)):
            self.df[i] += 1
        self.alive[row] = True
        self.n_alive += 1

    def remove(self, row: int) -> None:
        """Forget ``row`` (its terms no longer count in document frequencies)."""
        if row >= len(self.alive) or not self.alive[row]:
            return
        self.alive[row] = False
        self.n_alive -= 1
        if row in self.delta_rows:
            terms = self.delta_rows.pop(row)
            ids = set(self._ids((t for ts in terms.values() for t in ts), grow=False))
        else:
            assert self.main is not None
            ids = set()
            for f in self.fields:
                m = self.main.tf[f]
                ids.update(m.indices[m.indptr[row] : m.indptr[row + 1]].tolist())
        for i in ids:
            self.df[i] -= 1

    def refresh(self) -> None:
        """Rebuild the delta segment from the live rows added since the main build (fast: small)."""
        if not self.delta_rows:
            self.delta = None
            return
        start = self.main.n if self.main is not None else 0
        n = len(self.alive) - start
        docs: list[dict[str, list[str]]] = [self.delta_rows.get(start + i, {}) for i in range(n)]
        tf, dl = {}, {}
        for f in self.fields:
            tf[f], dl[f] = self._matrix(docs, f)
        self.delta = _Segment(start, tf, dl)
        self.delta.saturate(self.avgdl, self.k1, self.b)

    # -- scoring --------------------------------------------------------------------------------------
    def term_ids(self, terms: Iterable[str]) -> np.ndarray:
        return np.asarray(self._ids(terms, grow=False), dtype=np.int64)

    def idf(self, ids: np.ndarray) -> np.ndarray:
        df = self.df[ids].astype(np.float64)
        n = max(self.n_alive, 1)
        return np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)

    def score(
        self, terms: Sequence[str], weights: dict[str, float] | None = None, term_weights: Sequence[float] | None = None,
        per_field: dict[str, np.ndarray] | None = None,
    ) -> np.ndarray:
        """BM25 score of every row (dead rows 0) for the query terms; repeated terms count once.

        ``per_field``, when given (an empty dict), receives each field's unweighted score array."""
        n = len(self.alive)
        out = np.zeros(n, dtype=np.float32)
        if per_field is not None:
            per_field.update({f: np.zeros(n, dtype=np.float32) for f in self.fields})
        tw = dict(zip(terms, term_weights)) if term_weights is not None else {}
        uniq = list(dict.fromkeys(t for t in terms if t in self.vocab))
        if not uniq:
            return out
        ids = self.term_ids(uniq)
        q = self.idf(ids) * np.asarray([tw.get(t, 1.0) for t in uniq], dtype=np.float32)
        w = weights or self.weights
        for seg in (self.main, self.delta):
            if seg is None or seg.n == 0:
                continue
            for f in self.fields:
                wf = w.get(f, 0.0)
                if wf == 0 and per_field is None:
                    continue
                m = seg.sat[f]
                target = per_field[f] if per_field is not None else None
                for t, qt in zip(ids.tolist(), q.tolist()):
                    if t >= m.shape[1]:
                        continue
                    a, b = m.indptr[t], m.indptr[t + 1]
                    if a == b:
                        continue
                    rows = m.indices[a:b] + seg.start
                    contrib = m.data[a:b] * qt  # rows are unique within a column: plain += is exact
                    out[rows] += wf * contrib
                    if target is not None:
                        target[rows] += contrib
        out[~self.alive] = 0
        return out

    def field_scores(self, rows: np.ndarray, terms: Sequence[str]) -> dict[str, np.ndarray]:
        """Unweighted BM25 of each field for the given rows (ranker features)."""
        out = {f: np.zeros(len(rows), dtype=np.float32) for f in self.fields}
        uniq = list(dict.fromkeys(t for t in terms if t in self.vocab))
        if not uniq or len(rows) == 0:
            return out
        ids = self.term_ids(uniq)
        q = self.idf(ids)
        for seg in (self.main, self.delta):
            if seg is None or seg.n == 0:
                continue
            sel = np.flatnonzero((rows >= seg.start) & (rows < seg.start + seg.n))
            if len(sel) == 0:
                continue
            ncol = next(iter(seg.sat.values())).shape[1]
            keep = ids < ncol
            if not keep.any():
                continue
            local = rows[sel] - seg.start
            for f in self.fields:
                sub = seg.sat[f][:, ids[keep]].tocsr()[local]
                out[f][sel] = sub @ q[keep]
        return out

    def term_rows(self, term_id: int, fields: Sequence[str] | None = None, unique: bool = True) -> np.ndarray:
        """Rows (alive or not) whose given fields (default all) contain the term (``unique=False``: a row
        may repeat, once per field)."""
        parts = []
        for seg in (self.main, self.delta):
            if seg is None or seg.n == 0:
                continue
            for f in fields or self.fields:
                m = seg.sat[f]
                if term_id < m.shape[1]:
                    parts.append(seg.start + m.indices[m.indptr[term_id] : m.indptr[term_id + 1]])
        if not parts:
            return np.zeros(0, dtype=np.int64)
        allr = np.concatenate(parts)
        return np.unique(allr) if unique else allr

    def row_terms(self, row: int, field: str) -> list[int]:
        """Term ids present in one row's field."""
        if row in self.delta_rows:
            return self._ids(self.delta_rows[row].get(field, ()), grow=False)
        if self.main is None or row >= self.main.n:
            return []
        m = self.main.tf[field]
        return m.indices[m.indptr[row] : m.indptr[row + 1]].tolist()

    # -- compaction and persistence ------------------------------------------------------------------
    def compact(self, order: np.ndarray) -> None:
        """Rebuild as one main segment with rows ``order`` (old row numbers, alive ones) as 0..n-1."""
        V = len(self.vocab)
        parts: dict[str, list[sp.csr_matrix]] = {f: [] for f in self.fields}
        if self.delta_rows:
            self.refresh()
        for f in self.fields:
            blocks = []
            if self.main is not None:
                m = self.main.tf[f]
                blocks.append(sp.csr_matrix((m.data, m.indices, m.indptr), shape=(m.shape[0], V)))
            if self.delta is not None:
                m = self.delta.tf[f]
                blocks.append(sp.csr_matrix((m.data, m.indices, m.indptr), shape=(m.shape[0], V)))
            full = sp.vstack(blocks).tocsr() if blocks else sp.csr_matrix((0, V), dtype=np.float32)
            if full.shape[0] < len(self.alive):
                full = sp.vstack([full, sp.csr_matrix((len(self.alive) - full.shape[0], V), dtype=np.float32)]).tocsr()
            parts[f] = [full[order]]
        tf = {f: parts[f][0] for f in self.fields}
        dl = {f: np.asarray(tf[f].sum(axis=1)).ravel().astype(np.float32) for f in self.fields}
        self.main = _Segment(0, tf, dl)
        self.alive = np.ones(len(order), dtype=bool)
        self.seqs = [self.seqs[i] if i < len(self.seqs) else () for i in order]
        self.delta_rows, self.delta = {}, None
        self._finish_main()

    def save(self, path: Path) -> None:
        """Write the index (main segment compacted first by the caller) as npz + JSON, atomically."""
        if self.delta_rows:
            raise RuntimeError("compact() the lexical index before saving it")
        arrays: dict[str, np.ndarray] = {"alive": self.alive}
        arrays["seq.off"] = np.cumsum([0] + [len(t) for t in self.seqs]).astype(np.int64)
        arrays["seq.ids"] = np.fromiter((i for t in self.seqs for i in t), dtype=np.int32)
        assert self.main is not None
        for f in self.fields:
            m = self.main.tf[f]
            arrays[f"{f}.data"], arrays[f"{f}.indices"], arrays[f"{f}.indptr"] = m.data, m.indices, m.indptr
        meta = {
            "format": FORMAT_VERSION,
            "fields": list(self.fields),
            "weights": self.weights,
            "k1": self.k1,
            "b": self.b,
            "terms": sorted(self.vocab, key=self.vocab.__getitem__),
            "n": int(self.main.n),
        }
        write_npz(path.with_suffix(".npz"), arrays)
        write_text(path.with_suffix(".json"), json.dumps(meta, ensure_ascii=False))

    @classmethod
    def load(cls, path: Path) -> "LexicalIndex":
        meta = load_meta(path, "lexical index", FORMAT_VERSION)
        idx = cls(meta["fields"], meta["weights"], meta["k1"], meta["b"])
        idx.vocab = {t: i for i, t in enumerate(meta["terms"])}
        V, n = len(idx.vocab), meta["n"]
        with np.load(path.with_suffix(".npz"), allow_pickle=False) as z:
            idx.alive = z["alive"].astype(bool)
            off, flat = z["seq.off"], z["seq.ids"].tolist()
            idx.seqs = [tuple(flat[off[i] : off[i + 1]]) for i in range(len(off) - 1)]
            tf = {
                f: sp.csr_matrix((z[f"{f}.data"], z[f"{f}.indices"], z[f"{f}.indptr"]), shape=(n, V))
                for f in idx.fields
            }
        dl = {f: np.asarray(tf[f].sum(axis=1)).ravel().astype(np.float32) for f in idx.fields}
        idx.main = _Segment(0, tf, dl)
        idx._finish_main()
        return idx

    def nbytes(self) -> int:
        total = self.df.nbytes + self.alive.nbytes
        for seg in (self.main, self.delta):
            if seg is None:
                continue
            for m in list(seg.tf.values()) + list(seg.sat.values()):
                total += m.data.nbytes + m.indices.nbytes + m.indptr.nbytes
        return total
