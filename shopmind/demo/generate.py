"""Generate the demo shop's JSON Lines data (deterministic, seeded) from the hand-written catalog.

Run ``python -m shopmind.demo.generate`` after editing a catalog module; it rewrites
shopmind/demo/data/*.jsonl and the SVG placeholders in shopmind/demo/static/. All times are fixed
relative to DEMO_NOW, so two runs produce identical files.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import random
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from shopmind.demo import catalog_home, catalog_life, catalog_tech
from shopmind.demo.docs_text import DOCS
from shopmind.demo.people import QUERIES, USERS
from shopmind.demo.review_text import (
    ASPECTS, AUTHORS_EN, AUTHORS_ZH, CLOSERS, GENERAL, KIND_ASPECTS, TITLES_EN, TITLES_ZH,
)
from shopmind.demo.spec import Family
from shopmind.kb.models import DocumentIn, EventIn, OrderIn, ProductIn, ReviewIn, UserIn

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / "data"
STATIC_DIR = HERE / "static"
DEMO_NOW = 1748736000  # 2025-06-01 00:00:00 UTC: the demo's fixed "now"
DAY = 86400
SEED = "shopmind-demo-1"

FAMILIES: list[Family] = catalog_tech.FAMILIES + catalog_home.FAMILIES + catalog_life.FAMILIES

VARIANT_LINES = {
    "zh": ["此链接为{v}版本。", "当前规格：{v}。", "本款为{v}。", "{v}，现货速发。"],
    "en": ["This listing is the {v} version.", "Configuration: {v}.", "You are viewing the {v} option.", "{v}, in stock and ready to ship."],
}
KIND_LABEL = {
    "phone": ("手机", "Phone"), "laptop": ("笔记本", "Laptop"), "tablet": ("平板", "Tablet"),
    "headphones": ("耳机", "Audio"), "watch": ("手表", "Watch"), "air_fryer": ("空气炸锅", "Air Fryer"),
    "rice_cooker": ("电饭煲", "Rice Cooker"), "vacuum": ("吸尘器", "Vacuum"), "water_heater": ("热水器", "Heater"),
    "shoes": ("鞋靴", "Shoes"), "jacket": ("外套", "Jacket"), "tshirt": ("T恤", "T-Shirt"), "dress": ("连衣裙", "Dress"),
    "book": ("图书", "Book"), "tea": ("茶叶", "Tea"), "snack": ("零食", "Snacks"), "fruit": ("水果", "Fruit"),
    "skincare": ("护肤", "Skin Care"), "personal_care": ("个护", "Care"), "sports": ("运动", "Sports"),
    "outdoor": ("户外", "Outdoor"),
}
PALETTE = {
    "phone": "#3b6fd8", "laptop": "#4a5568", "tablet": "#5a67d8", "headphones": "#805ad5", "watch": "#2b6cb0",
    "air_fryer": "#dd6b20", "rice_cooker": "#c05621", "vacuum": "#319795", "water_heater": "#2c7a7b",
    "shoes": "#e53e3e", "jacket": "#2f855a", "tshirt": "#38a169", "dress": "#d53f8c", "book": "#975a16",
    "tea": "#48773e", "snack": "#d69e2e", "fruit": "#ed8936", "skincare": "#b83280", "personal_care": "#6b46c1",
    "sports": "#c53030", "outdoor": "#276749",
}
KIND_WEIGHT = {"phone": 2.0, "headphones": 1.6, "fruit": 1.5, "snack": 1.4, "book": 1.2, "shoes": 1.3,
               "water_heater": 0.6, "laptop": 1.1}


def _valid(model: type, row: dict[str, Any]) -> dict[str, Any]:
    """Validate ``row`` with the knowledge-base model and return it as written (None fields dropped)."""
    model(**row)
    return {k: v for k, v in row.items() if v is not None}


# -- products ---------------------------------------------------------------------------------
def ean13(stem: str, prefix: str) -> str:
    """A 13-digit EAN with a valid check digit: ``prefix`` then digits derived from ``stem``."""
    digits = str(int(hashlib.sha1(stem.encode()).hexdigest(), 16))
    body = (prefix + digits)[:12]
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _variants(fam: Family) -> list[tuple[list[str], dict[str, Any], float]]:
    if not fam.axes:
        return [([], {}, 0.0)]
    combos = list(itertools.product(*fam.axes))
    if fam.limit and fam.limit < len(combos):  # spread the picks over the whole grid
        step = len(combos) / fam.limit
        combos = [combos[int(i * step)] for i in range(fam.limit)]
    out = []
    for combo in combos:
        attrs: dict[str, Any] = {}
        for _, a, _ in combo:
            attrs.update(a)
        out.append(([c[0] for c in combo], attrs, sum(c[2] for c in combo)))
    return out


def build_products(rng: random.Random) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """Expand every family into products; also return per-product facts the other builders use."""
    products, meta = [], {}
    for fam in FAMILIES:
        variants = _variants(fam)
        fam_pop = KIND_WEIGHT.get(fam.kind, 1.0) * rng.lognormvariate(0, 0.6)
        for i, (labels, vattrs, delta) in enumerate(variants):
            pid = fam.key if len(variants) == 1 else f"{fam.key}-{i + 1:02d}"
            title = " ".join([fam.title, *labels])
            stock = 0 if rng.random() < 0.07 else rng.choice([rng.randint(3, 40), rng.randint(20, 300)])
            desc = fam.desc
            if labels:
                joined = ("、" if fam.lang == "zh" else ", ").join(labels)
                lines = VARIANT_LINES[fam.lang][: 3 if stock == 0 else 4]  # the 4th says "in stock"
                desc += (" " if fam.lang == "en" else "") + rng.choice(lines).format(v=joined)
            price = round(fam.price + delta, 2)
            book = fam.kind == "book"
            prefix = ("9787" if fam.lang == "zh" else "9780") if book else ("69" if fam.lang == "zh" else "0")
            tag = hashlib.sha1(fam.key.encode()).hexdigest()[:3].upper()
            sku = "SM-" + re.sub(r"[^A-Z0-9]", "", fam.key.upper())[:10] + f"{tag}-{i + 1:02d}"
            rec = _valid(ProductIn, dict(
                id=pid, title=title, sku=sku, ean=ean13(pid, prefix), brand=fam.brand, category=fam.category,
                price=price, currency="CNY" if fam.lang == "zh" else "USD", stock=stock, status="active",
                language=fam.lang, description=desc, attributes={**fam.attrs, **vattrs},
                images=[f"/static/demo/{pid}.svg"],
            ))
            products.append(rec)
            color = vattrs.get("颜色") or vattrs.get("color") or fam.attrs.get("颜色") or fam.attrs.get("color")
            meta[pid] = {"kind": fam.kind, "lang": fam.lang, "family": fam.key, "brand": fam.brand,
                         "price": price, "pop": fam_pop * rng.lognormvariate(0, 0.4), "color": color,
                         "quality": rng.gauss(0, 0.6), "weak": rng.choice(KIND_ASPECTS[fam.kind]),
                         "title": title, "stock": stock}
    return products, meta


def svg_placeholder(product: dict[str, Any], kind: str) -> str:
    """A small, self-contained SVG card: category badge, brand and a short title."""
    lang = product["language"]
    label = KIND_LABEL[kind][0 if lang == "zh" else 1]
    short = product["title"]
    limit = 14 if lang == "zh" else 26
    short = short if len(short) <= limit else short[: limit - 1] + "…"
    color = PALETTE[kind]
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400">'
        f'<rect width="400" height="400" rx="24" fill="#f7f7f9"/>'
        f'<circle cx="200" cy="160" r="96" fill="{color}"/>'
        f'<text x="200" y="172" font-size="34" text-anchor="middle" fill="#fff" font-family="sans-serif">{escape(label)}</text>'
        f'<text x="200" y="312" font-size="28" font-weight="bold" text-anchor="middle" fill="#1a202c" '
        f'font-family="sans-serif">{escape(product.get("brand") or "")}</text>'
        f'<text x="200" y="350" font-size="18" text-anchor="middle" fill="#4a5568" font-family="sans-serif">{escape(short)}</text>'
        "</svg>\n"
    )


# -- reviews ----------------------------------------------------------------------------------
RATING_BASE = {1: 0.07, 2: 0.06, 3: 0.12, 4: 0.28, 5: 0.47}


def _rating(rng: random.Random, quality: float) -> int:
    w = {r: p * math.exp(quality * (r - 3) / 2) for r, p in RATING_BASE.items()}
    return rng.choices(list(w), weights=list(w.values()))[0]


def _phrase(rng: random.Random, aspect: str, lang: str, positive: bool) -> str:
    zp, zn, ep, en = ASPECTS[aspect]
    pool = (zp if positive else zn) if lang == "zh" else (ep if positive else en)
    return rng.choice(pool)


def review_text(rng: random.Random, m: dict[str, Any], rating: int, lang: str) -> tuple[str | None, str]:
    """Compose a review whose aspects fit the product kind and whose tone fits the rating."""
    kind_aspects = KIND_ASPECTS[m["kind"]]
    weak = m["weak"]
    others = [a for a in kind_aspects if a != weak] or kind_aspects
    parts: list[str] = []
    if rating >= 4:
        for a in rng.sample(others, k=min(len(others), rng.choice([1, 2]))):
            parts.append(_phrase(rng, a, lang, True))
        if rating == 4 and rng.random() < 0.35:
            parts.append(_phrase(rng, weak if rng.random() < 0.6 else "price", lang, False))
        elif rng.random() < 0.5:
            parts.append(_phrase(rng, rng.choice(GENERAL), lang, True))
    elif rating == 3:
        parts.append(_phrase(rng, rng.choice(others), lang, True))
        parts.append(_phrase(rng, weak if rng.random() < 0.6 else rng.choice(GENERAL), lang, False))
    else:
        parts.append(_phrase(rng, weak, lang, False))
        if rng.random() < 0.5:
            parts.append(_phrase(rng, rng.choice(GENERAL), lang, False))
        elif rating == 2 and rng.random() < 0.4:
            parts.append(_phrase(rng, rng.choice(others), lang, True))
    if m["color"] and lang == m["lang"] and rating >= 3 and rng.random() < 0.25:
        parts.insert(0, f"买的{m['color']}，颜值很高。" if lang == "zh" else f"Got it in {m['color']}, looks great.")
    if rng.random() < 0.6:
        parts.append(rng.choice(CLOSERS[lang][rating]))
    text = ("" if lang == "zh" else " ").join(parts)
    if lang == "en":
        title = rng.choice(TITLES_EN[rating]) if rng.random() < 0.8 else None
    else:
        title = rng.choice(TITLES_ZH[rating]) if rng.random() < 0.25 else None
    return title, text


def build_reviews(rng: random.Random, meta: dict[str, dict[str, Any]], buyer_reviews: list[dict[str, Any]],
                  target: int = 1000) -> list[dict[str, Any]]:
    ids = sorted(meta)
    total_pop = sum(meta[p]["pop"] for p in ids)
    out: list[dict[str, Any]] = []
    for pid in ids:
        m = meta[pid]
        n = int(target * m["pop"] / total_pop + rng.random())
        for _ in range(n):
            lang = m["lang"] if rng.random() < 0.92 else ("en" if m["lang"] == "zh" else "zh")
            rating = _rating(rng, m["quality"])
            title, text = review_text(rng, m, rating, lang)
            out.append({"product_id": pid, "rating": rating, "title": title, "text": text,
                        "author": rng.choice(AUTHORS_ZH if lang == "zh" else AUTHORS_EN), "language": lang,
                        "created_at": DEMO_NOW - rng.randint(2 * DAY, 365 * DAY)})
    out.extend(buyer_reviews)
    out.sort(key=lambda r: (r["created_at"], r["product_id"]))
    return [_valid(ReviewIn, {"id": f"r-{i + 1:05d}", **r}) for i, r in enumerate(out)]


# -- documents and users ----------------------------------------------------------------------
def build_documents() -> list[dict[str, Any]]:
    out = []
    for topic, kind, zt, zb, et, eb in DOCS:
        out.append(_valid(DocumentIn, dict(id=f"doc-{topic}-zh", kind=kind, topic=topic, title=zt, body=zb, language="zh")))
        out.append(_valid(DocumentIn, dict(id=f"doc-{topic}-en", kind=kind, topic=topic, title=et, body=eb, language="en")))
    return out


def build_users() -> list[dict[str, Any]]:
    return [_valid(UserIn, dict(id=u, name=n, email=e, language=lang)) for u, n, e, lang, *_ in USERS]


# -- orders -----------------------------------------------------------------------------------
def _pick(rng: random.Random, meta: dict[str, dict[str, Any]], lang: str, kind: str, pattern: str | None,
          in_stock: bool = False) -> str:
    cands = [p for p, m in meta.items() if m["lang"] == lang and m["kind"] == kind
             and (not pattern or re.search(pattern, m["title"])) and (not in_stock or m["stock"] > 0)]
    if not cands:
        cands = [p for p, m in meta.items() if m["lang"] == lang and m["kind"] == kind]
    cands.sort()
    return rng.choices(cands, weights=[meta[p]["pop"] for p in cands])[0]


def _interest(rng: random.Random, interests: list[tuple[str, float, str | None]]) -> tuple[str, str | None]:
    kind, _, pat = rng.choices(interests, weights=[w for _, w, _ in interests])[0]
    return kind, pat


def _tracking(rng: random.Random, lang: str, kind: str) -> tuple[str, str]:
    digits = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    if lang == "zh":
        if kind in ("water_heater", "vacuum", "air_fryer", "rice_cooker"):
            return "京东物流", "JDV" + digits(12)
        if kind in ("phone", "laptop", "tablet", "headphones", "watch", "fruit"):
            return "顺丰速运", "SF" + digits(13)
        return "中通快递", "7" + digits(14)
    carrier = rng.choice(["UPS", "FedEx", "USPS"])
    if carrier == "UPS":
        return carrier, "1Z" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(6)) + digits(10)
    if carrier == "FedEx":
        return carrier, digits(12)
    return carrier, "9400" + digits(18)


RECENT_STATUS = ["pending", "paid", "shipped", "shipped", "paid", "shipped", "pending", "shipped", "paid"]


def build_orders(rng: random.Random, meta: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    orders: list[dict[str, Any]] = []
    for ui, (uid, _, _, lang, address, interests, _) in enumerate(USERS):
        n = rng.choice([2, 3, 3, 4])
        times = sorted(DEMO_NOW - rng.randint(8 * DAY, 360 * DAY) for _ in range(n))
        for oi, created in enumerate(times):
            status = rng.choices(["delivered", "cancelled", "returned"], weights=[78, 10, 12])[0]
            if oi == n - 1 and ui < len(RECENT_STATUS):  # the newest order of some users is still open
                status = RECENT_STATUS[ui]
                created = DEMO_NOW - {"pending": rng.randint(300, 1500), "paid": rng.randint(2, 12) * 3600,
                                      "shipped": rng.randint(20, 60) * 3600}[status]
            lines: dict[str, dict[str, Any]] = {}
            kinds: dict[str, str | None] = {}
            for _ in range(rng.choices([1, 2, 3], weights=[65, 25, 10])[0]):
                kind, pat = _interest(rng, interests)
                kinds.setdefault(kind, pat)  # one product per kind: nobody buys three robot vacuums at once
            for kind, pat in kinds.items():
                pid = _pick(rng, meta, lang, kind, pat, in_stock=status in ("pending", "paid", "shipped"))
                qty = rng.choice([1, 1, 2]) if kind in ("fruit", "snack", "tea", "tshirt") else 1
                lines[pid] = {"product_id": pid, "qty": qty, "price": meta[pid]["price"]}
            first_kind = meta[next(iter(lines))]["kind"]
            o: dict[str, Any] = {"id": f"o-{len(orders) + 1:04d}", "user_id": uid, "status": status,
                                 "currency": "CNY" if lang == "zh" else "USD", "lines": list(lines.values()),
                                 "created_at": created, "address": address}
            if status in ("shipped", "delivered", "returned"):
                o["shipped_at"] = created + rng.randint(2, 20) * 3600
                o["carrier"], o["tracking"] = _tracking(rng, lang, first_kind)
                transit = rng.randint(1, 3) if lang == "zh" else rng.randint(3, 6)
                o["eta"] = o["shipped_at"] + transit * DAY
                if status != "shipped":
                    o["delivered_at"] = o["eta"] + rng.randint(-6, 10) * 3600
                elif o["eta"] <= DEMO_NOW:
                    o["eta"] = DEMO_NOW + rng.randint(8, 40) * 3600
            orders.append(_valid(OrderIn, o))
    return orders


def buyer_reviews(rng: random.Random, orders: list[dict[str, Any]], meta: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Reviews written by the demo users about what they received (some of them)."""
    names = {u[0]: u[1] for u in USERS}
    out = []
    for o in orders:
        if o["status"] not in ("delivered", "returned") or rng.random() > 0.45:
            continue
        line = o["lines"][0]
        m = meta[line["product_id"]]
        rating = rng.choice([1, 2]) if o["status"] == "returned" else _rating(rng, m["quality"] + 0.3)
        title, text = review_text(rng, m, rating, m["lang"])
        out.append({"product_id": line["product_id"], "rating": rating, "title": title, "text": text,
                    "author": names[o["user_id"]], "language": m["lang"],
                    "created_at": min(DEMO_NOW - 3600, o["delivered_at"] + rng.randint(1, 10) * DAY)})
    return out


# -- events -----------------------------------------------------------------------------------
def _grams(text: str) -> set[str]:
    """Lower-cased words plus Chinese character bigrams: enough to match a query to a title."""
    text = text.lower()
    out = {w for w in re.findall(r"[a-z0-9]+", text) if len(w) > 1}
    for run in re.findall(r"[\u4e00-\u9fff]+", text):
        out |= {run[i:i + 2] for i in range(len(run) - 1)} or {run}
    return out


def _matching(meta, lang: str, kind: str, query: str) -> list[str]:
    """Products of ``kind`` whose title shares the most words/bigrams with ``query`` (best ones only)."""
    q = _grams(query)
    scored = [(len(q & _grams(m["title"])), p) for p, m in sorted(meta.items()) if m["lang"] == lang and m["kind"] == kind]
    best = max((s for s, _ in scored), default=0)
    return [p for s, p in scored if best and s == best]


def _session(rng: random.Random, meta, lang: str, kind: str, pat: str | None, queries: list[str],
             t: int, uid: str | None, sid: str) -> list[dict[str, Any]]:
    ev: list[dict[str, Any]] = []

    def add(**kw: Any) -> None:
        nonlocal t
        t += rng.randint(8, 150)
        ev.append({"user_id": uid, "session_id": sid, "ts": t, **kw})

    li = 0 if lang == "zh" else 1
    if rng.random() < 0.55:
        pool = queries if queries and rng.random() < 0.6 else QUERIES[kind][li]
        add(type="search", query=rng.choice(pool))
        q = ev[-1]["query"]
        matching = _matching(meta, lang, kind, q)
        for _ in range(rng.choice([1, 1, 2, 3])):
            if matching and rng.random() < 0.85:  # people mostly click what they asked for
                pid = rng.choices(matching, weights=[meta[p]["pop"] for p in matching])[0]
            else:
                pid = _pick(rng, meta, lang, kind, pat)
            add(type="click", product_id=pid, query=q, position=rng.choices(range(10), weights=[10, 7, 5, 4, 3, 2, 2, 1, 1, 1])[0])
            add(type="view", product_id=pid)
    else:
        for _ in range(rng.randint(2, 5)):
            add(type="view", product_id=_pick(rng, meta, lang, kind, pat))
    if rng.random() < 0.15:
        viewed = [e["product_id"] for e in ev if e["type"] == "view"]
        add(type="add_to_cart", product_id=rng.choice(viewed), value=1)
    return ev


def build_events(rng: random.Random, meta, orders: list[dict[str, Any]], reviews: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ev: list[dict[str, Any]] = []
    by_user = {u[0]: u for u in USERS}
    for uid, _, _, lang, _, interests, queries in USERS:
        for s in range(rng.randint(28, 48)):
            kind, pat = _interest(rng, interests) if rng.random() < 0.85 else (rng.choice(sorted(QUERIES)), None)
            kq = queries.get(kind, [])  # the user's own wording for this kind of product
            t = DEMO_NOW - rng.randint(2 * 3600, 365 * DAY)
            ev += _session(rng, meta, lang, kind, pat, kq, t, uid, f"s-{uid[2:]}-{s + 1:03d}")
    for o in orders:  # the visit that led to each order, ending in the purchase
        uid, created = o["user_id"], int(o["created_at"])
        lang = by_user[uid][3]
        t = created - 60 * (2 + 3 * len(o["lines"]))
        sid = f"s-{uid[2:]}-{o['id']}"
        for line in o["lines"]:
            t += rng.randint(20, 60)
            ev.append({"type": "view", "user_id": uid, "session_id": sid, "product_id": line["product_id"], "ts": t})
            t += rng.randint(20, 60)
            ev.append({"type": "add_to_cart", "user_id": uid, "session_id": sid, "product_id": line["product_id"],
                       "value": line["qty"], "ts": t})
        if o["status"] != "pending":
            for line in o["lines"]:
                ev.append({"type": "purchase", "user_id": uid, "session_id": sid, "product_id": line["product_id"],
                           "value": line["qty"], "ts": created})
    names = {u[1]: u[0] for u in USERS}
    for r in reviews:  # buyers who reviewed also left a rating event
        if r.get("author") in names:
            ev.append({"type": "rate", "user_id": names[r["author"]], "product_id": r["product_id"],
                       "value": r["rating"], "ts": r["created_at"]})
    for a in range(240):  # anonymous visitors
        lang = rng.choice(["zh", "en"])
        kind = rng.choices(sorted(QUERIES), weights=[KIND_WEIGHT.get(k, 1.0) for k in sorted(QUERIES)])[0]
        t = DEMO_NOW - rng.randint(3600, 365 * DAY)
        ev += _session(rng, meta, lang, kind, None, [], t, None, f"anon-{a + 1:04d}")
    ev = [e for e in ev if e["ts"] <= DEMO_NOW]
    ev.sort(key=lambda e: (e["ts"], e.get("session_id") or "", e["type"]))
    return [_valid(EventIn, e) for e in ev]


# -- main -------------------------------------------------------------------------------------
def build_all() -> dict[str, list[dict[str, Any]]]:
    """Every demo record set, validated by the knowledge-base models."""
    products, meta = build_products(random.Random(f"{SEED}-products"))
    orders = build_orders(random.Random(f"{SEED}-orders"), meta)
    reviews = build_reviews(random.Random(f"{SEED}-reviews"), meta,
                            buyer_reviews(random.Random(f"{SEED}-buyers"), orders, meta))
    events = build_events(random.Random(f"{SEED}-events"), meta, orders, reviews)
    return {"products": products, "reviews": reviews, "documents": build_documents(), "users": build_users(),
            "orders": orders, "events": events}


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")


def main(data_dir: Path = DATA_DIR, static_dir: Path = STATIC_DIR) -> dict[str, int]:
    data = build_all()
    data_dir.mkdir(parents=True, exist_ok=True)
    for name, rows in data.items():
        write_jsonl(data_dir / f"{name}.jsonl", rows)
    static_dir.mkdir(parents=True, exist_ok=True)
    kinds = {f.category: f.kind for f in FAMILIES}
    wanted = set()
    for p in data["products"]:
        name = f"{p['id']}.svg"
        wanted.add(name)
        (static_dir / name).write_text(svg_placeholder(p, kinds[p["category"]]), encoding="utf-8")
    for old in static_dir.glob("*.svg"):
        if old.name not in wanted:
            old.unlink()
    return {k: len(v) for k, v in data.items()}


if __name__ == "__main__":
    counts = main()
    print(json.dumps(counts))
