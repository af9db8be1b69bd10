"""Operations: bulk ingest, jobs, catalog quality and duplicates, shop statistics."""

from __future__ import annotations

import json
import tempfile
import threading
from pathlib import Path

from fastapi import APIRouter, File, Form, HTTPException, Query, UploadFile

from shopmind.api.deps import AdminDep, ShopDep
from shopmind.kb.models import Job

router = APIRouter(prefix="/api", tags=["admin"])


@router.post("/ingest", dependencies=[AdminDep])
def ingest(
    shop: ShopDep,
    file: UploadFile = File(..., description="Catalog file: CSV, JSONL, JSON, Icecat zip, ..."),
    format: str | None = Form(None, description="Force a format instead of detecting it."),
    strict: bool = Form(False, description="All-or-nothing: store nothing when any row is bad."),
    mapping: str | None = Form(None, description='JSON column mapping, e.g. {"name": "title"}.'),
    index: bool = Form(True, description="Refresh enrichment and indexes afterwards."),
    restore: bool = Form(True, description="Rows re-sending a deleted product restore it (`restored`); "
                         "false rejects those rows."),
) -> dict:
    """Bulk ingest an uploaded catalog file; returns the validation report (rejected rows with reasons)."""
    from shopmind.kb.ingest import IngestError, ingest_file

    try:
        cols = json.loads(mapping) if mapping else None
    except json.JSONDecodeError as e:
        raise HTTPException(422, detail=f"mapping: not valid JSON ({e.msg})") from e
    if cols is not None and not isinstance(cols, dict):
        raise HTTPException(422, detail="mapping: must be a JSON object of source column -> field")
    name = Path(file.filename or "upload").name
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        with path.open("wb") as fh:
            while chunk := file.file.read(1 << 20):
                fh.write(chunk)
        try:
            report = ingest_file(shop.store, path, format=format, mapping=cols, strict=strict, source=f"upload:{name}",
                                   restore=restore)
        except IngestError as e:
            raise HTTPException(422, detail=f"file: {e}") from e
    out = report.model_dump()
    if index and report.stored and (report.inserted or report.updated or report.restored):
        out["index"] = _start_index(shop)
    return out


_index_lock = threading.Lock()


@router.post("/index", status_code=202, dependencies=[AdminDep])
def reindex(shop: ShopDep) -> dict:
    """Refresh enrichment, search indexes and recommendation models in the background.

    Follow its progress with ``GET /api/jobs?kind=index``; 409 when a refresh is already running.
    """
    out = _start_index(shop)
    if out["status"] != "started":
        raise HTTPException(409, detail="an index refresh is already running")
    return out


def _start_index(shop) -> dict:
    """Run ``shop.index()`` in a background thread unless one is already running."""
    if not _index_lock.acquire(blocking=False):
        return {"status": "already running", "follow": "/api/jobs?kind=index"}

    def run() -> None:
        try:
            shop.index()
        finally:
            _index_lock.release()

    threading.Thread(target=run, name="shopmind-index", daemon=True).start()
    return {"status": "started", "follow": "/api/jobs?kind=index"}


@router.get("/jobs", response_model=list[Job])
def jobs(shop: ShopDep, limit: int = Query(50, ge=1, le=500), kind: str | None = None) -> list[Job]:
    """Ingest, enrich, index and training runs: start, end, counts, errors, progress."""
    return shop.store.jobs(limit, kind)


@router.get("/quality")
def quality(shop: ShopDep) -> dict:
    """Catalog health per category: missing brand/price/description/attributes, duplicates, odd prices."""
    from shopmind.kb.quality import quality_report

    return quality_report(shop.store)


@router.get("/duplicates")
def duplicates(shop: ShopDep) -> dict:
    """Groups of products that look like the same item (same EAN/SKU, near-identical titles)."""
    from shopmind.kb.dedupe import find_duplicates

    groups = find_duplicates(shop.store)
    return {"groups": [g.model_dump() for g in groups]}


@router.get("/stats")
def stats(shop: ShopDep) -> dict:
    """Counts of everything in the knowledge base."""
    return shop.store.counts()
