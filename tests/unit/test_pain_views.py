"""Per-site values the Pain response figures plot (plexrt.clinical.pain_views), by hand from
Table 1 of Sanuki 2022 (see tests/unit/pain_cases.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plexrt.clinical import pain_views
from plexrt.data import store, vocab
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


def test_change_values_keep_the_rows_as_given():
    # 8 -> 2: -6 points, -75 %, improved (paper: fall >= 2, pain left); 6 -> 0: complete;
    # 0 -> 0: stable, percent undefined; a missing score is not assessable. Row order and index kept.
    sites = pd.DataFrame(
        {"nrs_before": [8, 6, 0, 5], "nrs_after": [2, 0, 0, None]}, index=[10, 11, 12, 13]
    )
    got = pain_views.change_values(sites, PAPER, percent=True)
    assert list(got.index) == [10, 11, 12, 13]
    assert list(got["change"].iloc[:3]) == [-6.0, -6.0, 0.0]
    assert got.loc[10, "percent_change"] == pytest.approx(-75.0)
    assert got.loc[11, "percent_change"] == pytest.approx(-100.0)
    assert list(got["value"].iloc[:2]) == pytest.approx([-75.0, -100.0])
    assert list(got["category"]) == ["improved", "complete", "stable", None]
    assert list(got["excluded"]) == [None, None, "NRS 0 before RT", "NRS missing"]
    assert got.attrs["percent"] is True
    points = pain_views.change_values(sites, PAPER)
    assert list(points["value"].iloc[:3]) == [-6.0, -6.0, 0.0]
    assert list(points["excluded"]) == [None, None, None, "NRS missing"]


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


# ---------------------------------------------------------------------------------------------
# What the figures used to compute themselves (now computed here and handed to them)
# ---------------------------------------------------------------------------------------------


def test_paired_data_medians_in_course_order(df):
    data = pain_views.paired_data(df.iloc[::-1])
    # Natural course order whatever the row order: 1.1, 1.2, 2.1, ..., 10.1, 11.1.
    assert list(data["course_id"])[:3] == ["1.1", "1.2", "2.1"]
    assert list(data["course_id"])[-2:] == ["10.1", "11.1"]
    # Before: sorted 3,3,4,4,4,4,5,8,8,8,8,9 -> (4 + 5) / 2 = 4.5. After: nine 0s, 1, 3, 3 -> 0.
    assert data.attrs["medians"] == (4.5, 0.0)
    assert list(data.attrs["not_assessable"]) == []
    assert pain_views.paired_data(df.iloc[0:0]).attrs["medians"] is None


def test_time_to_max_sites_and_view(df):
    d = df.copy()
    d["weeks_to_max_response"] = d["weeks_to_max_response"].astype("float64")
    d.loc[d["course_id"] == "6.1", "weeks_to_max_response"] = np.nan
    sites = pain_views.time_to_max_sites(d, "involved_muscle")
    # 6.1 (piriformis) has no known value: 11 sites left, 8 psoas + 3 piriformis.
    assert len(sites) == 11 and "6.1" not in set(sites["course_id"])
    assert sites["group"].value_counts().to_dict() == {"psoas": 8, "piriformis": 3}
    # Piriformis in course order: 2.1 (1 week), 8.1 (2), 11.1 (1).
    pir = sites[sites["group"] == "piriformis"]
    assert list(pir["course_id"]) == ["2.1", "8.1", "11.1"]
    assert list(pir["weeks_to_max_response"]) == [1.0, 2.0, 1.0]
    view = pain_views.time_to_max(d, "involved_muscle")
    assert view.group_by == "involved_muscle"
    assert list(view.summary["label"]) == ["Psoas", "Piriformis"]
    assert view.summary.set_index("group").loc["piriformis", "mean"] == pytest.approx(4 / 3)


def test_dose_response_data_eqd2_from_the_dose_module(df):
    data = pain_views.dose_response_data(df, 3.0)
    assert data.attrs["alpha_beta"] == 3.0
    eqd2 = dict(zip(data["course_id"], data["eqd2"], strict=True))
    # 39 Gy/13 at a/b 3: d = 3, 39 * (3 + 3) / (2 + 3) = 46.8; 21 Gy/7 (site 5.1): 21 * 6/5 = 25.2;
    # 59.4 Gy/33 (sites 3.1, 6.1): d = 1.8, 59.4 * 4.8 / 5 = 57.024.
    assert eqd2["1.1"] == pytest.approx(46.8)
    assert eqd2["5.1"] == pytest.approx(25.2)
    assert eqd2["3.1"] == pytest.approx(57.024)
    row = data[data["course_id"] == "4.1"].iloc[0]
    # 4.1: 60 Gy/30, NRS 8 -> 3.
    assert (row["regimen"], row["change"], row["nrs_before"], row["nrs_after"]) == (
        "60 Gy/30",
        -5.0,
        8,
        3,
    )


def test_dose_response_counts_sites_without_scores(df):
    extra = df.copy()
    extra["nrs_after"] = extra["nrs_after"].astype("Float64")
    extra.loc[extra["course_id"] == "7.1", "nrs_after"] = None
    view = pain_views.dose_response(extra, 10.0)
    # 7.1 (30 Gy/10) has no score after RT: not plotted, still counted in its regimen.
    assert "7.1" not in set(view.sites["course_id"]) and len(view.sites) == 11
    counts = dict(zip(view.regimens["regimen"], view.regimens["n_sites"], strict=True))
    assert counts["30 Gy/10"] == 3
    assert view.alpha_beta == 10.0


def test_category_words_and_order_come_from_the_vocabulary():
    assert pain_views.category_label("local_control", vocab.INTENT_LABELS) == "Local control"
    assert pain_views.category_label("gynecological") == "Gynecological"
    assert pain_views.category_label(None) == "Not stated"
    values = ["other", None, "urological", "gynecological", "urological", "zz"]
    # Canonical order first, then unknown codes sorted, "not stated" last.
    assert pain_views.category_order(values, vocab.PRIMARY_GROUPS) == [
        "gynecological",
        "urological",
        "other",
        "zz",
        "not stated",
    ]


def test_category_order_looks_at_each_distinct_value_once(monkeypatch):
    # a registry's cohort: 100,000 values of a few categories; is_missing was asked per value
    seen = []
    real = pain_views.is_missing

    def counted(v):
        seen.append(v)
        return real(v)

    monkeypatch.setattr(pain_views, "is_missing", counted)
    values = pd.Series(["urological", None, "zz", "gynecological", np.nan] * 2000, dtype=object)
    assert pain_views.category_order(values, vocab.PRIMARY_GROUPS) == [
        "gynecological",
        "urological",
        "zz",
        "not stated",
    ]
    assert len(seen) <= 5  # four codes and the missing (None and NaN may count as two)


def test_regimen_text():
    assert pain_views.regimen_text(39.0, 13) == "39 Gy/13"
    assert pain_views.regimen_text(np.float64(59.4), np.int64(33)) == "59.4 Gy/33"
    assert pain_views.regimen_text(None, 10) == "regimen not stated"
    assert pain_views.regimen_text(30.0, pd.NA) == "regimen not stated"
