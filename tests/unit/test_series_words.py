"""The words that follow the series in view (plexrt.clinical.series_words) and ages top-coded at
import shown as '90+' (issue 12: 'ages over 89 are stored as 90+'), on screen and in the CSV."""

from __future__ import annotations

from dataclasses import fields, replace

import pandas as pd
import pytest

from plexrt.charts.tables import cohort_table
from plexrt.clinical import cohort_summary, series_words
from plexrt.clinical.series_words import COMPARE, OWN, PUBLISHED, REGISTRY, source_of, words
from plexrt.data import store
from plexrt.data.own_schema import age_text, age_texts
from plexrt.export.tabular import safe_csv
from plexrt.ingest.own_store import own_connection
from tests.unit.own_hand import hand_frames

PAPER_WORDS = ("paper", "table 1")


def _texts(w: series_words.SeriesWords) -> list[str]:
    out = []
    for f in fields(w):
        v = getattr(w, f.name)
        out += list(v.values()) if isinstance(v, dict) else [v]
    return out


def test_own_series_words_never_speak_of_the_paper():
    for text in _texts(words(OWN)):
        assert not any(p in text.lower() for p in PAPER_WORDS), text
    # the published series keeps its sources named
    published = " ".join(_texts(words(PUBLISHED))).lower()
    assert "table 1" in published and "as in the paper" in published


def test_registry_words_never_speak_of_the_paper():
    # data in the bundled format that are not the paper (a registry served through PLEXRT_DATA)
    for text in _texts(words(REGISTRY)):
        assert not any(p in text.lower() for p in PAPER_WORDS), text
    # its times are imported with survival from the LAST course (plexrt.ingest.times)
    assert words(REGISTRY).time_zero["completion"] == "RT completion (last course)"
    assert "last course" in words(REGISTRY).survival_origin


def test_bundled_source_tells_the_paper_from_a_registry():
    paper = pd.DataFrame({"short_name": ["Sanuki 2022"], "doi": ["10.7759/cureus.20939"]})
    registry = pd.DataFrame({"short_name": ["SYNTHETIC centre 1", "X"], "doi": [None, "10.1/x"]})
    assert series_words.bundled_source(paper) == PUBLISHED
    assert series_words.bundled_source(registry) == REGISTRY  # one series without a DOI
    assert series_words.bundled_source(paper.drop(columns="doi")) == REGISTRY
    assert series_words.bundled_source(paper.head(0)) == REGISTRY


def test_time_origins_name_the_course_they_count_from():
    # own series: survival from the FIRST course's completion (plexrt.clinical.own_series);
    # published series: from the LAST course's completion (plexrt.reconstruct.timeline.rt_end)
    assert "first course" in words(OWN).survival_origin
    assert "last course" in words(PUBLISHED).survival_origin
    assert words(OWN).time_zero["completion"] == "RT completion (first course)"
    assert "first course" in words(COMPARE).note and "last course" in words(COMPARE).note


def test_source_of_the_switcher_modes():
    assert [source_of(m) for m in ("bundled", "own", "compare")] == [PUBLISHED, OWN, COMPARE]
    with pytest.raises(ValueError, match="mode"):
        source_of("sanuki2022")
    with pytest.raises(ValueError, match="source"):
        words("bundled")


def test_age_text():
    assert age_text(90, True) == "90+"
    assert age_text(90.0, False) == "90"  # a bundled age of 90 is 90
    assert age_text(71.0, None) == "71"
    assert age_text(None, None) == "" and age_text(float("nan"), pd.NA) == ""
    assert age_texts(pd.Series([90, 64]), pd.Series([True, False])) == ["90+", "64"]
    assert age_texts(pd.Series([90, 64]), None) == ["90", "64"]


def _sites(ages, top):
    n = len(ages)
    return pd.DataFrame(
        {
            "patient_id": [f"P{i}" for i in range(n)],
            "age": ages,
            "age_90_plus": top,
            "nrs_before": [8] * n,
            "nrs_after": [3] * n,
            "weeks_to_max_response": [2.0] * n,
        }
    )


@pytest.mark.parametrize(
    ("ages", "top", "median", "span"),
    [
        # 70, 85, 90+, 90+: the median lies between 85 and an age of 90 or more -> at least 87.5
        ([70, 85, 90, 90], [False, False, True, True], "≥ 87.5", "70–90+"),
        # 70, 90+, 90+: the middle patient is 90 or older
        ([70, 90, 90], [False, True, True], "90+", "70–90+"),
        # 60, 70, 90+: the median (70) is not top-coded; the oldest is
        ([60, 70, 90], [False, False, True], "70", "60–90+"),
        # all 90+
        ([90, 90], [True, True], "90+", "90+–90+"),
        # no top-coded age
        ([60, 71], [False, False], "65.5", "60–71"),
    ],
)
def test_cohort_ages_show_the_top_code(ages, top, median, span):
    t = cohort_summary.texts(cohort_summary.summarise(_sites(ages, top)))
    assert (t.median_age, t.age_range) == (median, span)


def test_a_bundled_age_of_90_is_not_top_coded():
    t = cohort_summary.texts(
        cohort_summary.summarise(_sites([70, 90], [False, False]).drop(columns="age_90_plus"))
    )
    assert (t.median_age, t.age_range) == ("80", "70–90")


@pytest.fixture(scope="module")
def aged_con(con):
    """The hand series with P2 over 89 (stored as 90 with the flag, as the import stores it)."""
    frames = hand_frames()
    p = frames.patients.copy()
    p.loc[p["patient_id"] == "P2", ["age", "age_90_plus"]] = [90, True]
    record = {"series_id": "own-0002", "name": "Aged series"}
    c = own_connection(record, replace(frames, patients=p), store.opioid_factors(con))
    yield c
    c.close()


def test_the_flag_reaches_the_cohort_table_and_its_csv(aged_con):
    sites = store.cohort(aged_con)
    assert dict(zip(sites["patient_id"], sites["age_90_plus"], strict=True))["P2"]
    shown = cohort_table(sites)
    ages = dict(zip(shown["Patient"], shown["Age (years)"], strict=True))
    assert ages["P2"] == "90+" and ages["P1"] == "60"
    csv = safe_csv(shown).decode("utf-8-sig")
    p2 = next(line for line in csv.splitlines() if ",P2," in line)
    assert ",90+," in p2
    t = cohort_summary.texts(cohort_summary.summarise(sites))
    assert t.age_range == "60–90+"


def test_bundled_label_names_what_the_store_holds():
    """The project's data keep their name; a registry served from another data folder is never
    called Sanuki 2022."""
    import pandas as pd

    from plexrt.clinical.series_words import bundled_label, series_names

    sanuki = pd.DataFrame({"short_name": ["Sanuki 2022"], "doi": ["10.7759/cureus.20939"]})
    assert bundled_label(sanuki) == "Sanuki 2022 (published)"
    registry = pd.DataFrame(
        {"short_name": [f"SYNTHETIC centre {i}" for i in (1, 2, 3, 4)], "doi": [None] * 4}
    )
    assert bundled_label(registry) == "SYNTHETIC centre 1 and 3 more (bundled data)"
    one = pd.DataFrame({"short_name": ["Local audit"], "doi": [None]})
    assert bundled_label(one) == "Local audit (bundled data)"
    assert bundled_label(pd.DataFrame({"short_name": [], "doi": []})) == "Bundled data"
    # the names alone (chart titles, the literature comparison): every series counted
    assert series_names(registry) == "SYNTHETIC centre 1 and 3 more"
    assert series_names(sanuki) == "Sanuki 2022"
    assert series_names(pd.DataFrame({"short_name": [], "doi": []})) == ""


def test_compare_mode_beside_a_registry_names_it_and_never_the_paper():
    from plexrt.clinical.series_words import bundled_name, bundled_side_label, compare_words

    sanuki = pd.DataFrame({"short_name": ["Sanuki 2022"], "doi": ["10.7759/cureus.20939"]})
    registry = pd.DataFrame({"short_name": ["SYNTHETIC centre 1", "B"], "doi": [None, None]})
    # beside the published series: the paper's words, as before
    assert compare_words(sanuki) == words(COMPARE)
    assert "as the paper counts" in compare_words(sanuki).note
    # beside a registry: its last course, its own words, nothing of the paper
    beside = compare_words(registry)
    assert beside.source == COMPARE
    for text in _texts(beside):
        assert not any(p in text.lower() for p in PAPER_WORDS), text
    assert "last course in the bundled data" in beside.note
    assert "first course in the own series" in beside.note
    assert beside.time_zero == words(COMPARE).time_zero
    # names: '(reconstructed times)' only when they are
    assert bundled_name(sanuki) == "Sanuki 2022"
    assert bundled_name(registry) == "SYNTHETIC centre 1 and 1 more"
    assert bundled_name(pd.DataFrame({"short_name": [], "doi": []})) == "Bundled data"
    assert bundled_side_label(sanuki, True) == "Sanuki 2022 (reconstructed times)"
    assert bundled_side_label(registry, False) == "SYNTHETIC centre 1 and 1 more"
