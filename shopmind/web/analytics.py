"""Dashboard numbers computed from the knowledge base: searches, clicks, events, reviews, eval reports.

Everything is derived on request from ``store.iter_events()``, reviews and products, so the dashboard
needs no extra tables. Conventions read from events: a ``search`` event's ``value`` is its result count
(0 = zero-result query); a ``click`` event that carries ``query`` came from search results.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterable

from shopmind.kb.models import Event, Product, Review

DAY = 86400.0


def _norm_q(q: str | None) -> str:
    return " ".join((q or "").lower().split())


def _bucket(ts: float, size: float) -> float:
    return math.floor(ts / size) * size


def _series(counter: dict[float, float], start: float, end: float, size: float) -> list[dict[str, float]]:
    """Dense series from ``start`` to ``end`` so charts show gaps as zeros."""
    out, t = [], _bucket(start, size)
    while t <= end:
        out.append({"t": t, "count": counter.get(t, 0)})
        t += size
    return out


_hits_cache: dict[tuple[int, str], int] = {}


def result_counts(shop, queries: Iterable[str], limit: int = 300) -> dict[str, int]:
    """How many results each query gets now, for search events that did not record their count.

    Only when the search engine is already running in this process (the dashboard never builds it);
    cached per catalog change sequence, so repeated dashboard loads are cheap.
    """
    engine = shop.__dict__.get("search")
    if engine is None:
        return {}
    seq = shop.store.change_seq()
    out = {}
    for q in list(dict.fromkeys(queries))[:limit]:
        key = (seq, q)
        if key not in _hits_cache:
            try:
                _hits_cache[key] = int(engine.search(q, size=1)["total"])
            except Exception:  # a query the engine rejects counts as unknown, not as zero
                continue
        out[q] = _hits_cache[key]
    return out


def search_stats(events: list[Event], start: float, end: float, bucket: float, top: int = 15,
                 hits: dict[str, int] | None = None) -> dict[str, Any]:
    """Search volume, zero-result queries, click-through and top queries in [start, end].

    A search's result count is its event ``value`` when recorded, else ``hits[normalized query]``.
    """
    searches = [e for e in events if e.type == "search" and e.query and start <= e.ts <= end]
    clicks = [e for e in events if e.type == "click" and e.query and start <= e.ts <= end]
    volume = Counter(_bucket(e.ts, bucket) for e in searches)
    hits = hits or {}
    count_of = lambda e: e.value if e.value is not None else hits.get(_norm_q(e.query))  # noqa: E731
    known = [e for e in searches if count_of(e) is not None]
    zero = [e for e in known if count_of(e) == 0]
    who = lambda e: e.session_id or e.user_id or ""  # noqa: E731
    searched = {(who(e), _norm_q(e.query)) for e in searches}
    clicked = {(who(e), _norm_q(e.query)) for e in clicks} & searched
    q_count = Counter(_norm_q(e.query) for e in searches)
    q_clicked = Counter(q for _, q in clicked)
    q_sessions = Counter(q for _, q in searched)
    zero_q = Counter(_norm_q(e.query) for e in zero)
    ctr_by_bucket: dict[float, list[int]] = defaultdict(lambda: [0, 0])
    first_ts: dict[tuple[str, str], float] = {}
    for e in searches:
        first_ts.setdefault((who(e), _norm_q(e.query)), e.ts)
    for key, ts in first_ts.items():
        b = ctr_by_bucket[_bucket(ts, bucket)]
        b[0] += 1
        b[1] += key in clicked
    return {
        "volume": _series(volume, start, end, bucket),
        "searches": len(searches),
        "zero_result": {
            "count": len(zero),
            "known": len(known),
            "share": round(len(zero) / len(known), 4) if known else None,
            "top": [{"query": q, "count": n} for q, n in zero_q.most_common(top)],
        },
        "ctr": {
            "searches": len(searched),
            "clicked": len(clicked),
            "rate": round(len(clicked) / len(searched), 4) if searched else None,
            "series": [{"t": t, "rate": round(c / s, 4) if s else None, "searches": s}
                       for t, (s, c) in sorted(ctr_by_bucket.items())],
        },
        "top_queries": [
            {"query": q, "count": n, "ctr": round(q_clicked[q] / q_sessions[q], 3) if q_sessions[q] else None,
             "zero": zero_q.get(q, 0)}
            for q, n in q_count.most_common(top)
        ],
    }


def events_per_minute(events: list[Event], end: float, minutes: int = 60) -> dict[str, Any]:
    """Events per minute and type over the last ``minutes`` before ``end``."""
    start = _bucket(end, 60) - (minutes - 1) * 60
    per: dict[str, Counter] = defaultdict(Counter)
    for e in events:
        if e.ts >= start and e.ts < start + minutes * 60:
            per[e.type][_bucket(e.ts, 60)] += 1
    ts = [start + i * 60 for i in range(minutes)]
    return {"start": start, "minutes": minutes, "t": ts,
            "types": {k: [c.get(t, 0) for t in ts] for k, c in sorted(per.items())},
            "total": sum(sum(c.values()) for c in per.values())}


def review_polarity(r: Review, text_sentiment=None) -> float | None:
    """1 positive, 0 negative, 0.5 neutral: from the star rating, else from the text model when given."""
    if r.rating is not None:
        return 1.0 if r.rating >= 4 else 0.0 if r.rating <= 2 else 0.5
    if text_sentiment is not None:
        try:
            s = float(text_sentiment(r.text))
        except Exception:  # a text model that fails on one review must not break the dashboard
            return None
        return 1.0 if s >= 0.6 else 0.0 if s <= 0.4 else 0.5
    return None


def sentiment_by_category(reviews: Iterable[Review], category_of: dict[str, str], bucket: float = 7 * DAY,
                          text_sentiment=None, min_negative: int = 3, surge: float = 2.0,
                          min_share: float = 0.3) -> dict[str, Any]:
    """Negative-review share per top-level category and time bucket, with surge alerts.

    An alert fires for a category when its latest bucket has at least ``min_negative`` negative
    reviews and a negative share of at least ``min_share`` and ``surge`` times its earlier baseline.
    """
    cells: dict[str, dict[float, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    last_ts = 0.0
    for r in reviews:
        cat = category_of.get(r.product_id)
        if not cat:
            continue
        pol = review_polarity(r, text_sentiment)
        if pol is None:
            continue
        c = cells[cat][_bucket(r.created_at, bucket)]
        c[0] += 1
        c[1] += pol == 0.0
        last_ts = max(last_ts, r.created_at)
    cats, alerts = [], []
    latest = _bucket(last_ts, bucket) if last_ts else None
    for cat, by_t in sorted(cells.items(), key=lambda kv: -sum(v[0] for v in kv[1].values())):
        series = [{"t": t, "reviews": n, "negative": neg, "share": round(neg / n, 4)} for t, (n, neg) in sorted(by_t.items())]
        cats.append({"category": cat, "reviews": sum(s["reviews"] for s in series),
                     "negative": sum(s["negative"] for s in series), "series": series})
        if latest is None or latest not in by_t:
            continue
        n, neg = by_t[latest]
        prev_n = sum(v[0] for t, v in by_t.items() if t < latest)
        prev_neg = sum(v[1] for t, v in by_t.items() if t < latest)
        baseline = prev_neg / prev_n if prev_n else 0.0
        share = neg / n
        if neg >= min_negative and share >= min_share and share >= surge * baseline:
            alerts.append({"category": cat, "since": latest, "negative": neg, "reviews": n, "share": round(share, 4),
                           "baseline": round(baseline, 4),
                           "message": f"{cat}: {neg} of {n} reviews negative ({share:.0%}) vs {baseline:.0%} before"})
    return {"bucket_seconds": bucket, "categories": cats, "alerts": alerts}


def top_category(p: Product) -> str | None:
    return p.category.split(">")[0].strip() if p.category else None


def recommendation_coverage(shop, users: list[str], n: int = 10) -> dict[str, Any]:
    """Share of the active catalog that appears in anyone's top-n (sampled users), when a recommender runs."""
    catalog = shop.store.count_products()
    rec = getattr(shop, "recommender", None) if "recommender" in shop.__dict__ else None
    fn = getattr(rec, "recommend", None) if rec is not None else None
    if fn is None:
        return {"catalog": catalog, "coverage": None, "users": 0,
                "reason": "recommender not built yet (open a product page or run indexing)"}
    seen: set[str] = set()
    done = 0
    for u in users:
        try:
            out = fn(user=u, n=n)
        except TypeError:
            out = fn(u, n)
        except Exception as e:  # report, don't crash the dashboard
            return {"catalog": catalog, "coverage": None, "users": done, "reason": f"recommender failed: {e}"}
        items = out.get("items", out.get("results", [])) if isinstance(out, dict) else out
        for it in items or []:
            pid = it if isinstance(it, str) else (it.get("id") or it.get("product_id")) if isinstance(it, dict) else getattr(it, "id", getattr(it, "product_id", None))
            if pid:
                seen.add(pid)
        done += 1
    return {"catalog": catalog, "recommended": len(seen), "users": done,
            "coverage": round(len(seen) / catalog, 4) if catalog else None}


def window_end(events: list[Event], now: float, span: float) -> float:
    """End of the dashboard window: now, unless the last ``span`` holds under a tenth of the events
    (a shop whose history is older, like the demo's fixed-date log): then the end of that history."""
    if not events:
        return now
    recent = sum(1 for e in events if e.ts > now - span)
    if recent * 10 >= len(events):
        return now
    older = [e.ts for e in events if e.ts <= now - span]
    return max(older) if older else now


def dashboard(shop, days: float = 30.0, now: float | None = None, coverage_users: int = 30) -> dict[str, Any]:
    """Everything the admin dashboard draws, in one JSON object."""
    t0 = time.perf_counter()
    store = shop.store
    events = list(store.iter_events())
    now = now or time.time()
    end = window_end(events, now, days * DAY)
    start = end - days * DAY
    bucket = 3600.0 if days <= 2 else DAY
    totals = Counter(e.type for e in events)
    users = [u for u, _ in Counter(e.user_id for e in events if e.user_id).most_common(coverage_users)]
    category_of = {p.id: top_category(p) for p in store.iter_products()}
    reviews = store.reviews()
    span = (max(r.created_at for r in reviews) - min(r.created_at for r in reviews)) if reviews else 0.0
    sent = sentiment_by_category(reviews, category_of, bucket=7 * DAY if span <= 120 * DAY else 30 * DAY)
    unknown = {_norm_q(e.query) for e in events if e.type == "search" and e.query and e.value is None and start <= e.ts <= end}
    hits = result_counts(shop, sorted(unknown))
    last_event = max((e.ts for e in events), default=end)
    return {
        "generated_at": now,
        "window": {"start": start, "end": end, "days": days, "bucket_seconds": bucket},
        "totals": dict(totals),
        "search": search_stats(events, start, end, bucket, hits=hits),
        "events_per_minute": events_per_minute(events, min(end, last_event) if events else end),
        "recommendation_coverage": recommendation_coverage(shop, users),
        "sentiment": sent,
        "took_ms": round((time.perf_counter() - t0) * 1000, 1),
    }


EVAL_DIRS = ("eval", "reports", "benchmarks")


def eval_reports(home: Path, max_bytes: int = 2_000_000) -> list[dict[str, Any]]:
    """JSON reports the eval commands wrote under the shop home (``<home>/eval/*.json`` and friends)."""
    out = []
    seen: set[Path] = set()
    for sub in EVAL_DIRS:
        d = home / sub
        if not d.is_dir():
            continue
        for p in sorted(d.rglob("*.json")):
            if p in seen or p.stat().st_size > max_bytes:
                continue
            seen.add(p)
            try:
                data = json.loads(p.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as e:
                out.append({"name": p.stem, "path": str(p.relative_to(home)), "error": f"unreadable: {e}"})
                continue
            out.append({"name": p.stem, "path": str(p.relative_to(home)), "modified": p.stat().st_mtime, "data": data})
    out.sort(key=lambda r: -(r.get("modified") or 0))
    return out
