"""Review sentiment in Chinese and English, per aspect, and per-product summaries.

Chinese goes to a stacked ensemble (``ensemble.py``) of a category-aware hashed n-gram linear model
(``catlinear.py``) and multilingual-e5-small fine-tuned with LoRA adapters (``encoderclf.py``), the
encoder read only for the ~30 % of reviews the n-gram model is least sure about; English to logistic
regression on multilingual-e5 sentence vectors (``embedclf.py``). Both ship as .npz under
shopmind/text/models/.
Aspects come from clauses that mention an aspect term (shopmind/text/lexicon/aspects.json), scored by the same model.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from shopmind.text.embedclf import EmbeddingClassifier
from shopmind.text.ensemble import member_from_arrays
from shopmind.text.normalize import detect_language

__all__ = ["SentimentAnalyzer", "load_model", "default_analyzer", "summarize", "rating_decides", "MODELS_DIR",
           "split_clauses"]

MODELS_DIR = Path(__file__).resolve().parent / "models"
TRAIN_HINT = "python benchmarks/text_sentiment.py --train-default"
_CLAUSE_RE = re.compile(r"[。！？!?；;，,\n]+|\s(?:but|however|although|though|except)\s|但是|不过|可是|就是|只是|然而")
POS_THRESHOLD = 0.5


def load_model(path: str | Path):
    """A saved sentiment model (.npz) of any kind: linear-ngram, category-ngram, char-cnn, encoder-lora,
    ensemble (stacked members: the shipped Chinese default) or embedding-lr (the shipped English default)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"sentiment model {path} not found (train it with: {TRAIN_HINT})")
    with np.load(path, allow_pickle=False) as z:
        kind = json.loads(str(z["meta"])).get("kind")
        if kind == "embedding-lr":
            return EmbeddingClassifier.load(path)
        return member_from_arrays(z, str(path))


@lru_cache(maxsize=1)
def _aspects() -> dict[str, list[str]]:
    raw = json.loads(resources.files("shopmind.text").joinpath("lexicon/aspects.json").read_text("utf-8"))
    return {k: v for k, v in raw.items() if not k.startswith("_")}


@lru_cache(maxsize=1)
def _aspect_re() -> list[tuple[str, re.Pattern]]:
    out = []
    for aspect, terms in _aspects().items():
        en = [re.escape(t) for t in terms if t.isascii()]
        zh = [re.escape(t) for t in terms if not t.isascii()]
        parts = []
        if en:
            parts.append(rf"\b(?:{'|'.join(sorted(en, key=len, reverse=True))})\b")
        if zh:
            parts.append("|".join(sorted(zh, key=len, reverse=True)))
        out.append((aspect, re.compile("|".join(parts))))
    return out


def split_clauses(text: str) -> list[str]:
    """Clauses of a review, split at punctuation and at contrast words ("but", "但是")."""
    return [c.strip() for c in _CLAUSE_RE.split(text) if c and len(c.strip()) >= 2]


def find_aspects(clause: str) -> list[str]:
    low = clause.lower()
    return [a for a, pat in _aspect_re() if pat.search(low)]


class SentimentAnalyzer:
    """Routes each text to the model of its language; scores are p(positive) in [0, 1]."""

    def __init__(self, zh: Any, en: Any) -> None:
        self.models = {"zh": zh, "en": en}

    @classmethod
    def from_dir(cls, directory: str | Path = MODELS_DIR) -> "SentimentAnalyzer":
        d = Path(directory)
        return cls(load_model(d / "sentiment_zh.npz"), load_model(d / "sentiment_en.npz"))

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """p(positive) per text, each by its language's model, batched per language; a text that
        occurs several times is scored once (review clauses repeat: "battery life is great")."""
        texts = list(texts)
        for i, t in enumerate(texts):
            if not isinstance(t, str):
                raise TypeError(f"sentiment: text {i} is {type(t).__name__}, expected str")
        unique = list(dict.fromkeys(texts))
        scores = np.zeros(len(unique), np.float32)
        by_lang: dict[str, list[int]] = {"zh": [], "en": []}
        for i, t in enumerate(unique):
            by_lang[detect_language(t)].append(i)
        for lang, idx in by_lang.items():
            if idx:
                scores[idx] = self.models[lang].predict_proba([unique[i] for i in idx])
        pos = {t: i for i, t in enumerate(unique)}
        return scores[[pos[t] for t in texts]] if texts else scores

    def analyze_many(self, texts: Sequence[str], overall: Sequence[bool] | None = None) -> list[dict[str, Any]]:
        """Per text: label, score, language and aspects [{aspect, polarity, score, text}].

        ``overall`` (one flag per text, default all): whether to score the whole text; where False,
        label and score are None and only the aspect clauses are scored (what ``summarize`` needs for
        a review whose star rating already decides it)."""
        texts = list(texts)
        want = [True] * len(texts) if overall is None else [bool(x) for x in overall]
        if len(want) != len(texts):
            raise ValueError(f"analyze_many: {len(texts)} texts but {len(want)} overall flags")
        scored = [i for i, w in enumerate(want) if w]
        overall_scores: list[float | None] = [None] * len(texts)
        for i, s in zip(scored, self.score([texts[i] for i in scored]) if scored else []):
            overall_scores[i] = float(s)
        clause_refs: list[tuple[int, str, list[str]]] = []
        for i, t in enumerate(texts):
            for c in split_clauses(t):
                asp = find_aspects(c)
                if asp:
                    clause_refs.append((i, c, asp))
        clause_scores = self.score([c for _, c, _ in clause_refs]) if clause_refs else np.zeros(0)
        results = [
            {"label": None if s is None else "positive" if s >= POS_THRESHOLD else "negative",
             "score": None if s is None else round(s, 4), "language": detect_language(t), "aspects": []}
            for t, s in zip(texts, overall_scores)
        ]
        for (i, c, asp), s in zip(clause_refs, clause_scores):
            for a in asp:
                results[i]["aspects"].append(
                    {"aspect": a, "polarity": "positive" if s >= POS_THRESHOLD else "negative",
                     "score": round(float(s), 4), "text": c}
                )
        return results

    def analyze(self, text: str) -> dict[str, Any]:
        return self.analyze_many([text])[0]


def rating_decides(rating: float | None) -> bool:
    """A star rating other than 3 decides a review's polarity in ``summarize`` (the model is not asked)."""
    return rating is not None and rating != 3


def summarize(analyses: Iterable[dict[str, Any]], ratings: Iterable[float | None] | None = None, top: int = 3) -> dict[str, Any]:
    """Per-product review summary: share positive (a rating >= 4 / <= 2 decides when given, else the
    model), and the most praised and most complained-about aspects with counts."""
    analyses = list(analyses)
    ratings = list(ratings) if ratings is not None else [None] * len(analyses)
    pos = neg = 0
    praised: Counter[str] = Counter()
    complained: Counter[str] = Counter()
    for a, r in zip(analyses, ratings):
        if rating_decides(r):
            is_pos = r >= 4
        else:
            is_pos = a["label"] == "positive"
        pos += is_pos
        neg += not is_pos
        seen = set()
        for asp in a.get("aspects", []):
            key = (asp["aspect"], asp["polarity"])
            if key in seen:
                continue
            seen.add(key)
            (praised if asp["polarity"] == "positive" else complained)[asp["aspect"]] += 1
    n = len(analyses)
    return {
        "n": n,
        "share_positive": round(pos / n, 4) if n else None,
        "praised": [{"aspect": k, "count": v} for k, v in praised.most_common(top)],
        "complained": [{"aspect": k, "count": v} for k, v in complained.most_common(top)],
    }


_default: SentimentAnalyzer | None = None


def default_analyzer() -> SentimentAnalyzer:
    """The shipped models (process-wide)."""
    global _default
    if _default is None:
        _default = SentimentAnalyzer.from_dir(MODELS_DIR)
    return _default
