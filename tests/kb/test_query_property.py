"""Property test of the query parser (shopmind/search/query.py): any string parses, into plain JSON."""

from __future__ import annotations

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from shopmind.search.query import Gazetteer, QueryParser

_gaz = Gazetteer()
for name, kind in [("华为", "brand"), ("apple", "brand"), ("手机", "category"), ("phones", "category"),
                   ("red", "attr"), ("黑色", "attr")]:
    _gaz.add(name, kind, name)
PARSER = QueryParser(gazetteer=_gaz)

_pieces = st.sampled_from(["华为手机", "iphone 15", "under $500", "1000元以内", "2k-3k", "100到200块", "红色",
                           "1e308元", "99999999999999999999 dollars", "¥", "-", "..", "\u202e", "\x00", "😀",
                           "price < 10", "between 5 and 3 usd", "5万", "0.0.0", "   ",
                           "9" * 400 + "元以内", "under " + "9" * 320 + "k"])
_queries = st.one_of(st.text(max_size=80), st.lists(_pieces | st.text(max_size=6), max_size=8).map(" ".join),
                     st.lists(_pieces, max_size=8).map("".join))


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(q=_queries)
def test_any_string_parses_into_plain_json(q):
    pq = PARSER.parse(q)
    assert pq.raw == q and isinstance(pq.text, str) and all(isinstance(t, str) for t in pq.terms)
    d = json.loads(json.dumps(pq.to_dict(), ensure_ascii=False))
    for key in ("price_min", "price_max"):
        if key in pq.filters:
            v = pq.filters[key]
            assert isinstance(v, (int, float)) and math.isfinite(v) and v >= 0, (q, pq.filters)
    assert d["lang"] in ("zh", "en")
