"""Loaders for the search benchmark data sets (Home Depot, Crowdflower, Icecat) as ProductIn records.

Crowdflower has no product ids: a product is one distinct (title, description) pair, id = hash of it,
and its judgments file (query,product_id,grade) is written next to the store by ``crowdflower``.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pandas as pd

from shopmind.config import data_dir
from shopmind.kb.models import ProductIn


def homedepot(root: Path | None = None) -> tuple[list[ProductIn], Path]:
    d = (root or data_dir()) / "search" / "homedepot"
    df = pd.read_csv(d / "products.csv", dtype={"product_id": str})
    prods = [ProductIn(id=r.product_id, title=r.title, language="en") for r in df.itertuples()]
    return prods, d / "judgments.csv"


def crowdflower(out_dir: Path, root: Path | None = None) -> tuple[list[ProductIn], Path]:
    d = (root or data_dir()) / "search" / "crowdflower"
    with zipfile.ZipFile(d / "train.csv.zip") as z, z.open("train.csv") as f:
        df = pd.read_csv(f)
    df["product_description"] = df["product_description"].fillna("")
    key = (df["product_title"] + "\x1f" + df["product_description"]).map(
        lambda s: "cf-" + hashlib.sha1(s.encode("utf-8")).hexdigest()[:12])
    df["product_id"] = key
    prods, seen = [], set()
    for r in df.itertuples():
        if r.product_id in seen:
            continue
        seen.add(r.product_id)
        prods.append(ProductIn(id=r.product_id, title=r.product_title[:2000],
                               description=r.product_description or None, language="en"))
    j = df.groupby(["query", "product_id"], as_index=False)["median_relevance"].max()
    j = j.rename(columns={"median_relevance": "grade"})
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "crowdflower_judgments.csv"
    j[["query", "product_id", "grade"]].to_csv(path, index=False)
    return prods, path


def icecat(root: Path | None = None) -> list[ProductIn]:
    d = (root or data_dir()) / "search" / "icecat"
    prods: list[ProductIn] = []
    for i in range(1, 5):
        with zipfile.ZipFile(d / f"icecat-products-{i}.json.zip") as z:
            rows = json.load(z.open(z.namelist()[0]))
        for r in rows:
            attrs = {}
            for k, v in r.items():
                if k.startswith("attr_t_") or k.startswith("attr_n_"):
                    if v is None or v == "":
                        continue
                    attrs[k[7:]] = v if not isinstance(v, list) else ", ".join(map(str, v))
            prods.append(ProductIn(
                id=str(r["id"]), title=(r.get("title") or r.get("name") or str(r["id"]))[:2000],
                brand=r.get("supplier") or None, price=(r["price"] / 100.0) if r.get("price") else None,
                currency="EUR", description=r.get("short_description") or None,
                ean=",".join(r.get("ean") or []) or None, attributes=attrs, language="en",
                images=[r["img_500x500"]] if r.get("img_500x500") else [],
            ))
    return prods
