"""Exact-size catalogs' dense search, 10x cheaper: an int8 copy of the vectors scanned by onnxruntime.

A float32 scan of n x 384 vectors reads 1.5 KB per product and is bound by memory bandwidth (12k
products: ~3 ms on one core, more when other processes share the memory bus). Here every vector is
also kept as int8 (per-row scale, transposed, 384 bytes per product) and one query is scored against
all of them by onnxruntime's integer GEMM (``MatMulInteger``, ~0.2 ms for 12k products). The best
``k * RESCORE`` rows by that estimate are then scored again exactly in float32, so the returned order
and cosines are the float ones; only a row whose int8 estimate falls outside that shortlist while its
exact cosine would be in the top ``k`` can be missed (per-score error ~0.01-0.03, shortlist 4x ``k``).

Rows are the dense index's row numbers; ``update(rows, vectors)`` re-quantizes just those rows.
"""

from __future__ import annotations

import numpy as np

from shopmind.procutil import ort_session

RESCORE = 4  # shortlist size as a multiple of k
MIN_SHORTLIST = 64
#: vectors use 7 of the 8 bits: x86's u8 x s8 instruction (vpmaddubsw) adds two products into a
#: saturating int16, and 255 * 127 * 2 would overflow it; 255 * 63 * 2 does not
VECTOR_LEVELS = 63


class Int8Scan:
    """int8 copy of a float32 row matrix, for approximate all-rows inner products with a query."""

    def __init__(self, dim: int) -> None:
        self.dim = int(dim)
        self.qt = np.zeros((self.dim, 0), np.int8)  # transposed: one column per row
        self.scale = np.zeros(0, np.float32)
        self.colsum = np.zeros(0, np.int32)  # sum of each row's int8 values
        self._sess = None

    def _session(self):
        if self._sess is None:
            from onnx import TensorProto, helper

            # no zero points: with one, the kernel re-sums every column of vt on each call (10x slower);
            # the query's +128 offset is taken off afterwards with the column sums kept in self.colsum
            g = helper.make_graph(
                [helper.make_node("MatMulInteger", ["q", "vt"], ["y"])], "int8scan",
                [helper.make_tensor_value_info("q", TensorProto.UINT8, [1, self.dim]),
                 helper.make_tensor_value_info("vt", TensorProto.INT8, [self.dim, None])],
                [helper.make_tensor_value_info("y", TensorProto.INT32, [1, None])])
            self._sess = ort_session(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]))
        return self._sess

    def __len__(self) -> int:
        return len(self.scale)

    def update(self, rows: np.ndarray, vectors: np.ndarray) -> None:
        """(Re)quantize ``vectors`` as ``rows``; the matrix grows (doubling) to fit the largest row."""
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        if not len(rows):
            return
        need = int(rows.max()) + 1
        if need > self.qt.shape[1]:
            cap = max(need, 2 * self.qt.shape[1], 64)
            qt = np.zeros((self.dim, cap), np.int8)
            qt[:, : self.qt.shape[1]] = self.qt
            scale = np.zeros(cap, np.float32)
            scale[: len(self.scale)] = self.scale
            colsum = np.zeros(cap, np.int32)
            colsum[: len(self.colsum)] = self.colsum
            self.qt, self.scale, self.colsum = qt, scale, colsum
        v = np.asarray(vectors, dtype=np.float32).reshape(len(rows), self.dim)
        s = np.abs(v).max(axis=1) / VECTOR_LEVELS
        s[s == 0] = 1.0
        q8 = np.clip(np.rint(v / s[:, None]), -VECTOR_LEVELS, VECTOR_LEVELS).astype(np.int8)
        self.qt[:, rows] = q8.T
        self.scale[rows] = s
        self.colsum[rows] = q8.sum(axis=1, dtype=np.int32)

    def reset(self, vectors: np.ndarray) -> None:
        """Quantize ``vectors`` as rows 0..n-1 (after a build, load or compaction)."""
        self.qt = np.zeros((self.dim, 0), np.int8)
        self.scale = np.zeros(0, np.float32)
        self.colsum = np.zeros(0, np.int32)
        self.update(np.arange(len(vectors)), vectors)

    def estimate(self, q: np.ndarray, n: int) -> np.ndarray:
        """Approximate inner products of ``q`` with rows 0..n-1 (float32)."""
        q = np.asarray(q, dtype=np.float32).reshape(-1)
        qs = float(np.abs(q).max()) / 127.0 or 1.0
        qu = (np.clip(np.rint(q / qs), -127, 127) + 128).astype(np.uint8)[None]
        vt = self.qt[:, :n] if n < self.qt.shape[1] else self.qt
        y = self._session().run(None, {"q": qu, "vt": vt})[0][0]
        y -= 128 * self.colsum[: len(y)]
        return y.astype(np.float32) * (self.scale[: len(y)] * np.float32(qs))

    def top(self, q: np.ndarray, vectors: np.ndarray, k: int, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` rows among those where ``ok`` (bool, length n) is True by exact inner product with
        ``q``, best first, shortlisted by the int8 estimate; returns (rows, float32 scores)."""
        n = len(ok)
        n_ok = int(np.count_nonzero(ok))
        m = min(n_ok, max(k * RESCORE, MIN_SHORTLIST))
        if m < n_ok:
            est = self.estimate(q, n)[:n]
            if n_ok < n:
                est[~ok] = -np.inf
            cand = np.argpartition(est, n - m)[n - m:]
        else:
            cand = np.flatnonzero(ok)
        sims = vectors[cand] @ np.asarray(q, dtype=np.float32).reshape(-1)
        k = min(k, len(cand))
        top = np.argpartition(-sims, k - 1)[:k] if k < len(sims) else np.arange(len(sims))
        # exact order: by score, ties by row number (the same order the float scan gives)
        top = top[np.lexsort((cand[top], -sims[top]))]
        return cand[top], sims[top].astype(np.float32)
