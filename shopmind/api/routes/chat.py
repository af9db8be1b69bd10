"""POST /api/chat: one turn with the customer-service assistant."""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from shopmind.api.auth import Principal
from shopmind.api.deps import PrincipalDep, ShopDep, authorize, limit_writes

router = APIRouter(prefix="/api", tags=["assistant"])


class ChatIn(BaseModel):
    conversation_id: str = Field(min_length=1, max_length=180)
    message: str = Field(min_length=1, max_length=2000)
    user_id: str | None = Field(
        default=None, max_length=200,
        description="The shopper whose orders the assistant may look up: the signed-in shopper (their token; "
        "the default when signed in) or, with the admin key, anyone. Naming another user is 401/403; "
        "without a user the chat is anonymous and shows no orders.",
    )


def _conversation(p: Principal, conversation_id: str, user_id: str | None) -> str:
    """An anonymous conversation belongs to its session: another session cannot continue it by its id."""
    if user_id or p.kind == "admin" or not p.session_id:
        return conversation_id
    return f"s{hashlib.sha256(p.session_id.encode()).hexdigest()[:12]}.{conversation_id}"


@router.post("/chat")
def chat(body: ChatIn, request: Request, shop: ShopDep, p: PrincipalDep) -> dict:
    """{"reply", "intent", "confidence", "citations": [...], "actions": [...]} for one message. With the
    generative backend configured (SHOPMIND_LLM_URL), `actions` holds {"type": "llm", "status": "accepted" |
    "rejected" | "error", "reason"} for each answer it was asked to rephrase. Anonymous callers and
    shoppers are rate limited (429 with `Retry-After`)."""
    user_id = body.user_id if body.user_id is not None else p.user_id
    if user_id is not None:
        authorize(p, user=user_id)  # nobody reads another user's orders by naming them
    limit_writes(request, p)
    try:
        return shop.assistant.chat(_conversation(p, body.conversation_id, user_id), body.message, user_id=user_id)
    except ValueError as e:
        raise HTTPException(status_code=422, detail=str(e)) from None
