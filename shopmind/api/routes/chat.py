"""POST /api/chat: one turn with the customer-service assistant."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from shopmind.api.deps import ShopDep, require_admin

router = APIRouter(prefix="/api", tags=["assistant"])


class ChatIn(BaseModel):
    conversation_id: str = Field(min_length=1, max_length=200)
    message: str = Field(min_length=1, max_length=2000)
    user_id: str | None = Field(
        default=None, max_length=200,
        description="The signed-in shopper. Only the shop's back end may say who that is, so a user_id "
        "needs the admin key (X-API-Key); without one the chat is anonymous and shows no orders.",
    )


@router.post("/chat")
def chat(body: ChatIn, request: Request, shop: ShopDep) -> dict:
    """{"reply", "intent", "confidence", "citations": [...], "actions": [...]} for one message. With the
    generative backend configured (SHOPMIND_LLM_URL), `actions` holds {"type": "llm", "status": "accepted" |
    "rejected" | "error", "reason"} for each answer it was asked to rephrase."""
    if body.user_id is not None:
        key = request.headers.get("x-api-key")
        require_admin(request, key)  # 401/403: nobody reads another user's orders by naming them
    try:
        return shop.assistant.chat(body.conversation_id, body.message, user_id=body.user_id)
    except ValueError as e:
        raise HTTPException(status_code=422, detail=str(e)) from None
