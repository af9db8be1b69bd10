"""Reason templates: language codes, product language detection, zh/en texts."""

from __future__ import annotations

import pytest

from shopmind.kb.models import ProductIn
from shopmind.recommend.reasons import normalize_lang, product_lang, reason


def test_normalize_lang():
    assert normalize_lang("zh-CN") == "zh" and normalize_lang("zh_Hans") == "zh" and normalize_lang("EN-us") == "en"
    assert normalize_lang(None) is None and normalize_lang("") is None
    with pytest.raises(ValueError, match="lang"):
        normalize_lang("de")


def test_product_language_and_templates():
    tea = ProductIn(id="t1", title="西湖龙井 明前特级", category="食品 > 茶叶")
    cream = ProductIn(id="c1", title="Hydrating face cream", category="Beauty > Skin")
    tagged = ProductIn(id="x", title="ABC 123", language="zh")
    assert product_lang(tea) == "zh" and product_lang(cream) == "en" and product_lang(tagged) == "zh"
    assert reason("popular_in", "zh", category="茶叶") == "茶叶 热销"
    assert reason("because", "zh", title="龙井") == "因为您看过 龙井"
    assert reason("similar", "zh", title="龙井") == "与 龙井 相似"
    assert reason("popular_in", "en", category="Tea") == "popular in Tea"
