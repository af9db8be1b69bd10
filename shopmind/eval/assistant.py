"""Scoring the assistant's answers on shopper questions with a known outcome.

Each question (one JSON object a line) expects one of:

- ``answer``: the reply cites one of ``docs`` as its first document and contains every fact of ``facts``
  (a string, or a list of alternatives any of which will do), compared without case or spaces;
- ``handoff``: the turn opened a ticket (a ``handoff`` action) and does not ask the shopper to type a
  handoff phrase again;
- ``decline``: no citation, no ticket, and a polite refusal (sorry / can't / 抱歉 / 无法 ...).

Any reply that shows an internal intent label (``check_refund_policy``) fails. Questions are split into a
dev and a test part by a fixed hash of the question text, so the split never depends on file order.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Literal

from pydantic import BaseModel, Field, model_validator

#: share of questions in the untouched test part
TEST_SHARE = 45
_POLITE = re.compile(r"sorry|can'?t|cannot|unable|not able|抱歉|不能|无法|对不起", re.I)
_ASK_HANDOFF = re.compile(r"回复“转人工”|just say \"human\"", re.I)
_LABEL = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


class Question(BaseModel):
    question: str = Field(min_length=1)
    category: str = Field(min_length=1)
    expect: Literal["answer", "handoff", "decline"]
    docs: list[str] = []
    facts: list[str | list[str]] = []

    @model_validator(mode="after")
    def _answer_has_doc(self) -> "Question":
        if self.expect == "answer" and not (self.docs and self.facts):
            raise ValueError("an 'answer' question needs docs and facts")
        return self


def split_of(question: str) -> str:
    """'test' or 'dev', fixed by the question's text."""
    h = int(hashlib.sha1(question.encode("utf-8")).hexdigest()[:8], 16)
    return "test" if h % 100 < TEST_SHARE else "dev"


def load_questions(path: str | Path, part: str = "all") -> list[Question]:
    """Questions of ``part`` ('dev', 'test' or 'all'); a bad line raises ValueError naming it."""
    if part not in ("dev", "test", "all"):
        raise ValueError(f"part: must be dev, test or all, not {part!r}")
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            q = Question.model_validate(json.loads(line))
        except ValueError as e:
            raise ValueError(f"{path}:{n}: {e}") from e
        if part == "all" or split_of(q.question) == part:
            out.append(q)
    return out


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s).lower()


def check(q: Question, result: dict[str, Any]) -> str | None:
    """None when ``result`` (what Assistant.chat returns) meets the question's expectation, else why not."""
    reply = result.get("reply", "")
    cites = result.get("citations", [])
    handoff = any(a.get("type") == "handoff" for a in result.get("actions", []))
    label = _LABEL.search(reply)
    if label:
        return f"shows the label {label.group(0)!r}"
    if q.expect == "handoff":
        if not handoff:
            return "no handoff"
        return "asks for a handoff phrase again" if _ASK_HANDOFF.search(reply) else None
    if q.expect == "decline":
        if handoff or cites:
            return "answered instead of declining" if cites else "handed off instead of declining"
        return None if _POLITE.search(reply) else "not a polite decline"
    docs = [c.get("id", "").removeprefix("doc:") for c in cites if c.get("type") == "document"]
    if not docs or docs[0] not in q.docs:
        return f"cites {docs[:2] or 'no document'}, wanted {q.docs}"
    body = _norm(reply)
    for fact in q.facts:
        alts = [fact] if isinstance(fact, str) else fact
        if not any(_norm(a) in body for a in alts):
            return f"fact {alts} missing"
    return None


def evaluate(questions: list[Question], answer: Callable[[str, str], dict[str, Any]]) -> dict[str, Any]:
    """Accuracy overall and per category; ``answer(conversation_id, message)`` gives one fresh turn."""
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for i, q in enumerate(questions):
        why = check(q, answer(f"eval-{i}", q.question))
        per[q.category][0] += why is None
        per[q.category][1] += 1
        if why is not None:
            misses.append({"question": q.question, "why": why})
    right = sum(r for r, _ in per.values())
    return {"accuracy": round(right / len(questions), 3) if questions else 0.0, "right": right, "n": len(questions),
            "categories": {c: f"{r}/{n}" for c, (r, n) in sorted(per.items())}, "misses": misses}
