"""Catalog endpoints: products CRUD, history and rollback, soft delete and restore."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, HTTPException, Query
from pydantic import BaseModel, ValidationError

from shopmind.api.deps import AdminDep, ShopDep
from shopmind.kb.models import Product, ProductIn, Revision, UpsertResult

router = APIRouter(prefix="/api", tags=["catalog"])


class ProductPage(BaseModel):
    total: int
    items: list[Product]


class RollbackIn(BaseModel):
    rev: int


def _product_or_404(shop, product_id: str, include_deleted: bool = False) -> Product:
    p = shop.store.get_product(product_id, include_deleted=include_deleted)
    if p is None:
        raise HTTPException(404, detail=f"product {product_id!r} not found")
    return p


@router.get("/products", response_model=ProductPage)
def list_products(
    shop: ShopDep,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
    brand: str | None = None,
    category: str | None = Query(None, description="Category path; includes its sub-categories."),
    q: str | None = Query(None, description="Substring of title, brand or category."),
    include_deleted: bool = False,
) -> ProductPage:
    """Browse the catalog (for search use /api/search)."""
    items = shop.store.list_products(limit, offset, brand, category, q, include_deleted)
    return ProductPage(total=shop.store.count_products(include_deleted), items=items)


@router.get("/products/{product_id}")
def get_product(shop: ShopDep, product_id: str, include_deleted: bool = False) -> dict[str, Any]:
    """A product with its enrichment (tokens, entities, keywords, sentiment summary)."""
    p = _product_or_404(shop, product_id, include_deleted)
    return {**p.model_dump(), "enrichment": shop.store.get_enrichment(product_id)}


@router.post("/products", response_model=UpsertResult, dependencies=[AdminDep])
def upsert_products(
    shop: ShopDep, body: ProductIn | list[ProductIn] = Body(..., description="One product or a list.")
) -> UpsertResult:
    """Create or update products (one revision per changed product; unchanged ones are skipped)."""
    items = body if isinstance(body, list) else [body]
    if not items:
        raise HTTPException(422, detail="body: empty product list")
    try:
        res = shop.store.upsert_products(items, source="api")
    except ValueError as e:
        raise HTTPException(422, detail=str(e)) from e
    shop.on_products_changed(res.inserted_ids + res.updated_ids)
    return res


@router.put("/products/{product_id}", response_model=Product, dependencies=[AdminDep])
def put_product(shop: ShopDep, product_id: str, body: ProductIn) -> Product:
    """Replace a product's content (the id in the path wins)."""
    if body.id != product_id:
        raise HTTPException(422, detail=f"id: body id {body.id!r} does not match path id {product_id!r}")
    shop.store.upsert_products([body], source="api")
    shop.on_products_changed([product_id])
    return _product_or_404(shop, product_id)


@router.patch("/products/{product_id}", response_model=Product, dependencies=[AdminDep])
def patch_product(shop: ShopDep, product_id: str, changes: dict[str, Any] = Body(...)) -> Product:
    """Change some fields of a product (e.g. ``{"price": 99, "stock": 0}``)."""
    p = _product_or_404(shop, product_id)
    if "id" in changes and changes["id"] != product_id:
        raise HTTPException(422, detail="id: cannot change a product's id")
    data = p.model_dump(include=set(ProductIn.model_fields))
    data.update(changes)
    try:
        new = ProductIn.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(x) for x in err["loc"]) or "body"
        raise HTTPException(422, detail=f"{field}: {err['msg']}") from e
    shop.store.upsert_products([new], source="api")
    shop.on_products_changed([product_id])
    return _product_or_404(shop, product_id)


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
