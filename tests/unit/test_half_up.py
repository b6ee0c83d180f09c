"""One rounding rule for every figure written with fixed decimals (plexrt.data.values.half_up):
halves away from zero as the figure reads in decimal, checked against Python's decimal module."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest

from plexrt.data.values import half_up, one_decimal
from plexrt.export.tabular import with_decimals


def _by_decimal(x: float, d: int) -> float:
    return float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize("d", [0, 1, 2])
def test_half_up_agrees_with_decimal_round_half_up(d):
    rng = np.random.default_rng(7)
    # figures of the kind PlexRT writes, many of them exact halves at the last decimal
    values = np.concatenate(
        [
            np.round(rng.uniform(-100, 200, 2000), d + 1),
            np.arange(-50, 50) + 0.5 / 10**d,
            [42.25, 42.75, 2.675, 0.15, 1.005, 58.410000000000004],
        ]
    )
    got = half_up(values, d)
    assert got.tolist() == [_by_decimal(float(v), d) for v in values]


def test_unknown_stays_unknown_and_every_writer_rounds_alike():
    assert np.isnan(half_up([np.nan], 1)[0])
    assert np.isnan(half_up(pd.Series([42.25, None], dtype="Float64"), 1)[1])
    # EQD2 of 39 Gy/13 = 39 x (3 + 10) / 12 = 42.25: the board, the report table and the CSV agree
    assert one_decimal(42.25) == "42.3"
    table = with_decimals(pd.DataFrame({"EQD2": [42.25, None]}), {"EQD2": 1})
    assert table["EQD2"].tolist() == ["42.3", None]
