"""Ranker feature helpers on tiny inputs, with exact expected values."""

from __future__ import annotations

import pytest

from shopmind.search.features import compound_match, prefix_coverage, quantities, quantity_match
from shopmind.text.normalize import normalize


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3/4 in. x 10 ft. Copper Pipe", ((0.75, "in"), (10.0, "ft"))),
        ("3/4-inch copper pipe", ((0.75, "in"),)),
        ('1-1/2" PVC', ((1.5, "in"),)),
        ("Zinc Bolt (2-Pack)", ((2.0, "pack"),)),
        ("60-Watt Equivalent A19 LED", ((60.0, "w"),)),
        ("2x4x8 lumber", ((2.0, ""), (4.0, ""), (8.0, ""))),
        ("5 gal. bucket", ((5.0, "gal"),)),
        ("a19 led bulb", ()),
    ],
)
def test_quantities_normalize_values_and_units(text, expected):
    assert quantities(normalize(text)) == expected


def test_quantity_match_and_conflict():
    pipe_half = quantities(normalize("1/2 in. copper pipe"))
    title_34 = quantities(normalize("3/4 in. x 10 ft. Copper Pipe"))
    title_half = quantities(normalize("1/2-inch x 10 ft. copper pipe"))
    assert quantity_match(pipe_half, title_34) == (0.0, 1.0)  # asks 1/2 in., the title says 3/4 in.
    assert quantity_match(pipe_half, title_half) == (1.0, 0.0)
    assert quantity_match(quantities("10"), title_34) == (1.0, -1.0)  # a bare number matches 10 ft.
    assert quantity_match((), title_34) == (-1.0, -1.0)
    assert quantity_match(quantities("2 in. 5 gal"), quantities("2 in. bucket")) == (0.5, 0.0)


def test_compound_and_prefix_coverage():
    assert compound_match(["dishwasher"], ["dish", "washer", "white"]) == 1.0
    assert compound_match(["back", "splash"], ["tile", "backsplash"]) == 1.0
    assert compound_match(["dish", "rack"], ["dish", "washer"]) == 0.0
    assert prefix_coverage(["faucets", "kitchen"], ["kitchen", "faucet"]) == 1.0
    assert prefix_coverage(["toliet", "seats"], ["toilet", "seat"]) == 0.5
    assert prefix_coverage(["a", "x"], ["anything"]) == -1.0


def test_dense_prf_is_cosine_with_the_head_centroid():
    import numpy as np

    from shopmind.index.dense import DenseIndex

    class IX:  # the one attribute dense_prf reads
        dense = DenseIndex(2)

    from shopmind.search.features import dense_prf

    IX.dense.build(np.asarray([[1, 0], [0, 1], [1, 1], [-1, 0]], dtype=np.float32),
                   present=np.asarray([1, 1, 1, 0]))
    got = dense_prf(IX, np.asarray([0, 1, 2, 3, 9]), top=2)
    # centroid of rows 0 and 1 = (1, 1)/sqrt(2); row 2 is stored normalized; row 3 has no vector, 9 is unknown
    np.testing.assert_allclose(got, [0.70710677, 0.70710677, 1.0, 0.0, 0.0], rtol=1e-5)
