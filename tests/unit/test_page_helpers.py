"""What the pages show, computed in plexrt (pages only read state, call these and render):
literature selection (clinical.literature_comparison) and notes (clinical.literature_notes), Data &
provenance texts (ui.provenance), time-to-event notes (clinical.endpoint_notes), cohort figures in
words (clinical.cohort_summary.texts), response-rate footnote, dose dispute note, choice labels.

Expected values are written out by hand from the inputs given here or from the bundled paper
(Sanuki 2022, Table 1 and its discrepancy X1 about patient 5's dose; tests/fixtures).
"""

from __future__ import annotations

import pandas as pd
import pytest

from plexrt.charts.tables import dose_dispute_note
from plexrt.charts.waterfall import COLOUR_BY, COLOUR_BY_CHOICES
from plexrt.clinical import cohort_summary, endpoint_notes, response_summary, response_words
from plexrt.clinical import literature_comparison as cmp
from plexrt.clinical import literature_notes as notes
from plexrt.clinical.definitions import DEFINITION_LABELS, Definition
from plexrt.data import store
from plexrt.data.vocab import SOURCE_LABELS
from plexrt.stats.meta import pool_proportions
from plexrt.stats.proportions import METHOD_CHOICES, METHODS, proportion
from plexrt.stats.survival import logrank
from plexrt.ui import provenance

# ---------------------------------------------------------------------------------------------
# Literature comparison
# ---------------------------------------------------------------------------------------------


def _records():
    plexrt = {"series_key": "plexrt", "population": "lumbosacral_plexopathy"}
    pubs = [
        {"series_key": "a2020", "population": "malignant_psoas_syndrome"},
        {"series_key": "b2021", "population": "case_report"},
        {"series_key": "c2022", "population": "lumbosacral_plexopathy"},
    ]
    return [plexrt, *pubs], ["PlexRT", "A 2020", "B 2021", "C 2022"]


def test_population_choices_only_present_ones_in_fixed_order():
    published = pd.DataFrame(
        {"population": ["case_report", "lumbosacral_plexopathy", None, "malignant_psoas_syndrome"]}
    )
    choices, default = cmp.population_choices(published)
    assert list(choices) == ["malignant_psoas_syndrome", "lumbosacral_plexopathy", "case_report"]
    assert choices["case_report"] == "case report"
    assert default == ["malignant_psoas_syndrome", "lumbosacral_plexopathy"]
    assert cmp.population_choices(pd.DataFrame({"population": []})) == ({}, [])


def test_candidates_and_chosen_records_keep_plexrt_first():
    records, labels = _records()
    pops = ["malignant_psoas_syndrome", "lumbosacral_plexopathy"]
    assert cmp.candidate_labels(records, labels, pops) == ["A 2020", "C 2022"]
    recs, labs = cmp.chosen_records(records, labels, ["C 2022"])
    assert labs == ["PlexRT", "C 2022"]
    assert [r["series_key"] for r in recs] == ["plexrt", "c2022"]
    assert cmp.chosen_records(records, labels, [])[1] == ["PlexRT"]


def test_kept_selection_adds_only_series_never_offered():
    assert cmp.kept_selection(None, ["A", "B"], set()) == ["A", "B"]  # first visit: all
    # The user dropped B; C is new (just added): kept A, C selected, B stays dropped.
    assert cmp.kept_selection(["A"], ["A", "B", "C"], {"A", "B"}) == ["A", "C"]
    # A population was deselected: its series leave the selection.
    assert cmp.kept_selection(["A", "C"], ["C"], {"A", "B", "C"}) == ["C"]


def test_forest_notes():
    pooled = pool_proportions([18, 10], [18, 12])
    assert notes.forest_footnote(None) == notes.FOREST_NOTE
    # two series: the pooled interval rests on k - 1 = 1 degree of freedom, and says so
    assert notes.forest_footnote(pooled) == f"{notes.FOREST_NOTE} {notes.pool_note(pooled)}"
    assert "1 degree of freedom" in notes.forest_footnote(pooled)
    assert notes.forest_caption(pooled, []) == pooled.method_note
    caption = notes.forest_caption(None, ["X 2019 · patients", "Y 2020 · sites"])
    assert caption.startswith("No pooled estimate: fewer than two published series")
    assert caption.endswith(
        " Not drawn for want of the figure (not reported, or no site assessable): "
        "X 2019 · patients, Y 2020 · sites."
    )


def test_unreached_medians_names_each_with_its_interval():
    values = {"median_relief_months": 5.9, "median_survival_months": None}
    cis = {"median_survival_months": (1.25, None)}
    assert notes.unreached_medians(values, cis, True) == (
        "PlexRT medians not reached, so not drawn: Median survival (not reached (95% CI 1.2 months to "
        "not reached; reconstructed times))."
    )
    assert notes.unreached_medians({"median_relief_months": 5.9}, {}, False) is None


# ---------------------------------------------------------------------------------------------
# Data & provenance
# ---------------------------------------------------------------------------------------------


def test_source_text_from_the_series_row(con):
    text = provenance.source_text(store.series(con).iloc[0])
    # data/sanuki2022/series.csv
    assert "DOI [10.7759/cureus.20939](https://doi.org/10.7759/cureus.20939)" in text
    assert "CC-BY 4.0" in text and text.startswith("**Source:** ")


def test_provenance_in_words_and_captions():
    prov = pd.DataFrame({"table_name": ["courses", "patients"], "source": ["table1", "derived"]})
    words = provenance.in_words(prov)
    assert list(words["source"]) == [SOURCE_LABELS["table1"], SOURCE_LABELS["derived"]]
    assert provenance.shown_caption(1, 3) == "1 of 3 values shown."
    assert provenance.provenance_intro([("the paper", 5), ("PlexRT", 2)]) == (
        "One row per stored value: **5** from the paper, **2** from PlexRT."
    )
    assert provenance.discrepancy_intro(19).startswith("**19 places** where the paper")


def test_provenance_pages_are_the_whole_table_cut_in_sql(con):
    """Counted and paged in SQL (a registry has millions of rows): the same rows, in the same
    order, as the whole table filtered in pandas."""
    whole = store.provenance(con)
    tables = store.provenance_tables(con)
    assert tables == sorted(whole["table_name"].unique())
    assert sum(store.provenance_count(con, [t]) for t in tables) == len(whole)
    assert store.provenance_count(con) == len(whole)
    chosen = whole[whole["table_name"].isin(tables[:2]) & (whole["source"] == "table1")]
    assert len(chosen) > 12  # the page below is a full one
    assert store.provenance_count(con, tables[:2], ["table1"]) == len(chosen)
    page = store.provenance_page(con, tables[:2], ["table1"], 5, 12)
    pd.testing.assert_frame_equal(page, chosen.iloc[5:12].reset_index(drop=True))
    pd.testing.assert_frame_equal(
        store.provenance_page(con, start=len(whole) - 3, stop=len(whole) + 10),
        whole.iloc[-3:].reset_index(drop=True),
    )
    assert store.provenance_count(con, ["no such table'; DROP TABLE provenance; --"]) == 0
    assert store.provenance_count(con) == len(whole)


# ---------------------------------------------------------------------------------------------
# Time to event
# ---------------------------------------------------------------------------------------------


def test_time_zero_words():
    assert endpoint_notes.time_zero_text("relief", "start") == "maximum response"
    # day 0 is the start of each patient's first course in every series
    assert endpoint_notes.time_zero_text("survival", "start") == "RT start (first course)"
    assert (
        endpoint_notes.time_zero_text("survival", "completion") == "RT completion (as in the paper)"
    )
    # an own series counts survival from the end of the first course, and has no paper
    own = endpoint_notes.time_zero_text("survival", "completion", "own")
    assert own == "RT completion (first course)"
    assert endpoint_notes.time_zero_text("relief", "completion", "own") == "maximum response"
    with pytest.raises(ValueError, match="time_zero"):
        endpoint_notes.time_zero_text("survival", "end", "own")
    with pytest.raises(ValueError, match="source"):
        endpoint_notes.time_zero_text("survival", "completion", "bundled")


def test_km_footnote_counts_patients_and_events():
    data = pd.DataFrame({"duration_days": [10, 20, 30], "event": [1, 0, 1]})
    assert endpoint_notes.km_footnote(data, "KM.") == (
        "n = 3 patients, 2 events<br>KM. Numbers at risk = patients still followed at each tick."
    )


def test_logrank_sentence():
    res = logrank([1, 2, 3, 4], [1, 1, 1, 1], ["a", "a", "b", "b"])
    text = endpoint_notes.logrank_text(res, " (default reconstruction)")
    assert text.startswith("Log-rank test (default reconstruction): χ² = ")
    assert f"on 1 df, p = {res.p_value:.2f} (a n = 2, b n = 2)." in text


def test_relief_reference_line_from_the_literature_table(con):
    lines = endpoint_notes.relief_reference_lines(store.literature(con))
    assert len(lines) == 1
    days, label = lines[0]
    assert label.startswith("Gerontopoulos 2020 median relief ≈ ")
    months = float(label.split("≈ ")[1].removesuffix(" mo"))
    assert days == pytest.approx(months * 365.25 / 12)
    assert endpoint_notes.relief_reference_lines(store.literature(con).iloc[:0]) == []


# ---------------------------------------------------------------------------------------------
# Cohort and pain pages
# ---------------------------------------------------------------------------------------------


def test_cohort_texts_of_the_paper(con):
    t = cohort_summary.texts(cohort_summary.summarise(store.cohort(con)))
    # Table 1: weeks to maximum response 1..12, mean 38/12 = 3.17 -> '3.2 (1–12)'.
    assert t.weeks_to_max == "3.2 (1–12)"
    assert " → " in t.median_nrs and " → " in t.mean_nrs
    assert t.age_range.count("–") == 1


def test_cohort_weeks_to_max_name_the_sites_counted_as_the_literature_and_board_do(con):
    # Site 6.1's week (12) not recorded: the mean is over the 11 sites that have one, 1+1+1+2+2+2
    # +3+3+3+4+4 = 26 / 11 = 2.36 -> 2.4 (range 1–4). The Cohort page said '2.4 (1–4)' with no
    # n, so a reader took it for all 12 sites, while the Literature table and the board's key
    # figures say 'n = 11 sites'.
    sites = store.cohort(con)
    sites.loc[sites["course_id"] == "6.1", "weeks_to_max_response"] = None
    t = cohort_summary.texts(cohort_summary.summarise(sites))
    assert (t.weeks_to_max, t.weeks_n) == ("2.4 (1–4)", "n = 11 sites")
    assert cohort_summary.weeks_to_max_text(sites["weeks_to_max_response"]) == (
        "mean 2.4 weeks (range 1–4), n = 11 sites"
    )


def test_cohort_nrs_name_the_sites_counted(con):
    """The Cohort page's median and mean NRS (before -> at RT completion) had no n beside them.
    Table 1: every site has both scores (n = 12); with site 3.1's score at completion not
    recorded, the 'after' figures count 11 sites. Median after of the 11 left, by hand: Table 1's
    after-RT scores without 3.1's."""
    sites = store.cohort(con)
    t = cohort_summary.texts(cohort_summary.summarise(sites))
    assert t.nrs_n == "n = 12 sites"
    after = sites.loc[sites["course_id"] != "3.1", "nrs_after"].sort_values().tolist()
    sites.loc[sites["course_id"] == "3.1", "nrs_after"] = None
    t = cohort_summary.texts(cohort_summary.summarise(sites))
    assert t.nrs_n == "n = 12 sites before, 11 at completion"
    assert len(after) == 11 and t.median_nrs.endswith(f"→ {after[5]:g}")
    assert cohort_summary.nrs_counted(1, 1) == "n = 1 site"
    assert cohort_summary.nrs_counted(2000, 1999) == "n = 2,000 sites before, 1,999 at completion"


def test_cohort_texts_show_unknown_as_not_available():
    empty = cohort_summary.summarise(
        pd.DataFrame(
            columns=[
                "series_id",
                "patient_id",
                "age",
                "nrs_before",
                "nrs_after",
                "weeks_to_max_response",
            ]
        )
    )
    t = cohort_summary.texts(empty)
    assert t.median_age == "not available"
    assert (t.weeks_to_max, t.weeks_n) == ("not available", None)


def _summary(treated, assessable, responders, complete):
    """A paper-definition ResponseSummary: ``responders`` and ``complete`` as (k over treated,
    k over assessable)."""
    return response_summary.ResponseSummary(
        definition=Definition("paper"),
        n_treated=treated,
        n_assessable=assessable,
        responders_treated=proportion(responders[0], treated),
        responders_assessable=proportion(responders[1], assessable),
        complete_treated=proportion(complete[0], treated),
        complete_assessable=proportion(complete[1], assessable),
        categories={},
    )


def test_rates_footnote_states_both_denominators():
    summary = _summary(12, 11, responders=(12, 11), complete=(9, 9))
    text = response_words.rates_footnote(summary, "wilson")
    assert text.startswith(Definition("paper").footnote)
    assert "(n = 12); assessable = NRS known before and at completion (n = 11)." in text
    assert text.endswith(" Wilson score 95% CI.")


def test_dose_dispute_note_names_only_shown_sites():
    disc = pd.DataFrame(
        {
            "discrepancy_id": ["X1", "X2"],
            "affects": ["courses.dose_gy/fractions (5.1)", "courses.nrs_after (2.1)"],
        }
    )
    assert dose_dispute_note(disc, ["5.1", "6.1"]) == (
        "Doses disputed in the paper: site 5.1 (X1); Table 1 values are plotted "
        "(see Data & provenance)."
    )
    assert dose_dispute_note(disc, ["2.1"]) == ""  # X2 is not about the dose


def test_choice_labels_cover_the_options():
    assert list(DEFINITION_LABELS) == [
        "paper",
        "threshold1",
        "threshold2",
        "threshold3",
        "threshold4",
        "threshold5",
        "icpre",
    ]
    assert list(METHOD_CHOICES) == list(METHODS)
    assert list(COLOUR_BY_CHOICES) == list(COLOUR_BY)
    assert COLOUR_BY_CHOICES["muscle"] == "involved muscle"


def test_series_designs_as_the_series_table_states_them():
    from plexrt.clinical.series_words import series_designs

    table = pd.DataFrame({"design": ["registry", None, "registry", " case series "]})
    assert series_designs(table) == "registry; case series"
    assert series_designs(pd.DataFrame({"design": [None]})) is None
    assert series_designs(pd.DataFrame({"short_name": ["X"]})) is None


def test_rates_footnote_groups_thousands_as_the_rates_do():
    # 100,000 treated sites, 99,999 assessable: the rates above the footnote read '100,000'
    # (Proportion.text), so the footnote's n do too.
    summary = _summary(100_000, 99_999, responders=(60_000, 60_000), complete=(30_000, 30_000))
    text = response_words.rates_footnote(summary, "wilson")
    assert "(n = 100,000); assessable = NRS known before and at completion (n = 99,999)." in text
    assert "100,000" in summary.responders_treated.text()
