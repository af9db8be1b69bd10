"""A small character CNN sentiment classifier: trained with PyTorch (CPU), run in numpy.

Why: it reads characters in order (widths 1-4 windows over learned character vectors, max-pooled),
so its errors differ from the bag-of-n-grams linear models; averaged with them it gains accuracy. The
weights are a few MB of float16 in one .npz (no pickle); prediction needs numpy only.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections import Counter
from typing import Any, Iterable, Sequence

import numpy as np

from shopmind.text.modelfile import NpzModel, read_meta

__all__ = ["CharCNNClassifier"]

PAD, UNK = 0, 1


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).lower()).strip()


class CharCNNClassifier(NpzModel):
    """Embedding -> Conv1d (one bank per width) -> ReLU -> max over time -> linear; Platt-scaled."""

    kind = "char-cnn"

    def __init__(self, dim: int = 48, filters: int = 96, widths: tuple[int, ...] = (1, 2, 3, 4),
                 max_len: int = 150, meta: dict[str, Any] | None = None) -> None:
        self.dim, self.filters, self.widths, self.max_len = int(dim), int(filters), tuple(widths), int(max_len)
        self.meta = meta or {}
        self.chars: list[str] = []
        self.vocab: dict[str, int] = {}
        self.emb: np.ndarray | None = None  # (V, dim)
        self.conv_w: list[np.ndarray] = []  # per width (k, dim, filters): position j's weights
        self.conv_b: list[np.ndarray] = []  # per width (filters,)
        self.out_w: np.ndarray | None = None  # (filters * len(widths),)
        self.out_b = 0.0
        self.calib = (1.0, 0.0)

    # -- input ----------------------------------------------------------------------------------
    def _set_vocab(self, chars: list[str]) -> None:
        self.chars = list(chars)
        self.vocab = {c: i + 2 for i, c in enumerate(self.chars)}

    def _ids(self, texts: Sequence[str]) -> list[list[int]]:
        v = self.vocab
        return [[v.get(c, UNK) for c in _clean(t)[: self.max_len]] or [UNK] for t in texts]

    def _batches(self, ids: list[list[int]], size: int, rng: np.random.Generator | None = None):
        """Batches of similar length (little padding): (row indices, padded int64 matrix)."""
        order = np.argsort([len(x) for x in ids], kind="stable")
        chunks = [order[i : i + size] for i in range(0, len(order), size)]
        if rng is not None:
            rng.shuffle(chunks)
        for ch in chunks:
            width = max(max(len(ids[i]) for i in ch), max(self.widths))
            x = np.zeros((len(ch), width), np.int64)
            for r, i in enumerate(ch):
                x[r, : len(ids[i])] = ids[i]
            yield ch, x

    # -- inference (numpy) ----------------------------------------------------------------------
    def _features(self, x: np.ndarray) -> np.ndarray:
        e = self.emb[x]  # (B, L, D)
        valid = x != PAD
        pooled = []
        for k, W, b in zip(self.widths, self.conv_w, self.conv_b):
            n = x.shape[1] - k + 1
            h = np.broadcast_to(b, (x.shape[0], n, self.filters)).copy()
            for j in range(k):
                h += e[:, j : j + n] @ W[j]
            h[~valid[:, k - 1 :]] = 0  # windows ending on padding; ReLU outputs are >= 0 so 0 is neutral
            pooled.append(np.maximum(h, 0).max(1))
        return np.concatenate(pooled, 1)

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        if self.emb is None:
            raise RuntimeError("CharCNNClassifier: not trained")
        ids = self._ids(list(texts))
        out = np.zeros(len(ids), np.float32)
        for ch, x in self._batches(ids, 256):
            out[ch] = self._features(x) @ self.out_w + self.out_b
        return out

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability of positive, shape (n,)."""
        if len(texts) == 0:
            return np.zeros(0, np.float32)
        a, c = self.calib
        return (1 / (1 + np.exp(-(a * self.decision(texts) + c)))).astype(np.float32)

    # -- training (torch) -----------------------------------------------------------------------
    def fit(self, texts: Sequence[str], labels: Iterable[int], epochs: int = 3, batch_size: int = 64,
            lr: float = 2e-3, seed: int = 0, min_count: int = 2, calib_share: float = 0.0,
            init_vectors: dict[str, np.ndarray] | None = None, progress: bool = False) -> "CharCNNClassifier":
        """Train on texts with labels 1/0 (Adam, one-cycle learning rate, dropout). ``calib_share``
        > 0 holds that share out for Platt scaling; 0 keeps the raw logit (calib (1, 0)).
        ``init_vectors``: pretrained character vectors (of size ``dim``) to start from."""
        import torch
        import torch.nn.functional as F

        y = np.asarray(list(labels), dtype=np.float32)
        texts = list(texts)
        if len(texts) != len(y):
            raise ValueError(f"fit: {len(texts)} texts but {len(y)} labels")
        if set(np.unique(y)) != {0.0, 1.0}:
            raise ValueError("fit: labels must contain both 0 and 1 (and nothing else)")
        rng = np.random.default_rng(seed)
        torch.manual_seed(seed)
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # small matrices: one thread wastes least on a shared machine
        hold = rng.random(len(y)) < calib_share if calib_share > 0 else np.zeros(len(y), bool)
        train_idx = np.flatnonzero(~hold)
        counts = Counter(c for i in train_idx for c in _clean(texts[i]))
        self._set_vocab(sorted(c for c, n in counts.items() if n >= min_count))
        ids = self._ids(texts)
        net = _build_net(len(self.chars) + 2, self.dim, self.filters, self.widths)
        if init_vectors:
            with torch.no_grad():
                for c, i in self.vocab.items():
                    if c in init_vectors:
                        net.emb.weight[i] = torch.as_tensor(init_vectors[c], dtype=torch.float32)
        opt = torch.optim.Adam(net.parameters(), lr=lr)
        tr_ids = [ids[i] for i in train_idx]
        yt = torch.from_numpy(y[train_idx])
        steps = epochs * ((len(tr_ids) + batch_size - 1) // batch_size)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.1)
        net.train()
        t0 = time.process_time()
        for ep in range(epochs):
            total = 0.0
            for ch, x in self._batches(tr_ids, batch_size, rng):
                loss = F.binary_cross_entropy_with_logits(net(torch.from_numpy(x)), yt[ch])
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
                total += loss.item() * len(ch)
            if progress:
                print(f"char-cnn epoch {ep + 1}/{epochs} loss {total / len(tr_ids):.4f} ({time.process_time() - t0:.0f} cpu s)", flush=True)
        torch.set_num_threads(threads)
        self._take(net)
        if hold.any():
            from sklearn.linear_model import LogisticRegression

            d = self.decision([texts[i] for i in np.flatnonzero(hold)])
            lr_ = LogisticRegression(C=100).fit(d.reshape(-1, 1), y[hold].astype(int))
            self.calib = (float(lr_.coef_[0, 0]), float(lr_.intercept_[0]))
        self.meta.update({"n_train": int(len(train_idx)), "epochs": epochs, "seed": seed})
        return self

    def _take(self, net) -> None:
        """Copy the trained torch weights into numpy arrays (float16-rounded, as saved)."""
        f16 = lambda t: t.detach().numpy().astype(np.float16).astype(np.float32)  # noqa: E731
        self.emb = f16(net.emb.weight)
        self.conv_w = [f16(c.weight).transpose(2, 1, 0).copy() for c in net.convs]  # (F, D, k) -> (k, D, F)
        self.conv_b = [f16(c.bias) for c in net.convs]
        self.out_w = f16(net.out.weight).ravel()
        self.out_b = float(net.out.bias.item())

    # -- persistence ----------------------------------------------------------------------------
    def to_arrays(self) -> dict[str, np.ndarray]:
        if self.emb is None:
            raise RuntimeError("CharCNNClassifier: not trained")
        meta = {"kind": self.kind, "dim": self.dim, "filters": self.filters, "widths": list(self.widths),
                "max_len": self.max_len, "out_b": self.out_b, "calib": list(self.calib), **self.meta}
        arrays = {"chars": np.array("".join(self.chars)), "emb": self.emb.astype(np.float16),
                  "out_w": self.out_w.astype(np.float16), "meta": np.array(json.dumps(meta, ensure_ascii=False))}
        for k, W, b in zip(self.widths, self.conv_w, self.conv_b):
            arrays[f"conv{k}_w"] = W.astype(np.float16)
            arrays[f"conv{k}_b"] = b.astype(np.float16)
        return arrays

    @classmethod
    def from_arrays(cls, z: Any, where: str = "model") -> "CharCNNClassifier":
        meta = read_meta(z, "char-cnn", where)
        m = cls(meta.pop("dim"), meta.pop("filters"), tuple(meta.pop("widths")), meta.pop("max_len"))
        m._set_vocab(list(str(z["chars"])))
        m.emb = z["emb"].astype(np.float32)
        m.conv_w = [z[f"conv{k}_w"].astype(np.float32) for k in m.widths]
        m.conv_b = [z[f"conv{k}_b"].astype(np.float32) for k in m.widths]
        m.out_w = z["out_w"].astype(np.float32)
        m.out_b, m.calib = float(meta.pop("out_b")), tuple(meta.pop("calib"))
        m.meta = meta
        return m


def _build_net(vocab_size: int, dim: int, filters: int, widths: tuple[int, ...]):
    import torch
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = nn.Embedding(vocab_size, dim, padding_idx=PAD)
            self.convs = nn.ModuleList(nn.Conv1d(dim, filters, k) for k in widths)
            self.edrop, self.drop = nn.Dropout(0.2), nn.Dropout(0.5)
            self.out = nn.Linear(filters * len(widths), 1)

        def forward(self, x):
            e = self.edrop(self.emb(x)).transpose(1, 2)
            valid = x != PAD
            pooled = []
            for k, conv in zip(widths, self.convs):
                h = torch.relu(conv(e)).masked_fill(~valid[:, None, k - 1 :], 0)
                pooled.append(h.max(2).values)
            return self.out(self.drop(torch.cat(pooled, 1))).squeeze(1)

    return Net()
