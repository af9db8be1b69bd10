"""Building the product graph from the catalog: rules over categories, brands, titles and attributes, the
built-in bilingual lexicon, optional encoder similarity for category leaves the lexicon does not know,
and co-occurrence in orders and browsing sessions.

Every edge records where it came from (``source``: lexicon, attribute, title, embedding, events, catalog,
admin) and a confidence in [0, 1].
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from itertools import combinations
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from shopmind.graph.lexicon import index, is_zh, key, lexicon, split_unit
from shopmind.kb.graph_store import EdgeRow, NodeRow
from shopmind.text.normalize import normalize

log = logging.getLogger(__name__)

ENTITY_TYPES = ("class", "category", "brand", "feature", "attribute", "series")
EMBED_MIN_SIM = 0.82  # e5 cosine above which a zh and an en category leaf are one class
_SERIES_SKIP = re.compile(r"^\d+(gb|tb|mm|ml|l|g|w|mah|英寸|寸)?$|^(the|and|for|with|new|men's|women's)$")
_FOR = re.compile(r"(?:\bfor\b|适用于|适配|兼容)\s*([A-Za-z][\w\- ]{1,30})")


def _bool_true(v: Any) -> bool:
    return v is True or (isinstance(v, str) and normalize(v) in ("true", "yes", "是", "支持", "有"))


class CatalogEntities:
    """The non-product entities of a catalog: classes, category paths, brands, features, attributes."""

    def __init__(self, products: Sequence[Any], encode: Callable[[list[str]], np.ndarray] | None = None) -> None:
        lex = lexicon()
        self.classes = {c["id"]: {"zh": list(c["zh"]), "en": list(c["en"]), "parent": c["parent"]}
                        for c in lex["classes"]}
        self.class_ix = index("classes")
        self.category_class: dict[str, tuple[str, str, float]] = {}  # path -> (class, source, confidence)
        self.parents: dict[str, str] = {}  # category path -> parent path
        self._categories(sorted({p.category for p in products if p.category}), encode)
        self.brand_of: dict[str, tuple[str, str, float]] = {}  # catalog brand (normalized) -> (id, source, conf)
        self.brands: dict[str, dict[str, Any]] = {}
        self._brands(products)
        self.features = {f["id"]: f for f in lex["features"]}
        self._feature_keys = {fid: ([key(a) for a in f["attrs"]], [normalize(x) for x in f["zh"] + f["en"] if len(x) > 1])
                              for fid, f in self.features.items()}
        self.attr_ix = index("attributes")
        self.attributes: dict[str, dict[str, Any]] = {}
        self._attributes(products)
        self.lines = self._lines(products)

    # -- taxonomy ------------------------------------------------------------------------------------
    def _categories(self, paths: list[str], encode: Callable[[list[str]], np.ndarray] | None) -> None:
        unknown: list[str] = []
        for path in paths:
            parts = [x.strip() for x in path.split(">") if x.strip()]
            for i in range(1, len(parts) + 1):
                sub = " > ".join(parts[:i])
                if i > 1:
                    self.parents[sub] = " > ".join(parts[: i - 1])
                if sub in self.category_class:
                    continue
                cid = self.class_ix.get(key(parts[i - 1]))
                if cid:
                    self.category_class[sub] = (cid, "lexicon", 1.0)
                else:
                    unknown.append(sub)
        if encode is not None and unknown:
            self._embed_match(unknown, encode)
        for sub in unknown:
            if sub in self.category_class:
                continue
            leaf = sub.split(">")[-1].strip()
            cid = "c:" + key(leaf)
            parent = self.parents.get(sub)
            parent_cls = self.category_class[parent][0] if parent in self.category_class else None
            node = self.classes.setdefault(cid, {"zh": [], "en": [], "parent": parent_cls})
            lang = "zh" if is_zh(leaf) else "en"
            if leaf not in node[lang]:
                node[lang].append(leaf)
            self.category_class[sub] = (cid, "catalog", 1.0)
        for path, (cid, _, _) in self.category_class.items():  # the catalog's own leaf names are labels too
            leaf = path.split(">")[-1].strip()
            node = self.classes[cid]
            lang = "zh" if is_zh(leaf) else "en"
            if key(leaf) not in {key(x) for x in node[lang]}:
                node[lang].append(leaf)

    def _embed_match(self, unknown: list[str], encode: Callable[[list[str]], np.ndarray]) -> None:
        """Pair the zh and en category leaves the lexicon lacks ("家电 > 洗衣机" / "Appliances > Washing
        Machines") by encoder similarity: mutual best matches under parents of one class, above
        ``EMBED_MIN_SIM``; a pair becomes one class. (Leaves are not matched to the lexicon's classes this
        way: e5's similarities between short labels of neighbouring classes are too close.)"""
        zh = [u for u in unknown if is_zh(u.split(">")[-1])]
        en = [u for u in unknown if not is_zh(u.split(">")[-1])]
        if not zh or not en:
            return
        leaf = lambda u: u.split(">")[-1].strip()  # noqa: E731
        try:
            a = np.asarray(encode([leaf(u) for u in zh]), dtype=np.float32)
            b = np.asarray(encode([leaf(u) for u in en]), dtype=np.float32)
        except LookupError as e:  # no multilingual encoder: rules alone
            log.info("graph: %d category leaves left to rules (%s)", len(unknown), e)
            return
        except Exception:  # noqa: BLE001 - the graph still builds from rules alone
            log.exception("graph: encoder matching of %d category leaves failed", len(unknown))
            return
        a /= np.linalg.norm(a, axis=1, keepdims=True) + 1e-9
        b /= np.linalg.norm(b, axis=1, keepdims=True) + 1e-9
        sims = a @ b.T
        parent_cls = lambda u: self.category_class.get(self.parents.get(u, ""), (None,))[0]  # noqa: E731
        ok = np.asarray([[parent_cls(z) == parent_cls(e) for e in en] for z in zh], dtype=bool)
        sims = np.where(ok, sims, -1.0)
        for i, z in enumerate(zh):
            j = int(sims[i].argmax())
            if sims[i, j] >= EMBED_MIN_SIM and int(sims[:, j].argmax()) == i:
                cid = "c:" + key(leaf(en[j]))
                conf = round(float(sims[i, j]), 3)
                self.category_class[z] = (cid, "embedding", conf)
                self.category_class[en[j]] = (cid, "embedding", conf)
                self.classes.setdefault(cid, {"zh": [leaf(z)], "en": [leaf(en[j])], "parent": parent_cls(z)})

    # -- brands --------------------------------------------------------------------------------------
    def _brands(self, products: Sequence[Any]) -> None:
        lex_ix = index("brands")
        lex = {b["id"]: b for b in lexicon()["brands"]}
        names = Counter(p.brand for p in products if p.brand)
        for name in names:
            bid = lex_ix.get(key(name))
            self.brand_of[normalize(name)] = (bid, "lexicon", 1.0) if bid else ("b:" + key(name), "catalog", 1.0)
        # title rule: a brand's products carrying another catalog brand's name in the other script
        # ("戴森 Dyson V12", brand 戴森) make the two one brand
        by_key = {normalize(n): n for n in names}
        script = {n: is_zh(n) for n in names}
        others = {zh: [(k, re.compile(rf"(?<![a-z0-9]){re.escape(k)}(?![a-z0-9])")) for k, n in by_key.items()
                       if script[n] != zh and len(k) > 1] for zh in (True, False)}
        seen: Counter[tuple[str, str]] = Counter()
        if others[True] and others[False]:  # only a catalog with brands in both scripts
            for p in products:
                if not p.brand:
                    continue
                t = normalize(p.title)
                for other_key, pat in others[script[p.brand]]:
                    if pat.search(t):
                        seen[(normalize(p.brand), other_key)] += 1
        for (a, b), n in seen.items():
            ida, idb = self.brand_of[a][0], self.brand_of[b][0]
            if ida != idb and names[by_key[a]] and n / names[by_key[a]] >= 0.5:
                keep = ida if ida in lex else idb
                for k, (bid, src, conf) in list(self.brand_of.items()):
                    if bid in (ida, idb) and bid != keep:
                        self.brand_of[k] = (keep, "title", round(min(1.0, n / names[by_key[a]]), 3))
        for k, (bid, _, _) in self.brand_of.items():
            node = self.brands.setdefault(bid, {"zh": list(lex.get(bid, {}).get("zh", [])),
                                                "en": list(lex.get(bid, {}).get("en", [])), "names": []})
            name = by_key[k]
            node["names"].append(name)
            lang = "zh" if is_zh(name) else "en"
            if key(name) not in {key(x) for x in node[lang]}:
                node[lang].append(name)

    # -- attributes ----------------------------------------------------------------------------------
    def _attributes(self, products: Sequence[Any]) -> None:
        seen = {a for p in products for a in (p.attributes or {})}
        for a in sorted(seen):
            name, unit = split_unit(a)
            aid = self.attr_ix.get(key(name)) or "a:" + key(name)
            node = self.attributes.setdefault(aid, {"names": [], "units": []})
            node["names"].append(a)
            if unit and unit not in node["units"]:
                node["units"].append(unit)

    def _lines(self, products: Sequence[Any], min_products: int = 2, min_share: float = 0.8) -> dict[str, dict]:
        """Product lines from title rules: the model word of a brand's series ("iphone", "macbook") when
        most of its products share one class — so a query naming the line knows its class and brand."""
        seen: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for p in products:
            sk = self.series_key(p)
            cls = self.category_class.get((p.category or "").strip(), (None,))[0]
            if sk and cls:
                seen[(sk[0], sk[1].split()[0])][cls] += 1
        out: dict[str, dict] = {}
        for (bid, word), classes in seen.items():
            cls, n = classes.most_common(1)[0]
            total = sum(classes.values())
            if total >= min_products and n / total >= min_share and len(word) > 2 and not word.isdigit():
                out[f"{bid}:{word}"] = {"brand": bid, "class": cls, "label": word, "products": total,
                                        "confidence": round(n / total, 3)}
        return out

    def nodes(self) -> list[NodeRow]:
        lex_attrs = {a["id"]: a for a in lexicon()["attributes"]}
        out: list[NodeRow] = []
        for cid, c in self.classes.items():
            out.append((f"class:{cid}", "class", {"zh": c["zh"], "en": c["en"]}, {"parent": c["parent"]}))
        for path, (cid, src, conf) in self.category_class.items():
            out.append((f"category:{path}", "category", {"zh" if is_zh(path) else "en": [path]},
                        {"class": cid, "source": src, "confidence": conf, "parent": self.parents.get(path)}))
        for bid, b in self.brands.items():
            out.append((f"brand:{bid}", "brand", {"zh": b["zh"], "en": b["en"]}, {"names": b["names"]}))
        for fid, f in self.features.items():
            out.append((f"feature:{fid}", "feature", {"zh": f["zh"], "en": f["en"]}, {"attrs": f["attrs"]}))
        for lid, ln in self.lines.items():
            out.append((f"line:{lid}", "line", {"en": [ln["label"]]}, ln))
        for aid, a in self.attributes.items():
            lx = lex_attrs.get(aid, {"zh": [], "en": []})
            zh = lx["zh"] or [split_unit(n)[0] for n in a["names"] if is_zh(n)][:1]
            en = lx["en"] or [split_unit(n)[0] for n in a["names"] if not is_zh(n)][:1]
            out.append((f"attribute:{aid}", "attribute", {"zh": zh, "en": en}, a))
        return out

    def edges(self) -> list[EdgeRow]:
        out: list[EdgeRow] = []
        for cid, c in self.classes.items():
            if c["parent"]:
                out.append((f"class:{cid}", "belongs_to", f"class:{c['parent']}", "lexicon", 1.0, 1.0))
        for path, (cid, src, conf) in self.category_class.items():
            out.append((f"category:{path}", "belongs_to", f"class:{cid}", src, conf, 1.0))
        for lid, ln in self.lines.items():
            out.append((f"line:{lid}", "belongs_to", f"class:{ln['class']}", "title", ln["confidence"], 1.0))
            out.append((f"brand:{ln['brand']}", "brand_of", f"line:{lid}", "title", 1.0, 1.0))
        return out

    # -- per product ---------------------------------------------------------------------------------
    def product_edges(self, p: Any) -> list[EdgeRow]:
        pid = f"product:{p.id}"
        out: list[EdgeRow] = []
        if p.category:
            out.append((pid, "belongs_to", f"category:{p.category.strip()}", "catalog", 1.0, 1.0))
        if p.brand and normalize(p.brand) in self.brand_of:
            out.append((f"brand:{self.brand_of[normalize(p.brand)][0]}", "brand_of", pid, "catalog", 1.0, 1.0))
        title = normalize(p.title)
        attrs = {key(split_unit(a)[0]): v for a, v in (p.attributes or {}).items()}
        for fid, (attr_keys, labels) in self._feature_keys.items():
            if any(_bool_true(attrs.get(a)) for a in attr_keys):
                out.append((pid, "has_feature", f"feature:{fid}", "attribute", 1.0, 1.0))
            elif any(lab in title for lab in labels):
                out.append((pid, "has_feature", f"feature:{fid}", "title", 0.8, 1.0))
        series = self.series_of(p)
        if series:
            out.append((pid, "same_series", series, "title", 0.7, 1.0))
        for m in _FOR.finditer(p.title):
            target = f"series:{normalize(m.group(1)).strip()}"
            out.append((pid, "accessory_of", target, "title", 0.6, 1.0))
        return out

    def series_of(self, p: Any) -> str | None:
        sk = self.series_key(p)
        return f"series:{sk[0]}:{sk[1]}" if sk else None

    def series_key(self, p: Any) -> tuple[str, str] | None:
        """'Apple iPhone 15 Pro 128GB' -> ('apple', 'iphone 15') — the first model word after the brand
        and a following number."""
        if not p.brand or normalize(p.brand) not in self.brand_of:
            return None
        bid = self.brand_of[normalize(p.brand)][0]
        names = {normalize(x) for x in self.brands[bid]["zh"] + self.brands[bid]["en"] + self.brands[bid]["names"]}
        words = [w for w in re.findall(r"[a-z0-9][a-z0-9\-\.]*", normalize(p.title)) if w not in names]
        if not words or _SERIES_SKIP.match(words[0]) or words[0].isdigit():
            return None
        return bid, words[0] + (" " + words[1] if len(words) > 1 and words[1].isdigit() else "")


def event_edges(events: Iterable[Any], orders: Iterable[Any], max_session: int = 30) -> list[EdgeRow]:
    """bought_together (same order) and viewed_together (same session) edges, weight = co-occurrences."""
    bought: Counter[tuple[str, str]] = Counter()
    for o in orders:
        ids = sorted({ln.product_id for ln in o.lines})
        bought.update(combinations(ids, 2))
    sessions: dict[str, list[str]] = defaultdict(list)
    for e in events:
        if e.product_id and e.type in ("view", "click", "add_to_cart") and (e.session_id or e.user_id):
            s = sessions[e.session_id or e.user_id]
            if e.product_id not in s and len(s) < max_session:
                s.append(e.product_id)
    viewed: Counter[tuple[str, str]] = Counter()
    for ids in sessions.values():
        viewed.update(combinations(sorted(ids), 2))
    out: list[EdgeRow] = []
    for rel, counts in (("bought_together", bought), ("viewed_together", viewed)):
        top = max(counts.values(), default=1)
        for (a, b), n in counts.items():
            out.append((f"product:{a}", rel, f"product:{b}", "events", round(n / top, 4), float(n)))
    return out
