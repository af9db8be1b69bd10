"""`shopmind events import FILE`: load historical events (JSONL, CSV or a sequence file) into the store."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path
from typing import Any, Iterator, Optional

import typer

from shopmind.cli import console, fail, get_shop

app = typer.Typer(help="Record and import shop events (views, clicks, carts, purchases, searches, ratings).",
                  no_args_is_help=True)



@app.callback()
def _events() -> None:
    """Record and import shop events (a callback keeps `events import` a sub-command)."""


_CSV_FIELDS = {"position": int, "value": float, "ts": float}


def _rows(path: Path, fmt: str, event_type: str) -> Iterator[tuple[int, Any]]:
    """(line number, raw event) from a JSONL, CSV or `user item item ...` sequence file."""
    with path.open(encoding="utf-8", newline="") as fh:
        if fmt == "jsonl":
            for n, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        yield n, json.loads(line)
                    except ValueError as ex:
                        yield n, ex
        elif fmt == "csv":
            for n, row in enumerate(csv.DictReader(fh), 2):
                out: dict[str, Any] = {}
                for k, v in row.items():
                    if k is None or v in (None, ""):
                        continue
                    try:
                        out[k] = _CSV_FIELDS[k](v) if k in _CSV_FIELDS else v
                    except ValueError:
                        out[k] = v  # validation names the field
                yield n, out
        else:
            lines = [ln.split() for ln in fh]
            total = sum(max(len(p) - 1, 0) for p in lines)
            t, k = time.time() - total, 0  # no times in the file: one second apart, ending now
            for n, parts in enumerate(lines, 1):
                for item in parts[1:]:
                    yield n, {"type": event_type, "user_id": parts[0], "product_id": item, "ts": t + k}
                    k += 1


def _detect(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".csv"):
        return "csv"
    return "sequences"


@app.command("import")
def import_events(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSONL (one event object a line), CSV "
                                "(header with event fields) or a sequence file (`user item item ...`)."),
    format: Optional[str] = typer.Option(None, "--format", help="jsonl, csv or sequences (default: by extension)."),
    event_type: str = typer.Option("view", "--type", help="Event type for sequence files."),
    strict: bool = typer.Option(False, "--strict", help="Store nothing if any event is bad."),
    batch: int = typer.Option(5000, "--batch", min=1, help="Events per transaction."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Validate events (known product, type, time not in the future) and store the good ones in batches.

    Exit code 0 when all were stored, 3 when some were rejected (the rest stored), 2 when none could be.
    """
    from shopmind.realtime.validate import EventError, check_event

    fmt = format or _detect(file)
    if fmt not in ("jsonl", "csv", "sequences"):
        fail(f"--format must be jsonl, csv or sequences, got {fmt!r}")
    shop = get_shop()
    store = shop.store
    known = {p.id for p in store.iter_products(include_deleted=True)}
    t0 = time.perf_counter()
    good, errors, stored = [], [], 0
    for line, raw in _rows(file, fmt, event_type):
        try:
            if isinstance(raw, Exception):
                raise EventError("line", f"not valid JSON: {raw}")
            good.append(check_event(raw, known.__contains__))
        except EventError as ex:
            errors.append({"line": line, "field": ex.field, "reason": ex.reason})
        if len(good) >= batch and not strict:
            stored += len(store.add_events(good))
            good = []
    if strict and errors:
        good = []
    elif good:
        stored += len(store.add_events(good))
    secs = time.perf_counter() - t0
    report = {"file": str(file), "format": fmt, "stored": stored, "rejected": len(errors), "errors": errors[:1000],
              "seconds": round(secs, 3), "events_per_s": round(stored / secs, 1) if secs else None}
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        console.print(f"{file.name}: [green]{stored} stored[/green], [red]{len(errors)} rejected[/red] "
                      f"in {secs:.1f}s" + (" (strict: nothing stored)" if strict and errors else ""))
        for e in errors[:10]:
            console.print(f"  line {e['line']}: {e['field']}: {e['reason']}")
    shop.close()
    raise typer.Exit(0 if not errors else (2 if not stored else 3))
