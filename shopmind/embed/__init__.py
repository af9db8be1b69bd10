"""Sentence encoders behind one interface, chosen per shop, with a content-hash vector cache.

``get_encoder(name)`` returns a process-wide instance; ``build(shop)`` picks the one the shop's settings
ask for ("auto" looks at the catalog); ``embed_products`` re-encodes only new or changed product text.
"""

from __future__ import annotations

import hashlib
import threading
from typing import TYPE_CHECKING, Any, Iterable, Protocol, runtime_checkable

import numpy as np

from shopmind.embed.encoders import E5Small, MiniLMOnnx, MiniLMTorch, l2_normalize

if TYPE_CHECKING:
    from shopmind.kb.models import ProductIn
    from shopmind.kb.store import KnowledgeBase

__all__ = [
    "Encoder",
    "ENCODER_NAMES",
    "get_encoder",
    "choose_encoder",
    "build",
    "product_text",
    "text_key",
    "embed_products",
    "embed_texts",
    "l2_normalize",
]


@runtime_checkable
class Encoder(Protocol):
    """What search, recommendations and the assistant use: float32, L2-normalized rows."""

    name: str  # model id; cached vectors are keyed by it
    dim: int

    def encode_queries(self, texts: Iterable[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Iterable[str], batch_size: int = 64, progress: bool = False) -> np.ndarray: ...


# public name -> implementation. "minilm" is the int8 ONNX export (same vectors within cos 0.999,
# faster, see benchmarks/results/text.md); "minilm-torch" is the float32 sentence-transformers model.
_FACTORIES = {"minilm": MiniLMOnnx, "minilm-torch": MiniLMTorch, "e5": E5Small}
ENCODER_NAMES = ("auto", *_FACTORIES)
_instances: dict[str, Encoder] = {}
_lock = threading.Lock()

#: share of sampled products with Chinese text above which "auto" picks e5
AUTO_ZH_SHARE = 0.01
AUTO_SAMPLE = 500
_META_AUTO = "embed.auto_encoder"


def choose_encoder(texts: Iterable[str]) -> str:
    """"e5" when the texts (a catalog sample) have Chinese in them, else "minilm"; "e5" when empty."""
    from shopmind.text.normalize import detect_language

    items = [t for t in texts if t]
    if not items:
        return "e5"
    zh = sum(detect_language(t) == "zh" for t in items)
    return "e5" if zh / len(items) >= AUTO_ZH_SHARE else "minilm"


def get_encoder(name: str = "auto", sample: Iterable[str] | None = None) -> Encoder:
    """The process-wide encoder for ``name`` ("minilm", "minilm-torch", "e5", or "auto" deciding from
    ``sample`` texts; "auto" without a sample gives the multilingual e5)."""
    if name == "auto":
        name = choose_encoder(sample or [])
    if name not in _FACTORIES:
        raise ValueError(f"unknown encoder {name!r}; expected one of {', '.join(ENCODER_NAMES)}")
    enc = _instances.get(name)
    if enc is None:
        with _lock:
            enc = _instances.get(name)
            if enc is None:
                enc = _instances[name] = _FACTORIES[name]()
    return enc


def _sample_texts(store: "KnowledgeBase", n: int = AUTO_SAMPLE) -> list[str]:
    out: list[str] = []
    for p in store.iter_products():
        out.append(" ".join(x for x in (p.title, p.category or "", (p.description or "")[:200]) if x))
        if len(out) >= n:
            break
    return out


def build(shop: Any) -> Encoder:
    """The encoder ``shop.settings.encoder`` names. For "auto" the choice is made from a catalog sample
    once the catalog has products and kept in the shop's meta (so vectors stay comparable)."""
    name = getattr(shop.settings, "encoder", "auto") or "auto"
    if name != "auto":
        return get_encoder(name)
    store = shop.store
    chosen = store.get_meta(_META_AUTO)
    if chosen in _FACTORIES:
        return get_encoder(chosen)
    sample = _sample_texts(store)
    chosen = choose_encoder(sample)
    if sample:
        store.set_meta(_META_AUTO, chosen)
    return get_encoder(chosen)


def product_text(p: "ProductIn | dict[str, Any]", max_description: int = 400) -> str:
    """The text a product is embedded from: title, brand, category leaf and the start of the description."""
    get = p.get if isinstance(p, dict) else lambda k, d=None: getattr(p, k, d)
    title = (get("title") or "").strip()
    parts = [title]
    brand = (get("brand") or "").strip()
    if brand and brand.lower() not in title.lower():
        parts.append(brand)
    category = (get("category") or "").strip()
    if category:
        parts.append(category.split(">")[-1].strip())
    desc = (get("description") or "").strip()
    if desc:
        parts.append(desc[:max_description])
    return ". ".join(x for x in parts if x)


def text_key(text: str) -> str:
    """Cache key of one text (sha1 of its UTF-8 bytes); the model id is the cache's other key."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _store_of(shop_or_store: Any) -> "KnowledgeBase":
    return getattr(shop_or_store, "store", shop_or_store)


def embed_texts(
    shop_or_store: Any, texts: list[str], encoder: Encoder, progress: bool = False, chunk: int = 1024
) -> np.ndarray:
    """Passage vectors of ``texts`` through the store's vector cache: only texts never encoded by this
    model are encoded (in chunks, each saved at once so a killed run keeps its work)."""
    store = _store_of(shop_or_store)
    keys = [text_key(t) for t in texts]
    out = np.zeros((len(texts), encoder.dim), np.float32)
    if not texts:
        return out
    cached = store.get_vectors(encoder.name, set(keys))
    todo: dict[str, str] = {}
    for i, k in enumerate(keys):
        v = cached.get(k)
        if v is not None and v.shape == (encoder.dim,):
            out[i] = v
        elif k not in todo:
            todo[k] = texts[i]
    if todo:
        new: dict[str, np.ndarray] = {}
        items = list(todo.items())
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(items), desc=f"embed {encoder.name}", unit="text")
        for s in range(0, len(items), chunk):
            part = items[s : s + chunk]
            vecs = encoder.encode_passages([t for _, t in part])
            batch = {k: vecs[j] for j, (k, _) in enumerate(part)}
            store.put_vectors(encoder.name, batch)
            new.update(batch)
            if bar is not None:
                bar.update(len(part))
        if bar is not None:
            bar.close()
        for i, k in enumerate(keys):
            if k in new:
                out[i] = new[k]
    return out


def embed_products(
    shop_or_store: Any, products: Iterable["ProductIn"], encoder: Encoder, progress: bool = False
) -> np.ndarray:
    """Vectors (n, dim) of ``products`` in order, from their ``product_text``; cached by text hash and
    model id, so only new or changed product text is encoded."""
    texts = [product_text(p) for p in products]
    return embed_texts(shop_or_store, texts, encoder, progress=progress)
