"""The patient at the board as the exports state it (plexrt.export.case_material), worked by hand
from Table 1 of Sanuki 2022 (tests/unit/board_cases.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from plexrt.board.similarity import SCORE_NOTE
from plexrt.clinical.definitions import Definition
from plexrt.data import store
from plexrt.export.case_material import case_material, case_section, facts_table
from tests.unit.board_cases import LIKE_10_1


@pytest.fixture(scope="module")
def material(con):
    return case_material(
        LIKE_10_1,
        store.cohort(con),
        Definition("paper"),
        store.events(con),
        store.literature(con),
        "all sites searched",
    )


def test_the_case_its_position_and_its_matches(material):
    assert facts_table(material).iloc[0].tolist() == ["Primary cancer", "Gastric cancer"]
    # NRS before of the 12 sites: 9 8 4 3 8 4 5 4 3 4 8 8 -> 7 below 8, 4 equal, 1 above.
    # EQD2: 42.25 x3 equal; 32.5 x3 and 22.75 below (4); 53.1 x2, 58.41 x2, 60 above (5).
    assert material.position == [
        "Baseline NRS 8: 7 of 12 sites lower, 4 the same, 1 higher.",
        "EQD2 42.3 Gy (α/β 10 Gy): 4 of 12 sites lower, 3 the same, 5 higher.",
    ]
    assert material.cohort_line == "Cohort: n = 12 sites, 11 patients · all sites searched"
    m = material.matches
    assert m["Patient"].tolist() == ["10", "1", "4", "7", "9"]
    assert m["Score (of 12)"].tolist() == [12, 9, 7, 6, 6]
    # every listed patient has NRS at completion and weeks to maximum response (Table 1), but
    # only patients 1 (durable relief, case narrative) and 4 (relapsed, Results) have published
    # relief facts -> no Relief column, a sentence
    assert "Relief" not in m.columns
    assert {"NRS at completion", "Weeks to max. response"} <= set(m.columns)
    assert material.match_notes[0].startswith(
        "Duration of pain relief: not published per patient for 3 of the 5 patients listed"
    )
    assert material.match_notes[-1] == SCORE_NOTE
    assert material.matched_sites == ["10.1", "1.1", "4.1", "7.1", "9.1"]


def test_the_benchmark_and_the_marked_figures(material):
    series = material.benchmark.set_index("Series")
    g = series.loc["Gerontopoulos 2020. Indian J Palliat Care 2020;26:348-51"]
    assert g["Responders (exact 95% CI)"] == "18/18 patients = 100% (95% CI 81–100%)"
    assert material.benchmark_note.startswith("Published series of malignant psoas syndrome")
    (_, water), (_, dose) = material.figures
    (marks,) = [t for t in water.data if (t.meta or {}).get("role") == "case_match"]
    assert list(marks.x) == material.matched_sites
    # the planned 39 Gy/13 at EQD2 39 x 13 / 12 = 42.25 Gy
    assert any(sh.x0 == pytest.approx(42.25) == sh.x1 for sh in dose.layout.shapes)


def test_the_report_section(material):
    sec = case_section(material)
    assert sec.title == "The patient at the board"
    assert [c for c, _ in sec.tables] == [
        "The patient",
        "Most similar patients (one row per patient, at the best-matching site)",
        "Published series of the same population",
    ]
    assert material.position[0] in sec.notes and SCORE_NOTE in sec.notes
    assert len(sec.figures) == 2


def test_a_search_narrowed_by_the_filter_says_so(con):
    sites = store.cohort(con)
    psoas = sites[sites["involved_muscle"] == "psoas"]
    m = case_material(
        LIKE_10_1,
        psoas,
        Definition("paper"),
        None,
        pd.DataFrame(columns=["series_key", "citation", "population"]),
        "psoas",
    )
    # Table 1: psoas sites 1.1 1.2 3.1 4.1 5.1 7.1 9.1 10.1 = 8 sites of 7 patients
    assert m.cohort_line == "Cohort: n = 8 sites, 7 patients · psoas"
    assert m.benchmark.empty and "psoas" in m.benchmark_note
    # their NRS before: 9 8 3 8 4 4 4 8 -> 4 below 8, 3 equal, 1 above (site 1.1)
    assert m.position[0] == "Baseline NRS 8: 4 of 8 sites lower, 3 the same, 1 higher."
