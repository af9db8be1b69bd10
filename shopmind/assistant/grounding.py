"""Groundedness check: does every fact in a reply match the record it cites?

Independent of how the reply was built: it re-reads each cited document, product or order from the
store and checks the reply sentence by sentence — a document-cited sentence must be quoted from the
document; a product/order-cited sentence may only state numbers, dates and product names found in the
cited records; an uncited sentence may not state numbers the user did not write.
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
        tk = store.get_meta(f"assistant.ticket.{ref}")
        return None if tk is None else f"{tk['id']} {tk.get('status', '')}"
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
            if not any(_norm(plain).rstrip(".。") in _norm(src) for src in srcs):
                why = "not quoted from the cited document"
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
