"""Pain-response figures for a cohort: rates, ICPRE range, subgroups.

Expected values are worked by hand from Table 1 of Sanuki 2022 (falls: 1.1 9, 1.2 8, 2.1 4, 3.1 3,
4.1 5, 5.1 4, 6.1 2, 7.1 4, 8.1 3, 9.1 3, 10.1 8, 11.1 8; NRS 0 at completion in all but 4.1, 6.1, 9.1).
"""

from __future__ import annotations

import pandas as pd
import pytest

from plexrt.clinical import response_summary
from plexrt.clinical.definitions import NOT_ASSESSABLE, Definition
from plexrt.clinical.literature_comparison import plexrt_series
from plexrt.data import store
from plexrt.data.filters import CohortFilter

AGG = response_summary.Aggregate(reduced=2, unchanged=6, increased=4)


@pytest.fixture(scope="module")
def sites(con):
    return store.cohort(con)


def test_paper_rates(sites):
    s = response_summary.summarise(sites, Definition("paper"))
    assert (s.responders_treated.k, s.responders_treated.n) == (12, 12)
    assert (s.complete_treated.k, s.complete_treated.n) == (9, 12)
    assert s.icpre_bounds is None
    # 12/12 exact lower limit = 0.025 ** (1/12)
    assert s.responders_treated.low == pytest.approx(0.025 ** (1 / 12))


@pytest.mark.parametrize(("k", "responders"), [(1, 12), (2, 12), (3, 11), (4, 10), (5, 10)])
def test_threshold_what_if(sites, k, responders):
    # complete (NRS 0) stays 9; improved among 4.1 (fall 5), 6.1 (2), 9.1 (3) needs fall >= k
    s = response_summary.summarise(sites, Definition("threshold", k))
    assert s.responders_treated.k == responders
    assert s.complete_treated.k == 9


def test_icpre_range_from_aggregate(sites):
    s = response_summary.summarise(sites, Definition("icpre"), "exact", sites, AGG)
    assert s.responders_treated is None  # no point estimate without per-site OMED after RT
    b = s.icpre_readings.by_reading["literal"]
    # best case: no OMED rise anywhere that matters -> all 12 respond; worst case: the 4 increases
    # land on 4 responders -> 8 (derived in tests/unit/test_icpre_bounds.py)
    assert (b.responders_min, b.responders_max) == (8, 12)
    # the figure quoted alone is the least favourable reading's: every increase was opioid -> 8
    assert (s.icpre_bounds.responders_min, s.icpre_bounds.responders_max) == (8, 8)


def test_icpre_range_for_filtered_cohort(con, sites):
    psoas = store.cohort(con, CohortFilter(muscles=("psoas",)))
    s = response_summary.summarise(psoas, Definition("icpre"), "exact", sites, AGG)
    b = s.icpre_bounds
    assert b.n_sites == 8
    # the 4 increases can all fall on psoas sites (worst 4 of 8) or all on piriformis (best 8 of 8)
    assert (b.responders_min, b.responders_max) == (4, 8)


def test_subgroup_table_paper(sites):
    t = response_summary.subgroup_table(sites, Definition("paper")).set_index(["factor", "level"])
    assert t.loc[("Involved muscle", "psoas"), "n"] == 8
    # psoas NRS 0: 1.1, 1.2, 3.1, 5.1, 7.1, 10.1 = 6 of 8; exact CI 34.9-96.8%
    assert t.loc[("Involved muscle", "psoas"), "complete"] == "75% (6/8; 95% CI 35–97%)"
    assert t.loc[("Intent", "local control"), "n"] == 5
    # Dose per fraction >= 3 Gy: 39/13 x3, 21/7, 30/10 x3 = 7 sites
    assert t.loc[("Dose per fraction", "≥ 3 Gy"), "n"] == 7
    assert t.loc[("Dose per fraction", "< 3 Gy"), "n"] == 5
    # every site responds under the paper's rule: Fisher on [[8,0],[4,0]] is 1
    assert t.loc[("Involved muscle", "psoas"), "fisher_p"] == pytest.approx(1.0)
    # three primary groups: no two-group test
    assert pd.isna(t.loc[("Primary group", "urological"), "fisher_p"])
    assert t.loc[("Primary group", "urological"), "fisher"] == "not tested (3 groups)"
    assert t.loc[("Involved muscle", "psoas"), "fisher"] == "p = 1.00"


def test_factor_tests_one_row_per_factor(sites):
    sub = response_summary.subgroup_table(sites, Definition("paper"))
    f = response_summary.factor_tests(sub).set_index("factor")
    assert list(f.index) == list(dict.fromkeys(sub["factor"]))
    assert f.loc["Involved muscle", "groups"] == "piriformis vs psoas"
    assert f.loc["Involved muscle", "fisher"] == "p = 1.00"
    assert f.loc["Primary group", "fisher"] == "not tested (3 groups)"
    assert response_summary.factor_tests(sub.iloc[0:0]).empty


def test_fisher_on_hand_made_groups():
    df = pd.DataFrame(
        {
            "course_id": [f"{i}.1" for i in range(8)],
            "nrs_before": [8] * 8,
            "nrs_after": [0, 0, 0, 0, 8, 8, 8, 8],
            "involved_muscle": ["psoas"] * 4 + ["piriformis"] * 4,
            "intent": ["palliative"] * 8,
            "primary_group": ["urological"] * 8,
            "dose_per_fraction_gy": [3.0] * 8,
        }
    )
    t = response_summary.subgroup_table(df, Definition("paper")).set_index(["factor", "level"])
    # 4/4 vs 0/4: hypergeometric P(table) = 1 / C(8,4) = 1/70 at each extreme -> p = 2/70
    assert t.loc[("Involved muscle", "psoas"), "fisher_p"] == pytest.approx(2 / 70)
    # intent has one group only: no test
    assert pd.isna(t.loc[("Intent", "palliative"), "fisher_p"])


def test_a_site_of_unknown_dose_per_fraction_is_in_neither_dose_group():
    df = pd.DataFrame(
        {
            "course_id": ["1.1", "2.1", "3.1", "4.1"],
            "patient_id": ["1", "2", "3", "4"],
            "nrs_before": [8, 8, 8, 8],
            "nrs_after": [0, 8, 2, 0],
            "involved_muscle": ["psoas"] * 4,
            "intent": ["palliative"] * 4,
            "primary_group": ["urological"] * 4,
            "dose_per_fraction_gy": [3.0, 2.0, float("nan"), 2.9999999999],
        }
    )
    t = response_summary.subgroup_table(df, Definition("paper")).set_index(["factor", "level"])
    dose = t.loc["Dose per fraction"]
    # 3.0 and 2.9999999999 (3 Gy within rounding) are >= 3 Gy; 2.0 below; NaN in neither
    assert dose.loc["≥ 3 Gy", "n"] == 2 and dose.loc["< 3 Gy", "n"] == 1
    assert int(dose["n"].sum()) == 3
    assert t.loc[("Involved muscle", "psoas"), "n"] == 4


def test_literature_schema_matches_columns(con):
    from plexrt.data.literature import COLUMN_NAMES

    assert list(store.literature(con).columns) == list(COLUMN_NAMES)


def test_bound_proportions(sites):
    s = response_summary.summarise(sites, Definition("icpre"), "exact", sites, AGG)
    lo, hi = response_summary.bound_proportions(s.icpre_readings.by_reading["literal"])
    # 8/12: Clopper-Pearson 0.349-0.901 (R binom.test(8, 12)); 12/12: 0.025^(1/12) = 0.735 to 1
    assert (lo.k, lo.n, round(lo.low, 3), round(lo.high, 3)) == (8, 12, 0.349, 0.901)
    assert (hi.k, round(hi.low, 3), hi.high) == (12, 0.735, 1.0)


def test_aggregate_in_words():
    assert AGG.total == 12
    assert AGG.text() == "reduced 2, unchanged 6, increased 4 of 12 sites"


def test_no_site_assessable_gives_no_rate(sites):
    """A cohort whose sites have no NRS after RT (an own series whose follow-up scores are not
    entered yet) read 'responders 0% (0/12; 95% CI 0-26%)' over all treated sites, and the
    literature comparison and its forest plot drew it as 0/12 beside the published series.
    Nobody's pain was measured after RT: no rate, and the comparison says why."""
    unscored = sites.assign(nrs_after=pd.NA)
    s = response_summary.summarise(unscored, Definition("paper"))
    assert (s.n_treated, s.n_assessable) == (12, 0)
    assert s.responders_treated is None and s.complete_treated is None
    assert s.responders_assessable is None and s.responders_patients is None
    rec = plexrt_series(unscored, Definition("paper"))
    assert rec["responders"] is None and rec["complete_responders"] is None
    assert rec["_display"]["responders"] == NOT_ASSESSABLE
    # One site scored: the paper's rule again (the 11 unscored sites count as not responding).
    one = unscored.copy()
    one.loc[one.index[0], "nrs_after"] = sites.loc[sites.index[0], "nrs_after"]
    k = int(sites.loc[sites.index[0], "nrs_before"] - sites.loc[sites.index[0], "nrs_after"] >= 2)
    s1 = response_summary.summarise(one, Definition("paper"))
    assert s1.responders_treated is not None
    assert (s1.responders_treated.k, s1.responders_treated.n) == (k, 12)
