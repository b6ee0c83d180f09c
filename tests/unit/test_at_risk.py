"""Numbers at risk under a Kaplan-Meier plot (plexrt.stats.at_risk), counted by hand."""

from __future__ import annotations

import pytest

from plexrt.stats import survival
from plexrt.stats.at_risk import km_durations, numbers_at_risk, risk_table
from tests.unit.survival_cases import TOY_E, TOY_T


def test_risk_table_counts_by_hand():
    # Number with follow-up >= t: t=0 -> 5, 30 -> 5, 60 -> 4 (60, 60, 90, 120), 90 -> 2, 120 -> 1.
    # Second group 10, 200: t=0 -> 2, 30..120 -> 1.
    tab = risk_table({"Toy": TOY_T, "Other": [10, 200]}, [0, 30, 60, 90, 120])
    assert list(tab.index) == ["Toy", "Other"]
    assert list(tab.columns) == [0.0, 30.0, 60.0, 90.0, 120.0]
    assert tab.loc["Toy"].tolist() == [5, 5, 4, 2, 1]
    assert tab.loc["Other"].tolist() == [2, 1, 1, 1, 1]


def test_risk_table_rejects_empty_input():
    with pytest.raises(ValueError, match="curves_durations"):
        risk_table({}, [0, 30])
    with pytest.raises(ValueError, match="ticks_days"):
        risk_table({"a": [1, 2]}, [])


def test_numbers_at_risk_read_from_a_kaplan_meier_result():
    # The KM table of the toy data holds each subject once (events + censored per time), so the
    # follow-up times come back as 30, 60, 60, 90, 120 and the counts match risk_table's.
    res = survival.kaplan_meier(TOY_T, TOY_E)
    assert sorted(km_durations(res).tolist()) == sorted(TOY_T)
    assert numbers_at_risk(res, [0, 30, 60, 90, 120]) == [5, 5, 4, 2, 1]
    # Months ticks 0..4 in days (30.4375 each): 5; 4 (60, 60, 90, 120); 2; 1; 0.
    assert numbers_at_risk(res, [0, 30.4375, 60.875, 91.3125, 121.75]) == [5, 4, 2, 1, 0]
    with pytest.raises(ValueError, match="KMResult"):
        numbers_at_risk(TOY_T, [0])
