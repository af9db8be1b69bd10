"""Analytics for the admin dashboard: search and event metrics, review sentiment alerts, eval reports.
Admin only: top queries and evaluation reports are the shop's own business."""

from __future__ import annotations

from fastapi import APIRouter, Query

from shopmind.api.deps import AdminDep, ShopDep
from shopmind.api.paths import hide_paths
from shopmind.web.analytics import dashboard, eval_reports

router = APIRouter(prefix="/api", tags=["analytics"])


@router.get("/analytics", dependencies=[AdminDep])
def analytics(shop: ShopDep, days: float = Query(30.0, gt=0, le=3650, description="Window for search metrics.")) -> dict:
    """Search volume, zero-result queries, click-through, top queries, events per minute,
    recommendation coverage and negative-review share per category over time with surge alerts."""
    return dashboard(shop, days=days)


@router.get("/analytics/eval", dependencies=[AdminDep])
def analytics_eval(shop: ShopDep) -> dict:
    """Evaluation reports (NDCG/HR...) the eval commands wrote as JSON under the shop home (paths in
    them shown relative to the home, or as file names)."""
    home = shop.settings.home
    return {"reports": hide_paths(eval_reports(home), home)}
