"""Serving: train from the knowledge base's events and products, then answer recommendation requests
with a blended candidate list, business rules, MMR diversity, cold start and explanations."""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from shopmind.recommend import modelset
from shopmind.recommend.base import ModelTooLarge, Recommender
from shopmind.recommend.blend import Blend, standardize
from shopmind.recommend.content import ContentBased, attribute_matrix, combine, product_tokens
from shopmind.recommend.data import Interactions, from_lists
from shopmind.recommend.itemknn import ItemKNN
from shopmind.recommend.popular import Popular
from shopmind.recommend.reasons import normalize_lang, product_lang, reason

log = logging.getLogger(__name__)

RULES_KEY = "recommend.rules"
DEFAULT_RULES: dict[str, Any] = {
    "category_cap": 3,  # at most this many items of one top-level category per list (0 = no cap)
    "diversity": 0.3,  # MMR weight on dissimilarity (0 = pure relevance, 1 = pure diversity)
    "consumable_categories": [],  # category prefixes that may be recommended again after a purchase
    "candidates": 200,
}
EVENT_TYPES = ("view", "click", "add_to_cart", "purchase", "rate")


@dataclass
class Rec:
    """One recommended product with its score and a human-readable reason."""

    id: str
    score: float
    reason: str
    source: str
    title: str | None = None
    category: str | None = None
    price: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    currency: str | None = None
    brand: str | None = None
    image: str | None = None  # the product's first image
    lang: str = "en"  # language of the reason

    @classmethod
    def of(cls, product: Any, score: float, reason: str, source: str, lang: str, **extra: Any) -> "Rec":
        """A Rec carrying the product fields the UI shows (title, category, price, currency, brand, image)."""
        return cls(product.id, score, reason, source, product.title, product.category, product.price, extra,
                   product.currency, product.brand, product.images[0] if product.images else None, lang)

    def as_dict(self) -> dict[str, Any]:
        d = {"id": self.id, "score": round(float(self.score), 5), "reason": self.reason, "source": self.source,
             "title": self.title, "category": self.category, "price": self.price, "currency": self.currency,
             "brand": self.brand, "image": self.image, "lang": self.lang}
        d.update(self.extra)
        return d


@functools.lru_cache(maxsize=4096)
def _top_category(cat: str | None) -> str:
    return (cat or "").split(">")[0].strip().lower()


def _leaf(cat: str | None) -> str:
    return (cat or "").split(">")[-1].strip()


def reduce_dims(x: np.ndarray, dims: int) -> np.ndarray:
    """Project rows onto their top `dims` principal directions (randomized SVD) and re-normalize:
    keeps content scoring and MMR to about a millisecond per request on large catalogues."""
    if x.shape[1] <= dims or x.shape[0] <= dims:
        return x
    from sklearn.utils.extmath import randomized_svd

    _, s, vt = randomized_svd(x, dims, random_state=0)
    y = (x @ vt.T).astype(np.float32)
    return y / np.maximum(np.linalg.norm(y, axis=1, keepdims=True), 1e-9)


def events_to_interactions(events: Iterable[Any], product_ids: Sequence[str]) -> tuple[Interactions, Interactions]:
    """(all interactions, purchase/cart-only interactions) from store events, per user or session.

    Consecutive repeats of one product are collapsed; items are indexed over the whole catalogue so
    items without events still exist for content-based scoring."""
    seqs: dict[str, list[str]] = {}
    buys: dict[str, list[str]] = {}
    ts: dict[str, list[float]] = {}
    for e in events:
        if not e.product_id or e.type not in EVENT_TYPES:
            continue
        key = e.user_id or (f"session:{e.session_id}" if e.session_id else None)
        if key is None:
            continue
        s = seqs.setdefault(key, [])
        if not s or s[-1] != e.product_id:
            s.append(e.product_id)
            ts.setdefault(key, []).append(float(e.ts))
        if e.type in ("purchase", "add_to_cart"):
            buys.setdefault(key, []).append(e.product_id)
    catalogue = list(dict.fromkeys(list(product_ids) + [i for s in seqs.values() for i in s]))
    return from_lists(seqs, catalogue, ts), from_lists(buys, catalogue)


class RecommendationService:
    """The shop's recommender: `train()` from the store, `recommend()`, `similar()`, `bought_together()`."""

    def __init__(self, shop: Any, model_path: str | Path | None = None) -> None:
        self.shop = shop
        self.store = shop.store
        # `path`: the old single-folder layout (<home>/models/recs.npz + .pop/.trend/.bought/.text .npz
        # + .json), still read when present; saves go to versioned sets under `root` (see modelset)
        self.path = Path(model_path) if model_path else Path(shop.settings.home) / "models" / "recs.npz"
        self.root = self.path.parent / self.path.name.removesuffix(".npz")
        self.saved_version: str | None = None
        self._lock = threading.RLock()
        self.blend: Blend | None = None
        self.pop: Popular | None = None
        self.trend: Popular | None = None
        self.knn: ItemKNN | None = None
        self.bought: ItemKNN | None = None
        self.content: ContentBased | None = None
        self.categories: dict[str, str] = {}
        self.text_vecs: np.ndarray | None = None
        self._text_rows: np.ndarray | None = None
        self._products: dict[str, Any] = {}
        self._seq = 0
        self.version = 0
        self._reset_caches()
        if (self.root / modelset.POINTER).exists() or self.path.exists():
            self.load()

    # ------------------------------------------------------------------ training
    def product_features(self, products: list[Any]) -> np.ndarray:
        """Text embedding (shop.encoder) + attribute TF-IDF, for content similarity and MMR."""
        attrs = attribute_matrix([product_tokens(p) for p in products], max_features=512)
        parts = {"attrs": (attrs, 1.0)}
        self._text_rows = None
        try:
            from shopmind.embed import embed_products

            vecs = embed_products(self.shop, products, self.shop.encoder)
            parts["text"] = (vecs, 2.0)
            self._text_rows = np.asarray(vecs, dtype=np.float32)
        except (ImportError, AttributeError, NotImplementedError) as e:  # the embed package may be absent
            log.warning("recommend: no text embeddings (%s); content similarity uses attributes only", e)
        return reduce_dims(combine(parts), 128)

    def train(self, models: Sequence[str] = ("itemknn", "ease"), weights: dict[str, float] | None = None,
              sasrec_params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Fit every model on the store's events and products and save them; returns counts and seconds."""
        from shopmind.recommend.models import make

        t0 = time.perf_counter()
        products = list(self.store.iter_products())
        data, buys = events_to_interactions(self.store.iter_events(types=EVENT_TYPES), [p.id for p in products])
        by_id = {p.id: p for p in products}
        data.item_category = [by_id[i].category if i in by_id else None for i in data.item_ids]
        if data.n_items == 0:
            raise ValueError("recommend: the catalogue is empty; ingest products first")
        feats = np.zeros((data.n_items, 1), np.float32)
        text_vecs = None
        if products:
            f = self.product_features(products)
            feats = np.zeros((data.n_items, f.shape[1]), np.float32)
            rows = np.array([k for k, i in enumerate(data.item_ids) if i in by_id])
            pos = {p.id: k for k, p in enumerate(products)}
            src = np.array([pos[data.item_ids[k]] for k in rows])
            feats[rows] = f[src]
            if self._text_rows is not None:
                text_vecs = np.zeros((data.n_items, self._text_rows.shape[1]), np.float32)
                text_vecs[rows] = self._text_rows[src]
        comps: dict[str, Recommender] = {}
        for name in models:
            params = (sasrec_params or {}) if name == "sasrec" else {}
            if name == "sasrec" and sum(len(s) for s in data.sequences) < 1000:
                log.info("recommend: skipping sasrec (fewer than 1000 interactions)")
                continue
            try:
                comps[name] = make(name, **params).fit(data)
            except ModelTooLarge as e:  # refused within its memory bound (e.g. EASE on a large catalog)
                log.warning("recommend: skipping %s: %s", name, e)
        content = ContentBased().with_features(feats).fit(data)
        comps["content"] = content
        w = {k: 1.0 for k in comps}
        w["content"] = 0.3 if len(comps) > 1 else 1.0
        w.update(weights or {})
        blend = Blend(components={k: dict(m.params) for k, m in comps.items()}, weights=w).with_models(comps)
        pop = Popular().fit(data)
        trend = Popular(half_life=3 * 86400.0).fit(data)
        bought = ItemKNN(k=50).fit(buys) if sum(len(s) for s in buys.sequences) else None
        with self._lock:
            self.blend, self.pop, self.trend, self.bought = blend, pop, trend, bought
            self.knn = comps.get("itemknn")  # type: ignore[assignment]
            self.content = content
            self.text_vecs = text_vecs
            self.categories = {p.id: p.category or "" for p in products}
            self._products, self._seq = {}, 0
            self.version += 1
            self._reset_caches()
        self.save()
        return {"items": data.n_items, "users": data.n_users, "interactions": int(sum(len(s) for s in data.sequences)),
                "models": list(comps), "weights": w, "seconds": round(time.perf_counter() - t0, 2),
                "saved": self.saved_version}

    def refresh(self, progress: bool = False) -> dict[str, Any]:
        """Retrain when the events or the catalog changed since the last training (``shopmind index``)."""
        state = {"events": self.store.count_events(), "seq": self.store.change_seq()}
        if self.store.count_products() == 0:
            return {"trained": False, "reason": "empty catalog"}
        if self.blend is not None and self.store.get_meta("recommend.trained_on") == state:
            return {"trained": False, "reason": "unchanged"}
        out = self.train()
        self.store.set_meta("recommend.trained_on", state)
        return {"trained": True, **{k: out[k] for k in ("items", "users", "interactions", "models")}}

    # files of one model set: name in a version folder, suffix in the old layout (None: recs.npz itself)
    _FILES = {"blend": ("blend.npz", None), "pop": ("pop.npz", ".pop.npz"), "trend": ("trend.npz", ".trend.npz"),
              "bought": ("bought.npz", ".bought.npz"), "text": ("text.npz", ".text.npz"),
              "meta": ("meta.json", ".json")}

    def _file(self, folder: Path | None, key: str) -> Path:
        """A file of the set in `folder` (a version), or in the old layout when folder is None."""
        name, legacy = self._FILES[key]
        if folder is not None:
            return folder / name
        return self.path if legacy is None else self.path.with_suffix(legacy)

    def save(self, keep: int = 2) -> None:
        """Write the served models as a new version and switch to it atomically (see modelset);
        ``keep``: how many versions stay on disk."""
        with self._lock:
            blend, pop, trend, bought = self.blend, self.pop, self.trend, self.bought
            text_vecs, categories = self.text_vecs, dict(self.categories)
        if blend is None:
            return

        def write(folder: Path) -> None:
            blend.save(self._file(folder, "blend"))
            pop.save(self._file(folder, "pop"))
            trend.save(self._file(folder, "trend"))
            if bought is not None:
                bought.save(self._file(folder, "bought"))
            if text_vecs is not None:
                np.savez(self._file(folder, "text"), vectors=text_vecs)
            self._file(folder, "meta").write_text(json.dumps({"categories": categories}), encoding="utf-8")

        self.saved_version = modelset.save_set(self.root, write, keep=keep).name

    def forget_user(self, user_id: str, sessions: Sequence[str] = ()) -> list[str]:
        """Drop a user (and their anonymous sessions) from every trained model, save the models as the
        only version on disk (older versions and the old layout still held the user); the names of
        the models that knew them."""
        keys = [user_id, *(f"session:{s}" for s in sessions)]
        with self._lock:
            named = {"blend": self.blend, "pop": self.pop, "trend": self.trend, "bought": self.bought}
            hit = [name for name, m in named.items() if m is not None and any([m.forget_user(k) for k in keys])]
            if self.blend is not None and "blend" in hit:
                hit += [f"blend.{name}" for name in self.blend.models]  # type: ignore[attr-defined]
            if hit:
                self.version += 1
                self._reset_caches()
        if hit:
            self.save(keep=1)
            for key in self._FILES:  # the old single-folder layout, superseded by the new version
                self._file(None, key).unlink(missing_ok=True)
        return hit

    def load(self) -> None:
        """Load the current model set (versioned layout), else the old single-folder layout."""
        from shopmind.recommend.base import load_model

        folder = modelset.current(self.root)
        if folder is None and not self.path.exists():
            raise FileNotFoundError(f"no saved recommendation models under {self.root} or {self.path}")
        blend = load_model(self._file(folder, "blend"))
        pop = load_model(self._file(folder, "pop"))
        trend = load_model(self._file(folder, "trend"))
        bp = self._file(folder, "bought")
        bought = load_model(bp) if bp.exists() else None
        categories = json.loads(self._file(folder, "meta").read_text(encoding="utf-8"))["categories"]
        tp = self._file(folder, "text")
        text_vecs = None
        if tp.exists():
            with np.load(tp, allow_pickle=False) as z:
                text_vecs = z["vectors"]
        with self._lock:
            self.blend = blend  # type: ignore[assignment]
            self.pop, self.trend, self.bought = pop, trend, bought  # type: ignore[assignment]
            self.knn = blend.models.get("itemknn")  # type: ignore[attr-defined]
            self.content = blend.models.get("content")  # type: ignore[attr-defined]
            self.categories = categories
            self.text_vecs = text_vecs
            self.saved_version = folder.name if folder is not None else None
            self.version += 1
            self._reset_caches()

    def _reset_caches(self) -> None:
        """Per-model serving caches (rebuilt lazily after each train/load)."""
        self._knn_cols = None  # item-kNN similarities by column (CSR of S transposed): 'because' lookups
        self._trend_cache: dict[tuple[str | None, int], list[tuple[str, float]]] = {}

    def _require(self) -> Blend:
        if self.blend is None:
            raise RuntimeError("recommendations are not trained yet: run `shopmind train recs`")
        return self.blend

    # ------------------------------------------------------------------ rules
    def rules(self) -> dict[str, Any]:
        r = dict(DEFAULT_RULES)
        r.update(self.store.get_meta(RULES_KEY, {}) or {})
        return r

    def _purchased(self, user: str | None) -> set[str]:
        if not user:
            return set()
        out = {line.product_id for o in self.store.orders(user) if o.status not in ("cancelled",) for line in o.lines}
        if self.bought is not None:
            out.update(self.bought.item_ids[k] for k in self.bought.history(user))
        return out

    def _sync_catalog(self) -> None:
        """Keep an in-memory view of the catalogue current by following the store's product changes
        (cheap when nothing changed: one query), so requests do no per-candidate store reads."""
        seq = self.store.change_seq()
        if seq == self._seq:
            return
        changed, new_seq = self.store.product_changes(self._seq)
        with self._lock:
            for p in changed:
                self._products[p.id] = p
                if p.category is not None:
                    self.categories[p.id] = p.category
            self._seq = new_seq

    def _available(self, ids: Sequence[str], sync: bool = True) -> dict[str, Any]:
        """Active, in-stock products among ids (deleted, missing and stock == 0 are left out)."""
        if sync:
            self._sync_catalog()
        out = {}
        for i in ids:
            p = self._products.get(i)
            if p is not None and p.status == "active" and (p.stock is None or p.stock > 0):
                out[i] = p
        return out

    # ------------------------------------------------------------------ requests
    def recommend(self, user: str | None = None, items: Sequence[str] | None = None, n: int = 10,
                  category: str | None = None, diversity: float | None = None,
                  exclude: Iterable[str] | None = None, lang: str | None = None) -> list[Rec]:
        """Personal recommendations for a user and/or the session's items (oldest first).

        Reasons are in `lang` ('zh'/'en'); by default the user's language in the store, else each
        product's own language."""
        if n <= 0 or n > 200:
            raise ValueError("n must be between 1 and 200")
        lang = normalize_lang(lang) or self._user_lang(user)
        blend = self._require()
        rules = self.rules()
        hist = list(blend.item_ids[k] for k in blend.history(user)) if user else []
        hist += [i for i in (items or []) if i in blend.item_index]
        excluded = set(exclude or ())
        bought = self._purchased(user)
        consumable = [c.lower() for c in rules.get("consumable_categories", [])]
        # seen items are left out, except consumables the user bought (they may be bought again)
        rebuy = {i for i, p in self._available(list(bought)).items() if self._consumable(p, consumable)}
        cands: list[tuple[str, float, str, str]] = []  # id, score, source, reason
        if hist:
            k = int(rules["candidates"])
            ids, scores = blend.recommend(None, hist, n=k, exclude_seen=False, exclude=set(hist) - rebuy)
            z = standardize(scores[None, :])[0] if len(scores) > 1 else scores
            cands = [(i, float(s), "blend", "") for i, s in zip(ids, z)]
        # cold start / fill: trending overall and in the context category
        ctx_cat = category or (self.categories.get(hist[-1]) if hist else None)
        trend = self._trending(ctx_cat, 3 * n)
        have = {c[0] for c in cands}
        floor = min((c[1] for c in cands), default=0.0)
        for r, (i, _s) in enumerate(trend):
            if i not in have and (i not in hist or i in rebuy):
                cands.append((i, floor - 1.0 - r * 1e-3, "trending", ""))
        if category:
            cands = [c for c in cands if (self.categories.get(c[0]) or "").lower().startswith(category.lower())]
        avail = self._available([c[0] for c in cands], sync=False)  # synced above (rebuy)
        kept = []
        for c in cands:
            if c[0] in excluded or c[0] not in avail:
                continue
            if c[0] in bought and not self._consumable(avail[c[0]], consumable):
                continue
            kept.append(c)
        lam = float(rules["diversity"] if diversity is None else diversity)
        if not 0.0 <= lam <= 1.0:
            raise ValueError("diversity must be between 0 and 1")
        chosen = self._mmr(kept, n, lam, int(rules.get("category_cap") or 0))
        recent: list[str] = []
        if hist:  # the latest 20 distinct history items that still exist (no deleted ones), newest first
            recent = [h for h in list(dict.fromkeys(reversed(hist)))[:20]
                      if h in self._products and self._products[h].status == "active"]
        return [self._explain(c, recent, avail[c[0]], ctx_cat, lang) for c in chosen]

    def _user_lang(self, user: str | None) -> str | None:
        """The user's language from the store (None when unknown or not zh/en)."""
        if not user:
            return None
        u = self.store.get_user(user)
        try:
            return normalize_lang(u.language) if u is not None else None
        except ValueError:
            return None

    @staticmethod
    def _consumable(product: Any, prefixes: list[str]) -> bool:
        flag = (product.attributes or {}).get("consumable")
        if isinstance(flag, bool):
            return flag
        if isinstance(flag, str) and flag.lower() in ("true", "yes", "1"):
            return True
        cat = (product.category or "").lower()
        return any(cat.startswith(p) for p in prefixes)

    def _trending(self, category: str | None, n: int) -> list[tuple[str, float]]:
        """Trending items in the category, then overall (cached per model version)."""
        if self.trend is None:
            return []
        hit = self._trend_cache.get((category, n))
        if hit is not None:
            return hit
        out: list[tuple[str, float]] = []
        if category:
            ids, s = self.trend.top_in_category(category, n)
            out += list(zip(ids, s.tolist()))
        ids, s = self.trend.recommend(None, [], n=n)
        out += [(i, x) for i, x in zip(ids, s.tolist()) if x > 0]
        out = list(dict.fromkeys(out))
        if len(self._trend_cache) > 2000:
            self._trend_cache.clear()
        self._trend_cache[(category, n)] = out
        return out

    def _mmr(self, cands: list[tuple[str, float, str, str]], n: int, lam: float, cap: int) -> list[tuple[str, float, str, str]]:
        """Greedy maximal marginal relevance: relevance (min-max scaled) minus lam x the highest content
        similarity to an already chosen item; a hard cap per top-level category (the list may be short)."""
        if not cands:
            return []
        feats = self.content.features if self.content is not None else None
        idx = self.content.item_index if self.content is not None else {}
        rel = np.array([c[1] for c in cands], dtype=np.float32)
        rel = (rel - rel.min()) / (rel.max() - rel.min() + 1e-9)
        vecs = None
        if feats is not None and lam > 0:
            rows = np.array([idx.get(c[0], -1) for c in cands])
            vecs = feats[np.maximum(rows, 0)] * (rows >= 0)[:, None]
        cats = [_top_category(self.categories.get(c[0])) for c in cands]
        codes = np.array([hash(x) for x in cats])
        chosen: list[int] = []
        per_cat: dict[str, int] = {}
        max_sim = np.zeros(len(cands), dtype=np.float32)
        avail = np.ones(len(cands), dtype=bool)
        while len(chosen) < n and avail.any():
            obj = (1 - lam) * rel - lam * max_sim
            obj[~avail] = -np.inf
            j = int(np.argmax(obj))
            avail[j] = False
            cat = cats[j]
            if cap and cat and per_cat.get(cat, 0) >= cap:
                avail &= codes != codes[j]  # the whole category is full
                continue
            per_cat[cat] = per_cat.get(cat, 0) + 1
            chosen.append(j)
            if vecs is not None:
                max_sim = np.maximum(max_sim, vecs @ vecs[j])
        return [cands[j] for j in chosen]

    def _explain(self, c: tuple[str, float, str, str], recent: list[str], product: Any, ctx_cat: str | None,
                 lang: str | None = None) -> Rec:
        """Rec with its reason; `recent` = the user's recent active history items, newest first."""
        item, score, source, _ = c
        lang = lang or product_lang(product)
        text, because = "", None
        if source == "blend" and recent:
            because = self._because(item, recent)
            if because is not None:
                text = reason("because", lang, title=self._products[because].title)
            else:
                text = reason("for_you", lang)
        if not text:
            cat = _leaf(product.category) or _leaf(ctx_cat)
            text = reason("popular_in", lang, category=cat) if cat else reason("trending", lang)
        extra = {"because": because} if because else {}
        return Rec.of(product, score, text, source, lang, **extra)

    def _because(self, item: str, hist: list[str]) -> str | None:
        """The history item most similar to the recommended one (item-kNN, else content vectors)."""
        for model in (self.knn, self.content):
            if model is None or item not in model.item_index:
                continue
            j = model.item_index[item]
            hs = [h for h in hist if h in model.item_index]
            if not hs:
                continue
            rows = np.array([model.item_index[h] for h in hs])
            if isinstance(model, ItemKNN):
                sims = self._knn_sims(model, rows, j)
            else:
                sims = model.features[rows] @ model.features[j]
            best = int(np.argmax(sims))
            if sims[best] > 0:
                return hs[best]
        return None

    def _knn_sims(self, model: ItemKNN, rows: np.ndarray, j: int) -> np.ndarray:
        """S[rows, j] from a cached column-major copy (sparse fancy indexing costs ~0.3 ms a call)."""
        cols = self._knn_cols
        if cols is None:
            cols = self._knn_cols = model.S.T.tocsr()
            cols.sort_indices()
        lo, hi = cols.indptr[j], cols.indptr[j + 1]
        idx, val = cols.indices[lo:hi], cols.data[lo:hi]
        pos = np.minimum(np.searchsorted(idx, rows), max(len(idx) - 1, 0))
        if not len(idx):
            return np.zeros(len(rows), np.float32)
        return np.where(idx[pos] == rows, val[pos], 0.0)

    def similar(self, product_id: str, n: int = 10, lang: str | None = None) -> list[Rec]:
        """Items similar to one product (behaviour + content); new products use content neighbours.
        Reasons in `lang`, by default the source product's language."""
        lang = normalize_lang(lang)
        blend = self._require()
        if product_id in blend.item_index:
            ids, scores = blend.similar_items(product_id, n=4 * n + 10)
        else:
            ids, scores = self._similar_new(product_id, 4 * n + 10)
        avail = self._available(ids)
        src = self.store.get_product(product_id)
        name = src.title if src else product_id
        lang = lang or (product_lang(src) if src else "en")
        text = reason("similar", lang, title=name)
        out = [Rec.of(avail[i], float(s), text, "similar", lang)
               for i, s in zip(ids, scores) if i in avail and i != product_id]
        return out[:n]

    def _similar_new(self, product_id: str, n: int) -> tuple[list[str], np.ndarray]:
        """Content neighbours of a product added after training (encoded on the fly)."""
        p = self.store.get_product(product_id)
        if p is None:
            raise KeyError(f"unknown product id {product_id!r}")
        if self.content is None:
            return [], np.zeros(0, np.float32)
        from shopmind.embed import embed_products

        if self.text_vecs is None:
            return [], np.zeros(0, np.float32)
        vec = embed_products(self.shop, [p], self.shop.encoder)[0]
        # compare text embeddings: the new product's attributes are not in the trained vocabulary
        s = self.text_vecs @ (vec / (np.linalg.norm(vec) + 1e-9))
        order = np.argsort(-s)[:n]
        return [self.content.item_ids[k] for k in order], s[order]

    def bought_together(self, product_id: str, n: int = 10, lang: str | None = None) -> list[Rec]:
        """Products bought (or carted) next to this one; viewed-together as a fallback.
        Reasons in `lang`, by default the source product's language."""
        lang = normalize_lang(lang)
        self._require()
        src = self.store.get_product(product_id)
        if src is None:
            raise KeyError(f"unknown product id {product_id!r}")
        ids: list[str] = []
        lang = lang or product_lang(src)
        text = reason("bought_with", lang, title=src.title)
        if self.bought is not None and product_id in self.bought.item_index:
            ids, _ = self.bought.also(product_id, 4 * n)
        if len(ids) < n and self.knn is not None and product_id in self.knn.item_index:
            more, _ = self.knn.also(product_id, 4 * n)
            ids += [i for i in more if i not in ids]
            if not self.bought:
                text = reason("viewed_with", lang, title=src.title)
        avail = self._available(ids)
        out = [Rec.of(avail[i], float(n - r), text, "together", lang)
               for r, i in enumerate(ids) if i in avail and i != product_id]
        return out[:n]
