"""Catalog health per category: missing fields, key attributes, duplicates, robust unusual prices."""

from __future__ import annotations

import json

from shopmind.kb.models import ProductIn
from shopmind.kb.quality import quality_report, robust_z


def _phones() -> list[ProductIn]:
    prices = [499, 529, 549, 599, 619, 649, 699, 749, 799, 899]
    out = [
        ProductIn(id=f"p{i}", title=f"Acme Phone X{i} 128GB", brand="Acme", category="Phones",
                  price=float(pr), currency="USD", description="A phone.",
                  attributes={"storage_gb": 128, "colour": "black"})
        for i, pr in enumerate(prices)
    ]
    out += [
        ProductIn(id="cheap", title="Acme Phone Z 128GB", brand="Acme", category="Phones", price=4.99,
                  currency="USD", description="Typo in the price?", attributes={"storage_gb": 128, "colour": "red"}),
        ProductIn(id="gold", title="Acme Phone Gold 128GB", brand="Acme", category="Phones", price=99999.0,
                  currency="USD", description="Solid gold.", attributes={"storage_gb": 128, "colour": "gold"}),
        ProductIn(id="nobrand", title="Unknown phone 64GB", category="Phones", price=300.0, currency="USD",
                  description="?", attributes={"storage_gb": 64, "colour": "blue"}),
        ProductIn(id="nodesc", title="Acme Phone Q 256GB", brand="Acme", category="Phones", price=650.0,
                  currency="USD", attributes={"storage_gb": 256}),
        ProductIn(id="noprice", title="Acme Phone R 64GB", brand="Acme", category="Phones",
                  description="Soon.", attributes={"colour": "white"}),
        ProductIn(id="twin", title="Acme Phone X3 128GB", brand="Acme", category="Phones", price=599.0,
                  currency="USD", description="A phone.", attributes={"storage_gb": 128, "colour": "black"}),
        ProductIn(id="free", title="Acme sticker", brand="Acme", category="Phones", price=0.0, currency="USD",
                  description="Gift.", attributes={"storage_gb": 0, "colour": "none"}),
    ]
    return out


def test_quality_report_is_the_keepers_todo_list(store):
    store.upsert_products(_phones())
    store.upsert_products([ProductIn(id="b1", title="A book", category="Books > Fiction", brand="Pub",
                                     price=12.0, currency="CNY", description="Words.")])
    rep = quality_report(store)
    json.dumps(rep)  # JSON-able for the CLI and the API
    assert rep["products"] == 18
    phones = next(c for c in rep["categories"] if c["category"] == "Phones")
    assert rep["categories"][0] is phones  # worst first
    assert phones["products"] == 17
    assert (phones["missing_brand"], phones["missing_price"], phones["missing_description"]) == (1, 1, 1)
    assert phones["todo"]["missing_brand"] == ["nobrand"] and phones["todo"]["missing_price"] == ["noprice"]
    assert sorted(phones["key_attributes"]) == ["colour", "storage_gb"]
    assert sorted(phones["todo"]["missing_key_attributes"]) == ["nodesc", "noprice"]
    assert phones["duplicates"] == 2 and set(phones["todo"]["duplicates"]) == {"p3", "twin"}
    odd = {r["id"]: r for r in phones["todo"]["unusual_prices"]}
    assert set(odd) == {"cheap", "gold", "free"}
    assert odd["gold"]["z"] > 3.5 and odd["cheap"]["z"] < -3.5 and odd["free"]["why"] == "zero price"
    books = next(c for c in rep["categories"] if c["category"] == "Books > Fiction")
    assert books["products_with_issues"] == 0 and books["health"] == 1.0
    assert rep["totals"]["missing_brand"] == 1 and rep["duplicate_groups"] == {"title": 1}


def test_configured_key_attributes_override_inferred(store):
    store.upsert_products(_phones())
    store.set_meta("quality.key_attributes", {"Phones": ["storage_gb", "battery_mah"]})
    phones = quality_report(store)["categories"][0]
    assert phones["key_attributes"] == ["storage_gb", "battery_mah"]
    assert phones["missing_key_attributes"] == 17


def test_robust_z_is_not_masked_by_the_outlier_itself():
    values = [10.0, 11.0, 9.5, 10.5, 10.2, 9.8, 1000.0]
    z = robust_z(values)
    assert z[-1] > 100 and max(abs(v) for v in z[:-1]) < 3.5
    assert robust_z([5.0] * 6) == [0.0] * 6
