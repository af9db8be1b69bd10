"""Operations: bulk ingest, jobs, catalog quality and duplicates, shop statistics."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from fastapi import APIRouter, File, Form, HTTPException, Query, UploadFile

from shopmind.api.deps import AdminDep, ShopDep
from shopmind.api.paths import hide_paths
from shopmind.kb.models import Job

router = APIRouter(prefix="/api", tags=["admin"])


@router.post("/ingest", dependencies=[AdminDep])
def ingest(
    shop: ShopDep,
    file: UploadFile = File(..., description="Catalog file: CSV, JSONL, JSON, Icecat zip, ..."),
    format: str | None = Form(None, description="Force a format instead of detecting it."),
    strict: bool = Form(False, description="All-or-nothing: store nothing when any row is bad."),
    mapping: str | None = Form(None, description='JSON column mapping, e.g. {"name": "title"}.'),
    index: bool = Form(True, description="Index the stored products afterwards, in a background job."),
    restore: bool = Form(True, description="Rows re-sending a deleted product restore it (`restored`); "
                         "false rejects those rows."),
    encoding: str | None = Form(None, max_length=40, description="Text encoding, e.g. cp1252 (default: detected)."),
) -> dict:
    """Bulk ingest an uploaded catalog file; returns the validation report (rejected rows with reasons)
    once the products are stored, with ``index``: the background index job (``job_id``) that makes them
    searchable (searches answer from the current index meanwhile)."""
    from shopmind.kb.ingest import IngestError, ingest_file

    try:
        cols = json.loads(mapping) if mapping else None
    except json.JSONDecodeError as e:
        raise HTTPException(422, detail=f"mapping: not valid JSON ({e.msg})") from e
    if cols is not None and not isinstance(cols, dict):
        raise HTTPException(422, detail="mapping: must be a JSON object of source column -> field")
    name = upload_name(file.filename)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        with path.open("wb") as fh:
            while chunk := file.file.read(1 << 20):
                fh.write(chunk)
        try:
            report = ingest_file(shop.store, path, format=format, mapping=cols, strict=strict, source=f"upload:{name}",
                                   restore=restore, encoding=encoding or None)
        except IngestError as e:
            field = "mapping" if str(e).startswith("mapping") else "file"
            raise HTTPException(422, detail=f"{field}: {hide_paths(str(e).replace(str(path), name))}") from e
    out = hide_paths(report.model_dump(), shop.settings.home)
    if index and report.stored and (report.inserted or report.updated or report.restored):
        out["index"] = _start_index(shop)
    return out


_UNSAFE = re.compile(r"[^\w.\- ]+")


def upload_name(filename: str | None) -> str:
    """A safe file name for an upload: no folders, no '.'/'..', no control characters; the extension kept."""
    base = re.split(r"[/\\]", filename or "")[-1]
    base = _UNSAFE.sub("_", base).strip(" .")[:120]
    return base if base and base not in (".", "..") else "upload"


@router.post("/index", status_code=202, dependencies=[AdminDep])
def reindex(shop: ShopDep) -> dict:
    """Refresh search indexes, enrichment and recommendation models in a background job.

    Returns the job's id at once; follow it with ``GET /api/jobs?kind=index``. Requests made while a
    job waits join it; made while one runs, they get the next one. Searches keep answering from the
    current index until the new one is swapped in."""
    return _start_index(shop)


def _start_index(shop) -> dict:
    try:
        return shop.indexer.request()
    except RuntimeError as e:  # shutting down
        raise HTTPException(503, detail=str(e)) from e


@router.get("/jobs", response_model=list[Job])
def jobs(shop: ShopDep, limit: int = Query(50, ge=1, le=500), kind: str | None = None) -> list[Job]:
    """Ingest, enrich, index and training runs: start, end, counts, errors, progress (file paths as
    names relative to the shop home)."""
    home = shop.settings.home
    return [Job.model_validate(hide_paths(j.model_dump(), home)) for j in shop.store.jobs(limit, kind)]


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
