"""Reviews, FAQ/policy documents, users and orders."""

from __future__ import annotations

from fastapi import APIRouter, Body, HTTPException, Query

from shopmind.api.deps import AdminDep, PrincipalDep, ShopDep, authorize, require_signed_in
from shopmind.kb.models import Document, DocumentIn, Order, OrderIn, Review, ReviewIn, User, UserIn
from shopmind.text.pii import mask_optional

router = APIRouter(prefix="/api", tags=["content"])


def _one_or_many(body):
    items = body if isinstance(body, list) else [body]
    if not items:
        raise HTTPException(422, detail="body: empty list")
    return items


@router.get("/products/{product_id}/reviews", response_model=list[Review])
def product_reviews(shop: ShopDep, product_id: str, limit: int = Query(50, ge=1, le=500)) -> list[Review]:
    if shop.store.get_product(product_id) is None:
        raise HTTPException(404, detail=f"product {product_id!r} not found")
    return shop.store.reviews(product_id, limit=limit)


@router.post("/reviews", dependencies=[AdminDep])
def add_reviews(shop: ShopDep, body: ReviewIn | list[ReviewIn] = Body(...)) -> dict:
    """Add reviews (one or a list); every review must name a known product."""
    try:
        ids = shop.store.add_reviews(_one_or_many(body))
    except ValueError as e:
        raise HTTPException(422, detail=str(e)) from e
    return {"ids": ids}


@router.get("/documents", response_model=list[Document])
def documents(shop: ShopDep, kind: str | None = Query(None, description="faq, policy or page")) -> list[Document]:
    return shop.store.documents(kind)


@router.get("/documents/{doc_id}", response_model=Document)
def document(shop: ShopDep, doc_id: str) -> Document:
    d = shop.store.get_document(doc_id)
    if d is None:
        raise HTTPException(404, detail=f"document {doc_id!r} not found")
    return d


@router.post("/documents", dependencies=[AdminDep])
def upsert_documents(shop: ShopDep, body: DocumentIn | list[DocumentIn] = Body(...)) -> dict:
    """Create or replace FAQ entries and policies (returns, shipping, payment, warranty, ...)."""
    return {"upserted": shop.store.upsert_documents(_one_or_many(body))}


@router.get("/users", response_model=list[User], dependencies=[AdminDep])
def users(shop: ShopDep) -> list[User]:
    return shop.store.users()


@router.post("/users", dependencies=[AdminDep])
def upsert_users(shop: ShopDep, body: UserIn | list[UserIn] = Body(...)) -> dict:
    users = [u.model_copy(update={"name": mask_optional(u.name)}) for u in _one_or_many(body)]  # free text
    return {"upserted": shop.store.upsert_users(users)}


@router.get("/orders/{order_id}", response_model=Order)
def order(shop: ShopDep, p: PrincipalDep, order_id: str) -> Order:
    """One order: its shopper's (their token) or, with the admin key, anyone's (else 401/403)."""
    require_signed_in(p)
    o = shop.store.get_order(order_id)
    if o is None:
        raise HTTPException(404, detail=f"order {order_id!r} not found")
    authorize(p, user=o.user_id or "")
    return o


@router.get("/orders", response_model=list[Order])
def orders(shop: ShopDep, p: PrincipalDep, user: str | None = None) -> list[Order]:
    """Orders of one user (default: the signed-in shopper); all orders with the admin key."""
    require_signed_in(p)
    if user is None and p.kind != "admin":
        user = p.user_id
    authorize(p, user=user)
    return shop.store.orders(user)


@router.post("/orders", dependencies=[AdminDep])
def upsert_orders(shop: ShopDep, body: OrderIn | list[OrderIn] = Body(...)) -> dict:
    try:
        return {"upserted": shop.store.upsert_orders(_one_or_many(body))}
    except ValueError as e:
        raise HTTPException(422, detail=str(e)) from e
