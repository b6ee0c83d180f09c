"""The similarity score and the most similar sites of the series (plexrt.board.similarity).

Every expected value is worked by hand from Table 1 of Sanuki 2022 (tests/fixtures/
sanuki2022-cureus.md); the EQD2 of each regimen and the table are in tests/unit/board_cases.py.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from plexrt.board.case import Case, make_case
from plexrt.board.similarity import (
    MAX_SCORE,
    SCORE_NOTE,
    most_similar,
    scope_note,
    shown_outcomes,
    similarity,
)
from plexrt.data import store
from tests.unit.board_cases import LIKE_10_1


@pytest.fixture(scope="module")
def cohort(con) -> pd.DataFrame:
    return store.cohort(con)


@pytest.fixture(scope="module")
def like_10_1() -> Case:
    return LIKE_10_1


def _by_site(df: pd.DataFrame) -> pd.DataFrame:
    return df.set_index("course_id")


# ---------------------------------------------------------------------------------------------
# similarity
# ---------------------------------------------------------------------------------------------


def test_identical_case_scores_full_marks_and_names_every_part(cohort, like_10_1):
    sim = _by_site(similarity(like_10_1, cohort))
    row = sim.loc["10.1"]
    # muscle 3 + intent 2 + group 2 + same cancer 1 + NRS 8 vs 8 (diff 0) 2 + EQD2 diff 0 -> 2 = 12
    assert row["score"] == 12
    assert row["max_score"] == 12 == MAX_SCORE
    text = row["explanation"]
    for part in (
        "same muscle (psoas)",
        "same intent (palliative)",
        "same primary cancer (Gastric cancer",
        "NRS 8 vs 8",
        "EQD2 42.3 vs 42.3 Gy",  # 42.25 shown to one decimal, half up
    ):
        assert part in text
    assert row[
        [
            "points_muscle",
            "points_intent",
            "points_group",
            "points_cancer",
            "points_nrs",
            "points_eqd2",
        ]
    ].tolist() == [3, 2, 2, 1, 2, 2]
    # outcome columns of site 10.1 (Table 1: NRS 8 -> 0, max response week 1, 39 Gy/13)
    assert (row["nrs_before"], row["nrs_after"], row["nrs_change"]) == (8, 0, -8)
    assert row["weeks_to_max_response"] == 1
    assert row["regimen"] == "39 Gy/13"


def test_scores_of_other_sites_by_hand(cohort, like_10_1):
    sim = _by_site(similarity(like_10_1, cohort))
    # 11.1: piriformis 0, palliative +2, urological 0, NRS 8 vs 8 +2,
    #       EQD2 42.25 vs 32.5 -> diff 9.75 (<= 10) +1 -> 5
    assert sim.loc["11.1", "score"] == 5
    assert sim.loc["11.1", "eqd2_diff_gy"] == pytest.approx(9.75)
    assert "EQD2 42.3 vs 32.5 Gy" in sim.loc["11.1", "explanation"]
    # 8.1: piriformis 0, local control 0, same group GI +2 but rectal != gastric (no +1),
    #      NRS 8 vs 3 (diff 5) 0, EQD2 42.25 vs 53.1 (diff 10.85 > 10) 0 -> 2
    assert sim.loc["8.1", "score"] == 2
    assert sim.loc["8.1", "points_cancer"] == 0
    assert "same primary group (gastrointestinal)" in sim.loc["8.1", "explanation"]
    # 1.1: psoas +3, palliative +2, gynecological 0, NRS 8 vs 9 (diff 1) +2, EQD2 diff 0 +2 -> 9
    assert sim.loc["1.1", "score"] == 9
    # 4.1: psoas +3, palliative +2, urological 0, NRS 8 vs 8 +2, EQD2 42.25 vs 60 (17.75) 0 -> 7
    assert sim.loc["4.1", "score"] == 7
    # 5.1: psoas +3, local control 0, gyn 0, NRS 8 vs 4 0, EQD2 42.25 vs 22.75 (19.5) 0 -> 3
    assert sim.loc["5.1", "score"] == 3
    # 2.1 and 6.1 share nothing: piriformis, local control, gynecological, NRS 4/5, EQD2 53.1/58.41
    assert sim.loc["2.1", "score"] == 0 and sim.loc["6.1", "score"] == 0
    assert "different muscle (psoas vs piriformis)" in sim.loc["2.1", "explanation"]
    assert "different intent (palliative vs local control)" in sim.loc["2.1", "explanation"]


def test_similarity_keeps_series_order_and_documents_rule_of_thumb(cohort, like_10_1):
    sim = similarity(like_10_1, cohort)
    assert sim["course_id"].tolist() == cohort["course_id"].tolist()
    for col in ("course_id", "patient_id", "score", "max_score", "explanation", "regimen"):
        assert col in sim.columns
    assert "rule of thumb" in SCORE_NOTE and "not a validated model" in SCORE_NOTE
    assert "rule of thumb" in similarity.__doc__


def _site(**over):
    base = {
        "course_id": "x",
        "patient_id": "x",
        "primary_cancer": "Bladder cancer",
        "primary_group": "urological",
        "involved_muscle": "psoas",
        "intent": "palliative",
        "dose_gy": 30.0,
        "fractions": 10,
        "nrs_before": 8,
        "nrs_after": 0,
        "nrs_change": -8,
        "weeks_to_max_response": 1,
    }
    base.update(over)
    return base


def test_band_limits_are_inclusive():
    case = make_case(
        primary_cancer=None,
        primary_group="other",
        involved_muscle="psoas",
        nrs_before=5,
        intent="palliative",
        dose_gy=34,
        fractions=17,  # 2 Gy per fraction: EQD2 = 34 x 12 / 12 = 34
    )
    sites = pd.DataFrame(
        [
            # 36 Gy/12: 36 x 13 / 12 = 39.0 -> diff exactly 5 -> +2; NRS 6 vs 5 diff 1 -> +2
            _site(course_id="a", dose_gy=36.0, fractions=12, nrs_before=6),
            # 44 Gy/22: EQD2 44 -> diff exactly 10 -> +1; NRS 7 vs 5 diff 2 -> +1
            _site(course_id="b", dose_gy=44.0, fractions=22, nrs_before=7),
            # 46 Gy/23: EQD2 46 -> diff 12 -> 0; NRS 8 vs 5 diff 3 -> 0
            _site(course_id="c", dose_gy=46.0, fractions=23, nrs_before=8),
            # unknown NRS and dose score 0 and say so
            _site(course_id="d", dose_gy=None, fractions=None, nrs_before=None),
        ]
    )
    sim = _by_site(similarity(case, sites))
    assert sim["points_eqd2"].tolist() == [2, 1, 0, 0]
    assert sim["points_nrs"].tolist() == [2, 1, 0, 0]
    # psoas +3, palliative +2, 'other' vs urological 0 -> 5 plus the NRS and EQD2 points
    assert sim["score"].tolist() == [9, 7, 5, 5]
    assert "NRS unknown" in sim.loc["d", "explanation"]
    assert "EQD2 unknown" in sim.loc["d", "explanation"]
    assert math.isnan(sim.loc["d", "eqd2_diff_gy"])


# ---------------------------------------------------------------------------------------------
# most_similar
# ---------------------------------------------------------------------------------------------


def test_most_similar_lists_each_patient_once_at_the_best_site(cohort, like_10_1):
    top = most_similar(like_10_1, cohort, k=7)
    # site scores (see above): 10.1 12; 1.1 9 and 1.2 9 (both EQD2 diff 0 -> course order);
    # 4.1 7; 7.1 6 and 9.1 6 (both diff 9.75 -> course order); 11.1 5; 3.1 and 5.1 3 (3.1: psoas
    # +3, NRS 3 vs 8 0, EQD2 58.41 vs 42.25 = 16.16 apart 0; 5.1 19.5 apart -> 3.1 first).
    # Patient 1 appears once, at 1.1 (first of the tie); 1.2 is named beside it.
    assert top["course_id"].tolist() == ["10.1", "1.1", "4.1", "7.1", "9.1", "11.1", "3.1"]
    assert top["patient_id"].tolist() == ["10", "1", "4", "7", "9", "11", "3"]
    assert top["score"].tolist() == [12, 9, 7, 6, 6, 5, 3]
    assert top["rank"].tolist() == list(range(1, 8))
    assert top["other_sites"].tolist() == [None, "1.2 (9 points)", None, None, None, None, None]
    assert len(most_similar(like_10_1, cohort)) == 5
    # 11 patients: asking for 12 gives every patient once
    assert most_similar(like_10_1, cohort, k=12)["patient_id"].is_unique


def test_a_patients_better_second_site_is_the_one_listed():
    # Patient p: site p.1 piriformis (muscle 0), site p.2 psoas (+3); patient q: one psoas site.
    # Case: psoas, palliative, group 'other', NRS 5, 30 Gy/10 (EQD2 32.5, as every site here).
    case = make_case(
        primary_cancer=None,
        primary_group="other",
        involved_muscle="psoas",
        nrs_before=5,
        intent="palliative",
        dose_gy=30,
        fractions=10,
    )
    sites = pd.DataFrame(
        [
            # piriformis 0 + palliative 2 + urological 0 + NRS 8 vs 5 (3) 0 + EQD2 0 apart 2 = 4
            _site(course_id="p.1", patient_id="p", involved_muscle="piriformis"),
            # psoas 3 + palliative 2 + 0 + NRS 6 vs 5 (1) 2 + EQD2 2 = 9
            _site(course_id="p.2", patient_id="p", nrs_before=6),
            # psoas 3 + local control 0 + 0 + NRS 8 vs 5 0 + EQD2 2 = 5
            _site(course_id="q.1", patient_id="q", intent="local_control"),
        ]
    )
    top = most_similar(case, sites, k=5)
    assert top["course_id"].tolist() == ["p.2", "q.1"]
    assert top["score"].tolist() == [9, 5]
    assert top["other_sites"].tolist() == ["p.1 (4 points)", None]


def test_patients_of_different_series_are_told_apart():
    case = make_case(
        primary_cancer=None,
        primary_group="urological",
        involved_muscle="psoas",
        nrs_before=8,
        intent="palliative",
        dose_gy=30,
        fractions=10,
    )
    # Both series call their patient "1": two patients, not one with two sites.
    sites = pd.DataFrame(
        [
            _site(course_id="1.1", patient_id="1", series_id="a"),
            _site(course_id="1.1", patient_id="1", series_id="b", nrs_before=4),
        ]
    )
    top = most_similar(case, sites, k=5)
    assert top["series_id"].tolist() == ["a", "b"]
    # a: 3 + 2 + 2 + NRS 0 apart 2 + EQD2 2 = 11; b: NRS 4 apart 0 -> 9
    assert top["score"].tolist() == [11, 9]
    assert top["other_sites"].isna().all()


def test_most_similar_breaks_score_ties_by_smaller_eqd2_difference(cohort):
    # Psoas, palliative, group 'other' (no site has it), NRS 5, 40 Gy/20 (EQD2 40 x 12 / 12 = 40).
    case = make_case(
        primary_cancer=None,
        primary_group="other",
        involved_muscle="psoas",
        nrs_before=5,
        intent="palliative",
        dose_gy=40,
        fractions=20,
    )
    top = most_similar(case, cohort, k=12)
    # 7.1, 9.1: 3+2+0 + NRS 4 (diff 1) 2 + EQD2 32.5 (diff 7.5) 1 = 8 (tie, course order)
    # 1.1: 3+2 + NRS 9 (4) 0 + 42.25 (2.25) 2 = 7; 1.2 NRS 8 (3) 0 -> 7; 10.1 the same -> 7
    #   (1.2 is patient 1's second site: named beside 1.1, not listed)
    # 5.1: 3+0 + NRS 4 (1) 2 + 22.75 (17.25) 0 = 5;  4.1: 3+2 + NRS 8 (3) 0 + 60 (20) 0 = 5
    #   -> 5.1 before 4.1 although 4.1 comes first in the series: smaller EQD2 difference
    # 3.1: 3 + NRS 3 (2) 1 = 4; 11.1: 2 + 32.5 (7.5) 1 = 3
    # 2.1: NRS 4 (1) 2, EQD2 53.1 (13.1) -> 2; 6.1: NRS 5 (0) 2, 58.41 (18.41) -> 2; 8.1: NRS 3 -> 1
    assert top["course_id"].tolist() == [
        "7.1",
        "9.1",
        "1.1",
        "10.1",
        "5.1",
        "4.1",
        "3.1",
        "11.1",
        "2.1",
        "6.1",
        "8.1",
    ]
    assert top["score"].tolist() == [8, 8, 7, 7, 5, 5, 4, 3, 2, 2, 1]
    assert top.set_index("course_id").loc["1.1", "other_sites"] == "1.2 (7 points)"


def test_relief_notes_from_a_hand_made_events_frame(cohort, like_10_1):
    events = pd.DataFrame(
        [
            # patient 10: relief censored at 70 days, times reconstructed
            {
                "patient_id": "10",
                "assessable_for_relief": True,
                "relapse": False,
                "relief_days": 70.0,
                "relief_event": 0,
                "assessable_for_relief_source": "reconstructed",
                "relief_days_source": "reconstructed",
                "relief_event_source": "reconstructed",
            },
            # patient 1 (two sites): not assessable, and that itself was reconstructed
            {
                "patient_id": "1",
                "assessable_for_relief": False,
                "relapse": False,
                "relief_days": None,
                "relief_event": None,
                "assessable_for_relief_source": "reconstructed",
                "relief_days_source": "reconstructed",
                "relief_event_source": "reconstructed",
            },
            # patient 4: relapse published (results text), its timing reconstructed
            {
                "patient_id": "4",
                "assessable_for_relief": True,
                "relapse": True,
                "relief_days": 76.0,
                "relief_event": 1,
                "assessable_for_relief_source": "results_text",
                "relief_days_source": "reconstructed",
                "relief_event_source": "results_text",
                "relapse_source": "results_text",
            },
            # patient 7: real (imported) times -> no "(reconstructed)"
            {
                "patient_id": "7",
                "assessable_for_relief": True,
                "relapse": False,
                "relief_days": 151.0,
                "relief_event": 0,
                "assessable_for_relief_source": "imported",
                "relief_days_source": "imported",
                "relief_event_source": "imported",
            },
            # patient 9: not assessable, as published
            {
                "patient_id": "9",
                "assessable_for_relief": False,
                "relapse": False,
                "relief_days": None,
                "relief_event": None,
                "assessable_for_relief_source": "results_text",
                "relief_days_source": "derived",
                "relief_event_source": "derived",
            },
        ]
    )
    top = _by_site(most_similar(like_10_1, cohort, events=events, k=7))
    # reconstructed per-patient durations are not shown at the board (not this patient's history)
    assert top.loc["10.1", "relief_note"] == "not published per patient"
    assert math.isnan(top.loc["10.1", "relief_days"])
    assert top.loc["1.1", "relief_note"] == "not published per patient"
    assert "1.2" not in top.index  # patient 1 is listed once, at 1.1
    assert math.isnan(top.loc["1.1", "relief_days"])
    # what the paper does say is kept: patient 4 relapsed (Results); the timing is reconstructed
    assert top.loc["4.1", "relief_note"] == (
        "relapsed after maximum response (results text); timing not published per patient"
    )
    assert math.isnan(top.loc["4.1", "relief_days"])
    assert top.loc["7.1", "relief_note"] == "relief ≥ 151 days, censored"
    assert top.loc["9.1", "relief_note"] == "not assessable"
    # patient 11 has no event row: unknown, not invented
    assert top.loc["11.1", "relief_note"] is None
    assert math.isnan(top.loc["11.1", "relief_days"])


def test_relief_notes_from_the_store_never_show_reconstructed_values(con, cohort, like_10_1):
    events = store.events(con)
    top = most_similar(like_10_1, cohort, events=events, k=11).set_index("course_id")
    # every relief value in the bundled store is reconstructed: none is shown as a number
    assert top["relief_days"].isna().all()
    # the two relapses the Results name (urachal = patient 4, rectal = patient 8) stay visible
    assert top.loc["4.1", "relief_note"].startswith(
        "relapsed after maximum response (results text)"
    )
    assert top.loc["8.1", "relief_note"].startswith(
        "relapsed after maximum response (results text)"
    )
    # patient 5: the narrative says pain-free; the duration is not published
    assert top.loc["5.1", "relief_note"].startswith("no relapse reported (case narrative)")


def test_most_similar_without_events_and_bad_arguments(cohort, like_10_1):
    top = most_similar(like_10_1, cohort, k=2)
    assert top["relief_note"].isna().all() and top["relief_days"].isna().all()
    for bad in (0, -1, 2.5, True, "3"):
        with pytest.raises(ValueError, match="k must"):
            most_similar(like_10_1, cohort, k=bad)
    with pytest.raises(ValueError, match="events is missing"):
        most_similar(like_10_1, cohort, events=pd.DataFrame({"patient_id": ["1"]}))
    with pytest.raises(ValueError, match="df is missing"):
        similarity(like_10_1, cohort.drop(columns="intent"))
    with pytest.raises(ValueError, match="case must be"):
        similarity({"involved_muscle": "psoas"}, cohort)


# ---------------------------------------------------------------------------------------------
# Which outcome columns carry information; what the matcher searched
# ---------------------------------------------------------------------------------------------


def test_relief_column_left_out_when_most_patients_have_no_published_duration(
    con, cohort, like_10_1
):
    top = most_similar(like_10_1, cohort, events=store.events(con), k=5)
    # patients 10, 1, 4, 7, 9: patient 1's durable relief (case narrative) and patient 4's
    # relapse (Results text) are published; the other three durations are reconstructed, so 2 of
    # 5 rows say something -> no Relief column
    shown, said = shown_outcomes(top)
    assert shown == ["nrs_after", "weeks_to_max_response"]
    assert said == [
        "Duration of pain relief: not published per patient for 3 of the 5 patients listed; "
        "patient 1 (site 1.1): no relapse reported (case narrative); duration not published per "
        "patient; patient 4 (site 4.1): relapsed after maximum response (results text); timing "
        "not published per patient."
    ]


def test_relief_column_kept_when_half_the_patients_have_a_fact(cohort, like_10_1):
    # imported durations for patients 10 and 1, patient 4 not assessable: 3 of 5 rows say something
    def row(pid, assessable, days, event):
        return {
            "patient_id": pid,
            "assessable_for_relief": assessable,
            "relief_days": days,
            "relief_event": event,
            "assessable_for_relief_source": "imported",
            "relief_days_source": "imported",
            "relief_event_source": "imported",
        }

    events = pd.DataFrame(
        [row("10", True, 90.0, 1), row("1", True, 200.0, 0), row("4", False, None, None)]
    )
    top = most_similar(like_10_1, cohort, events=events, k=5)
    shown, said = shown_outcomes(top)
    assert shown == ["nrs_after", "weeks_to_max_response", "relief_note"]
    assert said == []
    assert top["relief_note"].tolist() == [
        "relapse at 90 days",
        "relief ≥ 200 days, censored",
        "not assessable",
        None,
        None,
    ]


def test_without_events_the_relief_sentence_says_not_recorded(cohort, like_10_1):
    top = most_similar(like_10_1, cohort, k=3)
    _, said = shown_outcomes(top)
    assert said == [
        "Duration of pain relief: not published or not recorded for 3 of the 3 patients listed."
    ]


def test_mostly_unrecorded_outcome_columns_are_left_out_and_said():
    case = make_case(
        primary_cancer=None,
        primary_group="urological",
        involved_muscle="psoas",
        nrs_before=8,
        intent="palliative",
        dose_gy=30,
        fractions=10,
    )
    # weeks to maximum response known for 1 of 4 patients, NRS at completion for 2 of 4
    sites = pd.DataFrame(
        [
            _site(course_id=f"{i}.1", patient_id=str(i), weeks_to_max_response=w, nrs_after=a)
            for i, (w, a) in enumerate([(2, 0), (None, 1), (None, None), (None, None)], start=1)
        ]
    )
    shown, said = shown_outcomes(most_similar(case, sites, k=4))
    assert shown == ["nrs_after"]  # 2 of 4 is half: kept
    assert said[0] == "Weeks to maximum response: not recorded for 3 of the 4 patients listed."


def test_scope_note_says_which_sites_were_searched():
    assert scope_note(8, 12, "psoas", restricted=False) == (
        "Searching all 12 sites of the series; the sidebar filter (psoas) keeps 8 of them."
    )
    assert scope_note(8, 12, "psoas", restricted=True) == (
        "Searching only the 8 of 12 sites that the sidebar filter keeps (psoas)."
    )
    assert scope_note(12, 12, "all sites", restricted=False) is None
