"""Interaction data for recommenders: time-ordered item sequences per user, with id maps and loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp


@dataclass
class Interactions:
    """Users' item sequences (internal item indices, time order) plus the external id maps.

    Every model trains on this one structure; `matrix()` gives the binary user x item CSR view.
    """

    sequences: list[np.ndarray]
    item_ids: list[str]
    user_ids: list[str]
    timestamps: list[np.ndarray] | None = None
    weights: list[np.ndarray] | None = None
    item_category: list[str | None] | None = None
    #: how this data was cut from the full interactions (e.g. {"leave_out": 1}); part of the fingerprint
    split: dict = field(default_factory=dict)
    _item_index: dict[str, int] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if len(self.sequences) != len(self.user_ids):
            raise ValueError(f"sequences ({len(self.sequences)}) and user_ids ({len(self.user_ids)}) differ in length")
        n = len(self.item_ids)
        for u, s in enumerate(self.sequences):
            if len(s) and (s.min() < 0 or s.max() >= n):
                raise ValueError(f"user {self.user_ids[u]!r}: item index out of range 0..{n - 1}")

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @property
    def n_users(self) -> int:
        return len(self.sequences)

    @property
    def item_index(self) -> dict[str, int]:
        if self._item_index is None:
            self._item_index = {i: k for k, i in enumerate(self.item_ids)}
        return self._item_index

    def matrix(self, binary: bool = True) -> sp.csr_matrix:
        """User x item CSR matrix (1 per interacted item when binary, else summed weights)."""
        rows = np.repeat(np.arange(self.n_users), [len(s) for s in self.sequences])
        cols = np.concatenate(self.sequences) if self.sequences else np.zeros(0, dtype=np.int64)
        if self.weights is not None and not binary:
            data = np.concatenate(self.weights).astype(np.float32)
        else:
            data = np.ones(len(cols), dtype=np.float32)
        m = sp.csr_matrix((data, (rows, cols)), shape=(self.n_users, self.n_items), dtype=np.float32)
        m.sum_duplicates()
        if binary:
            m.data[:] = 1.0
        return m

    def item_counts(self) -> np.ndarray:
        """Number of users who interacted with each item."""
        return np.asarray(self.matrix().sum(axis=0)).ravel()

    def subset(self, cut: int) -> "Interactions":
        """Drop the last `cut` items of every sequence (leave-one-out splits)."""
        seqs = [s[: max(len(s) - cut, 0)] for s in self.sequences]
        ts = None if self.timestamps is None else [t[: max(len(t) - cut, 0)] for t in self.timestamps]
        ws = None if self.weights is None else [w[: max(len(w) - cut, 0)] for w in self.weights]
        split = {**self.split, "leave_out": int(self.split.get("leave_out", 0)) + cut}
        return Interactions(seqs, self.item_ids, self.user_ids, ts, ws, self.item_category, split, self._item_index)

    def fingerprint(self) -> str:
        """sha256 of the interactions (user and item ids, every sequence in order) and the split
        parameters: a saved model records it, so a model fitted on another split can be refused."""
        import hashlib
        import json

        h = hashlib.sha256()
        h.update(json.dumps(self.split, sort_keys=True).encode())
        h.update("\x1f".join(self.item_ids).encode("utf-8"))
        h.update(b"\x1e" + "\x1f".join(self.user_ids).encode("utf-8"))
        lens = np.array([len(q) for q in self.sequences], dtype=np.int64)
        h.update(lens.tobytes())
        if len(self.sequences):
            h.update(np.concatenate(self.sequences).astype(np.int64).tobytes())
        return h.hexdigest()


def from_lists(
    user_items: dict[str, Sequence[str]],
    item_ids: Iterable[str] | None = None,
    timestamps: dict[str, Sequence[float]] | None = None,
) -> Interactions:
    """Build Interactions from {user: [item, ...]} (time order); the catalogue may list items nobody saw."""
    items: dict[str, int] = {}
    for i in item_ids or []:
        items.setdefault(str(i), len(items))
    for seq in user_items.values():
        for i in seq:
            items.setdefault(str(i), len(items))
    users = list(user_items)
    seqs = [np.array([items[str(i)] for i in user_items[u]], dtype=np.int64) for u in users]
    ts = None
    if timestamps is not None:
        ts = [np.asarray(timestamps[u], dtype=np.float64) for u in users]
    return Interactions(seqs, list(items), [str(u) for u in users], ts)


def load_sequences(path: str | Path) -> Interactions:
    """Read a sequence file: one user a line, `user item item ...` in time order."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"sequence file not found: {path}")
    user_items: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) < 2:
                raise ValueError(f"{path}:{lineno}: a line needs a user id and at least one item")
            if parts[0] in user_items:
                user_items[parts[0]].extend(parts[1:])
            else:
                user_items[parts[0]] = parts[1:]
    if not user_items:
        raise ValueError(f"{path}: no sequences")
    # numeric item ids sort numerically so item indices are stable across runs
    ids = {i for s in user_items.values() for i in s}
    ordered = sorted(ids, key=lambda x: (0, int(x), "") if x.isdigit() else (1, 0, x))
    return from_lists(user_items, ordered)


def load_movielens_ratings(folder: str | Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """MovieLens-100k RecBole atomic file -> (user, item, rating, timestamp) arrays (ids as ints)."""
    path = Path(folder) / "ml-100k.inter"
    if not path.is_file():
        raise FileNotFoundError(f"MovieLens interactions not found: {path}")
    data = np.loadtxt(path, skiprows=1, delimiter="\t", dtype=np.float64)
    if data.ndim != 2 or data.shape[1] < 4:
        raise ValueError(f"{path}: expected 4 tab-separated columns user item rating timestamp")
    return data[:, 0].astype(np.int64), data[:, 1].astype(np.int64), data[:, 2], data[:, 3]


def movielens_sequences(folder: str | Path) -> Interactions:
    """MovieLens-100k as time-ordered sequences (ties broken by item id), for sequence evaluation."""
    u, i, _, t = load_movielens_ratings(folder)
    order = np.lexsort((i, t, u))
    u, i, t = u[order], i[order], t[order]
    user_items: dict[str, list[str]] = {}
    user_ts: dict[str, list[float]] = {}
    for uu, ii, tt in zip(u.tolist(), i.tolist(), t.tolist()):
        user_items.setdefault(str(uu), []).append(str(ii))
        user_ts.setdefault(str(uu), []).append(tt)
    ids = sorted({x for s in user_items.values() for x in s}, key=int)
    return from_lists(user_items, ids, user_ts)


def write_sequences(data: Interactions, path: str | Path) -> None:
    """Write Interactions as a sequence file (external ids)."""
    with Path(path).open("w", encoding="utf-8") as fh:
        for u, s in zip(data.user_ids, data.sequences):
            fh.write(" ".join([u] + [data.item_ids[k] for k in s]) + "\n")
