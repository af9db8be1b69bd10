"""The assistant's tools over the knowledge base: orders (owner only), FAQ/policy passages, product facts
and references, search, recommendations, comparison, and handoff tickets."""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from shopmind.assistant import passages
from shopmind.assistant.retrieval import Hit, HybridIndex
from shopmind.assistant.safety import mask_pii, strip_injection
from shopmind.kb.models import Document, Order, Product, TicketIn
from shopmind.text.tokenize import tokenize

log = logging.getLogger(__name__)

#: a sentence ends at . ! ? before a space (not inside "shop.example" or "3.5") or at 。！？
_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])\s*")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT_SPLIT.split(text) if s and s.strip()]


def _key(s: str) -> str:
    """Loose form for matching names and model codes: lowercase, no spaces, hyphens or dots."""
    return re.sub(r"[\s\-_./]+", "", s.lower())


# -- orders ---------------------------------------------------------------------------------------
class OrderTool:
    """Orders of the signed-in user only: another user's order reads exactly like a missing one."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def get(self, order_id: str, user_id: str | None) -> Order | None:
        if not user_id:
            return None
        o = self.store.get_order(order_id)
        if o is None:
            o = self.store.get_order(order_id.upper())
        if o is None or o.user_id != user_id:
            return None
        return o

    def latest(self, user_id: str | None) -> Order | None:
        if not user_id:
            return None
        items = self.store.orders(user_id=user_id)
        return max(items, key=lambda o: o.created_at) if items else None

    def titles(self, order: Order) -> dict[str, str]:
        prods = self.store.get_products([ln.product_id for ln in order.lines])
        return {ln.product_id: (prods[ln.product_id].title if ln.product_id in prods else ln.product_id)
                for ln in order.lines}


# -- documents ------------------------------------------------------------------------------------
#: intent -> document topics it is about (a soft boost, not a filter)
INTENT_TOPICS: dict[str, tuple[str, ...]] = {
    # topic names of the sample bundle (returns, orders, contact...) and of the demo shop (order-cancel,
    # order-tracking, change-address, customer-service...)
    "check_refund_policy": ("returns", "refund"), "get_refund": ("returns", "refund"),
    "track_refund": ("refund", "returns"), "check_cancellation_fee": ("orders", "cancellation", "order-cancel"),
    "cancel_order": ("orders", "cancellation", "order-cancel"), "change_order": ("orders", "order-cancel"),
    "change_shipping_address": ("orders", "change-address"), "set_up_shipping_address": ("account", "change-address"),
    "delivery_options": ("shipping", "delivery", "international"), "delivery_period": ("shipping", "delivery"),
    "track_order": ("shipping", "delivery", "order-tracking"), "check_payment_methods": ("payment",),
    "payment_issue": ("payment",), "check_invoice": ("invoice",), "get_invoice": ("invoice",),
    "create_account": ("account",), "delete_account": ("account", "privacy"), "edit_account": ("account",),
    "recover_password": ("account",), "registration_problems": ("account",), "switch_account": ("account",),
    "contact_customer_service": ("contact", "customer-service"), "contact_human_agent": ("contact", "customer-service"),
    "complaint": ("damaged-items", "fresh-food", "exchange"), "newsletter_subscription": ("newsletter", "account"),
    "review": ("reviews",), "place_order": ("orders", "payment"),
}
#: words added to the BM25 side of the query per intent (bilingual), so "订单能撤销吗" meets "取消"
INTENT_TERMS: dict[str, str] = {
    "cancel_order": "cancel 取消", "check_cancellation_fee": "cancellation fee 取消 费用",
    "change_order": "change order 修改 订单", "check_refund_policy": "return refund 退货 退款",
    "get_refund": "return refund 退货 退款", "track_refund": "refund 退款",
    "delivery_options": "delivery shipping 配送 快递", "delivery_period": "delivery shipping days 送达 配送 时效",
    "track_order": "track tracking order status 物流 查询 订单 状态",
    "check_payment_methods": "pay payment 支付 付款", "payment_issue": "charged payment 扣款 支付",
    "check_invoice": "invoice 发票", "get_invoice": "invoice 发票",
    "create_account": "account sign up 注册", "delete_account": "delete account 注销",
    "edit_account": "profile settings 资料 设置", "recover_password": "password reset 密码 重置",
    "registration_problems": "sign up account 注册", "switch_account": "account 账号",
    "contact_customer_service": "hotline email contact 客服 热线", "contact_human_agent": "customer service 客服",
    "change_shipping_address": "change address order 修改 订单 地址", "set_up_shipping_address": "address settings 地址 设置",
    "complaint": "broken damaged wrong 破损 坏 错", "newsletter_subscription": "newsletter email 邮件 订阅",
}


@dataclass
class Passage:
    doc: Document
    sentences: list[str]
    score: float
    dense: float  # e5 cosine of the question with the best sentence
    title: float = 0.0  # e5 cosine of the question with the document's title (FAQ titles are questions)


class DocsTool:
    """Sentence-level hybrid retrieval over the shop's documents; answers quote whole sentences."""

    #: a passage is relevant when it shares a word with the question (intent hints not counted) and
    #: is close in meaning (e5 cosine >= min_dense), or is very close in meaning alone (>= sure_dense);
    #: calibrated on paraphrases vs unanswerable questions ("gift wrapping", "会员积分") in both languages
    min_dense = 0.83
    sure_dense = 0.90
    #: weight of the title match in the fused score, over title cosines rescaled from [0.8, 0.95] to [0, 1]
    title_weight = 0.2
    #: a document whose title is this close to the question is relevant without a shared word
    #: ("能寄到香港吗" vs "支持海外或港澳台配送吗？")
    sure_title = 0.88

    def __init__(self, store: Any, encoder: Any | None) -> None:
        self.store, self.encoder = store, encoder
        self._lock = threading.Lock()
        self._sig: tuple | None = None
        self._index: HybridIndex | None = None
        self._docs: dict[str, Document] = {}
        self._meta: list[tuple[str, int]] = []
        self._titles: np.ndarray | None = None  # title vector per document, in self._docs order

    def _signature(self, docs: list[Document]) -> tuple:
        return tuple(sorted((d.id, d.updated_at) for d in docs))

    def index(self) -> HybridIndex:
        docs = self.store.documents()
        sig = self._signature(docs)
        with self._lock:
            if self._index is not None and sig == self._sig:
                return self._index
            keys, texts, self._meta = [], [], []
            self._docs = {d.id: d for d in docs}
            self._titles = None
            for d in docs:
                body = strip_injection(d.body)  # documents are data: instruction-like sentences never quoted
                for i, s in enumerate(split_sentences(body)):
                    keys.append((d.id, i))
                    texts.append(f"{d.title}: {s}")
            vectors = None
            if self.encoder is not None and texts:
                from shopmind.embed import embed_texts

                vectors = embed_texts(self.store, texts, self.encoder)
                self._titles = embed_texts(self.store, [d.title for d in docs], self.encoder) if docs else None
            self._index = HybridIndex(keys, texts, vectors,
                                      self.encoder.encode_queries if self.encoder is not None else None)
            self._sig = sig
            return self._index

    def search(self, query: str, intent: str | None = None, lang: str | None = None,
               qvec: np.ndarray | None = None, k: int = 2) -> list[Passage]:
        """Best documents for ``query`` with the sentences that answer it (the answer first, steps last)."""
        ix = self.index()
        if len(ix) == 0:
            return []
        topics = INTENT_TOPICS.get(intent or "", ())
        boost = np.zeros(len(ix), np.float32)
        title_sim: dict[str, float] = {}
        if self._titles is not None and self.encoder is not None:
            if qvec is None:
                qvec = self.encoder.encode_queries([query])[0]
            title_sim = dict(zip(self._docs, (self._titles @ qvec).tolist()))
        named = passages.topics_named(query)
        for j, (doc_id, _) in enumerate(ix.keys):
            d = self._docs[doc_id]
            if d.topic and d.topic in topics:
                boost[j] += 0.1
            if d.topic in named:
                boost[j] += passages.TOPIC_BONUS
            if lang and d.language and d.language != lang:
                boost[j] -= 0.15
            if doc_id in title_sim:
                boost[j] += self.title_weight * min(max((title_sim[doc_id] - 0.8) / 0.15, 0.0), 1.0)
        extra = f"{INTENT_TERMS.get(intent or '', '')} {passages.expand(query)}".strip()
        every = ix.query(query, k=len(ix), qvec=qvec, extra_terms=extra, boost=boost)
        hits = every[:12]
        lexq = ix.lexical_scores(query)
        row = {key: i for i, key in enumerate(ix.keys)}

        terms = INTENT_TERMS.get(intent or "", "")
        lext = ix.lexical_scores(f"{query} {terms}") if terms else lexq

        def relevant(h: Hit) -> bool:
            if h.dense >= self.sure_dense or (title_sim.get(h.key[0], 0.0) >= self.sure_title and h.dense >= self.min_dense):
                return True
            # close in meaning and sharing a word with the question, or, for a document on the intent's
            # topics, with the intent's words ("where is my package" meets "How do I track my order?")
            on_topic = bool(topics) and self._docs[h.key[0]].topic in topics
            return h.dense >= self.min_dense and (lexq[row[h.key]] > 0 or (on_topic and lext[row[h.key]] > 0))

        hits = [h for h in hits if relevant(h)]
        by_doc: dict[str, list[Hit]] = {}
        for h in hits:
            by_doc.setdefault(h.key[0], []).append(h)
        out = []
        for doc_id, hs in sorted(by_doc.items(), key=lambda kv: -kv[1][0].score)[:k]:
            top = hs[0]
            doc = self._docs[doc_id]
            sents = split_sentences(strip_injection(doc.body))
            # any sentence of the document may answer (the rule with its number), not only the close ones
            scored = [(h.key[1], h.score) for h in every if h.key[0] == doc_id and h.score >= top.score - 0.3]
            chosen = passages.choose(query, scored, sents)
            out.append(Passage(doc, [sents[i] for i in chosen], top.score, top.dense, title_sim.get(doc_id, 0.0)))
        return out


# -- products -------------------------------------------------------------------------------------
_ASPECTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # aspect: (words in a question, words in attribute keys)
    "battery": (("battery", "电池", "续航", "电量", "charge", "mah", "hours"), ("battery", "电池", "续航", "mah")),
    "waterproof": (("waterproof", "water", "防水", "ip68", "ip54", "rain"), ("waterproof", "防水", "ip")),
    "weight": (("weight", "heavy", "light", "重", "轻", "多重", "kg"), ("weight", "重量", "kg", "_g")),
    "screen": (("screen", "display", "inch", "屏幕", "屏", "尺寸", "寸"), ("screen", "屏幕", "尺寸", "display")),
    "color": (("color", "colour", "颜色", "black", "white", "黑", "白", "蓝"), ("color", "colour", "颜色")),
    "memory": (("ram", "memory", "内存", "运存"), ("ram", "memory", "内存")),
    "storage": (("storage", "ssd", "存储", "容量", "gb"), ("storage", "存储", "ssd")),
    "network": (("5g", "4g", "network", "网络"), ("network", "网络", "5g")),
    "noise": (("noise", "anc", "降噪"), ("noise", "降噪")),
    "touch": (("touch", "触屏", "触摸"), ("touch",)),
    "keyboard": (("keyboard", "backlit", "键盘", "背光", "keys", "键"), ("keyboard", "backlit", "背光", "键", "轴")),
    "bluetooth": (("bluetooth", "蓝牙"), ("bluetooth", "蓝牙")),
    "model": (("model", "型号"), ("model", "型号")),
}
PRICE_WORDS = ("price", "cost", "how much", "expensive", "cheap", "价格", "多少钱", "价钱", "贵", "便宜", "售价")
STOCK_WORDS = ("stock", "available", "availability", "in store", "sold out", "有货", "库存", "现货", "没货", "还有吗", "有吗", "卖完")
REVIEW_WORDS = ("review", "rating", "customers say", "people say", "opinion", "评价", "评论", "口碑", "好评", "怎么样", "评分")


class ProductTool:
    """Product references, facts, comparison, search and recommendations."""

    def __init__(self, store: Any, search: Callable[[], Any] | None = None,
                 recommender: Callable[[], Any] | None = None, realtime: Callable[[], Any] | None = None) -> None:
        self.store = store
        self._search_fn, self._rec_fn, self._realtime_fn = search, recommender, realtime
        self._lock = threading.Lock()
        self._seq: int | None = None
        self._names: HybridIndex | None = None
        self._codes: dict[str, set[str]] = {}

    # -- references --------------------------------------------------------------------------
    def _name_index(self) -> HybridIndex:
        seq = self.store.change_seq()
        with self._lock:
            if self._names is not None and seq == self._seq:
                return self._names
            keys, texts, codes = [], [], {}
            for p in self.store.iter_products():
                keys.append(p.id)
                texts.append(" ".join(x for x in (p.title, p.brand or "", p.sku or "") if x))
                names = [p.id, p.sku or ""]
                names += [str(v) for k, v in p.attributes.items() if k.lower() in ("model", "型号", "mpn")]
                for n in names:
                    if n and len(_key(n)) >= 2:
                        codes.setdefault(_key(n), set()).add(p.id)
            self._names = HybridIndex(keys, texts, None, None)
            self._codes, self._seq = codes, seq
            return self._names

    def resolve(self, text: str, mentions: list[str], limit: int = 2) -> list[Product]:
        """Products the text names: by id, model code or a strong title match (best first)."""
        ix = self._name_index()
        found: list[str] = []
        k = _key(text)
        for code, ids in self._codes.items():
            if len(code) >= 3 and code in k:
                found += sorted(ids)
        for m in mentions:
            mk = _key(m)
            if len(mk) < 2:
                continue
            for code, ids in self._codes.items():
                if mk == code or (len(mk) >= 4 and (mk in code or code in mk)):
                    found += sorted(ids)
        if not found and len(ix):
            q = tokenize(text)
            if q:
                lex = ix.lexical_scores(text)
                order = np.argsort(-lex)[:3]
                for i in order:
                    title_toks = set(tokenize(ix.texts[i]))
                    overlap = [t for t in q if t in title_toks]
                    strong = len(overlap) >= 2 or any(re.search(r"\d", t) and re.search(r"[a-z]", t) for t in overlap)
                    if lex[i] > 0 and strong:
                        found.append(ix.keys[i])
        seen: list[str] = []
        for pid in found:
            if pid not in seen:
                seen.append(pid)
        prods = self.store.get_products(seen)
        return [prods[i] for i in seen if i in prods][:limit]

    # -- facts -------------------------------------------------------------------------------
    def aspects(self, question: str) -> list[str]:
        q = question.lower()
        return [a for a, (qw, _) in _ASPECTS.items() if any(w in q for w in qw)]

    def attributes_for(self, p: Product, aspect: str) -> list[tuple[str, Any]]:
        keys = _ASPECTS[aspect][1]
        return [(k, v) for k, v in p.attributes.items() if any(w in k.lower() for w in keys)]

    def description_for(self, p: Product, aspect: str) -> list[str]:
        words = _ASPECTS[aspect][0]
        return [s for s in split_sentences(p.description or "") if any(w in s.lower() for w in words)]

    def review_summary(self, p: Product) -> dict | None:
        revs = self.store.reviews(product_id=p.id)
        rated = [r.rating for r in revs if r.rating is not None]
        if not revs:
            return None
        best = max(revs, key=lambda r: (r.rating or 0, len(r.text)))
        worst = min(revs, key=lambda r: (r.rating or 5, -len(r.text)))
        return {
            "count": len(revs),
            "average": round(sum(rated) / len(rated), 1) if rated else None,
            "positive": best.text,
            "negative": worst.text if worst.id != best.id and (worst.rating or 5) <= 3 else None,
        }

    # -- search and recommendations -----------------------------------------------------------
    def _component(self, fn: Callable[[], Any] | None) -> Any:
        if fn is None:
            return None
        try:
            return fn()
        except Exception as e:  # noqa: BLE001 - e.g. a component that cannot be built for this shop
            log.warning("assistant: component not available: %s", e)
            return None

    def search(self, query: str, price_min: float | None = None, price_max: float | None = None,
               k: int = 3) -> tuple[list[Product], str]:
        """(products, how) from the shop's search engine (``SearchEngine.search``): how is "search", or
        "unavailable" when the assistant runs without one (it then says so instead of guessing)."""
        engine = self._component(self._search_fn)
        if engine is None:
            return [], "unavailable"
        filters = {}
        if price_min is not None:
            filters["price_min"] = price_min
        if price_max is not None:
            filters["price_max"] = price_max
        res = engine.search(query, filters=filters or None, size=max(k * 2, 5))
        ids = [r["id"] for r in res.get("results", [])]
        prods = self.store.get_products(ids)
        out = [prods[i] for i in ids if i in prods and prods[i].status == "active"]
        return out[:k], "search"

    def recommend(self, user_id: str | None, product: Product | None, query: str, k: int = 3) -> tuple[list[Product], str]:
        """(products, how). Items like ``product`` come from ``RecommendationService.similar``; a request
        naming what is wanted ("a laptop for students") from search; otherwise the signed-in user's list
        (the real-time service when it is running, else ``RecommendationService.recommend``), which is
        trending items for an anonymous shopper. how: "recommender", "realtime", "search" or "unavailable"."""
        rec = self._component(self._rec_fn)
        exclude = {product.id} if product is not None else set()
        ids: list[str] = []
        how = "recommender"
        try:
            if product is not None and rec is not None:
                ids = [r.id for r in rec.similar(product.id, n=k + 1)]
            elif not query.strip():
                rt = self._component(self._realtime_fn)
                if rt is not None and user_id:
                    ids, how = [x["id"] for x in rt.recommend(user=user_id, n=k)["items"]], "realtime"
                elif rec is not None:
                    ids = [r.id for r in rec.recommend(user=user_id, n=k)]
        except (RuntimeError, KeyError, ValueError) as e:  # not trained yet, or a product it has not seen
            log.info("assistant: no recommendations (%s); using search", e)
            ids = []
        if ids:
            prods = self.store.get_products(ids)
            return [prods[i] for i in ids if i in prods and i not in exclude][:k], how
        q = query if query.strip() or product is None else product.title
        prods, how = self.search(q, k=k + 1)
        return [p for p in prods if p.id not in exclude][:k], how


# -- handoff --------------------------------------------------------------------------------------
class Tickets:
    """Human-handoff tickets with the (masked) transcript, in the store's tickets table (one transaction
    each); staff list and close them through the admin API (`/api/tickets`) or `shopmind tickets`."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def create(self, conversation_id: str, user_id: str | None, reason: str, transcript: list[dict]) -> dict:
        tid = f"T-{time.strftime('%Y%m%d')}-{uuid.uuid4().hex[:6].upper()}"
        ticket = TicketIn(
            id=tid, conversation_id=conversation_id, user_id=user_id, reason=mask_pii(reason),
            transcript=[{**t, "text": mask_pii(t.get("text", ""))} for t in transcript],
        )
        return self.store.add_ticket(ticket).model_dump()

    def get(self, ticket_id: str) -> dict | None:
        t = self.store.get_ticket(ticket_id)
        return t.model_dump() if t else None

    def list(self, status: str | None = None) -> list[dict]:
        return [t.model_dump() for t in self.store.tickets(status=status)]
