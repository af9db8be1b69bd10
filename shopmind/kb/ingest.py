"""Ingest product files into the knowledge base: read, validate, store good rows in one transaction."""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path
from typing import Any, Sequence

from pydantic import BaseModel, Field

from shopmind.kb.formats import IngestError, RawRow, ReadStats, RowError, expand, read_file
from shopmind.kb.models import ProductIn, UpsertResult
from shopmind.kb.store import DeletedProductsError, KnowledgeBase
from shopmind.kb.validate import check_mapping, validate_rows

EXIT_OK, EXIT_UNREADABLE, EXIT_REJECTED = 0, 2, 3


class IngestReport(BaseModel):
    """What one ingest did; ``errors`` holds one {file, row, field, reason} per problem found."""

    files: list[str] = Field(default_factory=list)
    formats: list[str] = Field(default_factory=list)
    encodings: list[str] = Field(default_factory=list, description="text encoding read, per file (detected unless given)")
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    restored: int = Field(0, description="soft-deleted products the file re-sent, brought back")
    rejected: int = 0
    skipped: int = Field(0, description="identical repeats a format drops on purpose (Crowdflower)")
    stored: bool = False
    strict: bool = False
    errors: list[dict[str, Any]] = Field(default_factory=list)
    seconds: float = 0.0
    rows_per_s: float = 0.0
    phases: dict[str, float] = Field(default_factory=dict, description="seconds spent reading, validating, storing")
    job_id: int | None = None
    report_path: str | None = None

    @property
    def exit_code(self) -> int:
        """CLI exit code: 0 all rows accepted, 3 some rejected (2 is raised as IngestError)."""
        return EXIT_REJECTED if self.rejected else EXIT_OK

    def summary(self) -> str:
        head = (
            f"{self.rows} rows in {self.seconds:.2f}s ({self.rows_per_s:,.0f} rows/s): "
            f"{self.inserted} inserted, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.rejected} rejected"
        )
        if self.restored:
            head += f", {self.restored} deleted products restored"
        if self.skipped:
            head += f", {self.skipped} repeats skipped"
        if self.strict and self.rejected:
            head += " — strict mode: nothing stored"
        return head


class _StrictRejected(Exception):
    """Raised inside the job so it is recorded as failed; caught by ingest_file."""


def write_report(path: str | Path, report: IngestReport, errors: list[RowError]) -> Path:
    """Write the rejects (with the offending value) as CSV when the name ends in .csv, else JSON."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    rows = [{**e.as_dict(), "value": e.value} for e in errors]
    if p.suffix.lower() == ".csv":
        with p.open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=["file", "row", "field", "reason", "value"])
            w.writeheader()
            for r in rows:
                v = r["value"]
                r["value"] = "" if v is None else (v if isinstance(v, str) else json.dumps(v, default=str))[:500]
                w.writerow({k: _safe(x) for k, x in r.items()})
    else:
        doc = report.model_dump(exclude={"errors", "report_path"})
        doc["errors"] = [{k: _safe(v) for k, v in r.items()} for r in rows]
        p.write_text(json.dumps(doc, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return p


def _safe(v: Any) -> Any:
    """Text with invalid bytes shown as \\x.. escapes so the report itself is valid UTF-8."""
    if isinstance(v, str):
        return v.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return v


class _Bar:
    """A rich progress bar on stderr (no-op when disabled) with a rows/s figure."""

    def __init__(self, enabled: bool) -> None:
        self.p = None
        if enabled:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                                       TimeElapsedColumn)

            self.console = Console(stderr=True)
            self.p = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                              MofNCompleteColumn(), TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                              console=self.console, transient=False)

    def __enter__(self) -> "_Bar":
        if self.p:
            self.p.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.p:
            self.p.stop()

    def task(self, description: str, total: int | None) -> Any:
        return self.p.add_task(description, total=total, rate="") if self.p else None

    def update(self, task: Any, completed: int, t0: float, **kw: Any) -> None:
        if self.p:
            dt = max(time.perf_counter() - t0, 1e-9)
            self.p.update(task, completed=completed, rate=f"{completed / dt:,.0f} rows/s", **kw)

    def print(self, text: str) -> None:
        if self.p:
            self.console.print(text)


def ingest_file(
    store: KnowledgeBase,
    path: str | Path | Sequence[str | Path],
    format: str | None = None,
    mapping: dict[str, str | None] | None = None,
    strict: bool = False,
    report_path: str | Path | None = None,
    progress: bool = False,
    source: str | None = None,
    encoding: str | None = None,
    id_prefix: str | None = None,
    restore: bool = True,
    **options: Any,
) -> IngestReport:
    """Ingest one file, a folder of files or a list of them as ONE batch, recorded as an 'ingest' job.

    Good rows are written by a single ``upsert_products`` call (one transaction), so a crash leaves
    the store as it was before or after the batch. ``strict`` stores nothing when any row is bad.
    Raises IngestError when a file cannot be read at all (unknown format, broken JSON, empty, ...).
    ``encoding`` forces a text encoding (default: UTF-8, rows with invalid bytes rejected);
    ``id_prefix`` namespaces ids when several sources share a store (e.g. "hd-"); other keyword
    options go to the format reader (``delimiter=`` for CSV, ``currency=`` for Icecat).
    A row re-sending a soft-deleted product restores it (counted in ``restored``); ``restore=False``
    rejects such rows instead (field "id").
    """
    t0 = time.perf_counter()
    try:
        check_mapping(mapping)
    except ValueError as exc:
        raise IngestError(str(exc)) from None
    report = IngestReport(strict=strict)
    all_errors: list[RowError] = []
    try:
        with store.job("ingest") as job, _Bar(progress) as bar:
            report.job_id = job.id
            files = expand(path)
            report.files = [str(f) for f in files]
            job.counts.update(files=report.files)
            raws: list[RawRow] = []
            stats = ReadStats()
            t_read = time.perf_counter()
            read_task = bar.task("reading", None)
            for f in files:
                fmt, rows = read_file(f, format, stats, encoding=encoding, **options)
                report.formats.append(fmt)
                for raw in rows:
                    raws.append(raw)
                    if len(raws) % 2000 == 0:
                        bar.update(read_task, len(raws), t_read)
                        job.progress(0.0, read=len(raws))
            bar.update(read_task, len(raws), t_read, total=len(raws))
            report.phases["read"] = round(time.perf_counter() - t_read, 4)
            report.rows, report.skipped, report.encodings = len(raws), stats.skipped, stats.encodings
            job.counts.update(encodings=report.encodings)
            if not raws:
                raise IngestError(f"{', '.join(report.files)}: no product rows found")

            good: list[ProductIn] = []
            where: dict[str, tuple[str, int]] = {}  # product id -> (file, row), for rejections after validation
            bad_rows: set[tuple[str, int]] = set()
            t_val = time.perf_counter()
            val_task = bar.task("validating", len(raws))
            for i, (raw, product, errs) in enumerate(validate_rows(raws, mapping), start=1):
                if product is not None:
                    if id_prefix:
                        product = product.model_copy(update={"id": id_prefix + product.id})
                    good.append(product)
                    where[product.id] = (raw.file, raw.row)
                else:
                    bad_rows.add((raw.file, raw.row))
                    all_errors.extend(errs)
                if i % 1000 == 0:
                    bar.update(val_task, i, t_val)
                    job.progress(0.2 + 0.6 * i / len(raws), read=len(raws), valid=len(good),
                                 rejected=len(bad_rows))
            bar.update(val_task, len(raws), t_val)
            report.phases["validate"] = round(time.perf_counter() - t_val, 4)
            t_store = time.perf_counter()
            res = UpsertResult()
            while True:  # with restore=False the store names the deleted ones and writes nothing
                if strict and all_errors:
                    report.rejected, report.errors = len(bad_rows), [e.as_dict() for e in all_errors]
                    job.errors.extend(report.errors)
                    job.counts.update(rows=report.rows, rejected=report.rejected, skipped=report.skipped)
                    raise _StrictRejected(f"strict mode: {report.rejected} rows rejected, nothing stored")
                job.progress(0.8, valid=len(good))
                bar.print(f"storing {len(good)} products in one transaction…")
                try:
                    res = store.upsert_products(good, source=source or _source(path), restore=restore) if good else res
                    break
                except DeletedProductsError as exc:
                    deleted = set(exc.ids)
                    for pid in exc.ids:
                        f, row = where[pid]
                        bad_rows.add((f, row))
                        all_errors.append(RowError(f, row, "id", f"product {pid!r} was deleted; restore is off "
                                                   "(--no-restore / restore=false), so it is not brought back", pid))
                    good = [p for p in good if p.id not in deleted]
            report.rejected = len(bad_rows)
            report.errors = [e.as_dict() for e in all_errors]
            job.errors.extend(report.errors)
            job.counts.update(rows=report.rows, rejected=report.rejected, skipped=report.skipped)
            report.phases["store"] = round(time.perf_counter() - t_store, 4)
            report.inserted, report.updated, report.unchanged = res.inserted, res.updated, res.unchanged
            report.restored = res.restored
            report.stored = bool(good)
            report.seconds = time.perf_counter() - t0
            report.rows_per_s = report.rows / max(report.seconds, 1e-9)
            job.progress(1.0, inserted=res.inserted, updated=res.updated, unchanged=res.unchanged, restored=res.restored,
                         seconds=round(report.seconds, 3), rows_per_s=round(report.rows_per_s, 1),
                         phases=report.phases)
    except _StrictRejected:
        pass
    report.seconds = time.perf_counter() - t0
    report.rows_per_s = report.rows / max(report.seconds, 1e-9)
    if report_path is not None:
        report.report_path = str(write_report(report_path, report, all_errors))
    if progress:
        print(report.summary(), file=sys.stderr)
    return report


def _source(path: Any) -> str:
    if isinstance(path, (str, Path)):
        return f"ingest:{Path(path).name}"
    names = [Path(p).name for p in path]
    return "ingest:" + (names[0] if len(names) == 1 else f"{names[0]}+{len(names) - 1}")


__all__ = ["IngestError", "IngestReport", "ingest_file", "write_report", "EXIT_OK", "EXIT_REJECTED",
           "EXIT_UNREADABLE"]
