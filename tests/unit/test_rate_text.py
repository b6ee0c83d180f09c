"""A rate at a fixed time in words (plexrt.clinical.tte_rates.rate_text): an interval that cannot be
computed is said so, in the board's exports as in the Time-to-event table, never 'nan'."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from plexrt.board.time_to_event import cif_panel, relapse_at
from plexrt.clinical import tte_rates

NAN = math.nan


@pytest.mark.parametrize(
    ("estimate", "low", "high", "text"),
    [
        (2 / 9, 0.03, 0.51, "22% (95% CI 3–51%)"),  # 22.2% -> 22
        (0.5, 0.0, 1.0, "50% (95% CI 0–100%)"),
        (1.0, NAN, NAN, "100% (CI not estimable)"),
        (0.0, NAN, 0.2, "0% (CI not estimable)"),
        (1.0, 0.4, math.inf, "100% (CI not estimable)"),
        (NAN, NAN, NAN, "not estimable"),
    ],
)
def test_a_rate_and_its_interval_in_words(estimate, low, high, text):
    assert tte_rates.rate_text(estimate, low, high) == text


def test_the_table_of_rates_says_the_same():
    rows = pd.DataFrame(
        {
            "months": [3, 6],
            "estimate": [0.5, 1.0],
            "low": [0.1, NAN],
            "high": [0.9, NAN],
            "member_low": [NAN, NAN],
            "member_high": [NAN, NAN],
        }
    )
    table = tte_rates.fixed_time_table(rows, "Relapse")
    assert table["Relapse"].tolist() == ["50% (95% CI 10–90%)", "100% (CI not estimable)"]


def test_one_patient_relapsed_by_six_months_has_no_interval_and_it_is_said(inp):
    # Patient 8 of Sanuki 2022 relapsed 42 days after the maximum response (bundled events): the
    # incidence by 6 months is 1 of 1, whose Aalen-Johansen interval does not exist.
    one = dataclasses.replace(inp, sites=inp.sites[inp.sites["patient_id"].astype(str) == "8"])
    assert relapse_at(one) == ("Relapse by 6 months: 100% (CI not estimable).",) * 2
    panel = cif_panel(one)
    assert panel is not None
    for text in (panel.footnote, *panel.methods):
        assert "nan" not in text.lower()
    assert "Relapse by 6 months: 100% (CI not estimable)." in panel.footnote
    assert "Relapse by 6 months: 100% (CI not estimable)." in panel.methods
