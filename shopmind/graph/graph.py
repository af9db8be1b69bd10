"""The product graph as search reads it: built and refreshed into the knowledge base, loaded into memory
as lookups (category -> class, class -> categories, brand name -> brand entity, product -> features) and
a linking vocabulary of every entity label in both languages.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from typing import Any, Callable, Iterator

import numpy as np

from shopmind.graph.build import CatalogEntities, event_edges
from shopmind.kb.graph_store import GraphStore
from shopmind.text.normalize import normalize

log = logging.getLogger(__name__)
SEQ_KEY = "graph.seq"
EVENTS_KEY = "graph.events_after"


class ProductGraph:
    """Lookups over one knowledge base's graph; ``refresh()`` folds catalog changes in first."""

    FOLLOW_MAX_CHANGES = 50  # at query time; more waits for `shopmind index` / the background index job
    FOLLOW_MAX_PRODUCTS = 20_000

    def __init__(self, store: Any, encode: Callable[[list[str]], np.ndarray] | None = None,
                 writable: bool = True) -> None:
        """``writable=False`` (a search worker process): only read what the serving process builds."""
        self.store = store
        self.writable = writable
        self.gs = GraphStore(store)
        self.encode = encode
        self.version = 0
        self._checked = 0.0
        self._load()

    # -- building ----------------------------------------------------------------------------------
    def follow(self, every_s: float = 1.0) -> bool:
        """At query time (at most once per ``every_s``): fold catalog changes in, without the event scan."""
        now = time.time()
        if now - self._checked < every_s:
            return False
        self._checked = now
        built = int(self.store.get_meta(SEQ_KEY, 0) or 0)
        reloaded = False
        if built > self._loaded_seq:  # another process (a search worker's server, the index job) built it
            self._load()
            reloaded = True
        if not self.writable:
            return reloaded
        if self.store.change_seq() <= built:
            return reloaded
        # a query never waits on a big rebuild (a bulk upload, a large catalog): the index job does it
        r = self.store._r()
        pending = r.execute("SELECT COUNT(*) FROM products WHERE seq>?", (built,)).fetchone()[0]
        if pending > self.FOLLOW_MAX_CHANGES or self.store.count_products() > self.FOLLOW_MAX_PRODUCTS:
            return reloaded
        return bool(self.refresh(events=False).get("changed")) or reloaded

    def refresh(self, full: bool = False, events: bool = True) -> dict[str, Any]:
        """Rebuild the graph from the catalog: entity nodes whole (they are few), product edges only for
        products changed since the last refresh (all when ``full``), co-occurrence edges when new events
        or orders arrived (unless ``events`` is False). Returns what was rebuilt."""
        seq = int(self.store.get_meta(SEQ_KEY, 0) or 0) if not full else 0
        newest = self.store.change_seq()
        events_after = int(self.store.get_meta(EVENTS_KEY, -1) if not full else -1)
        last_event = self._last_event_id() if events else events_after
        if newest <= seq and last_event == events_after:
            return {"changed": 0}
        products = [p for p in self.store.iter_products() if p.status == "active"]
        ents = CatalogEntities(products, self.encode)
        if newest > seq:
            changed, _ = self.store.product_changes(seq)
            live = {p.id for p in products}
            chg_ids = [p.id for p in changed]
            edges = ents.edges() + [e for p in changed if p.id in live for e in ents.product_edges(p)]
            nodes = ents.nodes() + [(f"product:{p.id}", "product", {}, {}) for p in changed if p.id in live]
            self.gs.write(nodes, edges, replace_src=[f"product:{i}" for i in chg_ids],
                          replace_types=[t for t in ("class", "category", "brand", "feature", "attribute", "line")])
            gone = [f"product:{i}" for i in chg_ids if i not in live]
            if gone:
                self.gs.delete_nodes(gone)
        else:
            changed = []
        n_events = 0
        if events and (last_event != events_after or newest > seq):
            ev = event_edges(self.store.iter_events(), self.store.orders())
            n_events = len(ev)
            self.gs.write([], ev, replace_sources=["events"])
            self.store.set_meta(EVENTS_KEY, last_event)
        self.store.set_meta(SEQ_KEY, newest)
        self._load()
        return {"changed": len(changed), "event_edges": n_events, **self.gs.counts()}

    def _last_event_id(self) -> int:
        try:
            return int(self.store._r().execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])
        except Exception:  # noqa: BLE001 - a store without events: no co-occurrence edges
            log.exception("graph: reading the last event id failed")
            return 0

    # -- loading -----------------------------------------------------------------------------------
    def _load(self) -> None:
        self._loaded_seq = int(self.store.get_meta(SEQ_KEY, 0) or 0)
        self.classes: dict[str, dict[str, Any]] = {}
        self.category_class: dict[str, str] = {}
        self.brands: dict[str, dict[str, Any]] = {}
        self.brand_of_name: dict[str, str] = {}
        self.features: dict[str, dict[str, Any]] = {}
        self.attributes: dict[str, dict[str, Any]] = {}
        self.lines: dict[str, dict[str, Any]] = {}
        for nid, typ, labels, data in self.gs.nodes():
            kind, _, ident = nid.partition(":")
            if typ == "class":
                self.classes[ident] = {**labels, "parent": data.get("parent")}
            elif typ == "category":
                self.category_class[ident] = data["class"]
            elif typ == "brand":
                self.brands[ident] = {**labels, "names": data.get("names", [])}
                for n in data.get("names", []):
                    self.brand_of_name[normalize(n)] = ident
                for n in labels.get("zh", []) + labels.get("en", []):
                    self.brand_of_name.setdefault(normalize(n), ident)
            elif typ == "feature":
                self.features[ident] = {**labels, "attrs": data.get("attrs", [])}
            elif typ == "attribute":
                self.attributes[ident] = {**labels, **data}
            elif typ == "line":
                self.lines[ident] = data
        self.attr_of_name = {normalize(n): aid for aid, a in self.attributes.items() for n in a.get("names", [])}
        self.children: dict[str, list[str]] = defaultdict(list)
        for cid, c in self.classes.items():
            if c.get("parent"):
                self.children[c["parent"]].append(cid)
        self._cats: dict[str, list[str]] = {}
        self.product_features: dict[str, set[str]] = defaultdict(set)
        for src, _, dst, _, _, _ in self.gs.edges(rel="has_feature"):
            self.product_features[src.partition(":")[2]].add(dst.partition(":")[2])
        self.version += 1

    # -- lookups -----------------------------------------------------------------------------------
    def descendants(self, cid: str) -> set[str]:
        out, todo = set(), [cid]
        while todo:
            c = todo.pop()
            if c not in out:
                out.add(c)
                todo.extend(self.children.get(c, ()))
        return out

    def categories_of(self, cid: str) -> list[str]:
        """Every catalog category path in class ``cid`` or below it, in both languages' trees."""
        hit = self._cats.get(cid)
        if hit is None:
            under = self.descendants(cid)
            hit = self._cats[cid] = sorted(p for p, c in self.category_class.items() if c in under)
        return hit

    def class_of(self, category: str | None) -> str | None:
        return self.category_class.get((category or "").strip()) if category else None

    def brand_names(self, bid: str) -> list[str]:
        return list(self.brands.get(bid, {}).get("names", []))

    def label(self, kind: str, ident: str, lang: str) -> str:
        """The display label of an entity in ``lang`` (zh or en), falling back to the other language."""
        node = {"class": self.classes, "brand": self.brands, "feature": self.features,
                "attribute": self.attributes}[kind].get(ident, {})
        for lg in (lang, "en" if lang == "zh" else "zh"):
            if node.get(lg):
                return node[lg][0]
        return ident

    def vocabulary(self) -> Iterator[tuple[str, str, str]]:
        """(surface label, kind, entity id) for query linking: product lines, then class, brand and feature
        labels in both languages (brands also by their catalog names); a later label wins a tie."""
        for lid, ln in self.lines.items():
            yield ln["label"], "line", lid
        for cid, c in self.classes.items():
            for lab in c.get("zh", []) + c.get("en", []):
                yield lab, "class", cid
        for bid, b in self.brands.items():
            for lab in b.get("zh", []) + b.get("en", []) + b.get("names", []):
                yield lab, "brand", bid
        for fid, f in self.features.items():
            for lab in f.get("zh", []) + f.get("en", []):
                yield lab, "feature", fid

    def class_terms(self, cid: str) -> list[str]:
        """The labels of a class in both languages (cross-language query expansion)."""
        c = self.classes.get(cid, {})
        return [lab for lab in c.get("zh", []) + c.get("en", []) if lab]

    def same_class(self, a: str | None, b: str | None) -> bool:
        return bool(a and b and self.class_of(a) and self.class_of(a) == self.class_of(b))
