"""Storage of the product knowledge graph in the knowledge base: derived data, rebuilt from the catalog.

Two tables next to the catalog's: ``graph_nodes`` (id, type, labels by language, data) and
``graph_edges`` (src, rel, dst, source, confidence, weight). Product edges are replaced per product on
an incremental rebuild; the other nodes and edges are small and written whole.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator

GRAPH_SCHEMA = """
CREATE TABLE IF NOT EXISTS graph_nodes (
  id TEXT PRIMARY KEY, type TEXT NOT NULL, labels TEXT NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS graph_edges (
  src TEXT NOT NULL, rel TEXT NOT NULL, dst TEXT NOT NULL, source TEXT NOT NULL,
  confidence REAL NOT NULL, weight REAL NOT NULL DEFAULT 1.0, PRIMARY KEY (src, rel, dst, source)
);
CREATE INDEX IF NOT EXISTS graph_edges_dst ON graph_edges (dst, rel);
"""

NodeRow = tuple[str, str, dict[str, list[str]], dict[str, Any]]  # id, type, labels, data
EdgeRow = tuple[str, str, str, str, float, float]  # src, rel, dst, source, confidence, weight


class GraphStore:
    """The graph tables of one SQLite knowledge base (uses the store's single writer and readers)."""

    def __init__(self, store: Any) -> None:
        if not hasattr(store, "_tx"):
            raise TypeError(f"the product graph needs the SQLite knowledge base, got {type(store).__name__}")
        self.store = store
        with store._tx() as c:
            for stmt in GRAPH_SCHEMA.split(";"):
                if stmt.strip():
                    c.execute(stmt)

    def write(self, nodes: Iterable[NodeRow], edges: Iterable[EdgeRow], replace_src: Iterable[str] = (),
              replace_types: Iterable[str] = (), replace_sources: Iterable[str] = ()) -> None:
        """In one transaction: drop the edges of ``replace_src`` nodes (either end), the nodes of ``replace_types``
        (and their edges, unless added by ``admin``), the edges of ``replace_sources``, then insert."""
        node_rows = [(i, t, json.dumps(lab, ensure_ascii=False), json.dumps(d, ensure_ascii=False))
                     for i, t, lab, d in nodes]
        with self.store._tx() as c:
            for t in replace_types:
                c.execute("DELETE FROM graph_edges WHERE source != 'admin' AND src IN "
                          "(SELECT id FROM graph_nodes WHERE type=?)", (t,))
                c.execute("DELETE FROM graph_nodes WHERE type=?", (t,))
            for s in replace_sources:
                c.execute("DELETE FROM graph_edges WHERE source=?", (s,))
            c.executemany("DELETE FROM graph_edges WHERE (src=? OR dst=?) AND source != 'admin'",
                          [(s, s) for s in replace_src])
            c.executemany("INSERT OR REPLACE INTO graph_nodes VALUES (?,?,?,?)", node_rows)
            c.executemany("INSERT OR REPLACE INTO graph_edges VALUES (?,?,?,?,?,?)", list(edges))

    def delete_nodes(self, ids: Iterable[str]) -> None:
        ids = [(i,) for i in ids]
        with self.store._tx() as c:
            c.executemany("DELETE FROM graph_edges WHERE src=? OR dst=?", [(i, i) for (i,) in ids])
            c.executemany("DELETE FROM graph_nodes WHERE id=?", ids)

    def nodes(self, type: str | None = None) -> Iterator[NodeRow]:
        sql, args = "SELECT * FROM graph_nodes", ()
        if type:
            sql, args = sql + " WHERE type=?", (type,)
        for r in self.store._r().execute(sql + " ORDER BY id", args).fetchall():
            yield r["id"], r["type"], json.loads(r["labels"]), json.loads(r["data"])

    def edges(self, rel: str | None = None, src: str | None = None) -> Iterator[EdgeRow]:
        where, args = [], []
        for col, v in (("rel", rel), ("src", src)):
            if v is not None:
                where.append(f"{col}=?")
                args.append(v)
        sql = "SELECT * FROM graph_edges" + (" WHERE " + " AND ".join(where) if where else "")
        for r in self.store._r().execute(sql + " ORDER BY src, rel, dst", args).fetchall():
            yield r["src"], r["rel"], r["dst"], r["source"], r["confidence"], r["weight"]

    def counts(self) -> dict[str, int]:
        c = self.store._r()
        out = {f"nodes.{r[0]}": r[1] for r in c.execute("SELECT type, COUNT(*) FROM graph_nodes GROUP BY type")}
        out.update({f"edges.{r[0]}": r[1] for r in c.execute("SELECT rel, COUNT(*) FROM graph_edges GROUP BY rel")})
        return out
