"""Enrichment throughput on the Icecat catalog (19,406 products), per step, cold and incremental.

Run: HF_HUB_OFFLINE=1 python benchmarks/text_enrich.py [--limit N] [--embed-limit N] [--encoder minilm]
1. ingest the four Icecat zips into a fresh store (shopmind.kb.ingest),
2. enrich without embeddings (tokens, entities, keywords, topics; sentiment has no reviews here),
3. re-run (nothing changed: every step should do ~0 work), change 1 % of titles and re-run,
4. the embeddings step on ``--embed-limit`` products, next to the encoder's own batch speed on the
   same texts (what "no per-item overhead" is checked against).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from shopmind.config import Settings, data_dir
from shopmind.kb.models import ProductIn
from shopmind.shop import Shop
from shopmind.text.enrich import enrich

TEXT_STEPS = ["tokens", "entities", "keywords", "topics", "sentiment"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=None, help="only the first N Icecat products")
    ap.add_argument("--embed-limit", type=int, default=2000, help="products for the embeddings step (0: skip)")
    ap.add_argument("--encoder", default="minilm")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()

    from shopmind.kb.ingest import ingest_file

    home = Path(tempfile.mkdtemp(prefix="shopmind-bench-"))
    shop = Shop(Settings(home=home, encoder=args.encoder))
    files = sorted((data_dir() / "search/icecat").glob("icecat-products-*.json.zip"))
    t = time.perf_counter()
    if args.limit:
        import zipfile

        from shopmind.kb.formats.icecat import to_record

        rows = json.load(zipfile.ZipFile(files[0]).open(zipfile.ZipFile(files[0]).namelist()[0]))[: args.limit]
        shop.store.upsert_products([ProductIn(**to_record(r)) for r in rows])
    else:
        rep = ingest_file(shop.store, files)
        print(f"ingest: {rep.inserted} products, {rep.rejected} rejected")
    print(f"loaded {shop.store.count_products()} products in {time.perf_counter() - t:.1f}s")
    out: dict = {"products": shop.store.count_products()}

    res = enrich(shop, steps=TEXT_STEPS)
    out["cold"] = res
    print("cold:", json.dumps(res["steps"]), f"total {res['seconds']:.1f}s", flush=True)
    res2 = enrich(shop, steps=TEXT_STEPS)
    out["unchanged"] = res2
    print("unchanged:", f"total {res2['seconds']:.1f}s", json.dumps(res2["steps"]), flush=True)

    prods = list(shop.store.iter_products())
    changed = prods[:: 100]
    fields = set(ProductIn.model_fields)
    shop.store.upsert_products([ProductIn(**{**p.model_dump(include=fields), "title": p.title + " (2024)"}) for p in changed])
    res3 = enrich(shop, steps=TEXT_STEPS)
    out["one_percent_changed"] = res3
    print(f"{len(changed)} changed:", f"total {res3['seconds']:.1f}s", json.dumps(res3["steps"]), flush=True)

    if args.embed_limit:
        from shopmind.embed import product_text

        enc = shop.encoder
        sample = prods[: args.embed_limit]
        texts = [product_text(p) for p in sample]
        t = time.perf_counter()
        enc.encode_passages(texts[:500])
        raw = 500 / (time.perf_counter() - t)
        t = time.perf_counter()
        res4 = enrich(shop, product_ids=[p.id for p in sample], steps=["embeddings"])
        step = res4["steps"]["embeddings"]
        out["embeddings"] = {"encoder": enc.name, "products": len(sample), "step": step, "encoder_only_per_s": round(raw, 1)}
        print(f"embeddings ({enc.name}): {step['per_s']}/s through enrich vs {raw:.1f}/s encoder alone "
              f"(first 500 texts)", flush=True)
        res5 = enrich(shop, product_ids=[p.id for p in sample], steps=["embeddings"])
        out["embeddings"]["rerun_processed"] = res5["steps"]["embeddings"]["processed"]
    shop.close()
    print(json.dumps(out, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
