"""Normalization and the search analyzer on real titles and reviews (exact expected tokens)."""

from __future__ import annotations

import pandas as pd
import pytest

from shopmind.text import detect_language, normalize, tokenize
from shopmind.text.normalize import cn_to_number
from shopmind.text.tokenize import add_words, stopwords


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("１２８ G 内存", "128gb 内存"),
        ("8G+256G", "8gb+256gb"),
        ("iPhone 15 128GB", "iphone 15 128gb"),
        ("13.3英寸 笔记本", "13.3in 笔记本"),
        ("十二寸披萨", "12in披萨"),
        ("1.5L 电热水壶", "1.5l 电热水壶"),
        ("5000 mAh", "5000mah"),
        ("500g 坚果", "500g 坚果"),
        ("2 in 1 cable", "2 in 1 cable"),
        ('15.6" Laptop', "15.6in laptop"),
        ("15.6″ Laptop", "15.6in laptop"),
        ("1,299.99 USD", "1299.99 usd"),
        ("1T固态", "1tb固态"),
        ("電腦　顯示器", "电脑 显示器"),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_cn_numbers_and_language():
    assert [cn_to_number(s) for s in ("十二", "一百零五", "两", "三千五百", "二十")] == [12, 105, 2, 3500, 20]
    assert cn_to_number("abc") is None
    assert detect_language("华为Mate60 Pro 手机壳") == "zh"
    assert detect_language("Samsung Galaxy S23 Ultra") == "en"
    assert detect_language("The 华 character in a long English sentence about phones") == "en"


def test_tokenize_mixed_script_and_models():
    # lexicon words ("手机壳", "蓝牙耳机") stay whole; search_mode adds their parts for recall
    assert tokenize("华为Mate60 Pro 手机壳") == ["华为", "mate60", "pro", "手机壳"]
    assert tokenize("我想买一个300元以内的蓝牙耳机") == ["300", "元", "以内", "蓝牙耳机"]
    assert tokenize("蓝牙耳机", search_mode=True) == ["蓝牙", "耳机", "蓝牙耳机"]
    assert tokenize('Lenovo ThinkPad X1 Carbon 14" i7-1165G7 16GB/512GB SSD') == [
        "lenovo", "thinkpad", "x1", "carbon", "14in", "i7-1165g7", "16gb", "512gb", "ssd"]
    assert tokenize("Women's running shoes, size 8") == ["women", "run", "shoe", "size", "8"]
    assert tokenize("all-in-one printer wi-fi") == ["all", "one", "printer", "wi", "fi"]


def test_tokenize_real_home_depot_titles(data_dir):
    titles = pd.read_csv(data_dir / "search/homedepot/products.csv").set_index("product_id")["title"]
    assert tokenize(titles[100006]) == [
        "whirlpool", "1.9", "cu", "ft", "over", "rang", "convect", "microwav", "stainless", "steel", "sensor", "cook"]
    assert tokenize(titles[100009]) == ["hous", "fara", "3/4", "x", "3", "x", "8ft", "mdf", "flute", "case"]
    assert tokenize(titles[100010]) == ["valley", "view", "industri", "metal", "stake", "4-pack"]


def test_tokenize_real_chinese_reviews(data_dir):
    reviews = pd.read_csv(data_dir / "reviews/online-shopping-zh/reviews.csv")["review"]
    assert tokenize(reviews[20000]) == [
        "衣服", "物流", "蛮", "快", "试穿", "满", "修身", "材料", "不错", "还会", "再", "来"]
    toks = tokenize(reviews[0])
    assert toks[:6] == ["不错", "一条", "牛仔裤", "颜色", "很正", "穿着"]
    assert "的" not in toks and "，" not in toks


def test_add_words_keeps_shop_vocabulary_whole():
    add_words(["小米手环"])
    assert tokenize("小米手环8 NFC版") == ["小米手环", "8", "nfc", "版"]
    assert tokenize("手机保护壳", search_mode=True) == ["手机", "保护", "保护壳"]


def test_stopword_lists_are_the_project_files():
    assert {"the", "and", "of"} <= stopwords("en")
    assert {"的", "了", "吗"} <= stopwords("zh")
    with pytest.raises(ValueError):
        stopwords("fr")
    with pytest.raises(TypeError):
        tokenize(None)  # type: ignore[arg-type]
