"""Where the patient sits within the series (plexrt.board.position), worked by hand from Table 1
of Sanuki 2022 (see tests/unit/board_cases.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from plexrt.board.case import Case, make_case
from plexrt.board.position import case_facts, case_position
from plexrt.data import store
from tests.unit.board_cases import LIKE_10_1


@pytest.fixture(scope="module")
def cohort(con) -> pd.DataFrame:
    return store.cohort(con)


@pytest.fixture(scope="module")
def like_10_1() -> Case:
    return LIKE_10_1


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


def test_case_facts_in_words(like_10_1):
    # 39 Gy/13: 3 Gy per fraction; EQD2(10) = 39 x 13 / 12 = 42.25 -> 42.3 (half up)
    assert case_facts(like_10_1) == [
        ("Primary cancer", "Gastric cancer"),
        ("Primary group", "gastrointestinal"),
        ("Involved muscle", "psoas"),
        ("Intent", "palliative"),
        ("Baseline pain (NRS 0–10)", "8"),
        ("Planned regimen", "39 Gy/13 (3 Gy per fraction)"),
        ("EQD2 (α/β 10 Gy)", "42.3 Gy"),
    ]
    case = make_case(
        primary_cancer=None,
        involved_muscle="piriformis",
        nrs_before=3,
        intent="LC",
        dose_gy="59.4",
        fractions="33",
    )
    facts = dict(case_facts(case))
    # 59.4/33 = 1.8 Gy; EQD2 = 59.4 x 11.8 / 12 = 58.41 -> 58.4
    assert facts["Primary cancer"] == facts["Primary group"] == "not given"
    assert facts["Intent"] == "local control"
    assert facts["Planned regimen"] == "59.4 Gy/33 (1.8 Gy per fraction)"
    assert facts["EQD2 (α/β 10 Gy)"] == "58.4 Gy"


def test_a_series_of_one_site_is_one_site_in_words(cohort, like_10_1):
    """Filtered to one site (baseline NRS 9, 30 Gy/10 -> EQD2 32.5 Gy), the position read
    '0 of 1 sites lower'."""
    one = cohort[cohort["nrs_before"] == 9]
    assert len(one) == 1
    pos = case_position(like_10_1, one)
    texts = " ".join(v for v in pos.values() if isinstance(v, str))
    assert "Baseline NRS 8: 0 of 1 site lower, 0 the same, 1 higher." in texts
    assert "sites" not in texts
