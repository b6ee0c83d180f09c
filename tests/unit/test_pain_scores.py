"""Pain scores: change, percent change and the denominator rule (plexrt.clinical.pain_scores).

Every expected value is worked out by hand in the comment next to it.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from plexrt.clinical.pain_scores import assessable, nrs_change, percent_change

# --------------------------------------------------------------------------------------------
# NRS change
# --------------------------------------------------------------------------------------------


def test_nrs_change_scalars():
    assert nrs_change(9, 0) == -9  # 0 - 9
    assert nrs_change(3, 5) == 2
    assert nrs_change(4, 4) == 0
    assert nrs_change(8.0, 3.0) == -5  # whole-number floats from pandas are accepted


def test_nrs_change_series_keeps_missing():
    out = nrs_change(pd.Series([9, None, 3]), pd.Series([0, 2, None]))
    assert out.iloc[0] == -9
    assert out.isna().tolist() == [False, True, True]


def test_percent_change():
    assert percent_change(5, 3) == pytest.approx(-40.0)  # 100 * (3 - 5) / 5
    assert percent_change(4, 1) == pytest.approx(-75.0)  # 100 * (1 - 4) / 4
    assert percent_change(2, 3) == pytest.approx(50.0)
    assert percent_change(0, 3) is None  # no baseline pain: undefined
    assert percent_change(0, 0) is None


def test_percent_change_series_undefined_is_nan():
    out = percent_change(pd.Series([9, 0, 3]), pd.Series([0, 2, None]))
    assert out.iloc[0] == pytest.approx(-100.0)
    assert math.isnan(out.iloc[1]) and math.isnan(out.iloc[2])


@pytest.mark.parametrize("bad", [11, -1, 2.5, "3", True, None, float("nan")])
def test_nrs_out_of_range_or_not_integer_raises(bad):
    with pytest.raises(ValueError, match="before"):
        nrs_change(bad, 0)
    with pytest.raises(ValueError, match="after"):
        percent_change(5, bad)


def test_nrs_series_out_of_range_raises():
    with pytest.raises(ValueError, match="after"):
        nrs_change(pd.Series([5, 5]), pd.Series([3, 12]))


def test_assessable_needs_both_scores():
    # A site counts in the assessable denominator only when both scores are known; a missing
    # score may be None, NaN or pandas NA.
    df = pd.DataFrame(
        {
            "nrs_before": [8, None, 5, 0, 7],
            "nrs_after": [0, 3, float("nan"), 0, pd.NA],
        },
        index=["a", "b", "c", "d", "e"],
    )
    out = assessable(df)
    assert out.to_dict() == {"a": True, "b": False, "c": False, "d": True, "e": False}
    assert assessable(df.iloc[:0]).empty


def test_assessable_needs_the_columns():
    with pytest.raises(ValueError, match="nrs_after"):
        assessable(pd.DataFrame({"nrs_before": [1]}))
