"""Each ingest format on real slices of ../shared/data (written to temp files), detection, mapping."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from shopmind.kb.formats import detect_format
from shopmind.kb.formats.crowdflower import product_id
from shopmind.kb.ingest import IngestError, ingest_file

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "kb"


@pytest.fixture(scope="module")
def icecat_slice(data_dir, tmp_path_factory):
    """The first 200 Icecat products, re-zipped like the originals; returns (path, records)."""
    with zipfile.ZipFile(data_dir / "search/icecat/icecat-products-1.json.zip") as z:
        records = json.loads(z.read(z.namelist()[0]))[:200]
    path = tmp_path_factory.mktemp("icecat") / "icecat-slice.json.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("1.json", json.dumps(records))
    return path, records


@pytest.fixture(scope="module")
def homedepot_slice(data_dir, tmp_path_factory):
    """The first 300 Home Depot products plus one row written in Windows-1252 (é as byte 0xE9)."""
    lines = (data_dir / "search/homedepot/products.csv").read_bytes().splitlines(keepends=True)[:301]
    path = tmp_path_factory.mktemp("homedepot") / "products.csv"
    path.write_bytes(b"".join(lines) + b"999999,Caf\xe9 table 30 in. Round\n")
    return path, lines


@pytest.fixture(scope="module")
def crowdflower_slice(data_dir, tmp_path_factory):
    """The first 300 Crowdflower query rows plus 100 rows of products the file repeats for other
    queries, zipped as train.csv.zip; returns (path, rows)."""
    with zipfile.ZipFile(data_dir / "search/crowdflower/train.csv.zip") as z:
        text = z.read("train.csv").decode("utf-8")
    every = list(csv.DictReader(io.StringIO(text)))
    keys = Counter((r["product_title"], r["product_description"]) for r in every)
    repeated = [r for r in every[300:] if keys[(r["product_title"], r["product_description"])] > 1]
    rows = every[:300] + repeated[:100]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    path = tmp_path_factory.mktemp("crowdflower") / "train.csv.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("train.csv", buf.getvalue())
    return path, rows


def test_icecat_slice_maps_supplier_cents_and_typed_attributes(store, icecat_slice):
    path, records = icecat_slice
    assert detect_format(path) == "icecat"
    rep = ingest_file(store, path)
    assert (rep.inserted, rep.rejected, rep.exit_code) == (len(records), 0, 0)
    assert rep.formats == ["icecat"] and store.count_products() == len(records)
    for rec in records[:50]:
        p = store.get_product(rec["id"])
        assert p.title == rec["title"] and p.brand == rec["supplier"]
        assert p.price == pytest.approx(rec["price"] / 100) and p.currency == "EUR"
        assert p.ean == ",".join(rec["ean"])
        assert p.description == rec.get("short_description")
        assert rec["img_500x500"] in p.images and rec["img_thumb"] in p.images
        for k, v in rec.items():
            if k.startswith("attr_n_"):
                key = k[7:].strip("_").replace("__", "_")
                found = [p.attributes[a] for a in p.attributes if a.startswith(key)]
                assert found and isinstance(found[0], (int, float)), k
            if k.startswith("attr_t_"):
                assert v in p.attributes.values(), k
        assert not any(a.startswith(("attr_", "_")) or "__" in a for a in p.attributes)
        assert p.attributes["model"] == rec["name"]


def test_homedepot_slice_reads_legacy_bytes(store, homedepot_slice):
    path, lines = homedepot_slice
    assert detect_format(path) == "homedepot"
    rep = ingest_file(store, path)
    assert rep.rejected == 0 and rep.inserted == len(lines) - 1 + 1
    first_id, first_title = lines[1].decode().rstrip("\r\n").split(",", 1)
    assert store.get_product(first_id).title == first_title.strip('"')
    assert store.get_product("999999").title == "Café table 30 in. Round"


def test_crowdflower_slice_dedupes_repeats_with_stable_ids(store, crowdflower_slice):
    path, rows = crowdflower_slice
    assert detect_format(path) == "crowdflower"
    distinct = {(r["product_title"].strip(), r["product_description"].strip()) for r in rows}
    rep = ingest_file(store, path)
    assert rep.inserted == len(distinct) and rep.rejected == 0
    assert rep.skipped == len(rows) - len(distinct) > 0
    t, d = next(iter(distinct))
    p = store.get_product(product_id(t, d))
    assert p is not None and p.title == t and (p.description or "") == d
    again = ingest_file(store, path)  # same ids again: nothing changes
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, len(distinct))


def test_generic_jsonl_json_array_and_forced_csv(store, tmp_path, homedepot_slice):
    _, lines = homedepot_slice
    rows = list(csv.DictReader(io.StringIO(b"".join(lines).decode())))[:40]
    jl = tmp_path / "p.jsonl"
    jl.write_text("\n".join(json.dumps({"id": r["product_id"], "title": r["title"]}) for r in rows[:20]))
    arr = tmp_path / "p.json"
    arr.write_text(json.dumps({"products": [{"product_id": r["product_id"], "name": r["title"]}
                                            for r in rows[20:]]}))
    txt = tmp_path / "p.data"
    txt.write_text("product_id\ttitle\n" + "".join(f"{r['product_id']}\t{r['title']}\n" for r in rows[:5]))
    assert (detect_format(jl), detect_format(arr)) == ("jsonl", "json")
    assert ingest_file(store, jl).inserted == 20
    assert ingest_file(store, arr).inserted == 20  # aliases: product_id -> id, name -> title
    with pytest.raises(IngestError, match="unknown file format"):
        ingest_file(store, txt)
    forced = ingest_file(store, txt, format="csv")  # tab delimiter sniffed
    assert forced.unchanged == 5 and forced.rejected == 0
    assert store.count_products() == 40
    assert store.get_product(rows[25]["product_id"]).title == rows[25]["title"]


def test_folder_and_several_files_are_one_batch(store, tmp_path, icecat_slice, homedepot_slice, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.json.zip").write_bytes(icecat_slice[0].read_bytes())
    (folder / "b.csv").write_bytes(homedepot_slice[0].read_bytes())
    (folder / "README").write_text("not data")
    rep = ingest_file(store, folder, progress=True)
    assert rep.formats == ["icecat", "homedepot"] and rep.rejected == 0
    assert "rows/s" in capsys.readouterr().err  # progress bar and throughput on stderr
    assert store.count_products() == rep.inserted == len(icecat_slice[1]) + len(homedepot_slice[1])
    assert len(store.jobs(kind="ingest")) == 1


def test_mapping_option_for_other_layouts(store):
    path = SAMPLES / "mapped_products.tsv"
    mapping = {"sku_code": "id", "name": "title", "maker": "brand", "cost": "price",
               "colour": "attr:colour", "internal_note": None}
    rep = ingest_file(store, path, mapping=mapping)
    assert (rep.inserted, rep.rejected) == (2, 0)
    p = store.get_product("A-100")
    assert (p.title, p.brand, p.price, p.attributes) == ("Acme kettle 1.7 l", "Acme", 29.9, {"colour": "steel"})
    unmapped = ingest_file(store, path)  # without the mapping the columns are unknown: rejected, not lost
    assert unmapped.rejected == 2 and unmapped.exit_code == 3
    assert {"sku_code", "maker", "cost"} <= {e["field"] for e in unmapped.errors}
    with pytest.raises(IngestError, match="target must be one of"):
        ingest_file(store, path, mapping={"cost": "prize"})


@pytest.mark.parametrize(
    "name,content,match",
    [
        ("missing.csv", None, "no such file"),
        ("broken.json", b'[{"id": "1", "title": "x"', "invalid JSON"),
        ("empty.csv", b"", "empty file"),
        ("header-only.csv", b"id,title\n", "no product rows"),
        ("sheet.xlsx", b"PK\x03\x04", "unknown file format"),
        ("broken.zip", b"not a zip", "not a valid zip"),
    ],
)
def test_unreadable_files_raise_and_record_a_failed_job(store, tmp_path, name, content, match):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(IngestError, match=match):
        ingest_file(store, path)
    job = store.jobs(kind="ingest")[0]
    assert job.status == "failed" and "IngestError" in (job.message or "")
    assert store.count_products() == 0
