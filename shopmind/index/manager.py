"""The index set: catalog facts + lexical BM25 + dense vectors on one row space, kept in step with the
store's product change sequence, saved as a versioned folder and switched to by an atomic pointer file.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from shopmind.durable import publish_dir, remove_stale, temp_dir, write_json
from shopmind.index.catalog import Catalog, product_fields
from shopmind.index.dense import ANN_THRESHOLD, DenseIndex
from shopmind.index.lexical import LexicalIndex
from shopmind.kb.models import Product
from shopmind.kb.store import Stopped
from shopmind.text.tokenize import TOKENIZER_VERSION

VectorsFn = Callable[[Sequence[Product]], np.ndarray]
Progress = Callable[[float, str], None]
POINTER = "CURRENT.json"


class IndexSet:
    """Everything retrieval reads; ``apply(products)`` folds product changes in within milliseconds."""

    def __init__(self, catalog: Catalog, lexical: LexicalIndex, dense: DenseIndex | None,
                 seq: int = 0, encoder_name: str | None = None) -> None:
        self.catalog, self.lexical, self.dense = catalog, lexical, dense
        self.seq = seq
        self.encoder_name = encoder_name
        self.lock = threading.RLock()
        self.version = 0  # bumps on every change; caches key on it
        self.saved_as: str | None = None  # the version folder it was saved as or loaded from

    # -- building ------------------------------------------------------------------------------------
    @classmethod
    def build(cls, products: Iterable[Product], vectors_fn: VectorsFn | None = None, seq: int = 0,
              encoder_name: str | None = None, progress: Progress | None = None,
              ann_threshold: int = ANN_THRESHOLD, batch: int = 2048,
              stop: Callable[[], bool] | None = None) -> "IndexSet":
        """Index all active ``products``; ``vectors_fn`` (may be None: lexical only) embeds them,
        ``batch`` at a time; ``stop()`` true between batches raises ``Stopped``."""
        say = progress or (lambda f, m: None)
        stop = stop or (lambda: False)
        catalog, docs, prods = Catalog(), [], []
        for p in products:
            if p.status != "active":
                continue
            catalog.add(p)
            docs.append(product_fields(p))
            prods.append(p)
        say(0.3, f"analyzed {len(prods)} products")
        if stop():
            raise Stopped("index build stopped before the lexical index")
        lexical = LexicalIndex()
        lexical.build(docs)
        say(0.4, "lexical index built")
        dense = None
        if vectors_fn is not None:
            parts = []
            for i in range(0, len(prods), batch):
                if stop():
                    raise Stopped(f"index build stopped after {i} of {len(prods)} products")
                parts.append(np.asarray(vectors_fn(prods[i : i + batch]), dtype=np.float32))
                say(0.4 + 0.5 * min(1.0, (i + batch) / max(len(prods), 1)), f"embedded {min(i + batch, len(prods))}")
            vec = np.concatenate(parts) if parts else np.zeros((0, 1), np.float32)
            dim = vec.shape[1] if len(vec) else int(getattr(vectors_fn, "dim", 384))
            dense = DenseIndex(dim, ann_threshold=ann_threshold)
            dense.build(vec.reshape(len(prods), dim) if len(prods) else np.zeros((0, dim), np.float32))
        say(1.0, "indexes built")
        return cls(catalog, lexical, dense, seq, encoder_name)

    # -- incremental ---------------------------------------------------------------------------------
    def apply(self, products: Sequence[Product], vectors_fn: VectorsFn | None = None, seq: int | None = None) -> int:
        """Fold changed products (deleted ones included) into every index; returns rows touched."""
        with self.lock:
            active = [p for p in products if p.status == "active"]
            vecs = None
            if self.dense is not None and vectors_fn is not None and active:
                vecs = np.asarray(vectors_fn(active), dtype=np.float32)
            for p in products:
                old = self.catalog.remove(p.id)
                if old is not None:
                    self.lexical.remove(old)
                    if self.dense is not None:
                        self.dense.remove(old)
            for i, p in enumerate(active):
                row = self.catalog.add(p)
                self.lexical.add(row, product_fields(p))
                if self.dense is not None and vecs is not None:
                    self.dense.add(row, vecs[i])
            self.lexical.refresh()
            if seq is not None:
                self.seq = seq
            self.version += 1
            return len(products)

    def compact(self) -> None:
        """Merge live updates into the main segments and drop dead rows (renumbers rows)."""
        with self.lock:
            order = self.catalog.compact()
            self.lexical.compact(order)
            if self.dense is not None:
                self.dense.compact(order)
            self.version += 1

    def needs_compaction(self) -> bool:
        n_main = self.lexical.main.n if self.lexical.main is not None else 0
        return len(self.lexical.delta_rows) > max(1000, 0.1 * n_main) or (
            len(self.catalog) - int(self.catalog.live().sum()) > max(1000, 0.1 * len(self.catalog)))

    # -- persistence -----------------------------------------------------------------------------------
    def save(self, root: Path) -> Path:
        """Write a new version folder under ``root`` and atomically point CURRENT.json at it."""
        with self.lock:
            if self.lexical.delta_rows or len(self.catalog) != int(self.catalog.live().sum()):
                self.compact()
            root.mkdir(parents=True, exist_ok=True)
            remove_stale(root)
            name = f"v{time.time_ns()}"
            tmp = temp_dir(root / name)
            self.catalog.save(tmp / "catalog")
            self.lexical.save(tmp / "lexical")
            if self.dense is not None:
                self.dense.save(tmp / "dense")
            meta = {"seq": self.seq, "encoder": self.encoder_name, "tokenizer": TOKENIZER_VERSION,
                    "products": len(self.catalog), "dense": self.dense is not None, "saved_at": time.time()}
            write_json(tmp / "meta.json", meta)
            publish_dir(tmp, root / name)
            write_json(root / POINTER, {"current": name})
            self.saved_as = name
            versions = sorted(p.name for p in root.iterdir() if p.is_dir() and p.name.startswith("v"))
            for old in versions[:-2]:  # keep the current and one previous version
                shutil.rmtree(root / old, ignore_errors=True)
            return root / name

    @classmethod
    def load(cls, root: Path) -> "IndexSet | None":
        """The saved index set under ``root`` (None when there is none or it was built by an older analyzer)."""
        ptr = root / POINTER
        if not ptr.exists():
            return None
        d = root / json.loads(ptr.read_text("utf-8"))["current"]
        meta = json.loads((d / "meta.json").read_text("utf-8"))
        if meta.get("tokenizer") != TOKENIZER_VERSION:
            return None
        dense = DenseIndex.load(d / "dense") if meta.get("dense") else None
        ix = cls(Catalog.load(d / "catalog"), LexicalIndex.load(d / "lexical"), dense, meta["seq"], meta.get("encoder"))
        ix.saved_as = d.name
        return ix

    def nbytes(self) -> dict[str, int]:
        return {
            "catalog": self.catalog.nbytes(),
            "lexical": self.lexical.nbytes(),
            "dense": self.dense.nbytes() if self.dense is not None else 0,
        }
