"""SASRec-style sequential recommender: causal self-attention over recent items, trained on CPU with a
full-softmax cross-entropy loss over all items (stronger than the original binary loss).

Training only computes logits at real (non-padding) positions and batches users of similar length,
which keeps an epoch on Amazon Beauty to seconds on two cores. Epochs are bounded by `epochs` and by
`time_budget` wall-clock seconds (0 = no wall-clock limit: an epoch budget alone, so machine load
cannot cut training short); with `val_every` the best epoch on held-out last items is kept (early
stopping).
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import torch
from torch import nn

from shopmind.recommend.base import Recommender, register
from shopmind.recommend.data import Interactions


class _SASRecNet(nn.Module):
    def __init__(self, n_items: int, dim: int, layers: int, heads: int, max_len: int, dropout: float) -> None:
        super().__init__()
        self.item = nn.Embedding(n_items + 1, dim, padding_idx=0)  # index 0 = padding, item k -> k+1
        self.pos = nn.Embedding(max_len, dim)
        self.drop = nn.Dropout(dropout)
        block = nn.TransformerEncoderLayer(
            dim, heads, dim_feedforward=dim * 2, dropout=dropout, activation="gelu",
            batch_first=True, norm_first=True,
        )
        self.encoder = nn.TransformerEncoder(block, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(dim)
        self.dim = dim
        nn.init.normal_(self.item.weight, std=1.0 / math.sqrt(dim))
        nn.init.normal_(self.pos.weight, std=0.02)
        with torch.no_grad():
            self.item.weight[0].zero_()

    def forward(self, seq: torch.Tensor) -> torch.Tensor:
        """seq: (B, L) left-padded item tokens -> hidden states (B, L, dim)."""
        L = seq.shape[1]
        pos = torch.arange(L, device=seq.device).unsqueeze(0)
        # positions count back from the end so the newest item always has position 0's embedding row
        pos = (L - 1 - pos).clamp(max=self.pos.num_embeddings - 1)
        x = self.item(seq) * math.sqrt(self.dim) + self.pos(pos)
        pad = seq == 0
        x = self.drop(x) * (~pad).unsqueeze(-1)
        causal = torch.triu(torch.full((L, L), float("-inf"), device=seq.device), diagonal=1)
        # padding rows are zero vectors (as in the original SASRec); a key-padding mask would leave the
        # left-most padded query rows with nothing to attend to (NaN)
        x = self.encoder(x, mask=causal)
        x = x.masked_fill(pad.unsqueeze(-1), 0.0)
        return self.norm(x)

    def logits(self, h: torch.Tensor) -> torch.Tensor:
        return h @ self.item.weight[1:].T


def _left_pad(seqs: list[np.ndarray], length: int) -> np.ndarray:
    out = np.zeros((len(seqs), length), dtype=np.int64)
    for r, s in enumerate(seqs):
        s = s[-length:]
        if len(s):
            out[r, length - len(s) :] = s + 1
    return out


@register
class SASRec(Recommender):
    """Self-attentive sequential recommendation with cross-entropy over the full catalogue.

    Memory: item embeddings and their Adam state, O(items·dim), plus one batch's activations and logits,
    O(batch·max_len·negatives) (O(batch·max_len·items) with `negatives=0`, the full softmax)."""

    name = "sasrec"
    defaults: dict[str, Any] = {
        "dim": 64, "layers": 2, "heads": 2, "max_len": 50, "dropout": 0.5, "lr": 1e-3,
        "batch_size": 128, "epochs": 200, "time_budget": 900.0, "weight_decay": 0.0,
        "val_every": 3, "patience": 3, "seed": 0, "threads": 0, "label_smoothing": 0.0, "negatives": 1024,
    }
    grid: dict[str, list[Any]] = {}
    log = None  # optional callable(str) for per-epoch progress
    refit = False  # evaluation trains it once (see shopmind.eval.recs)

    def _fit(self, data: Interactions) -> None:
        p = self.params
        if p["threads"]:
            torch.set_num_threads(int(p["threads"]))
        torch.manual_seed(int(p["seed"]))
        rng = np.random.default_rng(int(p["seed"]))
        L = int(p["max_len"])
        self.net = _SASRecNet(self.n_items, int(p["dim"]), int(p["layers"]), int(p["heads"]), L, float(p["dropout"]))
        opt = torch.optim.Adam(self.net.parameters(), lr=float(p["lr"]), weight_decay=float(p["weight_decay"]))
        # training examples: input s[:-1] -> targets s[1:], last L+1 items of each sequence
        val_hist, val_tgt = None, None
        seqs = [s[-(L + 1) :] for s in data.sequences if len(s) >= 2]
        if int(p["val_every"]) > 0:
            # hold out each user's last item for early stopping (trains on the rest)
            long = [s for s in seqs if len(s) >= 3]
            sample = rng.choice(len(long), min(len(long), 3000), replace=False)
            val_hist = [long[k][:-1] for k in sample]
            val_tgt = np.array([long[k][-1] for k in sample])
            held = set(sample.tolist())
            idx_long = [k for k, s in enumerate(seqs) if len(s) >= 3]
            cut = {idx_long[k] for k in held}
            seqs = [s[:-1] if k in cut else s for k, s in enumerate(seqs)]
        lens = np.array([len(s) for s in seqs])
        order = np.argsort(lens, kind="stable")
        bs = int(p["batch_size"])
        batches = [order[i : i + bs] for i in range(0, len(order), bs)]
        t0 = time.perf_counter()
        best, best_state, bad = -1.0, None, 0
        self.epochs_run = 0
        ls = float(p["label_smoothing"])
        n_neg = int(p["negatives"])
        gen = torch.Generator().manual_seed(int(p["seed"]))
        for epoch in range(int(p["epochs"])):
            self.net.train()
            for b in rng.permutation(len(batches)):
                chunk = [seqs[k] for k in batches[b]]
                width = max(len(s) for s in chunk)
                arr = _left_pad(chunk, width)  # tokens (item+1)
                inp = torch.from_numpy(arr[:, :-1])
                tgt = torch.from_numpy(arr[:, 1:])
                mask = (tgt > 0) & (inp > 0)
                h = self.net(inp)[mask]
                loss = self._loss(h, tgt[mask] - 1, ls, n_neg, gen)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
            self.epochs_run = epoch + 1
            if self.log:
                self.log(f"sasrec epoch {epoch + 1} loss {loss.item():.4f} {time.perf_counter() - t0:.0f}s "
                         f"cpu {time.process_time():.0f}s")
            if val_hist is not None and (epoch + 1) % int(p["val_every"]) == 0:
                nd = self._val_ndcg(val_hist, val_tgt)
                self.val_curve = getattr(self, "val_curve", []) + [(epoch + 1, nd)]
                if self.log:
                    self.log(f"sasrec epoch {epoch + 1} held-out ndcg@10 {nd:.4f}")
                if nd > best:
                    best, bad = nd, 0
                    best_state = {k: v.detach().clone() for k, v in self.net.state_dict().items()}
                else:
                    bad += 1
                    if bad >= int(p["patience"]):
                        break
            if float(p["time_budget"]) > 0 and time.perf_counter() - t0 > float(p["time_budget"]):
                break
        if best_state is not None:
            self.net.load_state_dict(best_state)
        self.net.eval()

    def _loss(self, h: torch.Tensor, target: torch.Tensor, ls: float, n_neg: int, gen: torch.Generator) -> torch.Tensor:
        """Cross-entropy over all items, or (negatives > 0) over the target plus `n_neg` uniformly
        sampled items shared by the batch (sampled softmax; accidental hits masked)."""
        if n_neg <= 0 or n_neg >= self.n_items:
            return nn.functional.cross_entropy(self.net.logits(h), target, label_smoothing=ls)
        neg = torch.randint(0, self.n_items, (n_neg,), generator=gen)
        w = self.net.item.weight
        pos_logit = (h * w[target + 1]).sum(-1, keepdim=True)
        neg_logit = h @ w[neg + 1].T
        neg_logit = neg_logit.masked_fill(neg.unsqueeze(0) == target.unsqueeze(1), float("-inf"))
        logits = torch.cat([pos_logit, neg_logit], dim=1)
        return nn.functional.cross_entropy(logits, torch.zeros_like(target), label_smoothing=ls)

    def _val_ndcg(self, hists: list[np.ndarray], targets: np.ndarray) -> float:
        s = self.score(hists)
        for r, h in enumerate(hists):
            s[r, h] = -np.inf
        t = s[np.arange(len(targets)), targets]
        rank = (s > t[:, None]).sum(1)
        return float(np.mean(np.where(rank < 10, 1.0 / np.log2(rank + 2.0), 0.0)))

    @torch.no_grad()
    def score(self, histories: list[np.ndarray]) -> np.ndarray:
        self.net.eval()
        L = int(self.params["max_len"])
        out = np.zeros((len(histories), self.n_items), dtype=np.float32)
        nonempty = [r for r, h in enumerate(histories) if len(h)]
        if not nonempty:
            return out
        width = min(L, max(len(histories[r]) for r in nonempty))
        arr = torch.from_numpy(_left_pad([histories[r] for r in nonempty], width))
        h = self.net(arr)[:, -1]
        out[nonempty] = self.net.logits(h).numpy()
        return out

    def _item_scores(self, k: int) -> np.ndarray:
        """Similar items: cosine of the learned item embeddings."""
        e = self.net.item.weight[1:].detach().numpy()
        e = e / (np.linalg.norm(e, axis=1, keepdims=True) + 1e-9)
        return e @ e[k]

    def _state(self) -> dict[str, np.ndarray]:
        return {k: v.detach().cpu().numpy() for k, v in self.net.state_dict().items()}

    def _set_state(self, state: dict[str, np.ndarray]) -> None:
        p = self.params
        self.net = _SASRecNet(
            len(state["item.weight"]) - 1, int(p["dim"]), int(p["layers"]), int(p["heads"]), int(p["max_len"]),
            float(p["dropout"]),
        )
        self.net.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in state.items()})
        self.net.eval()
