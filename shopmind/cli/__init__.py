"""The ``shopmind`` command line: ingest, index, browse and fix the catalog, serve the shop."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from shopmind.cli.progress import with_job_bars
from shopmind.config import Settings
from shopmind.durable import write_json

os.environ.setdefault("HF_HUB_OFFLINE", "1")
from shopmind.procutil import configure_threads  # noqa: E402

configure_threads()  # before numpy/scipy/torch load: one thread policy for every command and `serve`

app = typer.Typer(
    help="shopmind: AI search, recommendations and a shopping assistant on one product knowledge base.",
    no_args_is_help=True,
    add_completion=False,
)
products_app = typer.Typer(help="Browse, inspect, roll back and delete catalog products.", no_args_is_help=True)
eval_app = typer.Typer(help="Evaluate models on labelled data (prints metrics; --json for scripts).",
                       no_args_is_help=True)
train_app = typer.Typer(help="Train models from the shop's data or labelled files.", no_args_is_help=True)
app.add_typer(products_app, name="products")
app.add_typer(eval_app, name="eval")
app.add_typer(train_app, name="train")

console = Console()
err = Console(stderr=True)


class State:
    home: Optional[Path] = None


@app.callback()
def _main(
    home: Optional[Path] = typer.Option(
        None, "--home", help="Data directory of the shop (env SHOPMIND_HOME, default ./shopmind-data)."
    ),
) -> None:
    State.home = home


def get_shop():
    """The Shop for this invocation, built from settings (--home overrides SHOPMIND_HOME)."""
    from shopmind.shop import Shop

    settings = Settings(home=State.home) if State.home else Settings()
    return Shop(settings)


def emit(data: Any, as_json: bool) -> None:
    """Print ``data`` as JSON for scripts, or let the caller render it for people."""
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def save_eval_report(name: str, report: dict) -> Path:
    """Keep an evaluation's result as ``<home>/eval/<name>.json`` (shown in the admin console's Evaluation tab)."""
    settings = Settings(home=State.home) if State.home else Settings()
    out = settings.ensure_home() / "eval" / f"{name}.json"
    return write_json(out, {"saved_at": time.time(), **report}, ensure_ascii=False, indent=2, default=str)


def fail(message: str, code: int = 2) -> None:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


def _parse_mapping(pairs: list[str]) -> dict[str, str | None] | None:
    """``--map name=title --map colour=attr:colour --map note=`` (empty target: ignore the column)."""
    if not pairs:
        return None
    out: dict[str, str | None] = {}
    for pair in pairs:
        src, sep, dst = pair.partition("=")
        if not sep or not src:
            fail(f"--map expects SOURCE_COLUMN=field, got {pair!r}")
        out[src] = dst or None
    return out


@app.command()
def ingest(
    files: list[Path] = typer.Argument(..., help="Catalog files: CSV, JSONL, JSON, Icecat JSON zip, Home Depot "
                                                 "products.csv, Crowdflower train.csv(.zip)."),
    format: Optional[str] = typer.Option(None, "--format", help="Force the format instead of detecting it."),
    strict: bool = typer.Option(False, "--strict", help="All-or-nothing: store nothing if any row is bad."),
    mapping: list[str] = typer.Option([], "--map", help="Column mapping SOURCE=field (repeatable), e.g. "
                                                        "--map name=title --map colour=attr:colour; "
                                                        "--map note= ignores a column."),
    report: Optional[Path] = typer.Option(None, "--report", help="Write the rejected rows to this file "
                                                                 "(default: <home>/reports/)."),
    no_index: bool = typer.Option(False, "--no-index", help="Do not refresh enrichment and indexes afterwards."),
    no_restore: bool = typer.Option(False, "--no-restore", help="Reject rows that re-send a deleted product "
                                                                "(default: restore it, counted as restored)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Text encoding of the files, e.g. cp1252 "
                                                                    "(default: detected; named in the report)."),
) -> None:
    """Load catalog files into the knowledge base: validate, store good rows, report bad ones.

    Exit code 0 when every row was accepted, 3 when some were rejected (the rest stored), 2 when
    nothing could be read.
    """
    from shopmind.kb.ingest import IngestError, ingest_file

    shop = get_shop()
    cols = _parse_mapping(mapping)
    if report is None:
        report = shop.settings.home / "reports" / f"ingest-{time.strftime('%Y%m%d-%H%M%S')}.json"
    try:
        r = ingest_file(shop.store, files if len(files) > 1 else files[0], format=format, mapping=cols,
                        strict=strict, report_path=report, progress=not as_json, restore=not no_restore,
                        encoding=encoding)
    except IngestError as e:
        fail(str(e), 2)
    if as_json:
        emit(r.model_dump(include={"inserted", "updated", "unchanged", "restored", "rejected", "errors", "seconds",
                                   "encodings"}),
             True)
    else:
        for e in r.errors[:20]:
            console.print(f"  {e.get('file')}: row {e.get('row')}: {e.get('field')}: {e.get('reason')}")
        if len(r.errors) > 20:
            console.print(f"  … {len(r.errors) - 20} more")
        if r.rejected and r.report_path:
            console.print(f"rejected rows listed in {r.report_path}")
    if (r.inserted or r.updated or r.restored) and r.stored and not no_index:
        with_job_bars(shop.store, lambda: shop.index(), enabled=not as_json)
    shop.close()
    raise typer.Exit(r.exit_code)


@app.command()
def index(as_json: bool = typer.Option(False, "--json")) -> None:
    """Build or refresh everything search and recommendations need (enrichment, indexes, models)."""
    shop = get_shop()
    result = with_job_bars(shop.store, lambda: shop.index(), enabled=not as_json)
    emit(result, as_json)
    if not as_json:
        console.print("indexed: " + ", ".join(f"{k} {v.get('seconds', 0):.1f} s" for k, v in result.items()
                                               if isinstance(v, dict)))
    shop.close()


@app.command()
def stats(as_json: bool = typer.Option(False, "--json")) -> None:
    """Counts of products, reviews, documents, users, orders, events and jobs."""
    shop = get_shop()
    counts = shop.store.counts()
    if as_json:
        emit(counts, True)
    else:
        t = Table("what", "count", title=f"shopmind at {shop.settings.home}")
        for k, v in counts.items():
            t.add_row(k, str(v))
        console.print(t)


@app.command()
def jobs(limit: int = typer.Option(20, "--limit"), as_json: bool = typer.Option(False, "--json")) -> None:
    """Recent ingest/enrich/index/train runs with their counts, errors and durations."""
    shop = get_shop()
    items = shop.store.jobs(limit)
    if as_json:
        emit([j.model_dump() | {"seconds": j.seconds} for j in items], True)
        return
    t = Table("id", "kind", "status", "progress", "seconds", "counts", "errors")
    for j in items:
        secs = f"{j.seconds:.1f}" if j.seconds is not None else "…"
        t.add_row(str(j.id), j.kind, j.status, f"{j.progress:.0%}", secs,
                  json.dumps(j.counts, ensure_ascii=False)[:60], str(len(j.errors)))
    console.print(t)


@app.command()
def quality(as_json: bool = typer.Option(False, "--json")) -> None:
    """The catalog's health per category: what is missing, duplicated or oddly priced."""
    from shopmind.kb.quality import quality_report

    rep = quality_report(get_shop().store)
    if as_json:
        emit(rep, True)
        return
    console.print(f"{rep['products']} products, health {rep['health']:.1%}")
    t = Table("category", "products", "issues", "no brand", "no price", "no description", "no key attrs",
              "duplicates", "odd prices")
    for c in rep["categories"][:40]:
        t.add_row(c["category"][:40], str(c["products"]), str(c["products_with_issues"]), str(c["missing_brand"]),
                  str(c["missing_price"]), str(c["missing_description"]), str(c["missing_key_attributes"]),
                  str(c["duplicates"]), str(c["unusual_prices"]))
    console.print(t)


@app.command()
def duplicates(as_json: bool = typer.Option(False, "--json")) -> None:
    """Products that look like the same item: same EAN/SKU under two ids, near-identical titles."""
    from shopmind.kb.dedupe import find_duplicates

    groups = [g.model_dump() for g in find_duplicates(get_shop().store)]
    if as_json:
        emit({"groups": groups}, True)
        return
    console.print(f"{len(groups)} duplicate group(s)")
    for g in groups[:50]:
        console.print(f"- same {g['kind']} {g['key']!r}: {', '.join(g['ids'])}")


# -- products ----------------------------------------------------------------------------------
def _show_product(p, enrichment: dict | None = None) -> None:
    t = Table(show_header=False, title=f"{p.id} (v{p.version}, {p.status})")
    for k, v in p.model_dump().items():
        if v not in (None, [], {}, ""):
            t.add_row(k, json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else str(v))
    for step, data in (enrichment or {}).items():
        t.add_row(f"[cyan]{step}[/cyan]", json.dumps(data, ensure_ascii=False)[:300])
    console.print(t)


@products_app.command("list")
def products_list(
    limit: int = typer.Option(20, "--limit"),
    offset: int = typer.Option(0, "--offset"),
    brand: Optional[str] = typer.Option(None, "--brand"),
    category: Optional[str] = typer.Option(None, "--category"),
    q: Optional[str] = typer.Option(None, "--q", help="Substring of title, brand or category."),
    deleted: bool = typer.Option(False, "--deleted", help="Include soft-deleted products."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List catalog products."""
    items = get_shop().store.list_products(limit, offset, brand, category, q, deleted)
    if as_json:
        emit([p.model_dump() for p in items], True)
        return
    t = Table("id", "title", "brand", "category", "price", "stock", "status")
    for p in items:
        price = f"{p.price:g} {p.currency or ''}" if p.price is not None else ""
        t.add_row(p.id, p.title[:60], p.brand or "", (p.category or "")[:30], price,
                  "" if p.stock is None else str(p.stock), p.status)
    console.print(t)


@products_app.command("show")
def products_show(product_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """One product with its attributes and enrichment (tokens, entities, keywords, sentiment)."""
    shop = get_shop()
    p = shop.store.get_product(product_id, include_deleted=True)
    if p is None:
        fail(f"product {product_id!r} not found", 1)
    enr = shop.store.get_enrichment(product_id)
    if as_json:
        emit({**p.model_dump(), "enrichment": enr}, True)
    else:
        _show_product(p, enr)


@products_app.command("history")
def products_history(product_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """Every revision of a product: what changed, from which source, when."""
    revs = get_shop().store.history(product_id)
    if not revs:
        fail(f"product {product_id!r} not found", 1)
    if as_json:
        emit([r.model_dump() for r in revs], True)
        return
    import datetime as dt

    t = Table("rev", "version", "op", "source", "time", "changes")
    for r in revs:
        before, after = r.before or {}, r.after or {}
        changed = [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
        diff = ", ".join(f"{k}: {before.get(k)!r} → {after.get(k)!r}" for k in changed[:4]) if r.before else "created"
        t.add_row(str(r.rev), str(r.version), r.op, r.source or "",
                  dt.datetime.fromtimestamp(r.at).isoformat(timespec="seconds"), diff[:120])
    console.print(t)


@products_app.command("rollback")
def products_rollback(product_id: str, rev: int = typer.Argument(..., help="Revision number (see history)."),
                      as_json: bool = typer.Option(False, "--json")) -> None:
    """Make a product what it was right after revision REV (recorded as a new revision)."""
    shop = get_shop()
    try:
        p = shop.store.rollback(product_id, rev, source="cli")
    except KeyError as e:
        fail(str(e.args[0]), 1)
    shop.on_products_changed([product_id])
    if as_json:
        emit(p.model_dump(), True)
    else:
        console.print(f"{product_id} rolled back to revision {rev}: now version {p.version}")


def _set_deleted(product_id: str, deleted: bool, as_json: bool) -> None:
    shop = get_shop()
    op = shop.store.delete_product if deleted else shop.store.restore_product
    try:
        p = op(product_id, source="cli")
    except KeyError as e:
        fail(str(e.args[0]), 1)
    shop.on_products_changed([product_id])
    if as_json:
        emit(p.model_dump(), True)
    elif deleted:
        console.print(f"{product_id} deleted (restore with: shopmind products restore {product_id})")
    else:
        console.print(f"{product_id} restored")


@products_app.command("delete")
def products_delete(product_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """Soft-delete a product (reversible with restore or rollback)."""
    _set_deleted(product_id, True, as_json)


@products_app.command("restore")
def products_restore(product_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """Undo a soft delete."""
    _set_deleted(product_id, False, as_json)


# -- serving -------------------------------------------------------------------------------------
def _serve(shop, host: str, port: int) -> None:
    import uvicorn

    from shopmind.api import create_app

    api = create_app(shop=shop)
    console.print(f"shopmind serving on [bold]http://{host}:{port}[/bold]  (API docs: http://{host}:{port}/docs)")
    console.print(f"admin API key: [bold]{api.state.admin_key}[/bold]")
    uvicorn.run(api, host=host, port=port, log_level=shop.settings.log_level)


@app.command()
def serve(
    host: Optional[str] = typer.Option(None, "--host", help="Bind address (env SHOPMIND_HOST, default 127.0.0.1)."),
    port: Optional[int] = typer.Option(None, "--port", help="Port (env SHOPMIND_PORT, default 8000)."),
) -> None:
    """Serve the HTTP API and the web pages."""
    shop = get_shop()
    _serve(shop, host or shop.settings.host, port or shop.settings.port)


@app.command()
def demo(
    port: Optional[int] = typer.Option(None, "--port", help="Port (env SHOPMIND_PORT, default 8000)."),
    reset: bool = typer.Option(False, "--reset", help="Start from an empty store."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Load, enrich, index and train in the foreground, "
                                                            "then exit (no server)."),
) -> None:
    """Load the built-in bilingual demo shop and serve it (offline), with demo sign-in on (any demo
    shopper, no password; SHOPMIND_DEMO_SIGN_IN=0 turns it off).

    The storefront with search is up within seconds; enrichment (sentiment, topics, embeddings), the index
    refresh and recommendation training go on in a background job (progress bars here, `shopmind jobs`,
    GET /api/jobs), and pages improve as they land.
    """
    import shutil

    from shopmind.demo.start import finish, finish_in_background, prepare

    settings = Settings(home=State.home) if State.home else Settings()
    if reset and settings.home.exists():
        shutil.rmtree(settings.home)
    if "SHOPMIND_DEMO_SIGN_IN" not in os.environ:  # the demo's shoppers sign in by picking a name
        settings.demo_sign_in = True
    if "SHOPMIND_SEARCH_WORKERS" not in os.environ:
        settings.search_workers = 0  # a small shop: worker processes would only compete for the cores
    from shopmind.shop import Shop

    t0 = time.perf_counter()
    shop = Shop(settings)
    console.print(f"admin API key: [bold]{settings.ensure_admin_key()}[/bold]  (kept in {settings.home}; "
                  "SHOPMIND_ADMIN_KEY overrides it)")
    info = prepare(shop, say=console.print)
    if no_serve:
        with_job_bars(shop.store, lambda: finish(shop, info["lexical_only"], progress=False))
        console.print(f"demo shop ready in {settings.home} ({time.perf_counter() - t0:.0f} s)")
        shop.close()
        return
    console.print(f"storefront ready in {time.perf_counter() - t0:.0f} s; enrichment and model training go on "
                  "in the background (progress below, `shopmind jobs`, GET /api/jobs)")
    finish_in_background(shop, info["lexical_only"])
    _serve(shop, settings.host, port or settings.port)


def _register_extensions() -> None:
    """Command groups contributed by the other packages (search, recommendations, assistant, ...)."""
    from shopmind.cli import extensions

    extensions.register(app, eval_app, train_app)


def main() -> None:
    from shopmind.kb.storage_errors import storage_full

    _register_extensions()
    try:
        app(prog_name="shopmind")
    except Exception as e:  # a full disk is a condition of the machine, not a bug: one line, exit code 2
        reason = storage_full(e)
        if reason is None:
            raise
        typer.echo(f"error: {reason}", err=True)
        raise SystemExit(2) from None


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
