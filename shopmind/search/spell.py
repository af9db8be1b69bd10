"""Spelling correction from the catalog's own vocabulary (symmetric-delete lookup, Damerau distance <= 2).

Only words the catalog never uses are corrected, to the most frequent catalog word within distance 1
(or 2 for long words), so model numbers and rare-but-real words are left alone.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

WORD_RE = re.compile(r"[a-z][a-z']{2,}")


def _deletes(w: str) -> set[str]:
    return {w[:i] + w[i + 1 :] for i in range(len(w))}


def damerau(a: str, b: str, cap: int = 3) -> int:
    """Optimal-string-alignment distance (adjacent transpositions count 1), stopping early above ``cap``."""
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > cap:
            return cap + 1
        prev2, prev = prev, cur
    return prev[-1]


class Speller:
    """Catalog vocabulary with frequencies and a delete-1 index for fast candidate lookup."""

    def __init__(self, min_count: int = 1) -> None:
        self.counts: Counter[str] = Counter()
        self.index: dict[str, set[str]] = {}
        self.min_count = min_count
        self.protected: set[str] = set()  # synonyms, brands: never "corrected"

    def add_text(self, text: str) -> None:
        for w in set(WORD_RE.findall(text.lower())):
            self._add(w)

    def add_texts(self, texts: Iterable[str]) -> None:
        for t in texts:
            self.add_text(t)

    def _add(self, w: str) -> None:
        if w not in self.counts:
            for d in _deletes(w):
                self.index.setdefault(d, set()).add(w)
            self.index.setdefault(w, set()).add(w)
        self.counts[w] += 1

    def known(self, w: str) -> bool:
        return w in self.counts or w in self.protected

    def correct_word(self, w: str) -> str | None:
        """The best catalog word for an unknown ``w`` (None when known, too short, or nothing close)."""
        if len(w) < 4 or not w.isalpha() or self.known(w):
            return None
        max_d = 1 if len(w) < 7 else 2
        cands: set[str] = set(self.index.get(w, ()))
        d1 = _deletes(w)
        for d in d1:
            cands |= self.index.get(d, set())
            if d in self.counts:
                cands.add(d)
        if max_d >= 2:
            for d in d1:
                for dd in _deletes(d):
                    cands |= self.index.get(dd, set())
        best, best_key = None, None
        for c in cands:
            if self.counts.get(c, 0) < self.min_count:
                continue
            dist = damerau(w, c, cap=max_d)
            if dist > max_d:
                continue
            key = (dist, -self.counts[c], c)
            if best_key is None or key < best_key:
                best, best_key = c, key
        return best

    def correct(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """``text`` with unknown words replaced, and the (wrong, right) pairs that were replaced."""
        fixes: list[tuple[str, str]] = []

        def sub(m: re.Match) -> str:
            w = m.group(0)
            c = self.correct_word(w)
            if c and c != w:
                fixes.append((w, c))
                return c
            return w

        return WORD_RE.sub(sub, text), fixes

    def complete(self, prefix: str, limit: int = 10) -> list[str]:
        """Most frequent catalog words starting with ``prefix`` (for suggestions)."""
        p = prefix.lower()
        if not p:
            return []
        hits = [(c, w) for w, c in self.counts.items() if w.startswith(p) and w != p]
        hits.sort(key=lambda x: (-x[0], x[1]))
        return [w for _, w in hits[:limit]]
