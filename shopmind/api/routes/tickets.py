"""Support tickets opened by the assistant's human handoff: list, read, change status (admin)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field

from shopmind.api.deps import AdminDep, ShopDep
from shopmind.kb.models import Ticket, TicketStatus
from shopmind.text.pii import mask_optional

router = APIRouter(prefix="/api/tickets", tags=["assistant"], dependencies=[AdminDep])


class TicketUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: TicketStatus
    note: str | None = Field(default=None, max_length=4000, description="Staff note kept with the ticket.")


@router.get("")
def list_tickets(
    shop: ShopDep,
    status: TicketStatus | None = Query(None, description="Only tickets with this status."),
    user: str | None = Query(None, description="Only this user's tickets."),
    limit: int = Query(100, ge=1, le=1000),
) -> list[Ticket]:
    """Newest first."""
    return shop.store.tickets(status=status, user_id=user, limit=limit)


@router.get("/{ticket_id}")
def get_ticket(shop: ShopDep, ticket_id: str) -> Ticket:
    t = shop.store.get_ticket(ticket_id)
    if t is None:
        raise HTTPException(404, detail=f"ticket {ticket_id!r} not found")
    return t


@router.patch("/{ticket_id}")
def update_ticket(shop: ShopDep, ticket_id: str, body: TicketUpdate) -> Ticket:
    """Set a ticket's status (open, pending, closed), optionally with a staff note."""
    try:
        return shop.store.update_ticket(ticket_id, body.status, mask_optional(body.note))  # notes: masked too
    except KeyError:
        raise HTTPException(404, detail=f"ticket {ticket_id!r} not found") from None
