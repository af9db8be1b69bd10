"""Cited answers: sentences, each factual one tied to its sources, rendered as text with [n] markers
plus a citations list; and the bilingual formatting helpers every template shares."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


def fmt_date(ts: float | None) -> str:
    """Unix seconds -> YYYY-MM-DD (UTC), the one date format answers and the grounding check use."""
    if ts is None:
        return ""
    return dt.datetime.fromtimestamp(float(ts), tz=dt.timezone.utc).date().isoformat()


def fmt_num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if isinstance(x, float) else str(x)


def fmt_money(amount: float | None, currency: str | None, lang: str) -> str:
    if amount is None:
        return "?"
    cur = (currency or "").upper()
    if lang == "zh" and cur in ("CNY", ""):
        return f"{fmt_num(float(amount))}元"
    return f"{fmt_num(float(amount))} {cur}".strip()


def fmt_value(v: Any, lang: str) -> str:
    if isinstance(v, bool):
        return ("是" if v else "否") if lang == "zh" else ("yes" if v else "no")
    if isinstance(v, float):
        return fmt_num(v)
    return str(v)


@dataclass
class Source:
    id: str  # "doc:returns-en", "product:P1", "order:A-1001"
    type: str  # document | product | order
    title: str
    snippet: str = ""

    def as_dict(self, n: int) -> dict:
        kind, _, raw = self.id.partition(":")
        return {"n": n, "id": self.id, "type": self.type, "ref": raw, "title": self.title, "snippet": self.snippet}


@dataclass
class Sentence:
    text: str
    sources: list[str] = field(default_factory=list)


class Answer:
    """What a handler builds: ``say`` for plain sentences, ``fact`` for sentences that need sources."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.sentences: list[Sentence] = []
        self.sources: dict[str, Source] = {}
        self.actions: list[dict] = []

    def source(self, sid: str, type_: str, title: str, snippet: str = "") -> str:
        if sid not in self.sources:
            self.sources[sid] = Source(sid, type_, title, snippet[:300])
        return sid

    def say(self, text: str) -> "Answer":
        self.sentences.append(Sentence(text))
        return self

    def fact(self, text: str, *sources: str) -> "Answer":
        if not sources:
            raise ValueError("a fact needs at least one source")
        unknown = [s for s in sources if s not in self.sources]
        if unknown:
            raise ValueError(f"fact cites unregistered source(s): {unknown}")
        self.sentences.append(Sentence(text, list(sources)))
        return self

    def action(self, type_: str, **kw: Any) -> "Answer":
        self.actions.append({"type": type_, **kw})
        return self

    @property
    def has_facts(self) -> bool:
        return any(s.sources for s in self.sentences)

    def render(self) -> tuple[str, list[dict]]:
        """Reply text with [n] after each cited sentence, and the citations in order of first use."""
        order: list[str] = []
        parts = []
        for s in self.sentences:
            nums = []
            for sid in s.sources:
                if sid not in order:
                    order.append(sid)
                nums.append(order.index(sid) + 1)
            marker = "".join(f"[{n}]" for n in nums)
            text = s.text.strip()
            if marker:
                # marker before the final punctuation: "... 30 days [1]." / "……30天[1]。"
                if text and text[-1] in ".。!！?？":
                    text = f"{text[:-1]}{' ' if self.lang != 'zh' else ''}{marker}{text[-1]}"
                else:
                    text = f"{text}{' ' if self.lang != 'zh' else ''}{marker}"
            parts.append(text)
        sep = "" if self.lang == "zh" else " "
        reply = sep.join(p for p in parts if p)
        citations = [self.sources[sid].as_dict(i + 1) for i, sid in enumerate(order)]
        return reply, citations
