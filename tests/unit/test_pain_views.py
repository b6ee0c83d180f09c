"""Per-site values the Pain response figures plot (plexrt.clinical.pain_views), by hand from
Table 1 of Sanuki 2022 (see tests/unit/pain_cases.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plexrt.clinical import pain_views
from plexrt.data import store
from tests.unit.pain_cases import PAPER, WATERFALL_ORDER, WATERFALL_VALUES


@pytest.fixture(scope="module")
def df(con) -> pd.DataFrame:
    return store.cohort(con)


def test_waterfall_data_order_values_and_categories(df):
    data = pain_views.waterfall_data(df, PAPER)
    assert list(data["label"]) == WATERFALL_ORDER
    assert list(data["value"]) == WATERFALL_VALUES
    # Paper definition: fall >= 2 to NRS 0 = complete; 4.1 (8->3), 6.1 (5->3), 9.1 (4->1) keep
    # some pain = improved.
    cats = dict(zip(data["course_id"], data["category"], strict=True))
    assert {c for c, v in cats.items() if v == "improved"} == {"4.1", "6.1", "9.1"}
    assert sum(v == "complete" for v in cats.values()) == 9
    assert data["excluded"].isna().all()
    assert dict(zip(data["course_id"], data["regimen"], strict=True))["3.1"] == "59.4 Gy/33"


def test_waterfall_order_does_not_depend_on_row_order(df):
    shuffled = df.sample(frac=1, random_state=3)
    assert list(pain_views.waterfall_data(shuffled, PAPER)["label"]) == WATERFALL_ORDER


def test_time_to_max_summary_overall(df):
    s = pain_views.time_to_max_summary(df)
    assert len(s) == 1
    r = s.iloc[0]
    # Weeks: 3,3,1,4,4,2,12,2,2,3,1,1 -> sum 38, n 12; sorted 1,1,1,2,2,2,3,3,3,4,4,12 ->
    # median (2 + 3) / 2 = 2.5; range 1-12.
    assert r["n"] == 12
    assert r["mean"] == pytest.approx(38 / 12)
    assert (r["median"], r["min"], r["max"]) == (2.5, 1, 12)


def test_time_to_max_summary_by_muscle_and_intent(df):
    s = pain_views.time_to_max_summary(df, "involved_muscle").set_index("group")
    assert list(s.index) == ["psoas", "piriformis"]
    # Psoas: 1.1 3, 1.2 3, 3.1 4, 4.1 4, 5.1 2, 7.1 2, 9.1 3, 10.1 1 -> 22 / 8 = 2.75;
    # sorted 1,2,2,3,3,3,4,4 -> median 3.
    assert s.loc["psoas", "n"] == 8
    assert s.loc["psoas", "mean"] == pytest.approx(2.75)
    assert s.loc["psoas", "median"] == 3
    # Piriformis: 2.1 1, 6.1 12, 8.1 2, 11.1 1 -> 16 / 4 = 4; sorted 1,1,2,12 -> 1.5; range 1-12.
    assert s.loc["piriformis", "mean"] == pytest.approx(4.0)
    assert s.loc["piriformis", "median"] == 1.5
    assert (s.loc["piriformis", "min"], s.loc["piriformis", "max"]) == (1, 12)
    t = pain_views.time_to_max_summary(df, "intent").set_index("group")
    # Palliative: 1.1 3, 1.2 3, 4.1 4, 7.1 2, 9.1 3, 10.1 1, 11.1 1 -> 17 / 7; median 3.
    # Local control: 2.1 1, 3.1 4, 5.1 2, 6.1 12, 8.1 2 -> 21 / 5 = 4.2; median 2.
    assert t.loc["palliative", "mean"] == pytest.approx(17 / 7)
    assert t.loc["palliative", "median"] == 3
    assert t.loc["local_control", "mean"] == pytest.approx(4.2)
    assert t.loc["local_control", "median"] == 2


def test_time_to_max_summary_counts_known_values_only(df):
    d = df.copy()
    d["weeks_to_max_response"] = d["weeks_to_max_response"].astype("float64")
    d.loc[d["course_id"] == "6.1", "weeks_to_max_response"] = np.nan
    r = pain_views.time_to_max_summary(d).iloc[0]
    # Without 6.1 (12 weeks): 26 / 11, sorted 1,1,1,2,2,2,3,3,3,4,4 -> median 2, range 1-4.
    assert r["n"] == 11
    assert r["mean"] == pytest.approx(26 / 11)
    assert (r["median"], r["max"]) == (2, 4)


def test_regimen_counts(df):
    counts = pain_views.regimen_counts(df)
    got = dict(zip(counts["regimen"], counts["n_sites"], strict=True))
    # Table 1 doses: 39/13 patients 1 (x2), 10; 30/10: 7, 9, 11; 54/30: 2, 8; 59.4/33: 3, 6;
    # 60/30: 4; 21/7: 5.
    assert got == {
        "39 Gy/13": 3,
        "30 Gy/10": 3,
        "54 Gy/30": 2,
        "59.4 Gy/33": 2,
        "60 Gy/30": 1,
        "21 Gy/7": 1,
    }
    assert list(counts.columns) == ["regimen", "dose_gy", "fractions", "n_sites"]


def test_dose_response_rejects_bad_alpha_beta(df):
    for bad in (0, -3, True, "10", float("nan")):
        with pytest.raises(ValueError, match="alpha_beta"):
            pain_views.dose_response_data(df, bad)
