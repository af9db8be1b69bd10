"""Recommendation endpoints: personal recommendations, similar products, bought together."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query

from shopmind.api.deps import PrincipalDep, ShopDep, authorize

router = APIRouter(prefix="/api", tags=["recommend"])


def _session_items(shop: Any, user: str | None, session: str | None) -> list[str] | None:
    """Live session items when real time runs (it is not started here); None when it does not."""
    from shopmind.realtime.service import running

    rt = running(shop)
    if rt is None:
        return None
    return list(rt.session_items(user=user, session=session)) if (user or session) else []


@router.get("/recommend")
def recommend(
    shop: ShopDep,
    p: PrincipalDep,
    user: str | None = Query(None, max_length=200, description="User id (history from events)."),
    session: str | None = Query(None, max_length=200, description="Session id (live session items)."),
    items: str | None = Query(None, max_length=4000, description="Comma-separated product ids viewed now."),
    n: int = Query(10, ge=1, le=100),
    category: str | None = Query(None, description="Only this category (prefix of ' > ' paths)."),
    diversity: float | None = Query(None, ge=0.0, le=1.0, description="MMR weight of diversity."),
    lang: str | None = Query(None, max_length=10, description="Reason language zh/en (default: the user's, else the product's)."),
) -> dict[str, Any]:
    """Blended personal recommendations with a reason per item; new users get trending items.

    The reasons name the user's history, so `user` needs that user's token or the admin key and
    `session` that session's cookie (else 401/403); a signed-in shopper's own `user` is the default.
    Uses the live session items while real time runs (``"live": true``; it is not started here)."""
    if user is None and session is None and p.kind == "user":
        user = p.user_id
    authorize(p, user, session)
    extra = [i.strip() for i in (items or "").split(",") if i.strip()]
    live = _session_items(shop, user, session)
    hist = (live or []) + extra
    try:
        recs = shop.recommender.recommend(user=user, items=hist, n=n, category=category, diversity=diversity,
                                           lang=lang)
    except RuntimeError as e:
        raise HTTPException(503, detail=str(e)) from e
    except ValueError as e:
        raise HTTPException(422, detail=str(e)) from e
    # live: whether the live session state (real time) was used; false: stored history and the batch model
    return {"user": user, "session": session, "n": n, "items": [r.as_dict() for r in recs], "live": live is not None}


@router.get("/products/{product_id}/similar")
def similar(
    shop: ShopDep,
    product_id: str,
    n: int = Query(10, ge=1, le=100),
    lang: str | None = Query(None, max_length=10, description="Reason language zh/en (default: the user's, else the product's)."),
) -> dict[str, Any]:
    """Products similar to this one (behaviour and content; content only for new products)."""
    return _related(shop.recommender.similar, product_id, n, lang)


@router.get("/products/{product_id}/bought-together")
def bought_together(
    shop: ShopDep,
    product_id: str,
    n: int = Query(10, ge=1, le=100),
    lang: str | None = Query(None, max_length=10, description="Reason language zh/en (default: the user's, else the product's)."),
) -> dict[str, Any]:
    """Products bought (or viewed) together with this one."""
    return _related(shop.recommender.bought_together, product_id, n, lang)


def _related(method, product_id: str, n: int, lang: str | None) -> dict[str, Any]:
    """Run a product-to-products recommender, mapping unknown product / bad input / untrained to 404/422/503."""
    try:
        recs = method(product_id, n=n, lang=lang)
    except KeyError as e:
        raise HTTPException(404, detail=f"unknown product {product_id!r}") from e
    except ValueError as e:
        raise HTTPException(422, detail=str(e)) from e
    except RuntimeError as e:
        raise HTTPException(503, detail=str(e)) from e
    return {"product_id": product_id, "items": [r.as_dict() for r in recs]}
