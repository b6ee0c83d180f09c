"""The case-at-the-board matcher.

Every expected value is worked by hand from Table 1 of Sanuki 2022 (tests/fixtures/
sanuki2022-cureus-excerpt.md) with the arithmetic in a comment. EQD2 (alpha/beta 10) = D (d + 10) / 12:
  39 Gy/13  d 3.0  -> 39 x 13 / 12     = 42.25   (sites 1.1, 1.2, 10.1)
  30 Gy/10  d 3.0  -> 30 x 13 / 12     = 32.50   (sites 7.1, 9.1, 11.1)
  54 Gy/30  d 1.8  -> 54 x 11.8 / 12   = 53.10   (sites 2.1, 8.1)
  59.4/33   d 1.8  -> 59.4 x 11.8 / 12 = 58.41   (sites 3.1, 6.1)
  60 Gy/30  d 2.0  -> 60 x 12 / 12     = 60.00   (site 4.1)
  21 Gy/7   d 3.0  -> 21 x 13 / 12     = 22.75   (site 5.1)
Table 1 (site: primary/group, muscle, intent, NRS before):
  1.1 ovarian/gyn psoas P 9 | 1.2 ovarian/gyn psoas P 8 | 2.1 endometrial/gyn piriformis LC 4
  3.1 cervical/gyn psoas LC 3 | 4.1 urachal/uro psoas P 8 | 5.1 cervical/gyn psoas LC 4
  6.1 cervical/gyn piriformis LC 5 | 7.1 ureteral/uro psoas P 4 | 8.1 rectal/GI piriformis LC 3
  9.1 bladder/uro psoas P 4 | 10.1 gastric/GI psoas P 8 | 11.1 bladder/uro piriformis P 8
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from plexrt.board.matcher import (
    MAX_SCORE,
    SCORE_NOTE,
    Case,
    CaseInputError,
    case_position,
    literature_benchmark,
    make_case,
    most_similar,
    similarity,
)
from plexrt.data import store


@pytest.fixture(scope="module")
def cohort(con) -> pd.DataFrame:
    return store.cohort(con)


@pytest.fixture(scope="module")
def like_10_1() -> Case:
    # Patient 10 of Table 1: gastric cancer (GI), psoas, NRS 8, palliative, 39 Gy/13.
    return make_case(
        primary_cancer="Gastric cancer",
        involved_muscle="psoas",
        nrs_before=8,
        intent="palliative",
        dose_gy=39,
        fractions=13,
    )


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


def test_most_similar_order_and_course_order_tie_break(cohort, like_10_1):
    top = most_similar(like_10_1, cohort, k=7)
    # scores (see above): 10.1 12; 1.1 9 and 1.2 9 (both EQD2 diff 0 -> course order);
    # 4.1 7; 7.1 6 and 9.1 6 (both diff 9.75 -> course order); 11.1 5
    assert top["course_id"].tolist() == ["10.1", "1.1", "1.2", "4.1", "7.1", "9.1", "11.1"]
    assert top["score"].tolist() == [12, 9, 9, 7, 6, 6, 5]
    assert top["rank"].tolist() == list(range(1, 8))
    assert len(most_similar(like_10_1, cohort)) == 5


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
    # 5.1: 3+0 + NRS 4 (1) 2 + 22.75 (17.25) 0 = 5;  4.1: 3+2 + NRS 8 (3) 0 + 60 (20) 0 = 5
    #   -> 5.1 before 4.1 although 4.1 comes first in the series: smaller EQD2 difference
    # 3.1: 3 + NRS 3 (2) 1 = 4; 11.1: 2 + 32.5 (7.5) 1 = 3
    # 2.1: NRS 4 (1) 2, EQD2 53.1 (13.1) -> 2; 6.1: NRS 5 (0) 2, 58.41 (18.41) -> 2; 8.1: NRS 3 -> 1
    assert top["course_id"].tolist() == [
        "7.1",
        "9.1",
        "1.1",
        "1.2",
        "10.1",
        "5.1",
        "4.1",
        "3.1",
        "11.1",
        "2.1",
        "6.1",
        "8.1",
    ]
    assert top["score"].tolist() == [8, 8, 7, 7, 7, 5, 5, 4, 3, 2, 2, 1]


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
    assert top.loc["1.2", "relief_note"] == "not published per patient"
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
    top = most_similar(like_10_1, cohort, events=events, k=12).set_index("course_id")
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
# case_position
# ---------------------------------------------------------------------------------------------


def test_case_position_counts(cohort, like_10_1):
    pos = case_position(like_10_1, cohort)
    # 39 Gy/13: d = 3; EQD2(10) = 39 x 13 / 12 = 42.25; EQD2(3) = 39 x (3 + 3) / 5 = 46.8
    assert pos["eqd2_10_gy"] == pytest.approx(42.25)
    assert pos["eqd2_3_gy"] == pytest.approx(46.8)
    assert pos["bed10_gy"] == pytest.approx(39 * 1.3)  # BED = D (1 + d/10) = 50.7
    assert pos["dose_per_fraction_gy"] == pytest.approx(3.0)
    assert pos["regimen"] == "39 Gy/13"
    # NRS 8: below 7 sites (3, 3, 4, 4, 4, 4, 5), equal 4 (8, 8, 8, 8), above 1 (9)
    assert (pos["nrs_below"], pos["nrs_equal"], pos["nrs_above"]) == (7, 4, 1)
    assert pos["n_sites"] == pos["n_nrs_known"] == 12
    assert pos["nrs_below_share"] == pytest.approx(7 / 12)
    assert pos["nrs_equal_share"] == pytest.approx(4 / 12)
    assert pos["nrs_above_share"] == pytest.approx(1 / 12)
    # EQD2 42.25: lower 22.75, 32.5 x3 = 4; equal 42.25 x3 = 3; higher 53.1 x2, 58.41 x2, 60 = 5
    assert (pos["eqd2_below"], pos["eqd2_equal"], pos["eqd2_above"]) == (4, 3, 5)
    assert (pos["eqd2_rank"], pos["eqd2_rank_of"]) == (5, 13)


def test_case_position_extremes(cohort):
    # NRS 10, 80 Gy/40 (EQD2 80 x 12 / 12 = 80): every site lower on both
    case = make_case(
        primary_cancer=None,
        involved_muscle="piriformis",
        nrs_before=10,
        intent="local_control",
        dose_gy=80,
        fractions=40,
    )
    pos = case_position(case, cohort)
    assert (pos["nrs_below"], pos["nrs_equal"], pos["nrs_above"]) == (12, 0, 0)
    assert (pos["eqd2_rank"], pos["eqd2_rank_of"]) == (13, 13)


# ---------------------------------------------------------------------------------------------
# input validation
# ---------------------------------------------------------------------------------------------

GOOD = {
    "primary_cancer": "Bladder cancer",
    "primary_group": None,
    "involved_muscle": "psoas",
    "nrs_before": 8,
    "intent": "palliative",
    "dose_gy": 30,
    "fractions": 10,
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nrs_before", 11),
        ("nrs_before", -1),
        ("nrs_before", 7.5),
        ("nrs_before", "seven"),
        ("nrs_before", True),
        ("nrs_before", None),
        ("dose_gy", 0),
        ("dose_gy", -3),
        ("dose_gy", 80.5),
        ("dose_gy", "abc"),
        ("dose_gy", float("nan")),
        ("fractions", 0),
        ("fractions", 41),
        ("fractions", 2.5),
        ("fractions", ""),
        ("involved_muscle", "quadratus"),
        ("involved_muscle", None),
        ("intent", "curative"),
        ("intent", 3),
        ("primary_group", "haematological"),
        ("primary_group", "gastrointestinal"),  # bladder cancer is urological
        ("primary_cancer", 42),
    ],
)
def test_each_invalid_field_is_named(field, value):
    with pytest.raises(CaseInputError) as info:
        make_case(**{**GOOD, field: value})
    assert info.value.fields == [field]
    assert info.value.messages[0].startswith(f"{field}: ")
    assert isinstance(info.value, ValueError)


def test_dose_per_fraction_limit_and_all_problems_reported_together():
    # 26 Gy in 1 fraction: 26 > 25 Gy per fraction; 25 Gy/1 is allowed
    with pytest.raises(CaseInputError) as info:
        make_case(**{**GOOD, "dose_gy": 26, "fractions": 1})
    assert info.value.fields == ["dose_per_fraction"]
    assert "dose_gy / fractions" in info.value.messages[0]
    assert make_case(**{**GOOD, "dose_gy": 25, "fractions": 1}).dose_gy == 25
    with pytest.raises(CaseInputError) as info:
        make_case(
            primary_group="x",
            involved_muscle="x",
            nrs_before=12,
            intent="x",
            dose_gy=100,
            fractions=50,
            colour="blue",
        )
    assert sorted(info.value.fields) == sorted(
        [
            "colour",
            "primary_group",
            "involved_muscle",
            "intent",
            "nrs_before",
            "dose_gy",
            "fractions",
        ]
    )
    for msg, field in zip(info.value.messages, info.value.fields, strict=True):
        assert msg.startswith(f"{field}: ")


def test_form_input_is_converted_and_group_derived():
    case = make_case(
        primary_cancer=" gastric ",
        primary_group="",
        involved_muscle="Iliopsoas",
        nrs_before="8",
        intent="LC",
        dose_gy="59.4",
        fractions="33",
    )
    assert case == Case("Gastric cancer", "gastrointestinal", "psoas", 8, "local_control", 59.4, 33)
    # limits are inclusive: NRS 0 and 10, 80 Gy, 40 fractions
    assert make_case(**{**GOOD, "nrs_before": 10, "dose_gy": 80, "fractions": 40}).nrs_before == 10
    assert make_case(**{**GOOD, "nrs_before": 0}).nrs_before == 0
    # an unlisted primary cancer keeps an unknown group unless one is given
    assert make_case(**{**GOOD, "primary_cancer": "Myxoid liposarcoma"}).primary_group is None
    # directly built cases are checked too; the group is filled from a known cancer
    direct = Case("Ovarian cancer", None, "psoas", 9, "palliative", 39.0, 13)
    assert direct.validate().primary_group == "gynecological"
    with pytest.raises(CaseInputError) as info:
        Case(None, None, "Psoas", 12, "palliative", 39.0, 13).validate()
    assert sorted(info.value.fields) == ["involved_muscle", "nrs_before"]


# ---------------------------------------------------------------------------------------------
# literature benchmark
# ---------------------------------------------------------------------------------------------


def test_literature_benchmark_psoas_on_bundled_literature(con, like_10_1):
    lit = store.literature(con)
    bench = literature_benchmark(like_10_1, lit)
    # data/literature.csv: the malignant psoas syndrome series are stevens1990, agar2004 and
    # gerontopoulos2020; no lumbosacral_plexopathy series is bundled.
    assert set(bench["series_key"]) == {"stevens1990", "agar2004", "gerontopoulos2020"}
    assert set(bench["population"]) == {"malignant_psoas_syndrome"}
    g = bench.set_index("series_key").loc["gerontopoulos2020"]
    # Sanuki 2022 Discussion: "All 18 patients achieved significant pain relief ... median duration
    # of pain relief was approximately 3.5 months at a median of 5.5 months of follow-up."
    assert (g["responders"], g["response_n"], g["responders_text"]) == (18, 18, "18/18 patients")
    assert g["median_relief_months"] == 3.5 and g["median_followup_months"] == 5.5
    # exact interval for 18/18: lower = (alpha/2)^(1/n) = 0.025^(1/18) = 0.8147, upper 1
    assert g["response_low"] == pytest.approx(0.025 ** (1 / 18), abs=1e-9)
    assert g["response_high"] == 1.0
    # not reported stays unknown, never 0
    assert pd.isna(g["median_survival_months"])
    assert pd.isna(g["n_sites"]) and pd.isna(g["complete_responders"])
    s = bench.set_index("series_key").loc["stevens1990"]
    assert pd.isna(s["responders"]) and math.isnan(s["response_rate"])
    assert s["responders_text"] == "not reported"
    # every carried figure is missing exactly where the literature table has it missing
    src = lit.set_index("series_key").loc[bench["series_key"]]
    for col in ("n_sites", "responders", "complete_responders", "median_survival_months"):
        assert bench[col].isna().tolist() == src[col].isna().tolist()
        assert not (bench[col].fillna(-1) == 0).any()


def _lit_row(key, population, **over):
    row = {
        "series_key": key,
        "citation": f"{key} citation",
        "year": 2020,
        "population": population,
        "n_patients": 10,
        "responders": np.nan,
        "median_relief_months": np.nan,
    }
    row.update(over)
    return row


def test_literature_benchmark_populations_and_piriformis_note():
    lit = pd.DataFrame(
        [
            _lit_row("lsp", "lumbosacral_plexopathy", year=2010, n_sites=12, responders=9),
            _lit_row("mps", "malignant_psoas_syndrome", year=2021),
            _lit_row("nonbone", "non_bone_painful_lesions"),
            _lit_row("cr", "case_report"),
        ]
    )
    psoas = make_case(
        primary_cancer=None,
        involved_muscle="psoas",
        nrs_before=8,
        intent="palliative",
        dose_gy=30,
        fractions=10,
    )
    piri = make_case(**{**GOOD, "involved_muscle": "piriformis"})
    # psoas: the syndrome-specific series first, then the broader plexopathy series
    assert literature_benchmark(psoas, lit)["series_key"].tolist() == ["mps", "lsp"]
    bench = literature_benchmark(piri, lit)
    assert bench["series_key"].tolist() == ["lsp"]
    # responders per site when n_sites is given: 9/12 sites
    assert bench.loc[0, "responders_text"] == "9/12 sites"
    assert bench.loc[0, "response_rate"] == pytest.approx(0.75)
    assert "No piriformis-specific series" in bench.attrs["note"]
    with pytest.raises(ValueError, match="literature_df is missing"):
        literature_benchmark(piri, lit.drop(columns="population"))
