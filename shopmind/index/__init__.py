"""Search indexes over the knowledge base: catalog facts, fielded BM25 and dense vectors on one row space.

``build_indexes(shop, progress)`` is what `shopmind index` (and ingest) runs: it refreshes the saved index
set incrementally from the store's product changes, or builds it from scratch when there is none (or
the encoder/analyzer changed, or ``full=True``), then saves it atomically.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from shopmind.index.manager import IndexSet

__all__ = ["IndexSet", "build_indexes", "index_dir"]


def index_dir(shop: Any):
    return shop.settings.home / "index"


def build_indexes(shop: Any, progress: Callable[[float, str], None] | None = None, full: bool = False) -> dict[str, Any]:
    """Build or refresh the search indexes of ``shop`` and save them; returns counts and timings.

    ``progress(fraction, message)`` is called as work advances (fraction 0..1)."""
    from shopmind.embed import embed_products

    say = progress or (lambda f, m: None)
    t0 = time.time()
    store = shop.store
    encoder = shop.encoder
    root = index_dir(shop)
    ix = None if full else IndexSet.load(root)
    mode = "incremental"
    if ix is not None and ix.encoder_name != encoder.name:
        ix = None
    vectors = lambda prods: embed_products(store, prods, encoder)  # noqa: E731
    with store.job("index") as job:
        if ix is None:
            mode = "full"
            seq = store.change_seq()
            say(0.0, "reading products")
            products = list(store.iter_products())

            def step(f: float, msg: str) -> None:
                say(f * 0.95, msg)
                job.progress(f * 0.95)

            ix = IndexSet.build(products, vectors, seq=seq, encoder_name=encoder.name, progress=step)
            changed = len(products)
        else:
            changed_products, newest = store.product_changes(ix.seq)
            say(0.1, f"{len(changed_products)} products changed since the last index")
            ix.apply(changed_products, vectors, seq=newest)
            changed = len(changed_products)
        say(0.96, "saving")
        ix.save(root)
        sizes = ix.nbytes()
        job.progress(1.0, products=len(ix.catalog), changed=changed)
    # a running engine in this process picks the new files up on its next build
    shop.__dict__.pop("search", None)
    say(1.0, "done")
    return {"mode": mode, "products": len(ix.catalog), "changed": changed, "encoder": encoder.name,
            "seconds": round(time.time() - t0, 2), "bytes": sizes, "ann": bool(ix.dense and ix.dense.uses_ann)}
