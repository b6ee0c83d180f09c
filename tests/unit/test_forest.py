"""Per-series proportions and intervals of the forest plot (plexrt.clinical.forest).

Independent reference: scipy.stats.binomtest(...).proportion_ci for the per-series intervals, and
Clopper-Pearson bounds worked by hand (closed forms for 0/n and n/n).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from plexrt.clinical.forest import forest_data
from tests.unit.literature_cases import rows


@pytest.mark.parametrize("method", ["exact", "wilson"])
def test_forest_data_intervals_match_scipy_binomtest(method):
    counts = [(18, 18), (67, 112), (3, 4), (0, 5), (9, 12)]
    df = forest_data(rows(counts), method=method)
    assert list(df["label"]) == [f"Series {c}" for c in "ABCDE"]
    for (k, n), (_, row) in zip(counts, df.iterrows(), strict=True):
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method=method)
        assert row["proportion"] == pytest.approx(k / n)
        assert row["low"] == pytest.approx(ci.low, abs=1e-9)
        assert row["high"] == pytest.approx(ci.high, abs=1e-9)
        assert row["display"] == (
            f"{k}/{n} = {100 * k / n:.0f}% ({100 * ci.low:.0f}–{100 * ci.high:.0f}%)"
        )


def test_forest_data_display_string_by_hand():
    # 18/18: exact lower bound (0.025)^(1/18) = 0.8148 -> 81%, upper 100%.
    # 0/5: upper bound 1 - 0.025^(1/5) = 0.5218 -> 52%.
    df = forest_data(rows([(18, 18), (0, 5)]))
    assert list(df["display"]) == ["18/18 = 100% (81–100%)", "0/5 = 0% (0–52%)"]


def test_forest_data_drops_unreported_counts_and_lists_them():
    rows = pd.DataFrame(
        {
            "label": ["Reported", "No responders figure", "No n", "Also reported"],
            "events": pd.array([3, None, 2, 1], dtype="Int64"),
            "total": [4.0, 10.0, np.nan, 1.0],
            "population": [None] * 4,
            "is_plexrt": [False, False, False, True],
        }
    )
    df = forest_data(rows)
    assert list(df["label"]) == ["Reported", "Also reported"]
    assert df.attrs["dropped"] == ["No responders figure", "No n"]
    assert list(df["events"]) == [3, 1] and list(df["total"]) == [4, 1]
    assert list(df["is_plexrt"]) == [False, True]


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ([(5, 4)], "cannot exceed"),
        ([(1, 0)], "total"),
        ([(-1, 4)], "negative"),
        ([(1.5, 4)], "whole number"),
    ],
)
def test_forest_data_rejects_impossible_counts(counts, message):
    with pytest.raises(ValueError, match=message):
        forest_data(rows(counts))


def test_forest_data_rejects_bad_arguments():
    with pytest.raises(ValueError, match="method"):
        forest_data(rows([(1, 2)]), method="wald")
    with pytest.raises(ValueError, match="missing column"):
        forest_data(rows([(1, 2)]).drop(columns="is_plexrt"))
    dup = rows([(1, 2), (2, 3)])
    dup["label"] = ["Same", "Same"]
    with pytest.raises(ValueError, match="duplicate"):
        forest_data(dup)
