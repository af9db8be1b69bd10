"""The enrichment pipeline: tokens, entities/attributes, keywords, topics, review sentiment, embeddings.

Incremental and resumable: each step keeps, per product, the hash of the input it was computed from
(``store.enrichment_hashes(step)``); only products whose input changed are redone, in batches that are
each committed at once, so a killed run loses at most one batch. Each run is recorded as an "enrich" job
with per-step counts and timings.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from typing import Any, Callable, Iterable, Sequence

from shopmind.kb.store import Stopped
from shopmind.text.keywords import document_frequencies, fit_topics, keywords
from shopmind.text.tokenize import TOKENIZER_VERSION, tokenize

__all__ = ["enrich", "STEPS", "enrichment_text", "step_hash"]

STEPS = ("tokens", "entities", "keywords", "topics", "sentiment", "embeddings")
_VERSIONS = {"tokens": TOKENIZER_VERSION, "entities": "1", "keywords": "1", "topics": "1", "sentiment": "3", "embeddings": "1"}
_META_TOPICS = "text.topics"
_META_DF = "text.keywords.df_docs"
SENTIMENT_BATCH = 32  # products per sentiment batch (~100 reviews)


def enrichment_text(p: Any) -> str:
    """The text enrichment reads from a product: title, brand, category and description."""
    return "\n".join(x for x in (p.title, p.brand or "", p.category or "", p.description or "") if x)


def step_hash(step: str, payload: str) -> str:
    """Hash of a step's input (with the step's version, so a new analyzer recomputes everything)."""
    return hashlib.sha1(f"{step}:{_VERSIONS[step]}\n{payload}".encode("utf-8")).hexdigest()


def _batches(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class _Run:
    """State of one enrich run: the shop, its products and per-step statistics."""

    def __init__(self, shop: Any, product_ids: Iterable[str] | None, progress: bool, batch_size: int,
                 stop: Callable[[], bool] | None = None) -> None:
        self.shop, self.store = shop, shop.store
        self.stop = stop or (lambda: False)
        self.progress, self.batch_size = progress, batch_size
        if product_ids is None:
            self.products = list(self.store.iter_products())
            self.full = True
        else:
            ids = list(dict.fromkeys(product_ids))
            found = self.store.get_products(ids)
            self.products = [found[i] for i in ids if i in found]
            self.full = False
        self.texts = {p.id: enrichment_text(p) for p in self.products}
        self.stats: dict[str, dict[str, Any]] = {}

    def todo(self, step: str, payloads: dict[str, str]) -> tuple[list[Any], dict[str, str]]:
        done = self.store.enrichment_hashes(step)
        hashes = {pid: step_hash(step, pl) for pid, pl in payloads.items()}
        return [p for p in self.products if p.id in hashes and done.get(p.id) != hashes[p.id]], hashes

    def run_batches(self, step: str, items: list[Any], hashes: dict[str, str],
                    compute: Callable[[Sequence[Any]], list[Any]], job: Any, batch_size: int | None = None) -> int:
        bar = None
        if self.progress and items:
            from tqdm import tqdm

            bar = tqdm(total=len(items), desc=step, unit="product")
        n = 0
        for batch in _batches(items, min(batch_size or self.batch_size, self.batch_size)):
            if self.stop():
                raise Stopped(f"enrichment stopped during {step} after {n} of {len(items)} products")
            data = compute(batch)
            self.store.put_enrichment([(p.id, step, hashes[p.id], d) for p, d in zip(batch, data)])
            n += len(batch)
            if bar is not None:
                bar.update(len(batch))
            job.progress(min(0.99, (len(self.stats) + n / len(items)) / len(STEPS)), step=step, done=n,
                         todo=len(items))
        if bar is not None:
            bar.close()
        return n


def _tokens(run: _Run, job: Any) -> int:
    items, hashes = run.todo("tokens", run.texts)
    return run.run_batches("tokens", items, hashes, lambda b: [{"tokens": tokenize(run.texts[p.id])} for p in b], job)


def _entities(run: _Run, job: Any) -> int:
    items, hashes = run.todo("entities", run.texts)
    if not items:
        return 0
    if run.full:
        # the catalog may have new brands/categories since the gazetteer was built; a full run holds
        # every product already, so the gazetteer is rebuilt from them (not read from the store again)
        run.shop.text.refresh(run.products)
    ex = run.shop.text.entities

    def compute(batch: Sequence[Any]) -> list[Any]:
        out = []
        for p in batch:
            spans = ex.extract(p.title)
            attrs: dict[str, list[Any]] = {}
            for e in spans + (ex.extract(p.description[:1000]) if p.description else []):
                vals = attrs.setdefault(e.type, [])
                if e.value not in vals:
                    vals.append(e.value)
            out.append({"attributes": attrs, "title_spans": [e.to_dict() for e in spans]})
        return out

    return run.run_batches("entities", items, hashes, compute, job)


def _keywords(run: _Run, job: Any) -> int:
    """Keywords use catalog-wide idf. A product is redone when its text changed, or all are when the
    catalog size moved by more than 20 % since the idf "epoch" they were computed in."""
    store = run.store
    tokens = dict(store.iter_enrichment("tokens"))
    df, n_docs = document_frequencies(d["tokens"] for d in tokens.values())
    epoch = int(store.get_meta(_META_DF, 0) or 0)
    if epoch == 0 or (run.full and abs(n_docs - epoch) > 0.2 * epoch):
        epoch = n_docs
        store.set_meta(_META_DF, epoch)
    payloads = {p.id: f"{run.texts[p.id]}\n#{epoch}" for p in run.products if p.id in tokens}
    items, hashes = run.todo("keywords", payloads)
    return run.run_batches("keywords", items, hashes,
                           lambda b: [{"keywords": keywords(tokens[p.id]["tokens"], df, n_docs)} for p in b], job)


def _topics(run: _Run, job: Any) -> int:
    """LDA per category (products without one form the group "_all"), refit only when a category's
    set of products or their text changed."""
    store = run.store
    if not run.full:
        return 0  # topics are catalog-level: refit on a full run only
    tokens = dict(store.iter_enrichment("tokens"))
    groups: dict[str, list[Any]] = defaultdict(list)
    for p in run.products:
        if p.id in tokens:
            groups[(p.category or "_all").split(">")[0].strip() or "_all"].append(p)
    saved = store.get_meta(_META_TOPICS, {}) or {}
    new_meta: dict[str, Any] = {}
    n = 0
    for cat, members in sorted(groups.items()):
        members.sort(key=lambda p: p.id)
        sig = hashlib.sha1(json.dumps([[p.id, step_hash("topics", run.texts[p.id])] for p in members]).encode()).hexdigest()
        if saved.get(cat, {}).get("signature") == sig:
            new_meta[cat] = saved[cat]
            continue
        res = fit_topics([tokens[p.id]["tokens"] for p in members])
        words = {t["topic"]: t["words"][:5] for t in res["topics"]}
        rows = []
        for p, a in zip(members, res["assignments"]):
            data = {"category": cat, **a, "words": words.get(a["topic"], [])} if a else {"category": cat, "topic": None}
            rows.append((p.id, "topics", sig[:16] + step_hash("topics", run.texts[p.id])[:24], data))
        for part in _batches(rows, run.batch_size):
            store.put_enrichment(part)
        new_meta[cat] = {"signature": sig, "n": len(members), "topics": res["topics"]}
        n += len(members)
        job.progress(min(0.99, len(run.stats) / len(STEPS)))
    store.set_meta(_META_TOPICS, new_meta)
    return n


def _sentiment(run: _Run, job: Any) -> int:
    store = run.store
    by_product: dict[str, list[Any]] = defaultdict(list)
    wanted = {p.id for p in run.products}
    if run.full or len(wanted) > 200:
        for r in store.reviews():
            if r.product_id in wanted:
                by_product[r.product_id].append(r)
    else:  # a few products (an API update): ask for their reviews only
        for pid in wanted:
            by_product[pid].extend(store.reviews(pid))
        by_product = defaultdict(list, {k: v for k, v in by_product.items() if v})
    if not by_product:
        return 0
    payloads = {pid: "\n".join(f"{r.id}\t{r.rating}\t{r.text}" for r in sorted(rs, key=lambda r: r.id))
                for pid, rs in by_product.items()}
    items, hashes = run.todo("sentiment", payloads)
    analyzer = run.shop.text.sentiment
    from shopmind.text.sentiment import rating_decides, summarize

    def compute(batch: Sequence[Any]) -> list[Any]:
        # one model call for the batch's reviews (the encoder batches them); a review whose star rating
        # decides its polarity only has its aspect clauses scored (the summary is all that is stored)
        rs = [r for p in batch for r in by_product[p.id]]
        analyses = iter(analyzer.analyze_many([(f"{r.title}. " if r.title else "") + r.text for r in rs],
                                              overall=[not rating_decides(r.rating) for r in rs]))
        out = []
        for p in batch:
            mine = by_product[p.id]
            out.append(summarize([next(analyses) for _ in mine], [r.rating for r in mine]))
        return out

    # small batches: each is committed at once, and the bar and the job's progress move as they land
    return run.run_batches("sentiment", items, hashes, compute, job, batch_size=SENTIMENT_BATCH)


def _embeddings(run: _Run, job: Any) -> int:
    from shopmind.embed import embed_texts, product_text, text_key

    enc = run.shop.encoder
    ptexts = {p.id: product_text(p) for p in run.products}
    items, hashes = run.todo("embeddings", {pid: f"{enc.name}\n{t}" for pid, t in ptexts.items()})

    def compute(batch: Sequence[Any]) -> list[Any]:
        embed_texts(run.store, [ptexts[p.id] for p in batch], enc)
        return [{"model": enc.name, "dim": enc.dim, "key": text_key(ptexts[p.id])} for p in batch]

    return run.run_batches("embeddings", items, hashes, compute, job, batch_size=64)


_STEP_FUNCS = {"tokens": _tokens, "entities": _entities, "keywords": _keywords, "topics": _topics,
               "sentiment": _sentiment, "embeddings": _embeddings}


def enrich(shop: Any, product_ids: Iterable[str] | None = None, steps: Iterable[str] | None = None,
           progress: bool = False, batch_size: int = 1000, stop: Callable[[], bool] | None = None) -> dict[str, Any]:
    """Run enrichment steps (default: all, in order) for all active products or ``product_ids``;
    returns per-step {processed, seconds, per_s} and the job id. ``stop()`` true between two batches
    raises ``Stopped`` (what was stored stays; the next run does the rest)."""
    chosen = list(STEPS) if steps is None else list(dict.fromkeys(steps))
    unknown = [s for s in chosen if s not in STEPS]
    if unknown:
        raise ValueError(f"unknown enrichment step(s) {unknown}; expected some of {list(STEPS)}")
    order = [s for s in STEPS if s in chosen]
    if "keywords" in order and "tokens" not in order:
        order.insert(0, "tokens")  # keywords read the stored tokens; make sure they are current
    with shop.store.job("enrich") as job:
        t_all = time.perf_counter()
        run = _Run(shop, product_ids, progress, batch_size, stop)
        job.counts.update(products=len(run.products), steps=order)
        for step in order:
            t0 = time.perf_counter()
            n = _STEP_FUNCS[step](run, job)
            dt = time.perf_counter() - t0
            run.stats[step] = {"processed": n, "seconds": round(dt, 3), "per_s": round(n / dt, 1) if n and dt > 0 else None}
            job.counts[step] = run.stats[step]
            job.progress(len(run.stats) / len(order))
        total = time.perf_counter() - t_all
        job.counts["seconds"] = round(total, 3)
        return {"job_id": job.id, "products": len(run.products), "steps": run.stats, "seconds": round(total, 3)}
