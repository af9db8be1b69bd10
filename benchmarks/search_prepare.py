"""Load the search benchmark catalogs into their own stores and embed them once (vectors are cached
in each store), so benchmark runs measure search, not first-time encoding.

    python benchmarks/search_prepare.py [homedepot crowdflower icecat]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from search_data import crowdflower, homedepot, icecat  # noqa: E402

from shopmind.embed import embed_products, get_encoder  # noqa: E402
from shopmind.kb import open_store  # noqa: E402

HOME = Path(os.environ.get("SEARCH_BENCH_HOME", "shopmind-data/bench-search"))
ENCODER = os.environ.get("SEARCH_BENCH_ENCODER", "minilm")


def catalog(name: str):
    """(products, judgments path or None) of one benchmark data set."""
    if name == "homedepot":
        return homedepot()
    if name == "crowdflower":
        return crowdflower(HOME)
    if name == "icecat":
        return icecat(), Path(__file__).resolve().parents[1] / "tests" / "data" / "search" / "icecat_judgments.csv"
    raise SystemExit(f"unknown data set {name!r} (homedepot, crowdflower, icecat)")


def prepare(name: str) -> Path:
    HOME.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{HOME / (name + '.sqlite3')}"
    prods, _ = catalog(name)
    store = open_store(url)
    t = time.time()
    if store.count_products() < len(prods):
        for i in range(0, len(prods), 5000):
            store.upsert_products(prods[i : i + 5000], source="bench")
    print(f"{name}: {store.count_products()} products stored in {time.time() - t:.1f}s", flush=True)
    t = time.time()
    enc = get_encoder(ENCODER)
    active = list(store.iter_products())
    embed_products(store, active, enc, progress=True)
    print(f"{name}: embedded with {enc.name} in {time.time() - t:.1f}s", flush=True)
    store.close()
    return HOME / (name + ".sqlite3")


if __name__ == "__main__":
    for n in sys.argv[1:] or ["homedepot", "crowdflower", "icecat"]:
        prepare(n)
