"""Catalog endpoints: products CRUD, history and rollback, soft delete and restore.

Public reads show active products only; with the admin key drafts show too, and deleted ones with a
filter. Edits read and write in one store transaction; ``PATCH`` takes the revision it was based on
(``If-Match`` or ``expected_rev``) and answers 409 with the current one when the product moved on."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Body, Header, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field, ValidationError

from shopmind.api.deps import AdminDep, ShopDep, resolve_principal
from shopmind.api.errors import validation_errors
from shopmind.kb.models import INT64_MAX, Product, ProductIn, Revision, UpsertResult
from shopmind.kb.store import DeletedProductsError, RevisionConflict

router = APIRouter(prefix="/api", tags=["catalog"])
MAX_OFFSET = 10**6


class ProductPage(BaseModel):
    total: int
    items: list[Product]


class RollbackIn(BaseModel):
    rev: int = Field(ge=1, le=INT64_MAX, description="A revision number from the product's history.")


def _product_or_404(shop, product_id: str, include_deleted: bool = False, public: bool = False) -> Product:
    p = shop.store.get_product(product_id, include_deleted=include_deleted)
    if p is None or (public and p.status != "active"):
        raise HTTPException(404, detail=f"product {product_id!r} not found")
    return p


def _is_admin(request: Request) -> bool:
    """Whether the caller is the admin (a wrong credential is still refused, 401/403)."""
    return resolve_principal(request).kind == "admin"


def _need_admin(request: Request, what: str) -> None:
    if not _is_admin(request):
        raise HTTPException(401, detail=f"{what}: drafts and deleted products need the admin key (X-API-Key)")


def _validation_422(e: ValidationError) -> HTTPException:
    errors = validation_errors(e.errors())
    first = errors[0]
    return HTTPException(422, detail={"error": f"invalid {first['field']}: {first['reason']}", "errors": errors})


def _conflict(e: RevisionConflict) -> HTTPException:
    return HTTPException(409, detail={"error": str(e), "current_rev": e.current,
                                      "errors": [{"field": "expected_rev", "reason": f"current revision is {e.current}"}]})


def _deleted_409(e: DeletedProductsError) -> HTTPException:
    return HTTPException(409, detail={"error": str(e), "errors": [
        {"field": "id", "reason": f"{pid!r} is deleted and restore=false"} for pid in e.ids[:50]]})


@router.get("/products", response_model=ProductPage)
def list_products(
    request: Request,
    shop: ShopDep,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    brand: str | None = None,
    category: str | None = Query(None, description="Category path; includes its sub-categories."),
    q: str | None = Query(None, description="Substring of title, brand or category."),
    status: Literal["active", "draft", "deleted"] | None = Query(
        None, description="Only products of this status (draft and deleted: admin only). Default: active "
        "for the public; active and drafts with the admin key."),
    include_deleted: bool = Query(False, description="Admin: deleted products too."),
) -> ProductPage:
    """Browse the catalog (for search use /api/search)."""
    if status not in (None, "active") or include_deleted:
        _need_admin(request, "status" if status else "include_deleted")
    elif status is None and not _is_admin(request):
        status = "active"
    items = shop.store.list_products(limit, offset, brand, category, q, include_deleted, status)
    return ProductPage(total=shop.store.count_products(include_deleted, status), items=items)


@router.get("/products/{product_id}")
def get_product(request: Request, response: Response, shop: ShopDep, product_id: str,
                include_deleted: bool = Query(False, description="Admin: a deleted product too.")) -> dict[str, Any]:
    """A product with its enrichment (tokens, entities, keywords, sentiment summary). The ``ETag``
    header is its revision (``version``), for ``If-Match`` on PATCH. Drafts: admin only."""
    if include_deleted:
        _need_admin(request, "include_deleted")
    p = _product_or_404(shop, product_id, include_deleted, public=not _is_admin(request))
    response.headers["ETag"] = f'"{p.version}"'
    return {**p.model_dump(), "enrichment": shop.store.get_enrichment(product_id)}


_RESTORE = Query(True, description="A re-sent deleted product is restored (counted as `restored`); "
                 "false: 409 and nothing stored.")


@router.post("/products", response_model=UpsertResult, dependencies=[AdminDep])
def upsert_products(
    shop: ShopDep, body: ProductIn | list[ProductIn] = Body(..., description="One product or a list."),
    restore: bool = _RESTORE,
) -> UpsertResult:
    """Create or update products (one revision per changed product; unchanged ones are skipped)."""
    items = body if isinstance(body, list) else [body]
    if not items:
        raise HTTPException(422, detail="body: empty product list")
    try:
        res = shop.store.upsert_products(items, source="api", restore=restore)
    except DeletedProductsError as e:
        raise _deleted_409(e) from e
    except ValueError as e:
        raise HTTPException(422, detail=str(e)) from e
    shop.on_products_changed(res.changed_ids)
    return res


@router.put("/products/{product_id}", response_model=Product, dependencies=[AdminDep])
def put_product(shop: ShopDep, product_id: str, body: ProductIn, restore: bool = _RESTORE) -> Product:
    """Replace a product's content (the id in the path wins)."""
    if body.id != product_id:
        raise HTTPException(422, detail=f"id: body id {body.id!r} does not match path id {product_id!r}")
    try:
        shop.store.upsert_products([body], source="api", restore=restore)
    except DeletedProductsError as e:
        raise _deleted_409(e) from e
    shop.on_products_changed([product_id])
    return _product_or_404(shop, product_id)


def _rev(value: str | int | None, field: str) -> int | None:
    if value is None:
        return None
    text = str(value).strip()
    text = text[2:] if text.startswith("W/") else text
    try:
        return int(text.strip('"'))
    except ValueError:
        raise HTTPException(422, detail={"error": f"{field}: not a revision number: {value!r}",
                                         "errors": [{"field": field, "reason": "expected the product's version"}]}) from None


@router.patch("/products/{product_id}", response_model=Product, dependencies=[AdminDep])
def patch_product(
    shop: ShopDep, product_id: str, changes: dict[str, Any] = Body(...),
    if_match: str | None = Header(None, description="The revision (`version`, as in the ETag) the change is based on."),
    expected_rev: int | None = Query(None, description="Same as If-Match; also accepted in the body."),
) -> Product:
    """Change some fields of a product (e.g. ``{"price": 99, "stock": 0}``), read and written in one
    transaction. With a revision (If-Match, ``expected_rev``): 409 and the current revision when
    someone changed the product since."""
    changes = dict(changes)
    revs = {"If-Match": _rev(if_match, "If-Match"), "expected_rev": expected_rev,
            "body.expected_rev": _rev(changes.pop("expected_rev", None), "expected_rev")}
    given = {v for v in revs.values() if v is not None}
    if len(given) > 1:
        raise HTTPException(422, detail="expected_rev: If-Match, the query and the body name different revisions")
    try:
        p = shop.store.patch_product(product_id, changes, expected_rev=next(iter(given), None), source="api")
    except RevisionConflict as e:
        raise _conflict(e) from e
    except KeyError as e:
        raise HTTPException(404, detail=f"product {product_id!r} not found") from e
    except ValidationError as e:
        raise _validation_422(e) from e
    except ValueError as e:
        raise HTTPException(422, detail=str(e)) from e
    shop.on_products_changed([product_id])
    return p


def _set_deleted(shop, product_id: str, deleted: bool) -> Product:
    op = shop.store.delete_product if deleted else shop.store.restore_product
    try:
        p = op(product_id, source="api")
    except KeyError as e:
        raise HTTPException(404, detail=f"product {product_id!r} not found") from e
    shop.on_products_changed([product_id])
    return p


@router.delete("/products/{product_id}", response_model=Product, dependencies=[AdminDep])
def delete_product(shop: ShopDep, product_id: str) -> Product:
    """Soft delete: hidden everywhere, kept in history, reversible with restore or rollback."""
    return _set_deleted(shop, product_id, True)


@router.post("/products/{product_id}/restore", response_model=Product, dependencies=[AdminDep])
def restore_product(shop: ShopDep, product_id: str) -> Product:
    """Undo a soft delete."""
    return _set_deleted(shop, product_id, False)


@router.get("/products/{product_id}/history", response_model=list[Revision])
def history(shop: ShopDep, product_id: str) -> list[Revision]:
    """Every revision of the product, oldest first, with before/after snapshots."""
    revs = shop.store.history(product_id)
    if not revs:
        raise HTTPException(404, detail=f"product {product_id!r} not found")
    return revs


@router.post("/products/{product_id}/rollback", response_model=Product, dependencies=[AdminDep])
def rollback(shop: ShopDep, product_id: str, body: RollbackIn) -> Product:
    """Make the product what it was right after revision ``rev`` (recorded as a new revision)."""
    try:
        p = shop.store.rollback(product_id, body.rev, source="api")
    except KeyError as e:
        raise HTTPException(404, detail=str(e.args[0])) from e
    shop.on_products_changed([product_id])
    return p
