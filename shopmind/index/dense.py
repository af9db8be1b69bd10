"""Dense vector index: exact numpy inner product below a size threshold, hnswlib ANN above it.

Rows are the shared row numbers of the index set; vectors are L2-normalized so inner product is cosine.
Updates append rows (and mark old ones deleted) without rebuilding; saved as npz (+ hnswlib's own file).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from shopmind.index.int8scan import Int8Scan
from shopmind.durable import atomic_path, write_npz, write_text
from shopmind.index.persist import load_meta


ANN_THRESHOLD = 50_000
INT8_MIN_ROWS = 4_000  # from this many rows the exact search shortlists by an int8 scan (int8scan.py)
FORMAT_VERSION = 1


def _normalize(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(n, 1e-12)


class DenseIndex:
    """Cosine search over product vectors; ``use_ann`` switches to hnswlib for large catalogs."""

    def __init__(self, dim: int, ann_threshold: int = ANN_THRESHOLD, ef: int = 200, M: int = 16) -> None:
        self.dim = int(dim)
        self.ann_threshold = ann_threshold
        self.ef, self.M = ef, M
        self.vectors = np.zeros((0, self.dim), dtype=np.float32)
        self.n = 0  # rows in use (vectors may have spare capacity)
        self.alive = np.zeros(0, dtype=bool)
        self.has_vec = np.zeros(0, dtype=bool)
        self.ann = None
        self._i8: Int8Scan | None = None  # built on the first search that uses it
        self._i8_dirty: list[int] = []  # rows changed since

    # -- building ------------------------------------------------------------------------------------
    def build(self, vectors: np.ndarray, present: np.ndarray | None = None) -> None:
        """Index ``vectors`` as rows 0..n-1 (``present`` False where a row has no vector)."""
        v = _normalize(vectors) if len(vectors) else np.zeros((0, self.dim), np.float32)
        if v.ndim != 2 or v.shape[1] != self.dim:
            raise ValueError(f"dense index: vectors must be (n, {self.dim}), got {v.shape}")
        self.vectors = np.ascontiguousarray(v)
        self.n = len(v)
        self.has_vec = np.ones(self.n, bool) if present is None else present.astype(bool).copy()
        self.alive = self.has_vec.copy()
        self._i8 = None
        self._build_ann()

    def _build_ann(self) -> None:
        self.ann = None
        if int(self.alive.sum()) < self.ann_threshold:
            return
        import hnswlib

        rows = np.flatnonzero(self.alive[: self.n])
        ann = hnswlib.Index(space="ip", dim=self.dim)
        ann.init_index(max_elements=max(self.n * 2, 1024), ef_construction=100, M=self.M)
        ann.add_items(self.vectors[rows], rows)
        ann.set_ef(self.ef)
        self.ann = ann

    @property
    def uses_ann(self) -> bool:
        return self.ann is not None

    # -- incremental -----------------------------------------------------------------------------------
    def add(self, row: int, vector: np.ndarray) -> None:
        v = _normalize(np.asarray(vector, dtype=np.float32).reshape(1, -1))
        if v.shape[1] != self.dim:
            raise ValueError(f"dense index: vector for row {row} has dim {v.shape[1]}, expected {self.dim}")
        if row >= len(self.vectors):
            cap = max(row + 1, 2 * len(self.vectors), 64)
            grown = np.zeros((cap, self.dim), dtype=np.float32)
            grown[: len(self.vectors)] = self.vectors
            self.vectors = grown
        if row >= len(self.alive):
            extra = max(row + 1, self.n) - len(self.alive)
            self.alive = np.concatenate([self.alive, np.zeros(extra, bool)])
            self.has_vec = np.concatenate([self.has_vec, np.zeros(extra, bool)])
        self.vectors[row] = v[0]
        if self._i8 is not None:
            self._i8_dirty.append(row)
        self.n = max(self.n, row + 1)
        self.alive[row] = self.has_vec[row] = True
        if self.ann is not None:
            if self.ann.get_current_count() + 1 > self.ann.get_max_elements():
                self.ann.resize_index(self.ann.get_max_elements() * 2)
            self.ann.add_items(v, np.asarray([row]))
        elif int(self.alive.sum()) >= self.ann_threshold:
            self._build_ann()

    def remove(self, row: int) -> None:
        if row < len(self.alive) and self.alive[row]:
            self.alive[row] = False
            if self.ann is not None:
                try:
                    self.ann.mark_deleted(row)
                except RuntimeError:
                    pass

    # -- search --------------------------------------------------------------------------------------
    def scores(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Cosine of the query with the given rows (0 where a row has no vector)."""
        q = _normalize(np.asarray(query, dtype=np.float32).reshape(-1))
        rows = np.asarray(rows, dtype=np.int64)
        out = np.zeros(len(rows), dtype=np.float32)
        ok = rows < self.n
        if ok.any():
            out[ok] = self.vectors[rows[ok]] @ q
            out[ok] *= self.has_vec[rows[ok]]
        return out

    def search(self, query: np.ndarray, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (rows, cosines) among alive rows (and ``mask`` where given), best first."""
        q = _normalize(np.asarray(query, dtype=np.float32).reshape(-1))
        alive = self.alive[: self.n]
        if mask is not None:
            alive = alive & mask[: self.n]
        n_ok = int(alive.sum())
        k = min(k, n_ok)
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        if self.ann is not None and (mask is None or n_ok > 0.2 * self.n):
            want = k if mask is None else min(int(self.ann.get_current_count()), int(k * self.n / max(n_ok, 1)) + k)
            self.ann.set_ef(max(self.ef, want))
            labels, dist = self.ann.knn_query(q.reshape(1, -1), k=max(1, min(want, self.ann.get_current_count())))
            rows = labels[0].astype(np.int64)
            sims = (1.0 - dist[0]).astype(np.float32)
            keep = alive[rows]
            rows, sims = rows[keep], sims[keep]
            if len(rows) >= k or mask is None:
                return rows[:k], sims[:k]
        if n_ok >= INT8_MIN_ROWS:  # shortlist by the int8 copy, then exact scores (int8scan.py)
            return self._int8().top(q, self.vectors, k, alive)
        cand = np.flatnonzero(alive)
        # most rows wanted: score all in place rather than copying the wanted vectors out first
        sims = (self.vectors[: self.n] @ q)[cand] if n_ok > 0.5 * self.n else self.vectors[cand] @ q
        top = np.argpartition(-sims, k - 1)[:k] if k < len(sims) else np.arange(len(sims))
        top = top[np.argsort(-sims[top], kind="stable")]
        return cand[top], sims[top].astype(np.float32)

    def _int8(self) -> Int8Scan:
        """The int8 copy of the vectors, brought up to date with rows added since it was made."""
        if self._i8 is None:
            self._i8 = Int8Scan(self.dim)
            self._i8.reset(self.vectors[: self.n])
            self._i8_dirty = []
        elif self._i8_dirty:
            rows = np.unique(np.asarray(self._i8_dirty, dtype=np.int64))
            self._i8.update(rows, self.vectors[rows])
            self._i8_dirty = []
        return self._i8

    # -- compaction and persistence --------------------------------------------------------------------
    def compact(self, order: np.ndarray) -> None:
        """Keep rows ``order`` (old numbers) as rows 0..n-1."""
        order = np.asarray(order, dtype=np.int64)
        present = np.zeros(len(order), bool)
        ok = order < self.n
        present[ok] = self.has_vec[order[ok]]
        vec = np.zeros((len(order), self.dim), np.float32)
        vec[ok] = self.vectors[order[ok]]
        self.vectors = vec
        self.n = len(order)
        self.has_vec = present
        self.alive = present.copy()
        self._i8 = None
        self._build_ann()

    def save(self, path: Path) -> None:
        write_npz(path.with_suffix(".npz"),
                   {"vectors": self.vectors[: self.n], "has_vec": self.has_vec[: self.n], "alive": self.alive[: self.n]})
        meta = {"format": FORMAT_VERSION, "dim": self.dim, "ann_threshold": self.ann_threshold,
                "ef": self.ef, "M": self.M, "ann": self.ann is not None}
        if self.ann is not None:
            with atomic_path(path.with_suffix(".hnsw")) as tmp_ann:
                self.ann.save_index(str(tmp_ann))
        write_text(path.with_suffix(".json"), json.dumps(meta))

    @classmethod
    def load(cls, path: Path) -> "DenseIndex":
        meta = load_meta(path, "dense index", FORMAT_VERSION)
        idx = cls(meta["dim"], meta["ann_threshold"], meta["ef"], meta["M"])
        with np.load(path.with_suffix(".npz"), allow_pickle=False) as z:
            idx.vectors = np.ascontiguousarray(z["vectors"].astype(np.float32))
            idx.has_vec, idx.alive = z["has_vec"].astype(bool), z["alive"].astype(bool)
        idx.n = len(idx.vectors)
        if meta["ann"]:
            import hnswlib

            ann = hnswlib.Index(space="ip", dim=idx.dim)
            ann.load_index(str(path.with_suffix(".hnsw")), max_elements=max(idx.n * 2, 1024))
            ann.set_ef(idx.ef)
            idx.ann = ann
        return idx

    def nbytes(self) -> int:
        total = self.vectors.nbytes + self.alive.nbytes + self.has_vec.nbytes
        if self._i8 is not None:
            total += self._i8.qt.nbytes + self._i8.scale.nbytes + self._i8.colsum.nbytes
        if self.ann is not None:
            total += self.ann.get_current_count() * (self.dim * 4 + self.M * 2 * 4 + 16)
        return total
