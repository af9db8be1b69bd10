"""`shopmind graph build|stats|export|import`: the product knowledge graph in the knowledge base."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from shopmind.cli import console, fail, get_shop

app = typer.Typer(help="The bilingual product knowledge graph (classes, brands, features, relations).",
                  no_args_is_help=True)


@app.command("build")
def build(full: bool = typer.Option(False, "--full", help="Rebuild every product's edges, not only changed ones.")) -> None:
    """Bring the graph up to date with the catalog and the events (incremental unless --full)."""
    from shopmind.graph import ProductGraph

    shop = get_shop()
    res = ProductGraph(shop.store).refresh(full=full)
    console.print_json(json.dumps(res, ensure_ascii=False))


@app.command("stats")
def stats() -> None:
    """Node and edge counts by type and relation."""
    from shopmind.kb.graph_store import GraphStore

    console.print_json(json.dumps(GraphStore(get_shop().store).counts(), ensure_ascii=False))


@app.command("export")
def export(out: Optional[Path] = typer.Option(None, "--out", "-o", help="File to write (default: stdout).")) -> None:
    """Write the graph as N-Triples (labels tagged @zh/@en; each edge's source and confidence kept)."""
    from shopmind.graph.ntriples import export as nt_export
    from shopmind.kb.graph_store import GraphStore

    lines = nt_export(GraphStore(get_shop().store))
    fh = out.open("w", encoding="utf-8") if out else sys.stdout
    n = 0
    for line in lines:
        fh.write(line + "\n")
        n += 1
    if out:
        fh.close()
        console.print(f"{n} triples -> {out}")


@app.command("import")
def import_(path: Path = typer.Argument(..., help="An N-Triples file written by `shopmind graph export`.")) -> None:
    """Add the nodes and edges of an N-Triples file (plain triples become admin edges)."""
    from shopmind.graph.ntriples import parse
    from shopmind.kb.graph_store import GraphStore

    if not path.exists():
        fail(f"file not found: {path}")
    try:
        nodes, edges = parse(path.read_text(encoding="utf-8").splitlines())
    except ValueError as e:
        fail(f"{path}: {e}")
    GraphStore(get_shop().store).write(nodes, edges)
    console.print(f"{len(nodes)} nodes, {len(edges)} edges imported")
