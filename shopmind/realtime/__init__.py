"""Real time: event pipeline, online updaters, session-aware recommendations, result cache, metrics.

``build(shop)`` gives the Shop's ``realtime`` component (see ``shopmind.realtime.service.Realtime``).
"""

from __future__ import annotations

from typing import Any

from shopmind.realtime.cache import ResultCache
from shopmind.realtime.service import Realtime
from shopmind.realtime.validate import EventError, check_event, check_events

__all__ = ["Realtime", "ResultCache", "EventError", "build", "check_event", "check_events"]


def build(shop, **overrides: Any) -> Realtime:
    """The real-time component of ``shop``: starts the event writer, catalog follower and retrainer."""
    return Realtime(shop, **overrides)
