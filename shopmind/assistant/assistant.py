"""The customer-service assistant: intent -> slots -> tools -> a cited answer, per conversation.

``Assistant.chat(conversation_id, message, user_id=None)`` returns
``{"reply", "intent", "confidence", "citations", "actions"}``. Every factual sentence of a reply comes
from a tool result and carries the [n] of its source (document, product or order); when nothing relevant
is found the reply says so and offers a human instead of guessing.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from shopmind.assistant import safety
from shopmind.assistant.answer import Answer, fmt_date, fmt_money, fmt_value
from shopmind.assistant.intents import IntentModel, default_model
from shopmind.assistant.slots import Slots, compare_parts, extract
from shopmind.assistant.templates import INTENT_NAMES, STATUS, attr_name, t
from shopmind.assistant.tools import INTENT_TOPICS, DocsTool, OrderTool, PRICE_WORDS, REVIEW_WORDS, STOCK_WORDS, ProductTool, Tickets
from shopmind.kb.models import Order, Product
from shopmind.text.normalize import detect_language

#: below this intent probability the assistant asks a clarifying question
CLARIFY_THRESHOLD = 0.35
#: how close a policy/FAQ passage must be to answer a message without a matching intent (e5 cosine of
#: the question with the document title, or with the sentence); calibrated on the demo shop's FAQ
#: questions vs. small talk, contact details and unanswerable questions (benchmarks/results/assistant.md)
FAQ_TITLE = 0.84
FAQ_DENSE = 0.88
MAX_MESSAGE = 2000
MAX_CONVERSATIONS = 10000

ORDER_INTENTS = {"track_order", "cancel_order", "change_order", "change_shipping_address", "get_refund",
                 "track_refund", "delivery_period", "check_invoice", "get_invoice"}
#: intents that act on one order: without a number the assistant answers from policy and asks which
ORDER_ACTIONS = {"cancel_order", "change_order", "change_shipping_address", "get_refund"}
#: intents whose answer needs an order even without a number in the message
NEEDS_ORDER = {"track_order", "track_refund"}
PRODUCT_INTENTS = {"product_question", "product_search", "recommendation_request", "compare_products"}
_ORDINALS = [(r"\b(first|1st)\b|第一|第1", 0), (r"\b(second|2nd)\b|第二|第2", 1), (r"\b(third|3rd)\b|第三|第3", 2)]
_SIMILAR = re.compile(r"\bsimilar\b|\blike (?:this|that|it|the)\b|类似|相似|同款|差不多的", re.I)
#: a request for a person, anywhere in a message ("转人工。我的身份证号…", "get me a human agent"): it hands
#: off whatever else the message says, so the shopper is never asked to type it again
HANDOFF_RE = re.compile(
    r"转人工|人工客服|人工服务|人工坐席|找人工|要人工|接人工|转接人工|真人|活人|"
    r"\bhuman\b|\breal (?:person|people|human)\b|\blive (?:agent|person|chat agent|representative)\b|"
    r"\b(?:an?|the|your|support|service|customer service) (?:agent|representative|rep|operator)\b|"
    r"\b(?:talk|speak|chat) (?:to|with) (?:a |an |some)?(?:one|body|person|staff|employee)\b", re.I)
_THANKS = re.compile(r"thank|thx|谢", re.I)
_BYE = re.compile(r"\bbye\b|goodbye|see you|再见|拜拜|晚安", re.I)
_SEARCH_NOISE = re.compile(
    r"(\b(?:show me|i'?m looking for|i am looking for|looking for|find me|search for|do you (?:have|sell)|any|i need|i want(?: to buy)?|"
    r"can you recommend|recommend(?:ations?)?(?: me)?|what would you recommend for|suggest(?:ions?)?)\b|"
    r"我想找|帮我找|给我看看|有没有|你们卖|搜一下|找一下|找一款|找一个|我要买|我想买|推荐一款|推荐一个|推荐|有哪些|一款|一个|的吗|吗|呢|[?？!！。，,])",
    re.I,
)


#: words of a recommendation request that say nothing about what is wanted
_RECO_WORDS = ("any recommendations suggestions suggest ideas idea popular trending best sellers seller good great "
               "something anything what should I buy get me for me right now today these days this week lately "
               "please thanks you your have hot new top picks pick",
               "推荐 建议 什么 好的 好 值得 买 热门 热销 卖得好 最近 现在 一些 几款 几个 东西 给我 有 吗 呢 哪些 爆款 新品")
_RECO_STOP: set[str] | None = None


CONV_PREFIX = "assistant.conv."  # + user id (or '-') + '.' + conversation id, in the store's meta


def forget_conversations(store: Any, user_id: str) -> int:
    """Delete a user's stored conversations (masked transcripts and state); how many."""
    return store.delete_meta(f"{CONV_PREFIX}{user_id}.",
                             lambda v: isinstance(v, dict) and v.get("user_id") == user_id)


@dataclass
class Conversation:
    id: str
    user_id: str | None
    lang: str = "en"
    turns: list[dict] = field(default_factory=list)  # masked transcript: role, text, intent, ts
    products: list[str] = field(default_factory=list)  # product ids last talked about
    order_id: str | None = None
    pending: str | None = None  # intent waiting for a missing slot (an order number)
    ticket: str | None = None

    def as_dict(self) -> dict:
        return {"id": self.id, "user_id": self.user_id, "lang": self.lang, "turns": self.turns,
                "products": self.products, "order_id": self.order_id, "pending": self.pending, "ticket": self.ticket}


class Assistant:
    """One per shop; thread-safe. Conversations live in memory (LRU) and, masked, in the store's meta."""

    def __init__(self, store: Any, intents: IntentModel | None = None, encoder: Any | None = None,
                 search: Any | None = None, recommender: Any | None = None, realtime: Any | None = None,
                 persist: bool = True, llm: Any | None = None) -> None:
        self.store = store
        self.intents = intents or default_model()
        if encoder is None and self.intents.encoder:
            from shopmind.embed import get_encoder

            encoder = get_encoder(self.intents.encoder)
        self.encoder = encoder
        self.orders = OrderTool(store)
        self.docs = DocsTool(store, encoder)
        self.products = ProductTool(store, search, recommender, realtime)
        self.tickets = Tickets(store)
        self.persist = persist
        #: optional generative backend (shopmind.assistant.llm.Phraser): rephrases answers that carry
        #: facts, checked against them; None (the default) = template answers only
        self.llm = llm
        self._convs: OrderedDict[str, Conversation] = OrderedDict()
        self._lock = threading.Lock()

    # -- conversations ----------------------------------------------------------------------
    @staticmethod
    def _conv_key(conversation_id: str, user_id: str | None) -> str:
        # keyed by user too: nobody continues (or reads) another user's conversation by guessing its id
        return f"{CONV_PREFIX}{user_id or '-'}.{conversation_id}"

    def forget_user(self, user_id: str) -> int:
        """Drop a user's conversations from memory and the store; how many were stored."""
        with self._lock:
            for key in [k for k, c in self._convs.items() if c.user_id == user_id]:
                del self._convs[key]
        return forget_conversations(self.store, user_id)

    def conversation(self, conversation_id: str, user_id: str | None = None) -> Conversation:
        key = self._conv_key(conversation_id, user_id)
        with self._lock:
            conv = self._convs.get(key)
            if conv is None:
                saved = self.store.get_meta(key) if self.persist else None
                conv = Conversation(**saved) if saved else Conversation(conversation_id, user_id)
                self._convs[key] = conv
                while len(self._convs) > MAX_CONVERSATIONS:
                    self._convs.popitem(last=False)
            self._convs.move_to_end(key)
            return conv

    def _save(self, conv: Conversation) -> None:
        if self.persist:
            self.store.set_meta(self._conv_key(conv.id, conv.user_id), conv.as_dict())

    def warm(self) -> None:
        """Load what the first message would otherwise wait for: encoder, document and name indexes,
        the Chinese tokenizer and LAC."""
        if self.encoder is not None:
            self.encoder.encode_queries(["hello"])
        self.docs.index()
        self.products._name_index()
        extract("你好，订单明天到吗")

    def products_changed(self, ids: list[str]) -> None:
        """Catalog hook (Shop.on_products_changed): the name index follows store.change_seq itself."""

    # -- the turn ---------------------------------------------------------------------------
    def chat(self, conversation_id: str, message: str, user_id: str | None = None) -> dict:
        if not isinstance(conversation_id, str) or not conversation_id.strip():
            raise ValueError("conversation_id: must be a non-empty string")
        if len(conversation_id) > 200:
            raise ValueError("conversation_id: at most 200 characters")
        if not isinstance(message, str) or not message.strip():
            raise ValueError("message: must be a non-empty string")
        if len(message) > MAX_MESSAGE:
            raise ValueError(f"message: at most {MAX_MESSAGE} characters")
        message = message.strip()
        conv = self.conversation(conversation_id, user_id)
        has_letters = re.search(r"[A-Za-z\u4e00-\u9fff]{2,}", message)
        lang = detect_language(message) if has_letters else conv.lang
        conv.lang = lang
        t0 = time.perf_counter()
        qvec = self.encoder.encode_queries([message])[0] if self.encoder is not None else None
        pred = self.intents.classify(message, vector=qvec if self._shared_vector() else None)
        intent, conf = pred.intent, pred.confidence
        slots = extract(message)
        ans = Answer(lang)

        # a bare order number answers the question asked before, or means "where is it"
        bare_order = slots.order_ids and len(re.sub(r"[\W_]", "", message)) <= len(slots.order_ids[0]) + 12
        if conv.pending and slots.order_ids and (bare_order or conf < 0.6):
            intent, conf = conv.pending, max(conf, 0.9)
        elif bare_order and intent not in ORDER_INTENTS:
            intent, conf = "track_order", max(conf, 0.9)
        conv.pending = None

        if safety.is_injection(message):
            ans.say(t("injection", lang)).action("refused", reason="prompt_injection")
        elif safety.is_harmful(message):
            intent, conf = "harmful_request", 1.0
            ans.say(t("harmful", lang)).action("refused", reason="harmful")
        elif HANDOFF_RE.search(message):
            conf = max(conf, 0.9) if intent == "contact_human_agent" else 0.9
            intent = "contact_human_agent"
            if safety.is_abusive(message):
                ans.say(t("abuse", lang)).action("abuse_flagged")
            self._handoff(conv, ans, user_id, message)
        else:
            abusive = safety.is_abusive(message)
            if abusive:
                ans.say(t("abuse", lang)).action("abuse_flagged")
            if conf < CLARIFY_THRESHOLD and not self._clear_enough(pred.ranked, slots, abusive):
                # unsure of the intent: a close FAQ answers it, else ask (contact details are no question)
                if slots.emails or slots.phones or not self._faq(message, ans, qvec):
                    self._clarify(ans, pred.ranked)
                    ans.say(t("offer_handoff", lang)).action("offer_handoff")
            else:
                self._dispatch(intent, message, slots, conv, ans, user_id, qvec)

        if self.llm is not None and ans.has_facts:
            reply, citations, done = self.llm.phrase(ans, message)
            ans.actions.append(done)
        else:
            reply, citations = ans.render()
        now = time.time()
        conv.turns.append({"role": "user", "text": safety.mask_pii(message), "intent": intent, "ts": now})
        conv.turns.append({"role": "assistant", "text": safety.mask_pii(reply), "ts": now})
        self._save(conv)
        return {
            "reply": reply,
            "intent": intent,
            "confidence": round(float(conf), 4),
            "citations": citations,
            "actions": ans.actions,
            "language": lang,
            "slots": slots.as_dict(),
            "took_ms": round((time.perf_counter() - t0) * 1000, 2),
        }

    def _shared_vector(self) -> bool:
        return self.encoder is not None and getattr(self.encoder, "name", "") == "e5-small-q4" and self.intents.encoder == "e5"

    @staticmethod
    def _clear_enough(ranked: list[tuple[str, float]], slots: Slots, abusive: bool) -> bool:
        """Low confidence that still needs no question: an order number with an order intent, two
        runners-up answered from the same documents, or an angry message about a complaint."""
        top = ranked[0][0]
        if slots.order_ids and top in ORDER_INTENTS:
            return True
        if abusive and top in ("complaint", "contact_human_agent"):
            return True
        if len(ranked) > 1:
            (a, pa), (b, pb) = ranked[0], ranked[1]
            shared = set(INTENT_TOPICS.get(a, ())) & set(INTENT_TOPICS.get(b, ()))
            return bool(shared) and pa + pb >= 0.5
        return False

    def _clarify(self, ans: Answer, ranked: list[tuple[str, float]]) -> None:
        lang = ans.lang
        # shoppers read intent names, never labels: an intent without a name is not offered
        named = [i for i, _ in ranked if i in INTENT_NAMES][:2]
        if not named:
            ans.say(t("dont_know", lang))
            return
        names = [INTENT_NAMES[i][lang if lang in ("en", "zh") else "en"] for i in named]
        ans.say(t("clarify", lang, options=t("or", lang).join(names)))
        ans.action("clarify", options=named)

    # -- intent handlers --------------------------------------------------------------------
    def _dispatch(self, intent: str, message: str, slots: Slots, conv: Conversation, ans: Answer,
                  user_id: str | None, qvec: Any) -> None:
        lang = ans.lang
        if intent == "chit_chat":
            key = "thanks" if _THANKS.search(message) else "bye" if _BYE.search(message) else "greeting"
            ans.say(t(key, lang))
            return
        if intent == "out_of_scope":
            if not self._faq(message, ans, qvec):  # "how do reward points work": no intent, but a FAQ
                ans.say(t("out_of_scope", lang))
            return
        if intent in PRODUCT_INTENTS:
            getattr(self, f"_{intent}")(message, slots, conv, ans, user_id)
            return
        if intent == "contact_human_agent":
            self._handoff(conv, ans, user_id, message)
            return
        if intent == "complaint":
            ans.say(t("complaint_sorry", lang))
            self._faq(message, ans, qvec, intent)  # "my item arrived broken": what the policy promises
            self._handoff(conv, ans, user_id, message)
            return
        order_done = False
        if intent in ORDER_INTENTS:
            order_done = self._order(intent, slots, conv, ans, user_id)
            if order_done is None:  # asked for sign-in or an order number
                if not user_id and not slots.order_ids:  # a general question: the policy still answers it
                    self._policy(intent, message, ans, qvec, quiet=True)
                return
        if intent == "track_order" and order_done:
            return
        self._policy(intent, message, ans, qvec, quiet=order_done)
        if conv.pending == intent and not order_done:
            ans.say(t("ask_order", lang))

    def _handoff(self, conv: Conversation, ans: Answer, user_id: str | None, message: str) -> None:
        ticket = self.tickets.create(conv.id, user_id, message, conv.turns + [{"role": "user", "text": message}])
        conv.ticket = ticket["id"]
        sid = ans.source(f"ticket:{ticket['id']}", "ticket", ticket["id"])
        ans.fact(t("handoff_done", ans.lang, ticket=ticket["id"]), sid)
        ans.action("handoff", ticket_id=ticket["id"])

    def _faq(self, message: str, ans: Answer, qvec: Any, intent: str | None = None) -> bool:
        """For a message no intent handler answers: cite a policy/FAQ passage when one matches it
        closely (its title, or a sentence, near the question in meaning); True when one did."""
        passages = self.docs.search(message, intent=intent, lang=ans.lang, qvec=qvec if self._shared_vector() else None, k=1)
        p = passages[0] if passages else None
        if p is None or not (p.title >= FAQ_TITLE or p.dense >= FAQ_DENSE):
            return False
        sid = ans.source(f"doc:{p.doc.id}", "document", p.doc.title, " ".join(p.sentences))
        for s in p.sentences:
            ans.fact(s, sid)
        return True

    def _policy(self, intent: str | None, message: str, ans: Answer, qvec: Any, quiet: bool = False) -> bool:
        """Cite the best policy/FAQ passage for the question; True when one was found."""
        passages = self.docs.search(message, intent=intent, lang=ans.lang, qvec=qvec if self._shared_vector() else None, k=1)
        if not passages:
            if not quiet:
                ans.say(t("dont_know", ans.lang)).say(t("offer_handoff", ans.lang))
                ans.action("offer_handoff")
            return False
        for p in passages:
            sid = ans.source(f"doc:{p.doc.id}", "document", p.doc.title, " ".join(p.sentences))
            for s in p.sentences:
                ans.fact(s, sid)
        return True

    # -- orders ---------------------------------------------------------------------------
    def _order(self, intent: str, slots: Slots, conv: Conversation, ans: Answer, user_id: str | None) -> bool | None:
        """Order facts for the intent; False when the intent can go on without an order, None when the
        reply is a question back (sign in, which order)."""
        lang = ans.lang
        wanted = slots.order_ids[0] if slots.order_ids else None
        if wanted is None and intent not in NEEDS_ORDER:
            if conv.order_id and intent in ORDER_ACTIONS | {"delivery_period"}:
                wanted = conv.order_id
            else:
                if user_id and intent in ORDER_ACTIONS:
                    conv.pending = intent  # the policy answers now; the next message may name the order
                return False
        if not user_id:
            ans.say(t("sign_in", lang)).action("sign_in_required")
            conv.pending = intent
            return None
        order: Order | None
        if wanted is not None:
            order = self.orders.get(wanted, user_id)
            if order is None:
                ans.say(t("order_not_found", lang, order=wanted))
                ans.action("order_not_found", order_id=wanted)
                conv.pending = intent
                return None
        else:
            order = self.orders.get(conv.order_id, user_id) if conv.order_id else self.orders.latest(user_id)
            if order is None:
                ans.say(t("no_orders", lang))
                return None
        conv.order_id = order.id
        conv.products = [ln.product_id for ln in order.lines]
        self._order_facts(intent, order, ans)
        return True

    def _order_facts(self, intent: str, o: Order, ans: Answer) -> None:
        lang = ans.lang
        sid = ans.source(f"order:{o.id}", "order", f"Order {o.id}" if lang != "zh" else f"订单{o.id}")
        status = STATUS.get(o.status, {}).get(lang, o.status)
        ans.fact(t("order_status", lang, order=o.id, status=status), sid)
        titles = self.orders.titles(o)
        sep = "、" if lang == "zh" else ", "
        items = sep.join(f"{titles[ln.product_id]} x{ln.qty}" for ln in o.lines)
        if intent in ("track_order", "get_refund", "change_order", "cancel_order", "check_invoice", "get_invoice"):
            ans.fact(t("order_items", lang, items=items), sid)
        if intent in ("check_invoice", "get_invoice", "get_refund", "track_refund"):
            ans.fact(t("order_total", lang, total=fmt_money(o.total, o.currency, lang)), sid)
        if o.shipped_at:
            if o.carrier and o.tracking:
                ans.fact(t("order_shipped", lang, date=fmt_date(o.shipped_at), carrier=o.carrier, tracking=o.tracking), sid)
            else:
                ans.fact(t("order_shipped_plain", lang, date=fmt_date(o.shipped_at)), sid)
        if o.delivered_at:
            ans.fact(t("order_delivered", lang, date=fmt_date(o.delivered_at)), sid)
        elif o.eta and o.status not in ("cancelled", "returned", "refunded"):
            ans.fact(t("order_eta", lang, date=fmt_date(o.eta)), sid)
        if intent in ("cancel_order", "change_order", "change_shipping_address"):
            can = o.status in ("pending", "paid")
            ans.fact(t("order_cancellable" if can else "order_not_cancellable", lang), sid)
            if can:
                ans.action({"cancel_order": "cancel_order", "change_order": "change_order"}.get(intent, "change_address"),
                           order_id=o.id)
        if intent == "get_refund":
            ans.action("return_request", order_id=o.id)

    # -- products -------------------------------------------------------------------------
    def _referenced(self, message: str, slots: Slots, conv: Conversation, limit: int = 1) -> list[Product]:
        prods = self.products.resolve(message, slots.mentions, limit=limit)
        if len(prods) < limit and conv.products:
            for rx, i in _ORDINALS:
                if re.search(rx, message, re.I) and i < len(conv.products):
                    p = self.store.get_product(conv.products[i])
                    if p is not None and p not in prods:
                        prods.insert(0, p)
                    break
        if len(prods) < limit and conv.products:
            for pid in conv.products:
                if len(prods) >= limit:
                    break
                p = self.store.get_product(pid)
                if p is not None and all(p.id != q.id for q in prods):
                    prods.append(p)
        return prods[:limit]

    def _product_question(self, message: str, slots: Slots, conv: Conversation, ans: Answer, user_id: str | None) -> None:
        lang = ans.lang
        found = self._referenced(message, slots, conv)
        if not found:
            if not self._faq(message, ans, None):  # "how long is the warranty on a laptop?"
                ans.say(t("which_product", lang))
            return
        p = found[0]
        conv.products = [p.id] + [x for x in conv.products if x != p.id][:4]
        sid = ans.source(*product_source_args(p))
        q = message.lower()
        aspects = self.products.aspects(message)
        asks_price = any(w in q for w in PRICE_WORDS)
        asks_stock = any(w in q for w in STOCK_WORDS)
        asks_reviews = any(w in q for w in REVIEW_WORDS)
        general = not (aspects or asks_price or asks_stock or asks_reviews)
        if asks_price or general:
            ans.fact(t("price", lang, title=p.title, price=fmt_money(p.price, p.currency, lang)), sid)
        if asks_stock or general:
            if p.stock is not None:
                ans.fact(t("in_stock" if p.stock > 0 else "out_of_stock", lang, stock=p.stock), sid)
        for a in aspects:
            attrs = self.products.attributes_for(p, a)
            for k, v in attrs:
                ans.fact(t("attribute", lang, name=attr_name(k), value=fmt_value(v, lang)), sid)
            if not attrs:
                sents = self.products.description_for(p, a)
                for s in sents[:2]:
                    ans.fact(s, sid)
                if not sents:
                    ans.say(t("no_aspect", lang, title=p.title))
                    ans.action("offer_handoff")
        if general:
            for k, v in list(p.attributes.items())[:4]:
                ans.fact(t("attribute", lang, name=attr_name(k), value=fmt_value(v, lang)), sid)
        if asks_reviews or general:
            rs = self.products.review_summary(p)
            if rs is None:
                if asks_reviews:
                    ans.say(t("no_reviews", lang))
            else:
                if rs["average"] is not None:
                    ans.fact(t("reviews", lang, avg=rs["average"], n=rs["count"]), sid)
                else:
                    ans.fact(t("reviews_n", lang, n=rs["count"]), sid)
                ans.fact(t("review_quote", lang, text=_quote(rs["positive"])), sid)
                if rs["negative"]:
                    ans.fact(t("review_quote_neg", lang, text=_quote(rs["negative"])), sid)

    def _list_products(self, prods: list[Product], ans: Answer, intro: str, how: str, conv: Conversation) -> None:
        lang = ans.lang
        if how == "unavailable":
            ans.say(t("search_unavailable", lang)).say(t("offer_handoff", lang))
            ans.action("offer_handoff")
            return
        if not prods:
            ans.say(t("search_none", lang))
            return
        ans.say(t(intro, lang))
        for p in prods:
            sid = ans.source(*product_source_args(p))
            stock = t("stock_unknown", lang) if p.stock is None else t("stock_yes" if p.stock > 0 else "stock_no", lang)
            ans.fact(t("search_item", lang, title=p.title, price=fmt_money(p.price, p.currency, lang), stock=stock), sid)
        conv.products = [p.id for p in prods]
        ans.action("show_products", product_ids=[p.id for p in prods])

    def _search_query(self, message: str) -> str:
        q = _SEARCH_NOISE.sub(" ", message)
        return re.sub(r"\s+", " ", q).strip() or message

    def _product_search(self, message: str, slots: Slots, conv: Conversation, ans: Answer, user_id: str | None) -> None:
        prods, how = self.products.search(self._search_query(message), slots.price_min, slots.price_max)
        self._list_products(prods, ans, "search_intro", how, conv)

    def _reco_query(self, message: str) -> str:
        """What a recommendation request asks for ("a laptop for students"), or "" when it asks for
        nothing in particular ("any recommendations?", "最近什么卖得好"): then the recommender decides."""
        global _RECO_STOP
        from shopmind.text.tokenize import tokenize

        if _RECO_STOP is None:
            _RECO_STOP = {tok for w in _RECO_WORDS for tok in tokenize(w)}
        q = self._search_query(message)
        return q if any(tok not in _RECO_STOP for tok in tokenize(q)) else ""

    def _recommendation_request(self, message: str, slots: Slots, conv: Conversation, ans: Answer, user_id: str | None) -> None:
        about_one = slots.refers_back or _SIMILAR.search(message) or any(re.search(rx, message, re.I) for rx, _ in _ORDINALS)
        anchor = self._referenced(message, slots, conv)[0] if about_one and conv.products else None
        prods, how = self.products.recommend(user_id, anchor, self._reco_query(message))
        self._list_products(prods, ans, "reco_intro", how, conv)

    def _compare_products(self, message: str, slots: Slots, conv: Conversation, ans: Answer, user_id: str | None) -> None:
        lang = ans.lang
        prods = self.products.resolve(message, slots.mentions, limit=2)
        if len(prods) < 2:
            for part in compare_parts(message):
                for p in self.products.resolve(part, [part], limit=1):
                    if all(p.id != q.id for q in prods):
                        prods.append(p)
        if len(prods) < 2 and conv.products:
            for pid in conv.products:
                p = self.store.get_product(pid)
                if p is not None and all(p.id != q.id for q in prods) and len(prods) < 2:
                    prods.append(p)
        if len(prods) < 2:
            ans.say(t("compare_need_two", lang))
            return
        a, b = prods[:2]
        conv.products = [a.id, b.id]
        sa, sb = ans.source(*product_source_args(a)), ans.source(*product_source_args(b))
        ans.say(t("compare_intro", lang, a=a.title, b=b.title))
        ans.fact(t("compare_price", lang, a=fmt_money(a.price, a.currency, lang), b=fmt_money(b.price, b.currency, lang)), sa, sb)
        for k in [k for k in a.attributes if k in b.attributes][:8]:
            ans.fact(t("compare_attr", lang, name=attr_name(k), a=fmt_value(a.attributes[k], lang),
                       b=fmt_value(b.attributes[k], lang)), sa, sb)
        ra, rb = self.products.review_summary(a), self.products.review_summary(b)
        if ra and rb and ra["average"] is not None and rb["average"] is not None:
            ans.fact(t("compare_rating", lang, a=ra["average"], b=rb["average"]), sa, sb)
        ans.action("compare", product_ids=[a.id, b.id])


def _quote(text: str, limit: int = 160) -> str:
    """A review quoted inside one sentence: first sentence, no closing punctuation, bounded length."""
    first = re.split(r"(?<=[.!?。！？])\s*", text.strip())[0].rstrip(".!?。！？")
    return first if len(first) <= limit else first[:limit].rstrip() + "…"


def product_source_args(p: Product) -> tuple[str, str, str]:
    return f"product:{p.id}", "product", p.title
