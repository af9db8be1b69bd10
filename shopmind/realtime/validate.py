"""Event validation: one bad event gets a reason naming its field; the good ones go on to be stored."""

from __future__ import annotations

import math
import time
from typing import Any, Callable, Iterable

from pydantic import ValidationError

from shopmind.kb.models import EventIn
from shopmind.text.pii import mask_pii

#: events timestamped more than this many seconds ahead of the server clock are rejected
MAX_FUTURE_SKEW_S = 300.0
#: timestamps before 2000-01-01 are rejected (they are almost always a unit or parsing mistake)
MIN_TS = 946684800.0
#: event types that are about one product
PRODUCT_TYPES = frozenset({"view", "click", "add_to_cart", "purchase", "rate"})
MAX_ID_LEN = 200
MAX_QUERY_LEN = 1000


class EventError(ValueError):
    """A rejected event: which field and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason

    def as_dict(self, index: int | None = None) -> dict[str, Any]:
        d: dict[str, Any] = {"field": self.field, "reason": self.reason}
        if index is not None:
            d = {"index": index, **d}
        return d


def _field(loc: tuple) -> str:
    return ".".join(str(x) for x in loc) or "event"


def check_event(raw: Any, is_known: Callable[[str], bool], now: float | None = None,
                max_future_s: float = MAX_FUTURE_SKEW_S) -> EventIn:
    """Validate one raw event (a JSON object) and return it with ``ts`` filled in; raises EventError."""
    now = time.time() if now is None else now
    if isinstance(raw, EventIn):
        e = raw.model_copy()
    else:
        if not isinstance(raw, dict):
            raise EventError("event", f"an event must be a JSON object, got {type(raw).__name__}")
        try:
            e = EventIn.model_validate(raw)
        except ValidationError as ex:
            err = ex.errors()[0]
            raise EventError(_field(err.get("loc", ())), err.get("msg", "invalid")) from None
    for name in ("user_id", "session_id", "product_id"):
        v = getattr(e, name)
        if v is not None and (not v or len(v) > MAX_ID_LEN):
            raise EventError(name, f"must be 1..{MAX_ID_LEN} characters")
    if not e.user_id and not e.session_id:
        raise EventError("user_id", "an event needs a user_id or a session_id")
    if e.type in PRODUCT_TYPES and not e.product_id:
        raise EventError("product_id", f"required for '{e.type}' events")
    if e.type == "search" and not e.query:
        raise EventError("query", "required for 'search' events")
    if e.query is not None and len(e.query) > MAX_QUERY_LEN:
        raise EventError("query", f"longer than {MAX_QUERY_LEN} characters")
    if e.query:
        e.query = mask_pii(e.query)  # stored, kept in session state and logged only masked
    if e.type == "rate":
        if e.value is None or not math.isfinite(e.value) or not 1 <= e.value <= 5:
            raise EventError("value", "a 'rate' event needs a rating value between 1 and 5")
    elif e.value is not None and not math.isfinite(e.value):
        raise EventError("value", "must be a finite number")
    if e.ts is None:
        e.ts = now
    else:
        if not math.isfinite(e.ts):
            raise EventError("ts", "must be a finite unix time in seconds")
        if e.ts > now + max_future_s:
            hint = " (it looks like milliseconds; send seconds)" if e.ts > 1e11 else ""
            raise EventError("ts", f"time is {e.ts - now:.0f} s in the future (more than {max_future_s:.0f} s "
                                   f"ahead of the server clock){hint}")
        if e.ts < MIN_TS:
            raise EventError("ts", "time is before 2000-01-01; send unix seconds")
    if e.product_id and not is_known(e.product_id):
        raise EventError("product_id", f"unknown product {e.product_id!r}")
    return e


def check_events(items: Iterable[Any], is_known: Callable[[str], bool], now: float | None = None
                 ) -> tuple[list[tuple[int, EventIn]], list[dict[str, Any]]]:
    """Validate a batch: (index, event) of the good ones and {index, field, reason} of the bad ones."""
    now = time.time() if now is None else now
    good: list[tuple[int, EventIn]] = []
    bad: list[dict[str, Any]] = []
    for i, raw in enumerate(items):
        try:
            good.append((i, check_event(raw, is_known, now)))
        except EventError as ex:
            bad.append(ex.as_dict(i))
    return good, bad
