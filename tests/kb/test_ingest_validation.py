"""Validation, nothing lost: each bad-row reason, report files, strict mode, idempotence, revisions."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from shopmind.kb.ingest import ingest_file

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "kb"
BAD_CSV = SAMPLES / "bad_products.csv"
BAD_JSONL = SAMPLES / "bad_products.jsonl"


def _by_row(errors: list[dict]) -> dict[int, list[tuple[str, str]]]:
    out: dict[int, list[tuple[str, str]]] = {}
    for e in errors:
        assert set(e) == {"file", "row", "field", "reason"}
        out.setdefault(e["row"], []).append((e["field"], e["reason"]))
    return out


def test_bad_csv_rows_are_reported_and_good_rows_stored(store):
    rep = ingest_file(store, BAD_CSV)  # semicolon-delimited: sniffed
    assert (rep.inserted, rep.rejected, rep.exit_code) == (2, 8, 3)
    assert {e["file"] for e in rep.errors} == {str(BAD_CSV)}
    rows = _by_row(rep.errors)
    expected = {  # line number in the file -> (field, words the reason must contain)
        3: ("id", "missing id"),
        4: ("title", "missing title"),
        5: ("price", "negative price"),
        6: ("price", "unparsable number"),
        7: ("stock", "unparsable number"),
        8: ("id", "duplicate id in the batch (first at row 2)"),
        9: ("title", "bad encoding"),
        10: ("", "columns"),
    }
    assert set(rows) == set(expected)
    for row, (field, words) in expected.items():
        assert any(f == field and words in r for f, r in rows[row]), (row, rows[row])
    g1 = store.get_product("g1")  # '¥6,999.00' -> 6999.0 CNY; the duplicate row did not overwrite it
    assert (g1.title, g1.price, g1.currency, g1.attributes) == ("Huawei Mate 60 Pro 手机", 6999.0, "CNY",
                                                                 {"color": "black"})
    g8 = store.get_product("g8")
    assert (g8.title, g8.price, g8.currency) == ("Good phone; with a semicolon", 1299.5, "USD")
    assert store.get_product("g3") is None and store.get_product("g6") is None


def test_bad_jsonl_rows_unknown_field_broken_json_and_types(store):
    rep = ingest_file(store, BAD_JSONL)
    assert (rep.inserted, rep.rejected) == (2, 7)
    rows = _by_row(rep.errors)
    expected = {
        2: ("colour", "unknown field"),
        3: ("", "invalid JSON"),
        4: ("", "not a JSON object"),
        5: ("stock", "negative stock"),
        6: ("status", "must be one of"),
        7: ("attributes.ports", "attribute value"),
        8: ("price", "unparsable number"),
    }
    assert set(rows) == set(expected)
    for row, (field, words) in expected.items():
        assert any(f == field and words in r for f, r in rows[row]), (row, rows[row])
    j1, j8 = store.get_product("j1"), store.get_product("j8")
    assert j1.category == "Computers > Laptops" and j1.attributes == {"ram_gb": 16, "touch": False}
    assert (j8.price, j8.currency, j8.language) == (4999.0, "CNY", "zh")


def test_bad_encoding_in_jsonl_and_every_row_of_a_broken_file(store, tmp_path):
    path = tmp_path / "enc.jsonl"
    path.write_bytes(b'{"id": "e1", "title": "ok"}\n{"id": "e2", "title": "Caf\xe9 bad"}\n'
                     b'{"id": "e3", "brand": "\xff\xfe", "title": "x"}\n')
    rep = ingest_file(store, path)
    assert rep.inserted == 1
    assert [(e["row"], e["field"]) for e in rep.errors] == [(2, "title"), (3, "brand")]
    assert all("bad encoding" in e["reason"] for e in rep.errors)


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_report_file_lists_the_rejects_with_their_values(store, tmp_path, suffix):
    out = tmp_path / f"rejects{suffix}"
    rep = ingest_file(store, BAD_CSV, report_path=out)
    assert rep.report_path == str(out)
    if suffix == ".json":
        doc = json.loads(out.read_text(encoding="utf-8"))
        assert doc["rejected"] == 8 and len(doc["errors"]) == len(rep.errors)
        neg = next(e for e in doc["errors"] if e["row"] == 5)
        assert neg["field"] == "price" and neg["value"] == "-5"
    else:
        with out.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == len(rep.errors)
        assert {r["row"] for r in rows} == {str(e["row"]) for e in rep.errors}
        assert any(r["value"] == "ten dollars" for r in rows)


def test_strict_mode_stores_nothing_and_fails_the_job(store):
    rep = ingest_file(store, BAD_CSV, strict=True)
    assert rep.rejected == 8 and not rep.stored and rep.inserted == 0 and rep.exit_code == 3
    assert store.count_products() == 0
    job = store.jobs(kind="ingest")[0]
    assert job.status == "failed" and "strict" in job.message and len(job.errors) == len(rep.errors)
    ok = ingest_file(store, SAMPLES / "mapped_products.tsv", strict=True,
                     mapping={"sku_code": "id", "name": "title", "maker": "brand", "cost": "price",
                              "colour": "attr:colour", "internal_note": None})
    assert ok.inserted == 2 and ok.stored and store.jobs(kind="ingest")[0].status == "succeeded"


def _write_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "title", "price"])
        w.writerows(rows)
    return path


def test_reingest_is_idempotent_and_a_changed_row_makes_one_revision(store, tmp_path, data_dir):
    lines = (data_dir / "search/homedepot/products.csv").read_text(encoding="utf-8").splitlines()[1:201]
    rows = [(pid, title, "19.99") for pid, title in csv.reader(lines)]
    path = _write_csv(tmp_path / "hd.csv", rows)
    first = ingest_file(store, path, source="test")
    assert (first.inserted, first.updated, first.unchanged) == (200, 0, 0)
    again = ingest_file(store, path)
    assert (again.inserted, again.updated, again.unchanged, again.exit_code) == (0, 0, 200, 0)
    pid = rows[7][0]
    rows[7] = (pid, rows[7][1] + " (new model)", "17.50")
    changed = ingest_file(store, _write_csv(path, rows), source="fix")
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 199)
    hist = store.history(pid)
    assert [h.op for h in hist] == ["create", "update"] and hist[1].source == "fix"
    assert hist[1].before["price"] == 19.99 and hist[1].after["price"] == 17.5
    assert len(store.history(rows[8][0])) == 1
    job = store.jobs(kind="ingest")[0]
    assert job.status == "succeeded" and job.counts["updated"] == 1 and job.counts["unchanged"] == 199
    assert job.progress == 1.0 and job.id == changed.job_id


def test_legacy_encoded_csv_is_rejected_row_by_row_unless_the_encoding_is_given(store, tmp_path):
    path = tmp_path / "legacy.csv"
    path.write_bytes("id,title,price\nc1,Crème brûlée torch,19.90\nc2,Plain torch,9.90\n".encode("cp1252"))
    rep = ingest_file(store, path)
    assert (rep.inserted, rep.rejected) == (1, 1)
    assert rep.errors == [{"file": str(path), "row": 2, "field": "title",
                           "reason": "bad encoding: invalid UTF-8 bytes"}]
    fixed = ingest_file(store, path, encoding="cp1252", id_prefix="shop2-")
    assert (fixed.inserted, fixed.rejected) == (2, 0)
    assert store.get_product("shop2-c1").title == "Crème brûlée torch"
