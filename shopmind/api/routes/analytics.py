"""Analytics for the admin dashboard: search and event metrics, review sentiment alerts, eval reports."""

from __future__ import annotations

from fastapi import APIRouter, Query

from shopmind.api.deps import ShopDep
from shopmind.web.analytics import dashboard, eval_reports

router = APIRouter(prefix="/api", tags=["analytics"])


@router.get("/analytics")
def analytics(shop: ShopDep, days: float = Query(30.0, gt=0, le=3650, description="Window for search metrics.")) -> dict:
    """Search volume, zero-result queries, click-through, top queries, events per minute,
    recommendation coverage and negative-review share per category over time with surge alerts."""
    return dashboard(shop, days=days)


@router.get("/analytics/eval")
def analytics_eval(shop: ShopDep) -> dict:
    """Evaluation reports (NDCG/HR...) the eval commands wrote as JSON under the shop home."""
    return {"home": str(shop.settings.home), "reports": eval_reports(shop.settings.home)}
