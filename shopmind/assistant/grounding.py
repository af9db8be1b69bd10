"""Groundedness check: does every fact in a reply match the record it cites?

Independent of how the reply was built: it re-reads each cited document, product or order from the
store and checks the reply sentence by sentence — a document-cited sentence must be quoted from the
document, or (a generated answer's rephrasing) be backed by it (``supported``); a product/order-cited
sentence may only state numbers, dates and product names found in the cited records; an uncited
sentence may not state numbers the user did not write.
"""

from __future__ import annotations

import re
from typing import Any

from shopmind.assistant.answer import fmt_date, fmt_num

_MARKER = re.compile(r"\s?\[(\d+)\]")
_SPLIT = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")
_NUM = re.compile(r"\d+(?:\.\d+)?")


def _norm(s: str) -> str:
    return re.sub(r"[\s\"“”'‘’]+", "", s).lower()


def _numbers(s: str) -> set[float]:
    return {round(float(x), 2) for x in _NUM.findall(s)}


#: negation words: a rephrased sentence may neither add nor drop a negation of its source sentence
_NEG_EN = re.compile(r"\b(?:not|no|never|cannot|can't|won't|don't|doesn't|isn't|aren't|without|unable|non)\b|n't\b", re.I)
_NEG_ZH = re.compile(r"[不没无未非别勿]")
#: share of a rephrased sentence's terms that must occur in the cited passage
SUPPORT = 0.6


def supported(sentence: str, source: str) -> str | None:
    """Is a rephrased (not quoted) sentence backed by its source passage? None when it is, else why:
    its numbers must all be in the source, at least ``SUPPORT`` of its terms (stemmed words, Chinese
    words) must occur there, and it must be negated exactly when the source sentence it rephrases is."""
    from shopmind.text.tokenize import tokenize

    extra = _numbers(sentence) - _numbers(source)
    if extra:
        return f"numbers not in the source: {sorted(extra)}"
    terms = tokenize(sentence)
    if not terms:
        return None
    known = set(tokenize(source))
    share = sum(tk in known for tk in terms) / len(terms)
    if share < SUPPORT:
        return f"only {share:.0%} of its words are in the source"
    # the source sentence it rephrases (most shared terms) must be negated exactly when it is
    overlap = {s: len(set(tokenize(s)) & set(terms)) for s in _SPLIT.split(source) if s.strip()}
    top = max(overlap.values(), default=0)
    negated = [bool(_NEG_EN.search(x) or _NEG_ZH.search(x)) for x in (sentence, *(s for s, v in overlap.items() if v == top))]
    if negated[0] not in negated[1:]:
        return "negation differs from the source sentence"
    return None


def source_text(store: Any, sid: str) -> str | None:
    """Everything a cited record states, as text (None when the record does not exist)."""
    kind, _, ref = sid.partition(":")
    if kind == "doc":
        d = store.get_document(ref)
        return None if d is None else f"{d.title}\n{d.body}"
    if kind == "product":
        p = store.get_product(ref)
        if p is None:
            return None
        revs = store.reviews(product_id=p.id)
        rated = [r.rating for r in revs if r.rating is not None]
        avg = f"{round(sum(rated) / len(rated), 1)}" if rated else ""
        attrs = " ".join(f"{k} {v}" for k, v in p.attributes.items())
        return " ".join(str(x) for x in (
            p.id, p.title, p.brand, p.category, fmt_num(p.price) if p.price is not None else "", p.currency,
            p.stock, p.description, attrs, len(revs), avg, " ".join(r.text for r in revs), 5) if x is not None)
    if kind == "order":
        o = store.get_order(ref)
        if o is None:
            return None
        prods = store.get_products([ln.product_id for ln in o.lines])
        lines = " ".join(f"{prods[ln.product_id].title if ln.product_id in prods else ln.product_id} x{ln.qty} {fmt_num(ln.price)}"
                         for ln in o.lines)
        dates = " ".join(fmt_date(x) for x in (o.created_at, o.shipped_at, o.delivered_at, o.eta) if x)
        return " ".join(str(x) for x in (o.id, o.status, o.currency, lines, fmt_num(o.total), dates,
                                          o.carrier, o.tracking, o.address) if x)
    if kind == "ticket":
        tk = store.get_ticket(ref)
        return None if tk is None else f"{tk.id} {tk.status}"
    return None


def check_reply(store: Any, result: dict, message: str = "") -> list[dict]:
    """Per factual sentence: {"sentence", "sources", "grounded", "why"}. Non-factual sentences (no
    citation, no numbers beyond the user's own) are left out."""
    citations = {c["n"]: c["id"] for c in result.get("citations", [])}
    texts: dict[str, str | None] = {}
    user_nums = _numbers(message)
    titles = None
    out = []
    for sent in _SPLIT.split(result.get("reply", "")):
        sent = sent.strip()
        if not sent:
            continue
        marks = [int(m) for m in _MARKER.findall(sent)]
        plain = _MARKER.sub("", sent).strip()
        if not marks:
            extra = _numbers(plain) - user_nums
            if extra:
                out.append({"sentence": plain, "sources": [], "grounded": False, "why": f"uncited numbers {sorted(extra)}"})
            continue
        sids = [citations.get(n) for n in marks]
        if None in sids:
            out.append({"sentence": plain, "sources": sids, "grounded": False, "why": "marker without citation"})
            continue
        for sid in sids:
            if sid not in texts:
                texts[sid] = source_text(store, sid)
        srcs = [texts[s] for s in sids]
        if any(s is None for s in srcs):
            out.append({"sentence": plain, "sources": sids, "grounded": False, "why": "cited record not found"})
            continue
        why = None
        if all(s.startswith("ticket:") for s in sids):
            extra = _numbers(plain) - set().union(*(_numbers(s) for s in srcs))
            why = f"numbers not in the ticket: {sorted(extra)}" if extra else None
        elif all(s.startswith("doc:") for s in sids):
            # quoted from the document, or (a generated answer) a sentence the document backs
            if not any(_norm(plain).rstrip(".。") in _norm(src) for src in srcs):
                reasons = [supported(plain, src) for src in srcs]
                why = None if None in reasons else f"not quoted from the cited document, and {reasons[0]}"
        else:
            known = set().union(*(_numbers(s) for s in srcs)) | user_nums
            extra = _numbers(plain) - known
            if extra:
                why = f"numbers not in the cited records: {sorted(extra)}"
            else:
                if titles is None:
                    titles = {p.title for p in store.iter_products()}
                joined = " ".join(srcs)
                wrong = [tt for tt in titles if tt in plain and tt not in joined]
                if wrong:
                    why = f"names a product the sources do not: {wrong[0]}"
        out.append({"sentence": plain, "sources": sids, "grounded": why is None, "why": why})
    return out


def groundedness(store: Any, turns: list[tuple[str, dict]]) -> dict:
    """Share of factual sentences that match their citations, over (message, result) pairs."""
    checked = [c for msg, res in turns for c in check_reply(store, res, msg)]
    bad = [c for c in checked if not c["grounded"]]
    n = len(checked)
    return {"sentences": n, "grounded": n - len(bad), "share": (n - len(bad)) / n if n else 1.0, "failures": bad}
