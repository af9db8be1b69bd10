"""Demo-shop search judged from the catalog: NDCG@10 of the shop's search and a bm25s+jieba baseline.

Each query in ``benchmarks/data/demo_queries.jsonl`` carries its intent as structured constraints
(target classes, optional close classes, brand aliases, min/max price in a currency, a feature) written
from the query alone. Every catalog product is graded from its own fields — class (its category string,
mapped by hand below), brand, price converted at ``USD_CNY`` — never from any system's results:
2 = a target class and every constraint, 1 = a target class with a constraint off or a close class with
every constraint, 0 otherwise. Queries split 40 % dev / 60 % test by a fixed hash; tune on dev only.

    python benchmarks/demo_search.py --split dev                 # NDCG@10 of search and bm25s, zh/en
    python benchmarks/demo_search.py --write-csv /tmp/demo.csv   # judgments for `shopmind eval search`
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "benchmarks" / "data" / "demo_queries.jsonl"
USD_CNY = 7.2  # grading rate: one USD in CNY

#: the demo catalog's category strings (both trees) -> one class id; written by hand from the catalog
CLASS_OF = {
    "数码 > 手机": "phone", "Electronics > Phones": "phone",
    "电脑办公 > 笔记本电脑": "laptop", "Electronics > Computers > Laptops": "laptop",
    "数码 > 平板电脑": "tablet", "Electronics > Tablets": "tablet",
    "数码 > 耳机": "headphones", "Electronics > Audio > Headphones": "headphones",
    "数码 > 智能穿戴 > 智能手表": "smartwatch", "Electronics > Wearables > Smart Watches": "smartwatch",
    "家电 > 厨房电器 > 空气炸锅": "air_fryer", "Home Appliances > Kitchen > Air Fryers": "air_fryer",
    "家电 > 厨房电器 > 电饭煲": "rice_cooker", "Home Appliances > Kitchen > Rice Cookers": "rice_cooker",
    "家电 > 清洁电器 > 吸尘器": "vacuum", "Home Appliances > Cleaning > Vacuum Cleaners": "vacuum",
    "家电 > 卫浴电器 > 热水器": "water_heater", "Home Appliances > Bathroom > Water Heaters": "water_heater",
    "服装鞋靴 > 运动鞋": "shoes", "Clothing > Shoes": "shoes",
    "服装鞋靴 > 外套": "jacket", "Clothing > Jackets": "jacket",
    "服装鞋靴 > T恤": "tshirt", "Clothing > T-Shirts": "tshirt",
    "服装鞋靴 > 连衣裙": "dress", "Clothing > Dresses": "dress",
    "图书": "book", "Books": "book",
    "食品 > 茶叶": "tea", "Food > Tea": "tea",
    "食品 > 零食": "snacks", "Food > Snacks": "snacks",
    "食品 > 生鲜水果": "fruit", "Food > Fresh Fruit": "fruit",
    "美妆个护 > 护肤": "skincare", "Beauty & Personal Care > Skin Care": "skincare",
    "美妆个护 > 个护电器": "personal_care", "Beauty & Personal Care > Personal Care Appliances": "personal_care",
    "运动户外 > 健身装备": "fitness", "Sports & Outdoors > Fitness": "fitness",
    "运动户外 > 户外装备": "outdoor", "Sports & Outdoors > Outdoor Gear": "outdoor",
}


def split_of(query: str) -> str:
    h = int(hashlib.sha1(f"demo-judgments:{query}".encode()).hexdigest()[:8], 16) % 100
    return "dev" if h < 40 else "test"


def load_queries(split: str = "all") -> list[dict]:
    qs = [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [q for q in qs if split == "all" or split_of(q["query"]) == split]


def _has_feature(p: dict, feature: str) -> bool:
    if feature != "anc":
        raise ValueError(f"unknown feature {feature!r}")
    attrs = {k.lower(): v for k, v in (p.get("attributes") or {}).items()}
    title = p["title"].lower()
    return attrs.get("主动降噪") is True or attrs.get("noise cancelling") is True or "降噪" in title \
        or "noise cancel" in title


def grade(p: dict, intent: dict) -> int:
    """The product's grade for one query intent (see the module docstring)."""
    cls = CLASS_OF.get(p.get("category") or "")
    if cls in intent["classes"]:
        base = 2
    elif cls in intent.get("close", []):
        base = 1
    else:
        return 0
    ok = True
    if intent.get("brand"):
        ok &= (p.get("brand") or "").lower() in {b.lower() for b in intent["brand"]}
    if "price_max" in intent or "price_min" in intent:
        cur = intent.get("currency", "CNY")
        price = float(p["price"])
        if p.get("currency", "CNY") != cur:
            price = price * USD_CNY if cur == "CNY" else price / USD_CNY
        ok &= price <= intent.get("price_max", math.inf) and price >= intent.get("price_min", 0.0)
    if intent.get("feature"):
        ok &= _has_feature(p, intent["feature"])
    return base if ok else base - 1


def catalog() -> list[dict]:
    path = ROOT / "shopmind" / "demo" / "data" / "products.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def judgments(queries: list[dict], products: list[dict]) -> dict[str, dict[str, int]]:
    missing = {p["category"] for p in products} - set(CLASS_OF)
    if missing:
        raise SystemExit(f"categories without a class in CLASS_OF: {sorted(missing)}")
    return {q["query"]: {p["id"]: grade(p, q) for p in products} for q in queries}


def ndcg10(ids: list[str], gains: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** gains.get(pid, 0) - 1) / math.log2(i + 2) for i, pid in enumerate(ids[:k]))
    ideal = sorted(gains.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def bm25s_baseline(products: list[dict]):
    """A plain bm25s index with jieba (search mode) over title, brand, category and attributes."""
    import bm25s
    import jieba

    jieba.setLogLevel(60)

    def toks(text: str) -> list[str]:
        return [t for t in jieba.cut_for_search(text.lower()) if t.strip()]

    docs = [" ".join([p["title"], p.get("brand") or "", p.get("category") or "",
                      " ".join(f"{k} {v}" for k, v in (p.get("attributes") or {}).items())]) for p in products]
    retriever = bm25s.BM25()
    retriever.index([toks(d) for d in docs], show_progress=False)

    def search(q: str) -> list[str]:
        t = toks(q)
        if not t:
            return []
        scores = retriever.get_scores(t)
        order = sorted(range(len(products)), key=lambda i: -scores[i])
        return [products[i]["id"] for i in order[:10] if scores[i] > 0]

    return search


def shop_search(home: Path):
    """The demo shop as `shopmind demo` builds it; search() is the public results page (filters, fallbacks)."""
    from shopmind.config import Settings
    from shopmind.demo import load_demo
    from shopmind.shop import Shop

    shop = Shop(Settings(home=home, admin_key="bench"))
    load_demo(shop.store)
    shop.index()
    eng = shop.search
    return lambda q: [r["id"] for r in eng.search(q, size=10)["results"]]


def report(systems: dict, queries: list[dict], judged: dict, verbose: bool = False) -> dict:
    out: dict = {}
    for name, fn in systems.items():
        per = {q["query"]: ndcg10(fn(q["query"]), judged[q["query"]]) for q in queries}
        langs = {lang: [per[q["query"]] for q in queries if q["lang"] == lang] for lang in ("zh", "en", "mixed")}
        out[name] = {"ndcg@10": round(sum(per.values()) / len(per), 4),
                     **{lang: round(sum(v) / len(v), 4) for lang, v in langs.items() if v}}
        if verbose:
            for q, v in sorted(per.items(), key=lambda kv: kv[1])[:15]:
                print(f"  {name:8s} {v:.3f} {q}", file=sys.stderr)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=["dev", "test", "all"], default="dev")
    ap.add_argument("--write-csv", type=Path, help="write query,product_id,grade for the split and stop")
    ap.add_argument("--home", type=Path, help="shop home (default: a fresh temporary one)")
    ap.add_argument("--verbose", action="store_true", help="print the worst queries")
    a = ap.parse_args()
    products, queries = catalog(), load_queries(a.split)
    judged = judgments(queries, products)
    if a.write_csv:
        with a.write_csv.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["query", "product_id", "grade"])
            for q, grades in judged.items():
                w.writerows([q, pid, g] for pid, g in grades.items())
        print(f"{len(judged)} queries x {len(products)} products -> {a.write_csv}")
        return
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        systems = {"search": shop_search(a.home or Path(tmp) / "home"), "bm25s": bm25s_baseline(products)}
        res = report(systems, queries, judged, a.verbose)
    print(json.dumps({"split": a.split, "queries": len(queries), "results": res,
                      "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
                      "seconds": round(time.time() - t0, 1)}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
