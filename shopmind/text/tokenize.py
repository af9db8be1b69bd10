"""The search/index analyzer: one pass over mixed Chinese/English text to normalized terms.

Chinese runs go through jieba (with the shop's brands/models/categories added by ``add_words``), Latin
runs are lowercased, Snowball-stemmed (PyStemmer) and stopword-filtered, and tokens with digits (model
numbers "mate60", "sm-g991b", sizes "128gb", "13.3in") are kept whole and unstemmed.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from importlib import resources
from typing import Iterable

import Stemmer

from shopmind.text.normalize import CJK_RE, normalize

__all__ = ["tokenize", "add_words", "stopwords", "reload_stopwords", "stem", "TOKENIZER_VERSION"]

#: bump when the analyzer's output changes, so indexes built with an older one can be rebuilt
TOKENIZER_VERSION = "2"

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# a Chinese run, or a Latin/digit run joined by - _ . / (kept together only when it has a digit)
_RUN_RE = re.compile(rf"([{_CJK}]+)|([a-z0-9]+(?:['\-_./][a-z0-9]+)*)")
_SPLIT_RE = re.compile(r"[\-_./]+")
_DIGIT_RE = re.compile(r"\d")
_ALPHA_RE = re.compile(r"[a-z]")

_lock = threading.Lock()
_jieba = None
_stemmer = Stemmer.Stemmer("english")
_stopwords: dict[str, frozenset[str]] = {}
_user_words: set[str] = set()
_pending: list[tuple[str, int | None]] = []  # shop words waiting for jieba's first load (English-only shops never load it)


def _load_stopwords(lang: str) -> frozenset[str]:
    text = resources.files("shopmind.text").joinpath(f"stopwords/{lang}.txt").read_text("utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def stopwords(lang: str) -> frozenset[str]:
    """The project's editable stopword list for "en" or "zh" (shopmind/text/stopwords/<lang>.txt)."""
    if lang not in ("en", "zh"):
        raise ValueError(f"stopwords: lang must be 'en' or 'zh', got {lang!r}")
    if lang not in _stopwords:
        _stopwords[lang] = _load_stopwords(lang)
    return _stopwords[lang]


def reload_stopwords() -> None:
    """Re-read the stopword files (after editing them) and forget cached analyses."""
    _stopwords.clear()
    _tokenize_cached.cache_clear()


def _get_jieba():
    """The jieba tokenizer, initialised once per process (about 1 s)."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _add_lexicon_words(jieba)
                for w, f in _pending:
                    jieba.add_word(w, f)
                _pending.clear()
                _jieba = jieba
    return _jieba


def _add_lexicon_words(jb) -> None:
    """The bundled lexicon's Chinese brands/categories/colors/materials, so that every process splits
    "手机壳" or "蓝牙耳机" the same way whether or not a shop gazetteer was built yet."""
    from shopmind.text.gazetteer import load_lexicon

    lex = load_lexicon()
    for type_ in ("brand", "category", "color", "material", "size"):
        for aliases in lex.get(type_, {}).values():
            for a in aliases:
                if CJK_RE.search(a) and len(a) >= 2 and a not in _user_words:
                    jb.add_word(a)
                    _user_words.add(a)


def add_words(words: Iterable[str], freq: int | None = None) -> int:
    """Add shop vocabulary (brands, models, categories) to jieba's dictionary; returns how many were new.

    Only words with Chinese characters matter to jieba (Latin/digit runs are never split). Before jieba's
    first use they are kept and added when it loads (~1-5 s that an English-only catalog never pays)."""
    added = 0
    with _lock:
        for w in words:
            if not w:
                continue
            w = normalize(str(w)).replace(" ", "")
            if not CJK_RE.search(w) or w in _user_words or len(w) < 2:
                continue
            if _jieba is None:
                _pending.append((w, freq))
            else:
                _jieba.add_word(w, freq)
            _user_words.add(w)
            added += 1
    if added:
        _tokenize_cached.cache_clear()
    return added


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball English stem of one lowercase word (cached)."""
    return _stemmer.stemWord(word)


def _latin_terms(run: str, out: list[str], sw_en: frozenset[str]) -> None:
    if "'" in run:
        run = run.replace("'s", "").replace("'", "")
    if _DIGIT_RE.search(run):
        run = run.strip("-_./")
        parts = run.split("/")
        if len(parts) > 1 and all(_ALPHA_RE.search(p) for p in parts):
            out.extend(p for p in parts if p)  # "16gb/512gb" -> two sizes; "1/2" stays a fraction
        else:
            out.append(run)  # model numbers and sizes stay whole, unstemmed
        return
    for part in _SPLIT_RE.split(run) if not run.isalnum() else (run,):
        if part and part not in sw_en:
            out.append(stem(part))


@lru_cache(maxsize=50_000)
def _tokenize_cached(text: str, search_mode: bool) -> tuple[str, ...]:
    t = normalize(text)
    sw_en, sw_zh = stopwords("en"), stopwords("zh")
    out: list[str] = []
    for m in _RUN_RE.finditer(t):
        cjk, latin = m.group(1), m.group(2)
        if latin:
            _latin_terms(latin, out, sw_en)
            continue
        jb = _get_jieba()
        words = jb.cut_for_search(cjk) if search_mode else jb.cut(cjk)
        out.extend(w for w in words if w not in sw_zh)
    return tuple(out)


def tokenize(text: str, lang: str | None = None, search_mode: bool = False) -> list[str]:
    """Terms of ``text`` for indexing and querying (same analyzer on both sides).

    ``lang`` ("zh", "en" or None) is accepted for symmetry: mixed text is always split by script.
    ``search_mode`` adds jieba's finer sub-words of long Chinese words ("手机保护壳" -> also "手机",
    "保护") for recall; use the same setting for the index and its queries.
    """
    if lang not in (None, "zh", "en"):
        raise ValueError(f"tokenize: lang must be 'zh', 'en' or None, got {lang!r}")
    if not isinstance(text, str):
        raise TypeError(f"tokenize expects str, got {type(text).__name__}")
    return list(_tokenize_cached(text, search_mode))
