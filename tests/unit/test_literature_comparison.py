"""Tests for plexrt.clinical.literature_comparison: the PlexRT row beside published series.

Independent references:
- Sanuki et al., Cureus 2022;14(1):e20939, Table 1 (tests/fixtures/sanuki2022-cureus.md):
  11 patients, 12 sites; NRS before -> after per site; doses/fractions; weeks to maximum response;
  "all patients achieved improvement ... with pain resolution (NRS 0) in nine"; "maximum effect ...
  at a mean of three weeks (1-12 weeks)".
- Gerontopoulos 2020 (literature table): all 18 patients responded.
- Pooling: plexrt.stats.meta.pool_proportions run on the published rows only.
Percentages and rounding are worked by hand in the comments.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from plexrt.clinical import literature_comparison as cmp
from plexrt.clinical import literature_notes
from plexrt.clinical.definitions import Definition
from plexrt.data import store
from plexrt.data.literature import POPULATIONS
from plexrt.stats.meta import pool_proportions

PAPER = Definition("paper")
ICPRE = Definition("icpre")


@pytest.fixture(scope="module")
def cohort(con):
    return store.cohort(con)


@pytest.fixture(scope="module")
def literature(con):
    return store.literature(con)


def _lit_record(literature, key):
    return literature[literature["series_key"] == key].iloc[0].to_dict()


# ------------------------------------------------------------------ short_label


def test_short_label_bundled_keys(literature):
    # Every bundled citation starts "<Author> <year>." -- the label is that part.
    for row in literature.to_dict("records"):
        assert cmp.short_label(row) == row["citation"].split(".")[0]
    assert cmp.short_label(_lit_record(literature, "gerontopoulos2020")) == "Gerontopoulos 2020"


def test_short_label_pandas_row(literature):
    row = literature[literature["series_key"] == "shindo2024"].iloc[0]
    assert cmp.short_label(row) == "Shindo 2024"


def test_short_label_user_keys():
    assert cmp.short_label({"series_key": "user-smith2023-1a2b3c"}) == "Smith 2023 (added)"
    assert cmp.short_label({"series_key": "user-series2019-abcdef"}) == "Series 2019 (added)"


def test_short_label_fallback_to_citation():
    long = "Doe J, Roe R. A very long citation of a series that goes on and on. 2021"
    # No year in the key (userdata makes 'user-doe-1a2b3c' when no year is given): citation, cut
    # to 40 characters.
    assert cmp.short_label({"series_key": "user-doe-1a2b3c", "citation": long}) == long[:40]
    assert cmp.short_label({"series_key": "plexrt", "citation": "Sanuki 2022 in PlexRT"}) == (
        "Sanuki 2022 in PlexRT"
    )
    assert cmp.short_label({"series_key": "Smith2020", "citation": "Smith"}) == "Smith"
    assert cmp.short_label({"series_key": None, "citation": None}) == ""


# ------------------------------------------------------------------ plexrt_series


def test_plexrt_series_paper_definition(cohort):
    rec = cmp.plexrt_series(cohort, PAPER)
    assert rec["series_key"] == cmp.PLEXRT_KEY
    assert rec["citation"] == "Sanuki 2022 in PlexRT (all sites)"
    assert rec["n_patients"] == 11
    assert rec["n_sites"] == 12
    # Table 1, NRS before -> after: 9->0, 8->0, 4->0, 3->0, 8->3, 4->0, 5->3, 4->0, 3->0, 4->1,
    # 8->0, 8->0: every site falls by >= 2 (12 responders), 9 reach 0 (complete).
    assert rec["responders"] == 12
    assert rec["complete_responders"] == 9
    # Weeks to maximum response 3,3,1,4,4,2,12,2,2,3,1,1: sum 38 / 12 = 3.17 -> 3.2; range 1-12.
    # counted per site over the sites with a week recorded (all 12)
    assert rec["time_to_response"] == (
        "from RT start to maximum response: mean 3.2 weeks (range 1–12), n = 12 sites"
    )
    assert rec["response_definition"] == PAPER.label
    assert rec["population"] == "lumbosacral_plexopathy"
    # No medians passed: unknown, not 0, and nothing to display specially for them.
    for col in ("median_relief_months", "median_followup_months", "median_survival_months"):
        assert rec[col] is None
    # patient 1 has two sites: the rates per patient beside the rates per site
    assert rec["_display"] == {
        "responders": "100% of treated sites (12/12; 95% CI 74–100%) · 100% of treated patients (11/11; 95% CI 72–100%)",
        "complete_responders": "75% of treated sites (9/12; 95% CI 43–95%) · 73% of treated patients (8/11; 95% CI 39–94%)",
    }


def test_plexrt_series_schedule_counts(cohort):
    rec = cmp.plexrt_series(cohort, PAPER)
    items = rec["schedules"].split("; ")
    # Table 1: 39/13 (1, 1, 10), 30/10 (7, 9, 11), 54/30 (2, 8), 59.4/33 (3, 6), 21/7 (5), 60/30 (4)
    assert set(items) == {
        "30 Gy/10 ×3",
        "39 Gy/13 ×3",
        "54 Gy/30 ×2",
        "59.4 Gy/33 ×2",
        "21 Gy/7 ×1",
        "60 Gy/30 ×1",
    }
    counts = [int(s.rsplit("×", 1)[1]) for s in items]
    assert counts == sorted(counts, reverse=True)


def test_plexrt_series_schedule_order(cohort):
    rec = cmp.plexrt_series(cohort, PAPER)
    # By count (descending), ties in grouped order (dose, then fractions, ascending).
    assert rec["schedules"] == (
        "30 Gy/10 ×3; 39 Gy/13 ×3; 54 Gy/30 ×2; 59.4 Gy/33 ×2; 21 Gy/7 ×1; 60 Gy/30 ×1"
    )


def test_plexrt_series_filtered_piriformis(cohort):
    sub = cohort[cohort["involved_muscle"] == "piriformis"]
    rec = cmp.plexrt_series(sub, PAPER, filter_text="piriformis")
    # Table 1 piriformis sites: patients 2 (4->0), 6 (5->3), 8 (3->0), 11 (8->0).
    assert (rec["n_patients"], rec["n_sites"]) == (4, 4)
    assert (rec["responders"], rec["complete_responders"]) == (4, 3)
    # weeks 1, 12, 2, 1: mean 16 / 4 = 4.0
    assert rec["time_to_response"] == (
        "from RT start to maximum response: mean 4.0 weeks (range 1–12), n = 4 sites"
    )
    assert set(rec["schedules"].split("; ")) == {"54 Gy/30 ×2", "59.4 Gy/33 ×1", "30 Gy/10 ×1"}
    assert rec["citation"] == "Sanuki 2022 in PlexRT (piriformis)"


def test_plexrt_series_icpre_is_range_only(cohort):
    rec = cmp.plexrt_series(cohort, ICPRE)
    # After-RT analgesics are published only in aggregate: no site-level ICPRE count.
    assert rec["responders"] is None
    assert rec["complete_responders"] is None
    shown = "range only (after-RT analgesics published in aggregate)"
    assert rec["_display"]["responders"] == shown
    assert rec["_display"]["complete_responders"] == shown
    assert rec["response_definition"] == ICPRE.label


def test_plexrt_series_empty_cohort(cohort):
    rec = cmp.plexrt_series(cohort.iloc[:0], ICPRE)
    assert (rec["n_patients"], rec["n_sites"]) == (0, 0)
    assert rec["responders"] is None and rec["complete_responders"] is None
    assert rec["time_to_response"] is None
    assert rec["schedules"] is None
    assert "responders" not in rec["_display"]


def test_plexrt_series_medians_and_display(cohort):
    medians = {"median_relief_months": None, "median_survival_months": 5.94}
    cis = {"median_relief_months": (1.38, None), "median_survival_months": (1.28, None)}
    rec = cmp.plexrt_series(cohort, PAPER, medians, median_cis=cis, reconstructed=True)
    assert rec["median_relief_months"] is None
    assert rec["median_survival_months"] == 5.94
    assert rec["median_followup_months"] is None  # not passed: not reported
    d = rec["_display"]
    # each PlexRT median names its estimator and time zero (published series rarely do)
    assert d["median_relief_months"] == (
        "not reached (95% CI 1.4 months to not reached; reconstructed times); "
        "Kaplan–Meier from maximum response"
    )
    assert d["median_survival_months"] == (
        "5.9 months (95% CI 1.3 to not reached; reconstructed times); "
        "Kaplan–Meier from RT completion"
    )
    assert "median_followup_months" not in d


# ------------------------------------------------------------------ median_display


def test_median_display_wording():
    assert cmp.median_display(5.94, (1.28, None), False) == "5.9 months (95% CI 1.3 to not reached)"
    assert cmp.median_display(5.94, (1.28, 9.04), True) == (
        "5.9 months (95% CI 1.3 to 9.0; reconstructed times)"
    )
    assert cmp.median_display(None, (2.0, None), False) == (
        "not reached (95% CI 2.0 months to not reached)"
    )
    # both limits missing for the same reason: said once (r_conventions.range_words)
    assert cmp.median_display(None, None, False) == "not reached (95% CI not reached)"


def test_a_median_not_reached_names_the_unit_of_its_interval():
    """A median not reached gives no unit: its interval's lower limit was a bare number on the
    Literature page ('not reached (95% CI 1.5 to not reached; ...)'), and the reconstructions'
    medians read 'not reached to not reached'."""
    shown = cmp.median_display(None, (1.54, None), True, (None, None), 200)
    assert shown == (
        "not reached (95% CI 1.5 months to not reached; pooled over 200 reconstructions; "
        "the reconstructions' medians not reached)"
    )
    assert cmp.median_display(None, (1.54, None), True, (3.0, None), 200).endswith(
        "medians 3.0 months to not reached)"
    )


# ------------------------------------------------------------------ side_by_side


def _table(records, labels):
    return cmp.side_by_side(records, labels).set_index("")


def test_side_by_side_same_rows_for_every_series(cohort, literature):
    recs = [cmp.plexrt_series(cohort, PAPER), *literature.to_dict("records")]
    labels = ["PlexRT", *[cmp.short_label(r) for r in recs[1:]]]
    t = cmp.side_by_side(recs, labels)
    assert list(t.columns) == ["", *labels]
    assert list(t[""]) == [label for label, _, _ in cmp.TABLE_ROWS]
    for lab in labels:
        for cell in t[lab]:
            assert isinstance(cell, str) and cell.strip()
            assert cell.lower() not in ("nan", "none", "<na>", "0", "")
            assert "nan" not in cell.split() and "<NA>" not in cell


def test_side_by_side_published_series_cells(literature):
    geron = _lit_record(literature, "gerontopoulos2020")
    t = _table([geron], ["G"])["G"]
    # 18 of 18 patients (no site count reported): 100%
    assert t["Responders"] == "18/18 patients (100%)"
    assert t["Patients (n)"] == "18"
    assert t["Irradiated sites (n)"] == cmp.NOT_REPORTED
    assert t["Complete responders"] == cmp.NOT_REPORTED
    assert t["Median duration of relief"] == "3.5 months"
    assert t["Median follow-up"] == "5.5 months"
    assert t["Median survival"] == cmp.NOT_REPORTED
    assert t["Population"] == POPULATIONS["malignant_psoas_syndrome"]


def test_side_by_side_plexrt_cells(cohort):
    t = _table([cmp.plexrt_series(cohort, PAPER)], ["P"])["P"]
    assert t["Patients (n)"] == "11"
    assert t["Irradiated sites (n)"] == "12"
    assert (
        t["Responders"]
        == "100% of treated sites (12/12; 95% CI 74–100%) · 100% of treated patients (11/11; 95% CI 72–100%)"
    )
    # 9 / 12 = 75% of sites; 8 / 11 = 73% of treated patients (patient 1's two sites both at NRS 0)
    assert (
        t["Complete responders"]
        == "75% of treated sites (9/12; 95% CI 43–95%) · 73% of treated patients (8/11; 95% CI 39–94%)"
    )
    assert t["Population"] == "malignant lumbosacral plexopathy"
    assert t["Median survival"] == cmp.NOT_REPORTED
    ti = _table([cmp.plexrt_series(cohort, ICPRE)], ["P"])["P"]
    assert ti["Responders"].startswith("range only")


def test_side_by_side_sites_denominator_and_missing_values():
    base = {"series_key": "x2020", "citation": "X 2020", "n_patients": 8, "n_sites": 9}
    recs = [
        {**base, "responders": 7, "complete_responders": 0},
        {**base, "n_sites": None, "responders": float("nan"), "complete_responders": pd.NA},
        {
            **base,
            "n_sites": np.nan,
            "n_patients": None,
            "responders": None,
            "median_relief_months": np.float64("nan"),
            "median_survival_months": 4.25,
        },
    ]
    t = _table(recs, ["a", "b", "c"])
    # 7 / 9 = 77.8% -> 78%; a reported 0 stays 0 (0 / 9 = 0%)
    assert t.loc["Responders", "a"] == "7/9 sites (78%)"
    assert t.loc["Complete responders", "a"] == "0/9 sites (0%)"
    for col in ("b", "c"):
        assert t.loc["Responders", col] == cmp.NOT_REPORTED
    assert t.loc["Complete responders", "b"] == cmp.NOT_REPORTED
    assert t.loc["Irradiated sites (n)", "b"] == cmp.NOT_REPORTED
    assert t.loc["Patients (n)", "c"] == cmp.NOT_REPORTED
    assert t.loc["Median duration of relief", "c"] == cmp.NOT_REPORTED
    assert t.loc["Median survival", "c"] == "4.25 months"
    assert t.loc["Pain scale", "a"] == cmp.NOT_REPORTED  # key absent altogether


def test_side_by_side_label_count_must_match():
    with pytest.raises(ValueError):
        cmp.side_by_side([{"series_key": "a2020"}], ["a", "b"])


# ------------------------------------------------------------------ forest_rows and pool


def _records(cohort, literature, definition=PAPER):
    lit = literature.to_dict("records")
    recs = [cmp.plexrt_series(cohort, definition), *lit]
    return recs, ["PlexRT", *[cmp.short_label(r) for r in lit]]


def _by_name(rows: pd.DataFrame) -> pd.DataFrame:
    """Index forest rows by series name (labels end in ' · sites' / ' · patients')."""
    return rows.assign(label=rows["label"].str.rsplit(" · ", n=1).str[0]).set_index("label")


def test_forest_rows_totals(cohort, literature):
    recs, labels = _records(cohort, literature)
    extra = {
        "series_key": "user-x2021-abc123",
        "population": "lumbosacral_plexopathy",
        "n_patients": 8,
        "n_sites": 9,
        "responders": 7,
        "complete_responders": 2,
    }
    nothing = {"series_key": "user-y2022-abc123", "n_patients": None, "n_sites": None}
    rows = _by_name(cmp.forest_rows([*recs, extra, nothing], [*labels, "X", "Y"]))
    assert list(rows.columns) == ["events", "total", "population", "is_plexrt"]
    assert (rows.loc["PlexRT", "events"], rows.loc["PlexRT", "total"]) == (12, 12)  # sites
    assert bool(rows.loc["PlexRT", "is_plexrt"]) is True
    assert rows["is_plexrt"].sum() == 1
    # Gerontopoulos: no site count, so patients (18/18); the extra series reports sites (7/9).
    assert (rows.loc["Gerontopoulos 2020", "events"], rows.loc["Gerontopoulos 2020", "total"]) == (
        18,
        18,
    )
    assert (rows.loc["X", "events"], rows.loc["X", "total"]) == (7, 9)
    # Stevens 1990 reports no responder count: unknown, not 0.
    assert pd.isna(rows.loc["Stevens 1990", "events"])
    assert rows.loc["Stevens 1990", "total"] == 4
    assert pd.isna(rows.loc["Y", "total"])
    complete = cmp.forest_rows([*recs, extra], [*labels, "X"], "complete_responders")
    complete = _by_name(complete)
    assert complete.loc["PlexRT", "events"] == 9
    assert complete.loc["X", "events"] == 2
    assert pd.isna(complete.loc["Gerontopoulos 2020", "events"])


def test_forest_rows_all_missing_stay_none():
    rows = cmp.forest_rows([{"series_key": "a2020", "n_patients": None}], ["A"])
    assert rows.loc[0, "events"] is None
    assert rows.loc[0, "total"] is None
    assert not rows.loc[0, "is_plexrt"]


def test_forest_rows_keep_none_beside_counts(cohort, literature):
    recs, labels = _records(cohort, literature)
    rows = _by_name(cmp.forest_rows(recs, labels))
    assert rows.loc["Stevens 1990", "events"] is None
    assert isinstance(rows.loc["PlexRT", "events"], int | np.integer)


def test_forest_rows_icpre_plexrt_events_unknown(cohort, literature):
    recs, labels = _records(cohort, literature, ICPRE)
    rows = _by_name(cmp.forest_rows(recs, labels))
    assert pd.isna(rows.loc["PlexRT", "events"])
    assert rows.loc["PlexRT", "total"] == 12


def test_pool_keeps_plexrt_out():
    data = pd.DataFrame(
        {
            "label": ["PlexRT", "Gerontopoulos 2020", "Shindo 2024", "Uno 2024"],
            "events": [12, 18, 67, 1],
            "total": [12, 18, 112, 1],
            "is_plexrt": [True, False, False, False],
        }
    )
    pooled = cmp.pool(data)
    ref = pool_proportions([18, 67, 1], [18, 112, 1])
    assert pooled.k == 3
    assert pooled.estimate == pytest.approx(ref.estimate, rel=1e-12)
    assert (pooled.low, pooled.high) == (
        pytest.approx(ref.low, rel=1e-12),
        pytest.approx(ref.high, rel=1e-12),
    )
    assert pooled.tau2 == pytest.approx(ref.tau2, rel=1e-12, abs=1e-15)
    with_plexrt = pool_proportions([12, 18, 67, 1], [12, 18, 112, 1])
    assert not math.isclose(pooled.estimate, with_plexrt.estimate)


def test_pool_pipeline_with_forest_data(cohort, literature):
    from plexrt.clinical.forest import forest_data

    recs, labels = _records(cohort, literature)
    data = forest_data(cmp.forest_rows(recs, labels))
    pooled = cmp.pool(data)
    # Published rows with a responder count: Gerontopoulos 18/18, Shindo 67/112, Uno 1/1.
    lit = literature.dropna(subset=["responders"])
    totals = [
        s if pd.notna(s) else p for s, p in zip(lit["n_sites"], lit["n_patients"], strict=True)
    ]
    ref = pool_proportions([int(v) for v in lit["responders"]], [int(v) for v in totals])
    assert pooled.k == ref.k == len(lit)
    assert pooled.estimate == pytest.approx(ref.estimate, rel=1e-12)


def test_pool_none_without_published_rows():
    data = pd.DataFrame({"label": ["PlexRT"], "events": [12], "total": [12], "is_plexrt": [True]})
    assert cmp.pool(data) is None


# ------------------------------------------------------------------ duration_rows


def test_duration_rows_leave_out_missing_and_flag_plexrt(literature):
    plexrt = {
        "series_key": cmp.PLEXRT_KEY,
        "median_relief_months": None,  # not reached
        "median_followup_months": 16.0,
        "median_survival_months": 5.95,
    }
    geron = _lit_record(literature, "gerontopoulos2020")  # relief 3.5, follow-up 5.5, no survival
    stevens = _lit_record(literature, "stevens1990")  # no medians
    cis = {"median_followup_months": (6.6, None), "median_survival_months": (1.28, 9.0)}
    rows = cmp.duration_rows([plexrt, geron, stevens], ["P", "G", "S"], cis, reconstructed=True)
    assert list(rows.columns) == [
        "label",
        "measure",
        "value",
        "low",
        "high",
        "is_plexrt",
        "reconstructed",
        "high_missing",
    ]
    got = list(zip(rows["label"], rows["measure"], rows["value"], strict=True))
    assert got == [
        ("P", "median_followup_months", 16.0),
        ("P", "median_survival_months", 5.95),
        ("G", "median_relief_months", 3.5),
        ("G", "median_followup_months", 5.5),
    ]
    p = rows[rows["label"] == "P"]
    assert list(p["low"]) == [6.6, 1.28]
    assert pd.isna(p["high"].iloc[0]) and p["high"].iloc[1] == 9.0
    assert list(rows["is_plexrt"]) == [True, True, False, False]
    assert list(rows["reconstructed"]) == [True, True, False, False]
    g = rows[rows["label"] == "G"]
    assert g["low"].isna().all() and g["high"].isna().all()  # no CI for published medians

    real = cmp.duration_rows([plexrt], ["P"], cis, reconstructed=False)
    assert list(real["reconstructed"]) == [False, False]


def test_duration_rows_empty_when_nothing_reported(literature):
    rows = cmp.duration_rows([_lit_record(literature, "stevens1990")], ["S"])
    assert rows.empty
    assert list(rows.columns) == [
        "label",
        "measure",
        "value",
        "low",
        "high",
        "is_plexrt",
        "reconstructed",
        "high_missing",
    ]


def test_forest_labels_carry_their_unit_and_one_series_is_not_pooled(con, cohort):
    lit = store.literature(con).set_index("series_key")
    recs = [cmp.plexrt_series(cohort, PAPER), lit.loc["gerontopoulos2020"].to_dict()]
    recs[1]["series_key"] = "gerontopoulos2020"
    rows = cmp.forest_rows(recs, ["PlexRT", "Gerontopoulos 2020"])
    assert list(rows["label"]) == ["PlexRT · sites", "Gerontopoulos 2020 · patients"]
    from plexrt.clinical.forest import forest_data

    data = forest_data(rows)
    assert cmp.pool(data) is None  # one published series: no diamond


def test_definition_warning(con):
    lit = store.literature(con).set_index("series_key")
    g = {**lit.loc["gerontopoulos2020"].to_dict(), "series_key": "gerontopoulos2020"}
    s = {**lit.loc["shindo2024"].to_dict(), "series_key": "shindo2024"}
    assert literature_notes.definition_warning([g], ["G"]) is None
    text = literature_notes.definition_warning([g, s], ["G", "S"])
    assert text.startswith("These series define response differently: G: significant pain relief")
    assert "S: ICPRE 2012" in text


def test_labels_of_same_author_and_year_stay_distinct():
    recs = [
        {"series_key": "plexrt"},
        {"series_key": "user-smith2020-aaaaaa"},
        {"series_key": "user-smith2020-bbbbbb"},
        {"series_key": "user-smith2020-cccccc"},
    ]
    assert cmp.series_labels(recs, ("PlexRT (this cohort)",)) == [
        "PlexRT (this cohort)",
        "Smith 2020 (added)",
        "Smith 2020 (added) [2]",
        "Smith 2020 (added) [3]",
    ]


def test_default_populations_are_the_same_condition_only():
    # broader comparators (e.g. painful non-bone lesions) must be chosen, never pooled by default
    assert set(cmp.DEFAULT_POPULATIONS) == {"malignant_psoas_syndrome", "lumbosacral_plexopathy"}


def test_plexrt_responders_read_as_the_board_and_the_forest_count_them(cohort, inp):
    # Site 4.1 (NRS 8 -> 3, a responder) without its score after RT: 12 sites treated, 11
    # assessable. The side-by-side cell gave 11/11 sites (100%) where the forest plot of the same
    # page drew 11/12 and the board's key figures said 92% of sites (11/12): every surface now
    # counts ALL treated sites (a site without both scores is not a responder: the paper's rule),
    # with the exact interval, and the patients beside them over ALL treated patients too (they
    # were counted over assessable patients, 10/10, on a line that read as one denominator).
    # Clopper-Pearson by hand from the beta quantiles (scipy):
    from dataclasses import replace

    from scipy.stats import beta

    from plexrt.board.summary import key_figures

    sites = cohort.copy()
    sites["nrs_after"] = sites["nrs_after"].astype("Float64")
    sites.loc[sites["course_id"] == "4.1", "nrs_after"] = pd.NA

    def cp(k: int, n: int) -> str:
        lo = 0.0 if k == 0 else beta.ppf(0.025, k, n - k + 1)
        hi = 1.0 if k == n else beta.ppf(0.975, k + 1, n - k)
        return f"{100 * k / n:.0f}%", f"{100 * lo:.0f}–{100 * hi:.0f}%"

    # sites 11/12 (92%; 62-100%); patients: patient 4 (one site, not assessable) is not a
    # responder, as their site is not -> 10/11 (59-100%)
    (pct, ci), (ppct, pci) = cp(11, 12), cp(10, 11)
    assert (pct, ci, ppct, pci) == ("92%", "62–100%", "91%", "59–100%")
    responders = (
        f"{pct} of treated sites (11/12; 95% CI {ci}) · {ppct} of treated patients (10/11; 95% "
        f"CI {pci})"
    )
    # complete: 9 sites at NRS 0 of 12 (43-95%); patients 8 of 11 (patients 1 2 3 5 7 8 10 11;
    # 39-94%)
    (cpct, cci), (cppct, cpci) = cp(9, 12), cp(8, 11)
    complete = (
        f"{cpct} of treated sites (9/12; 95% CI {cci}) · {cppct} of treated patients (8/11; 95% "
        f"CI {cpci})"
    )

    rec = cmp.plexrt_series(sites, PAPER)
    t = _table([rec], ["P"])["P"]
    assert (t["Responders"], t["Complete responders"]) == (responders, complete)
    board = dict(key_figures(replace(inp, sites=sites, all_sites=sites)))
    assert (board["Responders"], board["Complete response"]) == (responders, complete)
    forest = cmp.forest_rows([rec], ["P"]).iloc[0]
    assert (forest["events"], forest["total"]) == (11, 12)

    # one site per patient (1.2 left out): per site only, over the 11 treated sites
    one = sites[sites["course_id"] != "1.2"]
    pct1, ci1 = cp(10, 11)
    cell = _table([cmp.plexrt_series(one, PAPER)], ["P"])["P"]["Responders"]
    assert cell == f"{pct1} of treated sites (10/11; 95% CI {ci1})"
    assert dict(key_figures(replace(inp, sites=one, all_sites=one)))["Responders"] == cell


def test_plexrt_figures_no_site_or_patient_has_say_not_available_everywhere(cohort, con, inp):
    # No maximum response recorded (an own series may leave it blank): no site has a week to
    # maximum response and no patient can be assessed for the duration of relief. The
    # Literature table's PlexRT column said 'not reported' (the literature's word for a figure a
    # paper omits), the board's key figures left both rows out and `plexrt summary` gave relief as
    # null (its help: null = not reached). Each now says it is not available, and why.
    from dataclasses import replace

    from plexrt.board.summary import key_figures
    from plexrt.clinical.series_medians import series_medians
    from plexrt.clinical.series_summary import series_summary

    sites = cohort.assign(weeks_to_max_response=None)
    events = store.events(con).assign(assessable_for_relief=False)
    pids = sorted(sites["patient_id"].astype(str).unique())
    relief = "not available (no patient in the cohort can be assessed for this endpoint)"
    weeks = "not available (no site has a maximum response recorded)"

    med = series_medians(events, pids)
    assert med.not_available["median_relief_months"] == relief
    assert "median_survival_months" in med.values  # survival is still estimated
    rec = cmp.plexrt_series(
        sites, PAPER, med.values, "all sites", med.cis, med.reconstructed,
        not_available=med.not_available, median_missing=med.missing,
    )  # fmt: skip
    t = _table([rec], ["P"])["P"]
    assert t["Median duration of relief"] == f"{relief}; Kaplan–Meier from maximum response"
    assert t["Time to response"] == weeks
    board = dict(key_figures(replace(inp, sites=sites, all_sites=sites, events=events, draws=())))
    assert board["Median duration of relief"] == relief
    assert board["Weeks to maximum response"] == weeks
    summary = series_summary("S", sites, events)
    assert summary["relief"]["not_available"] == (
        "no patient in the cohort can be assessed for this endpoint"
    )
    assert "median_days" not in summary["relief"]
