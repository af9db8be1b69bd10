"""Recommendation reasons in the shopper's language (Chinese and English templates)."""

from __future__ import annotations

import re
from typing import Any

LANGS = ("en", "zh")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        "because": "because you viewed {title}",
        "for_you": "recommended for you",
        "popular_in": "popular in {category}",
        "trending": "trending now",
        "similar": "similar to {title}",
        "bought_with": "often bought with {title}",
        "viewed_with": "often viewed with {title}",
    },
    "zh": {
        "because": "因为您看过 {title}",
        "for_you": "为您推荐",
        "popular_in": "{category} 热销",
        "trending": "当前热门",
        "similar": "与 {title} 相似",
        "bought_with": "常与 {title} 一起购买",
        "viewed_with": "常与 {title} 一起浏览",
    },
}


def normalize_lang(lang: str | None) -> str | None:
    """'zh', 'zh-CN', 'zh_Hans' -> 'zh'; 'en', 'en-US' -> 'en'; None/'' -> None; others are an error."""
    if not lang:
        return None
    base = lang.strip().lower().replace("_", "-").split("-")[0]
    if base not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)} (got {lang!r})")
    return base


def text_lang(text: str | None) -> str:
    """'zh' when the text has Chinese characters, else 'en'."""
    return "zh" if text and _CJK.search(text) else "en"


def product_lang(product: Any) -> str:
    """The product's language: its `language` field when zh/en, else detected from title and category."""
    try:
        lang = normalize_lang(getattr(product, "language", None))
    except ValueError:
        lang = None
    return lang or text_lang(f"{product.title} {product.category or ''}")


def reason(key: str, lang: str, **fields: Any) -> str:
    """Fill one reason template (`key` in TEMPLATES[lang]) with its fields."""
    return TEMPLATES[lang if lang in TEMPLATES else "en"][key].format(**fields)
