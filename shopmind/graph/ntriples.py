"""N-Triples export and import of the product graph (one ``<s> <p> <o> .`` line per fact).

Nodes become ``rdf:type`` and ``rdfs:label`` triples (labels tagged ``@zh``/``@en``); an edge becomes one
triple, with its source and confidence as an RDF-star-free reification under ``sm:edge/...``.
"""

from __future__ import annotations

import json
import re
from typing import Iterable, Iterator
from urllib.parse import quote, unquote

from shopmind.kb.graph_store import EdgeRow, GraphStore, NodeRow

BASE = "urn:shopmind:"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
_LINE = re.compile(r'^<([^>]*)> <([^>]*)> (?:<([^>]*)>|"((?:[^"\\]|\\.)*)"(?:@([a-z]+)|\^\^<[^>]*>)?) \.$')


def _iri(node_id: str) -> str:
    return f"<{BASE}{quote(node_id, safe=':/')}>"


def _lit(text: str, lang: str | None = None) -> str:
    s = json.dumps(text, ensure_ascii=False)
    return s + (f"@{lang}" if lang else "")


def export(gs: GraphStore) -> Iterator[str]:
    for nid, typ, labels, data in gs.nodes():
        yield f"{_iri(nid)} {RDF_TYPE} <{BASE}type:{typ}> ."
        for lang, labs in labels.items():
            for lab in labs:
                yield f"{_iri(nid)} {LABEL} {_lit(lab, lang)} ."
        if data:
            yield f"{_iri(nid)} <{BASE}data> {_lit(json.dumps(data, ensure_ascii=False))} ."
    for src, rel, dst, source, conf, weight in gs.edges():
        yield f"{_iri(src)} <{BASE}rel:{rel}> {_iri(dst)} ."
        e = f"<{BASE}edge/{quote(src, safe='')}/{rel}/{quote(dst, safe='')}/{source}>"
        yield f"{e} <{BASE}edge:value> {_lit(json.dumps([src, rel, dst, source, conf, weight], ensure_ascii=False))} ."


def parse(lines: Iterable[str]) -> tuple[list[NodeRow], list[EdgeRow]]:
    """Nodes and edges of an N-Triples text written by ``export`` (other triples are ignored); a line that
    is not N-Triples raises ValueError naming it."""
    nodes: dict[str, list] = {}
    edges: dict[tuple, EdgeRow] = {}
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _LINE.match(line)
        if not m:
            raise ValueError(f"line {n}: not an N-Triples statement: {line[:80]}")
        s, p, o_iri, o_lit, lang = m.groups()
        sid = unquote(s[len(BASE):]) if s.startswith(BASE) else s
        lit = json.loads(f'"{o_lit}"') if o_lit is not None else None
        if p == RDF_TYPE[1:-1] and o_iri and o_iri.startswith(BASE + "type:"):
            nodes.setdefault(sid, [sid, "", {}, {}])[1] = o_iri[len(BASE) + 5:]
        elif p == LABEL[1:-1] and lit is not None:
            nodes.setdefault(sid, [sid, "", {}, {}])[2].setdefault(lang or "en", []).append(lit)
        elif p == BASE + "data" and lit is not None:
            nodes.setdefault(sid, [sid, "", {}, {}])[3] = json.loads(lit)
        elif p == BASE + "edge:value" and lit is not None:
            src, rel, dst, source, conf, weight = json.loads(lit)
            edges[(src, rel, dst, source)] = (src, rel, dst, source, float(conf), float(weight))
        elif p.startswith(BASE + "rel:") and o_iri:
            src, rel, dst = sid, p[len(BASE) + 4:], unquote(o_iri[len(BASE):])
            edges.setdefault((src, rel, dst, "admin"), (src, rel, dst, "admin", 1.0, 1.0))
    # a plain triple and its reified value describe one edge: keep the value's source
    described = {(s, r, d) for (s, r, d, src) in edges if src != "admin"}
    out_edges = [e for k, e in edges.items() if not (k[3] == "admin" and k[:3] in described)]
    return [tuple(v) for v in nodes.values() if v[1]], out_edges
