"""Building blocks of the hand-written demo catalog: product families and their variant axes.

A family is one model line (e.g. "Xiaomi 14") in one language; its variant axes (colour, storage,
size...) expand into the individual products the demo shop sells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Axis = list[tuple[str, dict[str, Any], float]]  # (label in title, attributes, price delta)


@dataclass
class Family:
    """One product line in one language; ``axes`` multiply into variants (at most ``limit``)."""

    key: str
    lang: str
    brand: str
    title: str
    category: str
    price: float
    kind: str
    desc: str
    attrs: dict[str, Any] = field(default_factory=dict)
    axes: list[Axis] = field(default_factory=list)
    limit: int | None = None


# Category paths, one per (kind, language).
CATEGORY = {
    "phone": ("数码 > 手机", "Electronics > Phones"),
    "laptop": ("电脑办公 > 笔记本电脑", "Electronics > Computers > Laptops"),
    "tablet": ("数码 > 平板电脑", "Electronics > Tablets"),
    "headphones": ("数码 > 耳机", "Electronics > Audio > Headphones"),
    "watch": ("数码 > 智能穿戴 > 智能手表", "Electronics > Wearables > Smart Watches"),
    "air_fryer": ("家电 > 厨房电器 > 空气炸锅", "Home Appliances > Kitchen > Air Fryers"),
    "rice_cooker": ("家电 > 厨房电器 > 电饭煲", "Home Appliances > Kitchen > Rice Cookers"),
    "vacuum": ("家电 > 清洁电器 > 吸尘器", "Home Appliances > Cleaning > Vacuum Cleaners"),
    "water_heater": ("家电 > 卫浴电器 > 热水器", "Home Appliances > Bathroom > Water Heaters"),
    "shoes": ("服装鞋靴 > 运动鞋", "Clothing > Shoes"),
    "jacket": ("服装鞋靴 > 外套", "Clothing > Jackets"),
    "tshirt": ("服装鞋靴 > T恤", "Clothing > T-Shirts"),
    "dress": ("服装鞋靴 > 连衣裙", "Clothing > Dresses"),
    "book": ("图书", "Books"),
    "tea": ("食品 > 茶叶", "Food > Tea"),
    "snack": ("食品 > 零食", "Food > Snacks"),
    "fruit": ("食品 > 生鲜水果", "Food > Fresh Fruit"),
    "skincare": ("美妆个护 > 护肤", "Beauty & Personal Care > Skin Care"),
    "personal_care": ("美妆个护 > 个护电器", "Beauty & Personal Care > Personal Care Appliances"),
    "sports": ("运动户外 > 健身装备", "Sports & Outdoors > Fitness"),
    "outdoor": ("运动户外 > 户外装备", "Sports & Outdoors > Outdoor Gear"),
}

# Top-level groups the tests check for both languages.
GROUPS = {
    "phone": "phones", "laptop": "laptops", "tablet": "tablets", "headphones": "headphones",
    "watch": "smart watches", "air_fryer": "home appliances", "rice_cooker": "home appliances",
    "vacuum": "home appliances", "water_heater": "home appliances", "shoes": "clothing",
    "jacket": "clothing", "tshirt": "clothing", "dress": "clothing", "book": "books", "tea": "food",
    "snack": "food", "fruit": "food", "skincare": "beauty", "personal_care": "beauty",
    "sports": "sports", "outdoor": "sports",
}


def cat(kind: str, lang: str) -> str:
    zh, en = CATEGORY[kind]
    return zh if lang == "zh" else en


def colors(lang: str, *names: str) -> Axis:
    """A colour axis: the label is the colour name, stored as 颜色 / color."""
    key = "颜色" if lang == "zh" else "color"
    return [(n, {key: n}, 0.0) for n in names]


def axis(key: str, *options: tuple[str, float]) -> Axis:
    """A one-attribute axis, e.g. axis("storage", ("256GB", 0), ("512GB", 100))."""
    return [(label, {key: label}, float(delta)) for label, delta in options]


def mem(lang: str, *options: tuple[str, str, float]) -> Axis:
    """Memory + storage axis: ("12GB", "256GB", delta) labelled "12GB+256GB" (zh) or "12GB/256GB"."""
    km, ks = ("内存", "存储") if lang == "zh" else ("memory", "storage")
    sep = "+" if lang == "zh" else "/"
    return [(f"{m}{sep}{s}", {km: m, ks: s}, float(d)) for m, s, d in options]


def storage(lang: str, *options: tuple[str, float]) -> Axis:
    return axis("存储" if lang == "zh" else "storage", *options)


def sizes(lang: str, *options: tuple[str, float]) -> Axis:
    """Capacity / pack size axis labelled in the title (净含量 / size)."""
    return axis("规格" if lang == "zh" else "size", *options)
