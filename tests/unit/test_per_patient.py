"""Per patient beside per site wherever a patient has several sites (issue 13, point 4).

Sanuki 2022 Table 1: patient 1 has two sites (1.1: 9 -> 0, 1.2: 8 -> 0). NRS 0 at completion at 9
sites (1.1 1.2 2.1 3.1 5.1 7.1 8.1 10.1 11.1) of 12 = 8 patients (1 2 3 5 7 8 10 11) of 11.
Every site fell by 2 or more: 12 of 12 sites, 11 of 11 patients.
Exact (Clopper-Pearson) limits: 8/11 -> 39.0-94.0% (R binom.test(8, 11)), 11/11 -> 0.025^(1/11)
= 71.5% to 100%.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plexrt.board.summary import key_figures
from plexrt.clinical import cohort_summary, literature_comparison, response_summary
from plexrt.clinical.definitions import Definition
from plexrt.clinical.per_patient import (
    PATIENT_RULE,
    both_units,
    patient_counts,
    patient_proportion,
    several_sites,
)
from plexrt.data import store


@pytest.fixture(scope="module")
def sites(con):
    return store.cohort(con)


def test_the_rule_counts_a_patient_when_every_site_does():
    pid = ["1", "1", "2", "3", "3", "4"]
    # patient 1: both sites yes; 2: yes; 3: one no -> no; 4: not assessable -> not counted
    ok = [True, True, True, True, False, None]
    assert patient_counts(pid, ok) == (2, 3)
    assert "every one of their assessable sites" in PATIENT_RULE
    # over treated patients: patient 4 counts, their unassessable site not a responder
    assert patient_counts(pid, ok, "treated") == (2, 4)
    # no site assessable: no count over either denominator (no rate, not 0 of n)
    assert patient_counts(pid, [None] * 6, "treated") == (0, 0)
    with pytest.raises(ValueError, match="over must be"):
        patient_counts(pid, ok, "all")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["1", "2", "3", "10", "P 4"]), st.sampled_from([True, False, None])
        ),
        max_size=30,
    ),
    st.booleans(),
)
def test_the_rule_on_any_sites_matches_a_patient_by_patient_count(rows, as_series):
    """Whole-column counting (factorised ids) against the rule applied patient by patient."""
    pid = [p for p, _ in rows]
    ok = [o for _, o in rows]
    by_patient: dict[str, list[bool]] = {}
    for p, o in rows:
        if o is not None:
            by_patient.setdefault(p, []).append(o)
    expected = (sum(all(v) for v in by_patient.values()), len(by_patient))
    given_ok = pd.Series(ok, index=range(100, 100 + len(ok)), dtype=object) if as_series else ok
    assert patient_counts(pd.Series(pid, dtype=object), given_ok) == expected
    # over treated patients: every patient counts, a site not assessable is not a responder
    treated: dict[str, bool] = {}
    for p, o in rows:
        treated[p] = treated.get(p, True) and o is True
    expected_treated = (sum(treated.values()), len(treated)) if by_patient else (0, 0)
    assert patient_counts(pd.Series(pid, dtype=object), given_ok, "treated") == expected_treated
    # the subgroup table passes the ids as integer codes, factorised once: the same grouping
    codes = pd.factorize(pd.Series(pid, dtype=object))[0]
    assert patient_counts(pd.Series(codes, dtype="int64"), given_ok) == expected


def test_bundled_cohort_counts_both_units(sites):
    s = cohort_summary.summarise(sites)
    assert (s.nrs0_after.k, s.nrs0_after.n) == (9, 12)
    assert (s.nrs0_after_patients.k, s.nrs0_after_patients.n) == (8, 11)
    assert (s.improved2_patients.k, s.improved2_patients.n) == (11, 11)
    assert round(s.nrs0_after_patients.low, 3) == 0.390
    assert round(s.nrs0_after_patients.high, 3) == 0.940
    # (both over the sites and patients with a score: the denominator is named)
    assert both_units(s.nrs0_after, s.nrs0_after_patients, "assessable") == (
        "75% of assessable sites (9/12; 95% CI 43–95%) · 73% of assessable patients (8/11; 95% "
        "CI 39–94%)"
    )
    assert several_sites(sites)
    assert not several_sites(sites[sites["course_id"] != "1.2"])


def test_response_summary_per_patient(sites):
    s = response_summary.summarise(sites, Definition("paper"))
    assert (s.responders_patients.k, s.responders_patients.n) == (11, 11)
    assert (s.complete_patients.k, s.complete_patients.n) == (8, 11)
    assert round(s.responders_patients.low, 3) == round(0.025 ** (1 / 11), 3)


def test_key_figures_name_both_units(inp, sites):
    rows = dict(key_figures(inp))
    assert rows["Responders"] == (
        "100% of treated sites (12/12; 95% CI 74–100%) · 100% of treated patients (11/11; 95% CI 72–100%)"
    )
    assert rows["Complete response"] == (
        "75% of treated sites (9/12; 95% CI 43–95%) · 73% of treated patients (8/11; 95% CI 39–94%)"
    )
    # one site per patient: per site only (the units coincide), still named
    one = replace(inp, sites=sites[sites["course_id"] != "1.2"])
    assert (
        dict(key_figures(one))["Complete response"] == "73% of treated sites (8/11; 95% CI 39–94%)"
    )


def test_literature_row_gives_both_units(sites):
    rec = literature_comparison.plexrt_series(sites, Definition("paper"))
    assert (
        rec["_display"]["complete_responders"]
        == "75% of treated sites (9/12; 95% CI 43–95%) · 73% of treated patients (8/11; 95% CI 39–94%)"
    )
    assert (
        rec["_display"]["responders"]
        == "100% of treated sites (12/12; 95% CI 74–100%) · 100% of treated patients (11/11; 95% CI 72–100%)"
    )


def test_patient_proportion_none_without_assessable_sites():
    df = pd.DataFrame({"patient_id": ["1"], "nrs_after": [None]})
    assert patient_proportion(df, [None]) is None
