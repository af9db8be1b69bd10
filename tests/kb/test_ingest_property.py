"""Property tests of the ingest parsers: any CSV/JSONL rows, any bytes, are stored or rejected with a reason.

Never an exception other than IngestError (a whole file that cannot be read), and every row is
accounted for: inserted + updated + unchanged + rejected == rows, each rejected row with an error
naming its row, field and reason.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopmind.kb import open_store
from shopmind.kb.formats import IngestError
from shopmind.kb.ingest import ingest_file

COLUMNS = ["id", "title", "price", "stock", "currency", "brand", "images", "attr:color", "attributes", "language"]
PROPS = settings(max_examples=40, derandomize=True, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

_cell = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "1e30", "9223372036854775808", "-1", "NaN", "inf", "¥99", "99元", "1,299.00", "USD",
                     "RMB", "XYZ", "javascript:alert(1)", "/img/a.png", "\u202e", "a\x00b", '{"a": 1}', "[1]"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
_row = st.fixed_dictionaries({c: _cell for c in COLUMNS})


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    s = open_store(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'kb.sqlite3'}")
    yield s
    s.close()


def _check(report, path: Path) -> None:
    assert report.inserted + report.updated + report.unchanged + report.rejected == report.rows
    rejected_rows = {e["row"] for e in report.errors}
    assert len(rejected_rows) == report.rejected
    for e in report.errors:
        assert e["file"] == str(path) and isinstance(e["row"], int) and e["row"] >= 1
        assert isinstance(e["field"], str) and isinstance(e["reason"], str) and e["reason"]
        json.dumps(e)  # storable and sendable (no lone surrogates)


@pytest.mark.slow
@PROPS
@given(rows=st.lists(_row, min_size=1, max_size=8))
def test_any_csv_rows_are_stored_or_rejected_with_a_reason(kb, tmp_path, rows):
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS)
    w.writeheader()
    w.writerows(rows)
    path = tmp_path / "rows.csv"
    path.write_text(buf.getvalue(), encoding="utf-8", errors="surrogatepass")
    try:
        rep = ingest_file(kb, path)
    except IngestError as e:
        assert str(e)
        return
    _check(rep, path)


_json = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**80), max_value=2**80) | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)
_record = st.one_of(
    st.dictionaries(st.sampled_from(COLUMNS + ["sku", "description", "images", "x"]), _json, max_size=8),
    st.fixed_dictionaries({"id": st.text(max_size=12), "title": st.text(max_size=12)},
                          optional={"price": _json, "stock": _json, "attributes": _json, "images": _json}),
    _json,
)


@pytest.mark.slow
@PROPS
@given(records=st.lists(_record, min_size=1, max_size=8))
def test_any_jsonl_records_are_stored_or_rejected_with_a_reason(kb, tmp_path, records):
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(r, allow_nan=True) for r in records) + "\n", encoding="utf-8")
    try:
        rep = ingest_file(kb, path)
    except IngestError as e:
        assert str(e)
        return
    _check(rep, path)


@PROPS
@given(data=st.binary(max_size=600), name=st.sampled_from(["b.csv", "b.jsonl", "b.json", "b.txt", "b"]))
def test_any_bytes_are_a_report_or_one_ingest_error(kb, tmp_path, data, name):
    path = tmp_path / name
    path.write_bytes(data)
    try:
        rep = ingest_file(kb, path)
    except IngestError as e:
        assert str(e)
        assert kb.jobs(1, "ingest")[0].status == "failed"
        return
    _check(rep, path)


_ZH_WORDS = ("华为 小米 手机 充电宝 移动电源 黑色 白色 蓝牙 耳机 笔记本 电脑 运动鞋 保温杯 纯棉 短袖 女装 男款 "
             "儿童 玩具 厨房 电饭煲 空气 净化器 洗衣机 冰箱 大容量 无线 快充 高清 屏幕 正品 包邮 新款 官方 "
             "旗舰店 套装 家用 办公 学生 不锈钢 真皮 防水 超薄 便携 智能 手表 台灯 护眼 牛奶 零食 茶叶").split()
_zh_title = st.builds(lambda first, rest: " ".join([first, *rest]), st.sampled_from(_ZH_WORDS),
                      st.lists(st.sampled_from(_ZH_WORDS) | st.sampled_from(["Pro", "5G", "256GB", "X1", "-"]),
                               max_size=5))


@PROPS
@given(titles=st.lists(_zh_title, min_size=1, max_size=6))
def test_gbk_rows_come_back_as_written(kb, tmp_path, titles):
    """Excel's default in China: a GBK file of Chinese titles, however short, is detected and read back exactly."""
    body = "".join(f"gbk-{i},{t}\n" for i, t in enumerate(titles))
    path = tmp_path / "gbk.csv"
    path.write_bytes(f"id,title\n{body}".encode("gbk"))
    rep = ingest_file(kb, path)
    _check(rep, path)
    assert rep.rejected == 0 and rep.encodings == ["gb18030"], rep.errors
    assert [kb.get_product(f"gbk-{i}").title for i in range(len(titles))] == titles


TRADITIONAL = "華為 Mate 60 Pro 手機 黑色,繁體中文的商品說明：電池續航一整天"


@pytest.mark.parametrize("codec,expected", [
    ("big5", "big5hkscs"), ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"), ("utf-8-sig", "utf-8"),
    ("gb18030", "gb18030"),
])
def test_legacy_and_wide_encodings_are_detected_and_named(kb, tmp_path, codec, expected):
    title, desc = TRADITIONAL.split(",")
    if codec == "gb18030":
        title, desc = "小米 充电宝 移动电源 20000毫安 快充", "大容量 便携 正品 官方旗舰店"
    path = tmp_path / f"{codec}.csv"
    path.write_bytes(f"id,title,description\nenc-{codec},{title},{desc}\n".encode(codec))
    rep = ingest_file(kb, path)
    assert (rep.inserted + rep.updated + rep.unchanged, rep.rejected) == (1, 0), rep.errors
    assert rep.encodings == [expected]
    p = kb.get_product(f"enc-{codec}")
    assert (p.title, p.description) == (title, desc)
