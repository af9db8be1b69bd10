"""DELETE /api/users/{id}: erase one user's personal data (admin)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from shopmind.api.deps import AdminDep, ShopDep

router = APIRouter(prefix="/api", tags=["users"])


class ForgetReport(BaseModel):
    user: str
    events: int = Field(description="events deleted (the user's and those of their anonymous sessions)")
    conversations: int = Field(description="assistant conversations deleted")
    tickets: int = Field(description="support tickets deleted")
    orders: int = Field(description="orders kept for the books, address and tracking removed, user id replaced")
    users: int = Field(description="user records deleted (0 or 1)")
    sessions: int = Field(description="anonymous sessions of the user whose events and live state went too")
    models: list[str] = Field(description="trained models and live state the user was dropped from")


@router.delete("/users/{user_id}", response_model=ForgetReport, dependencies=[AdminDep])
def forget_user(shop: ShopDep, user_id: str) -> ForgetReport:
    """Erase a user (right to be forgotten): events, conversations, tickets and the user record are
    deleted, orders anonymized, and the user dropped from recommendation models and real-time state.
    404 when the shop holds nothing of the user."""
    report = ForgetReport(**shop.forget_user(user_id))
    if not any((report.events, report.conversations, report.tickets, report.orders, report.users, report.models)):
        raise HTTPException(404, detail=f"user {user_id!r} not found: no data of this user")
    return report
