"""The search engine: query understanding -> BM25 + dense retrieval under filters -> RRF fusion ->
LightGBM re-ranking -> merchandising rules -> sort, facets, pagination (and explain).

It follows the store's product change sequence before every search: a few changed products (an edit
through the API) are folded in at once and searchable on the next query; a bigger change (a bulk
upload) is left to the shop's background indexer, which builds a new index set off to the side
(``rebuild``) and swaps it in (``install``) while searches keep answering from the current one. An
engine that does not write the index files (a search worker) adopts the newer saved set instead.
"""

from __future__ import annotations

import gc
import json
import logging
import math
import warnings
import threading
from collections import OrderedDict
import time
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from shopmind.index.dense import ANN_THRESHOLD
from shopmind.index.manager import POINTER, IndexSet
from shopmind.kb.models import Product
from shopmind.search import features as feat
from shopmind.search import filters as flt
from shopmind.search.coherence import coherent
from shopmind.search.currency import CurrencySettings, base_prices, load_currency
from shopmind.search.fusion import rrf
from shopmind.search.merch import apply_rules, load_rules, load_synonyms
from shopmind.search.query import COLORS, Gazetteer, ParsedQuery, QueryParser, is_color_attr
from shopmind.search.ranker import DEFAULT_MODEL, Ranker
from shopmind.search.spell import Speller
from shopmind.text.normalize import normalize

log = logging.getLogger(__name__)

METHODS = ("bm25", "dense", "hybrid", "ranked")
#: at most this many product changes are folded in on the request path (embedding a few product texts
#: takes milliseconds); more are left to the background indexer while searches use the current index
FAST_FOLLOW = 64
REBUILD_BATCH = 256  # products embedded per batch by ``rebuild`` (a stop request waits for at most one)
EVENT_WEIGHTS = {"view": 1.0, "click": 2.0, "add_to_cart": 4.0, "purchase": 8.0, "rate": 1.0}


class SearchEngine:
    """Hybrid product search over one store; see the module docstring for the pipeline."""

    def __init__(self, store: Any, index: IndexSet, encoder: Any | None = None, ranker: Ranker | None = None,
                 index_dir: Path | None = None, k_lexical: int = 100, k_dense: int = 100, rank_depth: int = 150,
                 dense_margin: float = 0.1, graph: Any | None = None) -> None:
        self.store = store
        self.ix = index
        self.encoder = encoder
        self.ranker = ranker
        self.index_dir = index_dir
        self.k_lexical, self.k_dense, self.rank_depth = k_lexical, k_dense, rank_depth
        self.dense_margin = dense_margin
        self.lock = threading.RLock()
        self._pop_after = 0
        self._pop_scores: dict[str, float] = {}
        self._pop_checked = 0.0
        self._popularity = np.zeros(0)
        self._pop_version = -1
        self._rating: dict[int, float] | None = None
        self._rating_at = 0.0
        self._rules_cache: tuple[float, list] = (0.0, [])
        self.graph = graph  # shopmind.graph.ProductGraph: linking, class filters, merged facets
        self._currency: tuple[float, CurrencySettings | None] = (0.0, None)
        self.parser = QueryParser(Speller(), Gazetteer(), load_synonyms(store) if store is not None else None,
                                  graph=graph)
        self._vocab_rows = 0
        self._dirty = False
        self._rowinfo: dict[int, Any] = {}  # per-row title data of the ranker features (features.compute)
        self._qvecs: OrderedDict[str, np.ndarray] = OrderedDict()  # recent query vectors (LRU)
        #: called (at most once a second) when the catalog is ahead of the index by more than
        #: FAST_FOLLOW changes; True: a background indexer will build a new index set (the shop's,
        #: set by ``shopmind.search.build``); False or unset: the changes are folded in here
        self.on_behind: Callable[[], bool] | None = None
        #: a read-only engine (search worker) adopts index sets saved by the serving process
        self.adopt_saved = False
        self._behind_at, self._behind_ok = 0.0, False
        self._saved_checked = 0.0
        self._loading = False
        self._update_vocab()
        # the index structures are long-lived: keep the cyclic GC from rescanning them on every
        # collection (a full pass over millions of objects is a 100 ms pause in the middle of a query)
        gc.collect()
        gc.freeze()

    # -- construction helpers ----------------------------------------------------------------------------
    def vectors_fn(self) -> Callable[[Sequence[Product]], np.ndarray] | None:
        if self.encoder is None:
            return None
        from shopmind.embed import embed_products

        enc, store = self.encoder, self.store
        return lambda prods: embed_products(store, prods, enc)

    def set_ranker(self, ranker: Ranker | None) -> None:
        self.ranker = ranker

    def set_synonyms(self, groups: list[list[str]]) -> None:
        with self.lock:
            self.parser.set_synonyms(groups)

    def _update_vocab(self) -> None:
        """Add catalog words/names of rows indexed since the last call to the speller and gazetteer."""
        self._vocab_rows = _add_vocab(self.ix, self.parser, self._vocab_rows)

    # -- keeping up with the store -----------------------------------------------------------------------
    def follow(self, limit: int | None = FAST_FOLLOW) -> int:
        """Fold product changes since the index's sequence number in; returns how many products changed.

        With more than ``limit`` changes pending nothing is folded in here: ``on_behind`` asks the
        background indexer for a new index set and searches go on with this one meanwhile."""
        if self.store is None:
            return 0
        if self.adopt_saved:
            self._adopt_newer_saved()
        base = self.ix.seq
        seq = self.store.change_seq()
        if seq <= base:
            return 0
        if limit is not None and seq - base > limit and self._defer():  # (an upper bound of the changes)
            return 0
        changed, newest = self.store.product_changes(base)
        if limit is not None and len(changed) > limit and self._defer():
            return 0
        vecs = self._vectors_of([p for p in changed if p.status == "active"])  # outside the lock
        with self.lock:
            if self.ix.seq >= newest:  # another thread folded these in meanwhile
                return 0
            n = self.ix.apply(changed, (lambda _prods: vecs) if vecs is not None else None, seq=newest)
            self._dirty = True
            self._rowinfo = {}  # rows changed: their title data is computed again on use
            if self.ix.needs_compaction():
                self.ix.compact()
                self._vocab_rows = 0
            self._update_vocab()
            return n

    def _vectors_of(self, products: list[Product]) -> np.ndarray | None:
        fn = self.vectors_fn()
        if fn is None or self.ix.dense is None or not products:
            return None
        return np.asarray(fn(products), dtype=np.float32)

    def _defer(self) -> bool:
        """Whether many pending changes are left to the background (a worker: always; else when
        ``on_behind()`` says a background indexer took them) instead of being folded in here."""
        if self.adopt_saved:
            return True
        if self.on_behind is None:
            return False
        now = time.monotonic()
        if now - self._behind_at >= 1.0:  # asked at most once a second
            self._behind_at = now
            try:
                self._behind_ok = bool(self.on_behind())
            except Exception:  # noqa: BLE001 - folded in here instead
                log.exception("could not ask for a new search index")
                self._behind_ok = False
        return self._behind_ok

    def _adopt_newer_saved(self) -> None:
        """Load the index set the serving process saved, if newer, in a thread (checked at most
        twice a second)."""
        now = time.monotonic()
        if self.index_dir is None or self._loading or now - self._saved_checked < 0.5:
            return
        self._saved_checked = now
        try:
            name = json.loads((self.index_dir / POINTER).read_text("utf-8"))["current"]
        except (OSError, ValueError, KeyError) as e:
            log.warning("search index pointer unreadable: %s", e)
            return
        if name == self.ix.saved_as:
            return
        self._loading = True

        def load() -> None:
            try:
                self.adopt_saved_now()
            except Exception:  # noqa: BLE001 - searching goes on with the current index
                log.exception("could not load the saved search index %s", name)
            finally:
                self._loading = False

        threading.Thread(target=load, name="shopmind-index-adopt", daemon=True).start()

    def adopt_saved_now(self) -> bool:
        """Load the saved index set and swap it in when it is newer than this one; True when swapped."""
        if self.index_dir is None:
            return False
        new = IndexSet.load(self.index_dir)
        if new is None or new.encoder_name != self.ix.encoder_name:
            return False
        if new.seq <= self.ix.seq:
            self.ix.saved_as = new.saved_as  # not newer than what this engine followed to
            return False
        self.install(new)
        return True

    def install(self, new: IndexSet) -> None:
        """Swap ``new`` in as the serving index set: its vocabulary is built first, outside the lock,
        so searches wait only for the swap itself."""
        parser = QueryParser(Speller(), Gazetteer(), self.parser.synonym_groups, graph=self.graph)
        rows = _add_vocab(new, parser, 0)
        with self.lock:
            new.version = self.ix.version + 1  # result caches key on it
            self.ix, self.parser, self._vocab_rows = new, parser, rows
            self._rowinfo = {}
            self._rating = None
            self._pop_version = -1
            self._dirty = False
        gc.freeze()  # the new structures are long-lived too (see __init__)

    def rebuild(self, stop: Callable[[], bool] | None = None,
                report: Callable[[float, str], None] | None = None) -> dict[str, Any]:
        """A new index set of the whole catalog, built off to the side (products embedded in batches
        through the vector cache), saved, then swapped in; searches use the current one meanwhile.
        Changes stored during the build are folded in after the swap (a few) or built again (many)."""
        t0 = time.perf_counter()
        threshold = self.ix.dense.ann_threshold if self.ix.dense is not None else ANN_THRESHOLD
        rounds = 0
        while True:
            rounds += 1
            seq = self.store.change_seq()
            new = IndexSet.build(self.store.iter_products(), self.vectors_fn(), seq=seq,
                                 encoder_name=self.ix.encoder_name, batch=REBUILD_BATCH, stop=stop,
                                 ann_threshold=threshold, progress=report)
            saved = new.save(self.index_dir) if self.index_dir is not None else None
            self.install(new)
            if self.store.change_seq() - new.seq <= FAST_FOLLOW or rounds >= 3:
                break
        caught_up = self.follow(limit=None)
        if caught_up and self.index_dir is not None:
            self.save()
        return {"mode": "rebuild", "rounds": rounds, "products": int(new.catalog.live().sum()),
                "caught_up": caught_up, "seconds": round(time.perf_counter() - t0, 3),
                "saved": saved.name if saved else None, "ann": bool(new.dense and new.dense.uses_ann)}

    def refresh(self, progress: bool = False, stop: Callable[[], bool] | None = None,
                report: Callable[[float, str], None] | None = None) -> dict[str, Any]:
        """What `shopmind index` and the background indexer run: a few changes are folded in, many
        make a new index set (``rebuild``); then the indexes are persisted when they changed."""
        if self.store is not None and self.store.change_seq() - self.ix.seq > FAST_FOLLOW:
            return self.rebuild(stop, report)
        with self.lock:
            before = self.ix.version
            changed = self.follow(limit=None)
            saved = None
            if self.ix.version != before or self._dirty:
                saved = self.save()
                self._dirty = False
            return {"changed": changed, "products": int(self.ix.catalog.live().sum()),
                    "saved": saved.name if saved else None, "ann": bool(self.ix.dense and self.ix.dense.uses_ann)}

    def products_changed(self, product_ids: list[str]) -> None:
        """Shop hook: products were added/edited/deleted — make them searchable now."""
        self.follow()

    def save(self) -> Path | None:
        if self.index_dir is None:
            return None
        with self.lock:
            path = self.ix.save(self.index_dir)
            self._vocab_rows = 0
            self._rowinfo = {}
            self.parser.speller = Speller()
            self.parser.gazetteer = Gazetteer()
            self.parser.graph = self.graph
            self.parser.set_synonyms(self.parser.synonym_groups)
            self._update_vocab()
            return path

    #: ``ids -> {id: popularity}`` of a live event stream (set by shopmind.realtime in a serving process);
    #: None: popularity is counted from the stored events
    popularity_source: Callable[[Sequence[str]], dict[str, float]] | None = None

    def popularity(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Per-row popularity from the shop's events (views, clicks, carts, purchases).

        With a live source (real time running) it is read from the source on every call, O(1) per
        product: only ``rows`` when given (the candidates of a query; the other rows of the returned
        array are 0), else every row. Without one, events stored since the last call are scanned, at
        most once a second."""
        now = time.time()
        source = self.popularity_source
        if source is not None:
            ids = self.ix.catalog.ids
            rows = np.arange(len(ids)) if rows is None else np.asarray(rows, dtype=np.int64)
            want = [ids[r] for r in rows.tolist()]
            live = source(want)
            pop = np.zeros(len(ids))
            pop[rows] = np.fromiter((live.get(i, 0.0) for i in want), np.float64, len(want))
            return pop
        if self.store is not None and now - self._pop_checked > 1.0:
            self._pop_checked = now
            changed = False
            for e in self.store.iter_events(after_id=self._pop_after):
                self._pop_after = max(self._pop_after, e.id)
                if e.product_id and e.type in EVENT_WEIGHTS:
                    w = EVENT_WEIGHTS[e.type] * (e.value if e.type == "purchase" and e.value else 1.0)
                    self._pop_scores[e.product_id] = self._pop_scores.get(e.product_id, 0.0) + w
                    changed = True
            if changed:
                self._pop_version = -1
        if self._pop_version != self.ix.version or len(self._popularity) != len(self.ix.catalog):
            pop = np.zeros(len(self.ix.catalog))
            for pid, s in self._pop_scores.items():
                r = self.ix.catalog.row_of.get(pid)
                if r is not None:
                    pop[r] = s
            self._popularity, self._pop_version = pop, self.ix.version
        return self._popularity

    def ratings(self) -> dict[int, float]:
        """Row -> mean review rating (cached 30 s)."""
        if self._rating is None or time.time() - self._rating_at > 30:
            sums: dict[str, list[float]] = {}
            if self.store is not None:
                for r in self.store.reviews():
                    if r.rating is not None:
                        sums.setdefault(r.product_id, []).append(r.rating)
            row_of = self.ix.catalog.row_of
            self._rating = {row_of[p]: float(np.mean(v)) for p, v in sums.items() if p in row_of}
            self._rating_at = time.time()
        return self._rating

    def invalidate_rules(self) -> None:
        """Re-read merchandising rules on the next search (after an admin change)."""
        self._rules_cache = (0.0, [])

    def rules(self) -> list:
        at, rules = self._rules_cache
        if self.store is not None and time.time() - at > 1.0:
            rules = load_rules(self.store)
            self._rules_cache = (time.time(), rules)
        return rules

    def invalidate_currency(self) -> None:
        """Re-read the exchange rates on the next search (after an admin change)."""
        self._currency = (0.0, None)

    def currency(self) -> CurrencySettings | None:
        """The shop's base currency and exchange rates (kb meta, re-read at most once a second)."""
        at, cur = self._currency
        if self.store is not None and time.time() - at > 1.0:
            cur = load_currency(self.store)
            self._currency = (time.time(), cur)
        return cur

    def filter_mask(self, filters: dict[str, Any]) -> np.ndarray:
        """Rows passing ``filters``, with brand aliases and classes from the graph and converted prices."""
        if self.graph is not None and self.graph.follow():
            self.parser.add_graph_vocabulary()
        return flt.mask(self.ix.catalog, filters, self.graph, self.currency(), self.ix.version)

    # -- retrieval -----------------------------------------------------------------------------------------
    QVEC_CACHE = 2048

    def _encode(self, text: str) -> np.ndarray | None:
        """The query's vector; recent ones are kept, since the encoder is the costliest step of a query."""
        if self.encoder is None or self.ix.dense is None or not text.strip():
            return None
        v = self._qvecs.get(text)
        if v is None:
            v = self.encoder.encode_queries([text])[0]
            self._qvecs[text] = v
            while len(self._qvecs) > self.QVEC_CACHE:
                self._qvecs.popitem(last=False)
        return v

    def _preencode(self, q: str) -> None:
        """Encode ``q`` before the engine lock is taken: the encoder releases the GIL, so one query's
        encoding overlaps another query's ranking instead of queueing behind it."""
        if self.encoder is None or self.ix.dense is None or not q.strip():
            return
        with self.lock:
            pq = self.parser.parse(q)
        self._encode(pq.text or pq.normalized)

    def _lexical(self, pq: ParsedQuery, m: np.ndarray | None, per_field: dict | None = None) -> np.ndarray:
        terms = list(pq.terms) + [t for t in pq.expansions if t not in pq.terms]
        weights = [1.0] * len(pq.terms) + [pq.expansions[t] for t in terms[len(pq.terms):]]
        s = self.ix.lexical.score(terms, term_weights=weights, per_field=per_field)
        if m is not None:
            s = np.where(m[: len(s)], s, 0.0).astype(np.float32)
        return s

    @staticmethod
    def _top(scores: np.ndarray, k: int) -> np.ndarray:
        nz = np.flatnonzero(scores > 0)
        if len(nz) > k:
            nz = nz[np.argpartition(-scores[nz], k - 1)[:k]]
        return nz[np.lexsort((nz, -scores[nz]))]

    def retrieve(self, pq: ParsedQuery, m: np.ndarray | None, method: str = "ranked",
                 qvec: np.ndarray | None = None) -> dict[str, Any]:
        """Candidate rows and scores for one parsed query under mask ``m``.

        Returns {"order": rows best first, "scores": row -> score, "matched": all lexically matched rows,
        "candidates": Candidates (for features), "features": X or None}."""
        if method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
        fields: dict = {}
        lex = self._lexical(pq, m, fields if method == "ranked" else None) if method != "dense" else np.zeros(0, np.float32)
        lex_top = self._top(lex, self.k_lexical) if len(lex) else np.zeros(0, np.int64)
        dense_rows, dense_sims = np.zeros(0, np.int64), np.zeros(0, np.float32)
        if method != "bm25":
            if qvec is None:
                qvec = self._encode(pq.text or pq.normalized)
            if qvec is not None:
                dense_rows, dense_sims = self.ix.dense.search(qvec, self.k_dense, m)
        matched = np.flatnonzero(lex > 0) if len(lex) else np.zeros(0, np.int64)
        if method == "bm25":
            return {"order": lex_top.tolist(), "scores": {int(r): float(lex[r]) for r in lex_top},
                    "matched": matched, "lex": lex, "candidates": None}
        if method == "dense":
            return {"order": dense_rows.tolist(), "scores": dict(zip(dense_rows.tolist(), dense_sims.tolist())),
                    "matched": dense_rows, "lex": lex, "candidates": None}
        fused = rrf([lex_top.tolist(), dense_rows.tolist()])
        order = sorted(fused, key=lambda r: (-fused[r], r))
        # "matched" is what the lexical index matched: with none, the search falls back (see search())
        out = {"order": order, "scores": fused, "matched": matched, "lex": lex, "candidates": None,
               "dense": dict(zip(dense_rows.tolist(), dense_sims.tolist())), "qvec": qvec,
               "dense_rows": dense_rows, "lex_top": lex_top}
        if method == "hybrid" or self.ranker is None or not order:
            return out
        rows = np.asarray(order[: self.rank_depth], dtype=np.int64)
        c = self._candidates(rows, lex, lex_top, dense_rows, qvec, fused)
        c.extra.update(fields=fields, matched=len(matched))
        X = feat.compute(self.ix, pq, c, self.popularity(rows), row_cache=self._rowinfo)
        s = self.ranker.predict(X)
        ranked = rows[np.lexsort((rows, -s))]
        scores = dict(zip(rows.tolist(), s.tolist()))
        floor = float(s.min()) if len(s) else 0.0
        for r in order[self.rank_depth :]:  # past the re-ranked window: fused order, below every ranked one
            scores[r] = floor - 1.0 + fused[r]
        out.update(order=ranked.tolist() + order[self.rank_depth :], scores=scores, candidates=c, features=X,
                   feature_rows=rows)
        return out

    def _candidates(self, rows: np.ndarray, lex: np.ndarray, lex_top: np.ndarray, dense_rows: np.ndarray,
                    qvec: np.ndarray | None, fused: dict[int, float]) -> feat.Candidates:
        lr = {int(r): i for i, r in enumerate(lex_top.tolist())}
        dr = {int(r): i for i, r in enumerate(dense_rows.tolist())}
        miss = feat.MISSING_RANK
        return feat.Candidates(
            rows=rows,
            bm25=lex[rows] if len(lex) else np.zeros(len(rows), np.float32),
            dense=self.ix.dense.scores(qvec, rows) if (qvec is not None and self.ix.dense is not None)
            else np.zeros(len(rows), np.float32),
            bm25_rank=np.asarray([math.log2(2 + lr[r]) if r in lr else miss for r in rows.tolist()], np.float32),
            dense_rank=np.asarray([math.log2(2 + dr[r]) if r in dr else miss for r in rows.tolist()], np.float32),
            rrf=np.asarray([fused.get(int(r), 0.0) for r in rows], np.float32),
        )

    def candidate_features(self, q: str, depth: int = 100) -> tuple[np.ndarray, list[str]]:
        """Ranker features of the top ``depth`` fused candidates of ``q`` and their product ids (training)."""
        self.follow()
        with self.lock:
            pq = self.parser.parse(q)
            m = self.filter_mask(flt.check_filters(pq.filters)) if pq.filters else None
            res = self.retrieve(pq, m, "hybrid")
            if not res["order"] and m is not None:
                m = None
                res = self.retrieve(pq, None, "hybrid")
            rows = np.asarray(res["order"][:depth], dtype=np.int64)
            if len(rows) == 0:
                return np.zeros((0, len(feat.FEATURES)), np.float32), []
            qvec, lex = res["qvec"], res["lex"]
            c = self._candidates(rows, lex, res["lex_top"], res["dense_rows"], qvec, res["scores"])
            fields: dict = {}
            self._lexical(pq, m, fields)
            c.extra.update(fields=fields, matched=len(res["matched"]))
            X = feat.compute(self.ix, pq, c, self.popularity(rows), row_cache=self._rowinfo)
            return X, [self.ix.catalog.ids[r] for r in rows]

    def ids_for(self, q: str, method: str = "ranked", k: int = 100) -> list[str]:
        """Product ids of the top ``k`` for ``q`` with one retrieval method (evaluation)."""
        self.follow()
        with self.lock:
            pq = self.parser.parse(q)
            filters = flt.check_filters(pq.filters)
            m = self.filter_mask(filters) if filters else None
            res = self.retrieve(pq, m, method)
            if not res["order"] and m is not None:
                res = self.retrieve(pq, None, method)
            return [self.ix.catalog.ids[r] for r in res["order"][:k]]

    # -- the public search -----------------------------------------------------------------------------------
    def search(self, q: str = "", filters: dict[str, Any] | None = None, sort: str = "relevance", page: int = 1,
               size: int = 20, explain: bool = False, method: str = "ranked") -> dict[str, Any]:
        """One results page: {"query", "results", "facets", "total", "took_ms", "page", "size", ...}."""
        t0 = time.perf_counter()
        if not isinstance(q, str):
            raise ValueError("q must be a string")
        if page < 1:
            raise ValueError(f"page must be >= 1, got {page}")
        if not 1 <= size <= 200:
            raise ValueError(f"size must be between 1 and 200, got {size}")
        if sort not in flt.SORTS:
            raise ValueError(f"sort must be one of {', '.join(flt.SORTS)}, got {sort!r}")
        explicit = flt.check_filters(filters)
        self.follow()
        if method != "bm25":
            self._preencode(q)
        with self.lock:
            cat = self.ix.catalog
            pq = self.parser.parse(q) if q.strip() else ParsedQuery(raw=q)
            parsed_filters = flt.check_filters(pq.filters)
            combined = {**parsed_filters, **explicit}
            if "attrs" in parsed_filters and "attrs" in explicit:
                combined["attrs"] = {**parsed_filters["attrs"], **explicit["attrs"]}
            fallback: list[str] = []
            m = self.filter_mask(combined)
            res = self._run(pq, m, method)
            if q.strip() and len(res["matched"]) == 0 and parsed_filters:
                fallback.append("relaxed_filters")  # parsed filters (not the caller's) are dropped first
                combined = dict(explicit)
                m = self.filter_mask(combined)
                res = self._run(pq, m, method)
            if q.strip() and len(res["matched"]) == 0 and method != "dense" and self.ix.dense is not None:
                fallback.append("dense_only")
                res = self._run(pq, m, "dense")
            order_arr, rel = self._result_rows(res, m, q, method)
            if q.strip() and not res.get("browse"):
                order_arr, rel = coherent(order_arr, rel, m, combined, pq.boosts, self.graph, cat.ids,
                                          self.popularity(np.flatnonzero(m)))
            rules, normalized = self.rules(), pq.normalized if q.strip() else ""
            applied: dict[int, str] = {}
            if any(r.applies(normalized) for r in rules):  # the lists and dicts the rules work on
                scores = dict(zip(order_arr.tolist(), rel.tolist()))
                order, applied = apply_rules(order_arr.tolist(), scores, rules, normalized, cat.row_of, allowed=None)
                order_arr = np.asarray(order, dtype=np.int64)
                rel = np.asarray([scores.get(r, -1e9) for r in order], dtype=np.float64)
            score_of = np.zeros(len(cat.ids))  # row -> score (0 for a pinned row retrieval missed)
            score_of[order_arr] = np.where(rel > -1e9, rel, 0.0)
            if sort != "relevance":
                pinned = [r for r in order_arr.tolist() if applied.get(r) == "pin"]
                order_arr = flt.sort_rows(cat, order_arr, rel, sort, self.ratings() if sort == "rating" else None,
                                          base_prices(cat, self.currency(), self.ix.version))
                if pinned:
                    keep = set(pinned)
                    order_arr = np.asarray(pinned + [r for r in order_arr.tolist() if r not in keep], dtype=np.int64)
            total = len(order_arr)
            page_rows = order_arr[(page - 1) * size : page * size]
            results = [self._result(int(r), float(score_of[r]), applied) for r in page_rows]
            if explain:
                self._explain(results, page_rows, res)
            facets = flt.facets(cat, order_arr, graph=self.graph, lang=pq.lang,
                                prices=base_prices(cat, self.currency(), self.ix.version))
            query = pq.to_dict()
            query["filters_applied"] = combined
            return {
                "query": query,
                "results": results,
                "facets": facets,
                "total": total,
                "page": page,
                "size": size,
                "sort": sort,
                "fallback": fallback,
                "did_you_mean": pq.did_you_mean,
                "took_ms": round((time.perf_counter() - t0) * 1000.0, 2),
            }

    def _run(self, pq: ParsedQuery, m: np.ndarray, method: str) -> dict[str, Any]:
        if not pq.raw.strip():
            return {"order": [], "scores": {}, "matched": np.flatnonzero(m), "lex": np.zeros(0), "browse": True}
        return self.retrieve(pq, m, method)

    def _result_rows(self, res: dict[str, Any], m: np.ndarray, q: str, method: str) -> tuple[np.ndarray, np.ndarray]:
        """Every result row in relevance order and its score: ranked candidates, then other lexical
        matches by BM25; browsing (empty query) orders by popularity then newest. Arrays, not lists and
        dicts: a broad query has thousands of rows and only a page of them is shown."""
        if res.get("browse"):
            rows = np.asarray(res["matched"], dtype=np.int64)
            pop = self.popularity(rows)
            pop = pop[rows] if len(pop) else np.zeros(len(rows))
            idx = np.lexsort((rows, -self.ix.catalog.created[rows], -pop))
            return rows[idx], pop[idx].astype(np.float64)
        order_list = res["order"]
        fused = res["scores"]
        order = np.asarray(order_list, dtype=np.int64)
        scores = np.fromiter((fused[r] for r in order_list), np.float64, len(order_list))
        dense = res.get("dense") or {}
        lex = res["lex"]
        if dense and len(lex) and len(order):
            # dense-only candidates stay in the results when about as close as the best dense match
            floor = max(dense.values()) - self.dense_margin
            lexical = np.zeros(len(order), bool)
            inside = order < len(lex)
            lexical[inside] = lex[order[inside]] > 0
            close = np.fromiter((dense.get(r, 1.0) >= floor for r in order_list), bool, len(order_list))
            keep = lexical | close
            order, scores = order[keep], scores[keep]
        matched = np.asarray(res["matched"], dtype=np.int64)
        if len(matched) and len(lex):
            keep = np.ones(len(lex), dtype=bool)
            keep[order] = False
            rest = matched[keep[matched] & (lex[matched] > 0)]
            if len(rest):
                rest = rest[np.lexsort((rest, -lex[rest]))]
                floor = min(fused.values(), default=0.0)
                top_lex = float(lex[rest[0]]) or 1.0
                tail = floor - 1.0 + lex[rest] / top_lex * 0.5
                order = np.concatenate([order, rest])
                scores = np.concatenate([scores, tail.astype(np.float64)])
        return order, scores

    def _result(self, row: int, score: float, applied: dict[int, str]) -> dict[str, Any]:
        cat = self.ix.catalog
        price = cat.price[row]
        st = int(cat.stock[row])
        return {
            "id": cat.ids[row],
            "title": cat.titles[row],
            "brand": cat.brands.names[cat.brand[row]] or None,
            "category": cat.categories.names[cat.category[row]] or None,
            "price": None if np.isnan(price) else float(price),
            "currency": cat.currency[row],
            "stock": None if st < 0 else st,
            "in_stock": None if st < 0 else st > 0,
            "score": round(score, 6),
            **({"merchandising": applied[row]} if row in applied else {}),
        }

    def _explain(self, results: list[dict[str, Any]], page_rows: np.ndarray, res: dict[str, Any]) -> None:
        X = res.get("features")
        rows = res.get("feature_rows")
        pos = {int(r): i for i, r in enumerate(rows.tolist())} if rows is not None else {}
        contrib = None
        if X is not None and self.ranker is not None:
            sel = [pos[int(r)] for r in page_rows if int(r) in pos]
            contrib = dict(zip(sel, self.ranker.contributions(X[sel]))) if sel else {}
        lex = res.get("lex")
        for out, r in zip(results, page_rows.tolist()):
            e: dict[str, Any] = {"bm25": float(lex[r]) if lex is not None and len(lex) > r else 0.0}
            if r in pos and X is not None:
                i = pos[r]
                e["features"] = {n: round(float(v), 4) for n, v in zip(feat.FEATURES, X[i])}
                if contrib is not None and i in contrib:
                    c = contrib[i]
                    top = sorted(zip(feat.FEATURES, c[:-1]), key=lambda kv: -abs(kv[1]))[:8]
                    e["ranker"] = {"score": round(float(c.sum()), 4), "bias": round(float(c[-1]), 4),
                                   "top_contributions": {k: round(float(v), 4) for k, v in top}}
                e["stage"] = "ranked"
            else:
                e["stage"] = "lexical_tail" if lex is not None and len(lex) > r and lex[r] > 0 else "retrieved"
            out["explain"] = e

    # -- suggestions ---------------------------------------------------------------------------------------
    def suggest(self, q: str, limit: int = 10) -> dict[str, Any]:
        """Completions of ``q`` from popular past queries (search events), catalog words and titles."""
        self.follow()
        norm = normalize(q or "")
        if not norm:
            return {"q": q, "suggestions": []}
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for text, count in self.popular_queries():
            if text.startswith(norm) and text != norm and text not in seen:
                seen.add(text)
                out.append({"text": text, "source": "popular", "count": count})
        head, _, last = norm.rpartition(" ")
        prefix = (head + " ") if head else ""
        for w in self.parser.speller.complete(last, limit):
            s = prefix + w
            if s not in seen:
                seen.add(s)
                out.append({"text": s, "source": "catalog"})
        with self.lock:
            cat = self.ix.catalog
            for name in cat.brands.names[1:]:
                if normalize(name).startswith(norm) and normalize(name) not in seen:
                    seen.add(normalize(name))
                    out.append({"text": name, "source": "brand"})
        fixed, fixes = self.parser.speller.correct(norm)
        return {"q": q, "suggestions": out[:limit], "did_you_mean": fixed if fixes else None}

    def popular_queries(self, limit: int = 200) -> list[tuple[str, int]]:
        """Most frequent normalized queries from the shop's search events (cached a second)."""
        now = time.time()
        cache = getattr(self, "_pq_cache", None)
        if cache is None or now - cache[0] > 1.0:
            counts: dict[str, int] = {}
            if self.store is not None:
                for e in self.store.iter_events(types=["search"]):
                    if e.query:
                        k = normalize(e.query)
                        counts[k] = counts.get(k, 0) + 1
            top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
            self._pq_cache = (now, top)
        return self._pq_cache[1]


def _add_vocab(ix: IndexSet, parser: QueryParser, start: int) -> int:
    """Add the catalog words and names of rows ``start..`` of ``ix`` to the parser's speller and
    gazetteer; returns the next row to add."""
    cat = ix.catalog
    sp, gz = parser.speller, parser.gazetteer
    if start == 0:
        parser.add_graph_vocabulary()
    for row in range(start, len(cat)):
        if not cat.alive[row]:
            continue
        sp.add_text(cat.titles[row])
        b = cat.brands.names[cat.brand[row]] if cat.brand[row] else ""
        if b:
            sp.add_text(b)
            gz.add(b, "brand", b)
            sp.protected.update(normalize(b).split())
        c = cat.categories.names[cat.category[row]] if cat.category[row] else ""
        if c:
            leaf = c.split(">")[-1].strip()
            sp.add_text(c)
            gz.add(leaf, "category", leaf)
        for a, v in cat.attrs[row].items():
            if is_color_attr(a) and isinstance(v, str):
                for part in normalize(v).replace("/", ",").split(","):
                    col = COLORS.get(part.strip())
                    if col:
                        gz.colors.add(col)
    return len(cat)


def load_ranker(home: Path | None) -> Ranker | None:
    """The shop's trained ranker (<home>/models/search_ranker.lgb), else the shipped default, else None."""
    for p in ([home / "models" / "search_ranker.lgb"] if home else []) + [DEFAULT_MODEL]:
        if p.exists():
            try:
                return Ranker.load(p)
            except ValueError as e:  # built for other features: search still works on fused order
                warnings.warn(f"search ranker {p} not used: {e}", stacklevel=2)
    return None
