"""CLI commands of search: `shopmind search`, `shopmind train ranker`, `shopmind eval search`.

``register(app, eval_app, train_app)`` adds them to the main typer app (called from cli/extensions.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from shopmind.cli import fail, get_shop, save_eval_report


def search_command(
    q: str = typer.Argument("", help="The query (empty: browse with filters)."),
    brand: Optional[str] = typer.Option(None, "--brand"),
    category: Optional[str] = typer.Option(None, "--category"),
    price_min: Optional[float] = typer.Option(None, "--price-min"),
    price_max: Optional[float] = typer.Option(None, "--price-max"),
    currency: Optional[str] = typer.Option(None, "--currency", help="Currency of --price-min/--price-max "
                                           "(default: the shop's base; prices compare converted)."),
    klass: Optional[str] = typer.Option(None, "--class", help="A product-graph class (e.g. phone): its "
                                        "categories in every language's tree."),
    in_stock: Optional[bool] = typer.Option(None, "--in-stock/--out-of-stock"),
    attr: list[str] = typer.Option([], "--attr", help="Attribute filter NAME=VALUE (repeatable)."),
    sort: str = typer.Option("relevance", "--sort", help="relevance, price_asc, price_desc, newest, rating"),
    page: int = typer.Option(1, "--page", min=1),
    size: int = typer.Option(10, "--size", min=1, max=200),
    explain: bool = typer.Option(False, "--explain", help="Show each result's features and ranker score."),
    method: str = typer.Option("ranked", "--method", help="bm25, dense, hybrid or ranked"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Search the catalog (hybrid BM25 + dense retrieval, learned ranking, filters and facets)."""
    from rich.console import Console
    from rich.table import Table

    attrs = {}
    for a in attr:
        k, sep, v = a.partition("=")
        if not sep or not k or not v:
            fail(f"--attr expects NAME=VALUE, got {a!r}")
        attrs[k] = v
    filters = {"brand": brand, "category": category, "class": klass, "price_min": price_min,
               "price_max": price_max, "currency": currency, "in_stock": in_stock, "attrs": attrs or None}
    shop = get_shop()
    try:
        res = shop.search.search(q, {k: v for k, v in filters.items() if v is not None}, sort, page, size,
                                 explain, method=method)
    except ValueError as e:
        fail(str(e))
        return
    if as_json:
        typer.echo(json.dumps(res, ensure_ascii=False, indent=2, default=str))
        return
    con = Console()
    parsed = res["query"]
    con.print(f"[bold]{res['total']}[/bold] results in {res['took_ms']} ms"
              + (f" · did you mean [italic]{res['did_you_mean']}[/italic]" if res["did_you_mean"] else "")
              + (f" · filters {parsed['filters_applied']}" if parsed.get("filters_applied") else "")
              + (f" · fallback {', '.join(res['fallback'])}" if res["fallback"] else ""))
    t = Table(show_lines=False)
    for col in ("#", "id", "title", "brand", "price", "stock", "score"):
        t.add_column(col)
    for i, r in enumerate(res["results"], start=(page - 1) * size + 1):
        t.add_row(str(i), r["id"], r["title"][:70], r["brand"] or "", "" if r["price"] is None else f"{r['price']:g}",
                  "" if r["stock"] is None else str(r["stock"]), f"{r['score']:.3f}")
    con.print(t)
    if explain:
        for r in res["results"]:
            con.print(f"[bold]{r['id']}[/bold] {json.dumps(r.get('explain'), ensure_ascii=False)}")


def train_ranker_command(
    judgments: Path = typer.Option(..., "--judgments", exists=True, dir_okay=False, help="CSV query,product_id,grade"),
    out: Optional[Path] = typer.Option(None, "--out", help="Model file (default <home>/models/search_ranker.lgb)."),
    test_fraction: float = typer.Option(0.0, "--test-fraction", min=0.0, max=0.9,
                                        help="Hold out this share of queries (hash split) for `eval search`."),
    rounds: int = typer.Option(400, "--rounds", min=10),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Train the LambdaMART search ranker from graded judgments against the current catalog."""
    from shopmind.search.ranker import train_ranker

    shop = get_shop()
    try:
        res = train_ranker(shop, judgments, out=out, test_fraction=test_fraction, rounds=rounds,
                           log=None if as_json else typer.echo)
    except (ValueError, FileNotFoundError) as e:
        fail(str(e))
        return
    typer.echo(json.dumps(res, indent=2) if as_json else f"ranker saved to {res['model']} "
               f"({res['train_queries']} training queries, {res['trees']} trees)")


def eval_search_command(
    judgments: Path = typer.Option(..., "--judgments", exists=True, dir_okay=False, help="CSV query,product_id,grade"),
    k: int = typer.Option(10, "--k", min=1),
    methods: str = typer.Option("bm25,dense,hybrid,ranked", "--methods"),
    relevant_grade: Optional[float] = typer.Option(None, "--relevant-grade",
                                                   help="Grade from which a product counts as relevant."),
    test_only: bool = typer.Option(False, "--test-only", help="Only the hash-split test half of the queries."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """NDCG@k, Recall@100, MRR@k and latency of each search method on a judgments file."""
    from shopmind.eval.search import eval_search
    from shopmind.search.engine import METHODS
    from shopmind.search.ranker import read_judgments, split_queries

    ms = [m.strip() for m in methods.split(",") if m.strip()]
    bad = [m for m in ms if m not in METHODS]
    if bad:
        fail(f"unknown method(s) {', '.join(bad)}; expected {', '.join(METHODS)}")
    shop = get_shop()
    try:
        queries = split_queries(read_judgments(judgments)["query"])[1] if test_only else None
        res = eval_search(shop, judgments, k=k, methods=ms, relevant_grade=relevant_grade, queries=queries)
    except (ValueError, FileNotFoundError) as e:
        fail(str(e))
        return
    save_eval_report("search", res)
    if as_json:
        typer.echo(json.dumps(res, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"search on {res['queries']} queries (relevant: grade >= {res['relevant_grade']})")
    cols = [f"ndcg@{k}", "recall@100", f"mrr@{k}", "p50_ms", "p95_ms"]
    t.add_column("method")
    for c in cols:
        t.add_column(c, justify="right")
    for m, r in res["methods"].items():
        t.add_row(m, *([str(r.get(c, "")) for c in cols] if "error" not in r else [r["error"]] + [""] * 4))
    Console().print(t)


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    """Add the search commands to the main CLI."""
    app.command("search")(search_command)
    train_app.command("ranker")(train_ranker_command)
    eval_app.command("search")(eval_search_command)
