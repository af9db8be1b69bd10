"""Customer-service assistant: bilingual intents, slots, knowledge-base tools, cited answers, handoff.

``build(shop)`` returns the shop's :class:`Assistant` (``assistant.chat(conversation_id, message,
user_id=None)``); ``train_intents(csv)`` trains an intent model from Bitext-format data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shopmind.assistant.assistant import Assistant, Conversation
from shopmind.assistant.intents import IntentModel, default_model, train_intents

__all__ = ["Assistant", "Conversation", "IntentModel", "build", "default_model", "train_intents", "intent_model_path"]


def intent_model_path(shop: Any) -> Path:
    """Where ``shopmind train intents`` saves a shop's own intent model (used instead of the default)."""
    return Path(shop.settings.home) / "models" / "intents.npz"


def build(shop: Any) -> Assistant:
    """The shop's assistant: its own intent model when trained, else the shipped default; search and
    recommendations come from the shop when those components can be built; the generative backend only
    when ``settings.llm_url`` is set."""
    from shopmind.assistant.llm import Phraser

    path = intent_model_path(shop)
    intents = IntentModel.load(path) if path.exists() else default_model()
    assistant = Assistant(
        shop.store,
        intents=intents,
        search=lambda: shop.search,
        recommender=lambda: shop.recommender,
        # the real-time service runs threads: used when the shop already started it, never started here
        realtime=lambda: shop.__dict__.get("realtime"),
        llm=Phraser.from_settings(shop.settings, shop.store),  # None unless SHOPMIND_LLM_URL is set
    )
    assistant.warm()
    return assistant
