"""Search endpoints: /api/search (filters, facets, sort, pages, explain), /api/suggest, and admin
endpoints for synonyms and merchandising rules."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, HTTPException, Query, Request
from pydantic import ValidationError

from shopmind.api.deps import AdminDep, ShopDep
from shopmind.search.filters import SORTS
from shopmind.search.merch import SYNONYMS_KEY, MerchRule, check_synonyms, load_rules, load_synonyms, save_rules

router = APIRouter(prefix="/api", tags=["search"])


@router.get("/search")
def search(
    request: Request,
    shop: ShopDep,
    q: str = Query("", max_length=500, description="The query; empty browses with filters."),
    brand: str | None = Query(None),
    category: str | None = Query(None, description="Category path or level; includes sub-categories."),
    price_min: float | None = Query(None, ge=0),
    price_max: float | None = Query(None, ge=0),
    in_stock: bool | None = Query(None),
    sort: str = Query("relevance", description=", ".join(SORTS)),
    page: int = Query(1, ge=1, le=1000),
    size: int = Query(20, ge=1, le=200),
    explain: bool = Query(False, description="Each result's features, ranker score and contributions."),
    method: str = Query("ranked", description="bm25, dense, hybrid or ranked"),
    session_id: str | None = Query(None, description="Recorded with the search event."),
    user_id: str | None = Query(None),
) -> dict[str, Any]:
    """Hybrid search; attribute filters as ``attr.<name>=value`` (e.g. ``attr.color=red``)."""
    attrs = {k[5:]: v for k, v in request.query_params.items() if k.startswith("attr.") and len(k) > 5 and v}
    filters = {"brand": brand, "category": category, "price_min": price_min, "price_max": price_max,
               "in_stock": in_stock, "attrs": attrs or None}
    try:
        res = shop.search.search(q, {k: v for k, v in filters.items() if v is not None}, sort, page, size,
                                 explain, method=method)
    except ValueError as e:
        raise HTTPException(422, detail=str(e)) from e
    if q.strip() and page == 1:
        from shopmind.kb.models import EventIn

        try:
            shop.store.add_events([EventIn(type="search", query=q[:500], session_id=session_id, user_id=user_id)])
        except Exception:  # noqa: BLE001 - recording analytics must never fail a search
            pass
    return res


@router.get("/suggest")
def suggest(shop: ShopDep, q: str = Query("", max_length=200), limit: int = Query(10, ge=1, le=50)) -> dict[str, Any]:
    """Autocomplete from popular past queries, catalog words and brands, plus a did-you-mean."""
    return shop.search.suggest(q, limit)


@router.get("/search/synonyms")
def get_synonyms(shop: ShopDep) -> dict[str, Any]:
    return {"synonyms": load_synonyms(shop.store)}


@router.put("/search/synonyms", dependencies=[AdminDep])
def put_synonyms(shop: ShopDep, body: dict[str, Any] = Body(..., examples=[{"synonyms": [["手机", "phone"]]}])) -> dict[str, Any]:
    """Replace the synonym groups (each a list of equivalent terms, zh and en)."""
    try:
        groups = check_synonyms(body.get("synonyms"))
    except ValueError as e:
        raise HTTPException(422, detail=str(e)) from e
    shop.store.set_meta(SYNONYMS_KEY, groups)
    shop.search.set_synonyms(groups)
    return {"synonyms": groups}


@router.get("/search/rules")
def get_rules(shop: ShopDep) -> dict[str, Any]:
    return {"rules": [r.model_dump() for r in load_rules(shop.store)]}


@router.post("/search/rules", dependencies=[AdminDep])
def add_rule(shop: ShopDep, body: dict[str, Any] = Body(..., examples=[
        {"action": "pin", "product_id": "p1", "query": "phone", "position": 1}])) -> dict[str, Any]:
    """Add a merchandising rule: pin (position), boost (factor > 1), bury or hide a product, for one
    query (normalized match) or for all queries (query omitted)."""
    try:
        rule = MerchRule(**body)
    except ValidationError as e:
        raise HTTPException(422, detail=e.errors(include_url=False, include_context=False)) from e
    if shop.store.get_product(rule.product_id) is None:
        raise HTTPException(422, detail=f"product_id {rule.product_id!r} is not an active product")
    rules = [r for r in load_rules(shop.store) if r.id != rule.id] + [rule]
    save_rules(shop.store, rules)
    shop.search.invalidate_rules()
    return rule.model_dump()


@router.delete("/search/rules/{rule_id}", dependencies=[AdminDep])
def delete_rule(shop: ShopDep, rule_id: str) -> dict[str, Any]:
    rules = load_rules(shop.store)
    kept = [r for r in rules if r.id != rule_id]
    if len(kept) == len(rules):
        raise HTTPException(404, detail=f"rule {rule_id!r} not found")
    save_rules(shop.store, kept)
    shop.search.invalidate_rules()
    return {"deleted": rule_id}
