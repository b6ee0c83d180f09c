"""Intervals against scipy / statsmodels, BED/EQD2 by hand for every regimen in the series.
(CSV neutralisation: tests/unit/test_tabular.py.)"""

from __future__ import annotations

import pandas as pd
import pytest
from scipy.stats import binomtest
from statsmodels.stats.proportion import proportion_confint

from plexrt.clinical import dose
from plexrt.clinical.cohort_summary import (
    banner_text,
    cohort_size,
    cohort_text,
    count_patients,
    fmt,
    weeks_to_max_text,
)
from plexrt.stats.proportions import check_count_pair, proportion, proportion_ci


@pytest.mark.parametrize(
    ("k", "n"), [(0, 1), (0, 12), (1, 12), (9, 12), (12, 12), (67, 112), (18, 18), (3, 7)]
)
def test_exact_matches_scipy_and_statsmodels(k, n):
    lo, hi = proportion_ci(k, n, "exact")
    ref = binomtest(k, n).proportion_ci(method="exact")
    assert (lo, hi) == pytest.approx((ref.low, ref.high), abs=1e-10)
    sm = proportion_confint(k, n, method="beta")
    assert (lo, hi) == pytest.approx(sm, abs=1e-10)


@pytest.mark.parametrize(("k", "n"), [(0, 12), (9, 12), (12, 12), (67, 112), (5, 9)])
def test_wilson_matches_scipy_and_statsmodels(k, n):
    lo, hi = proportion_ci(k, n, "wilson")
    ref = binomtest(k, n).proportion_ci(method="wilson")
    assert (lo, hi) == pytest.approx((ref.low, ref.high), abs=1e-10)
    assert (lo, hi) == pytest.approx(proportion_confint(k, n, method="wilson"), abs=1e-10)


def test_alpha_90():
    lo, hi = proportion_ci(9, 12, "exact", alpha=0.10)
    assert (lo, hi) == pytest.approx(
        proportion_confint(9, 12, alpha=0.10, method="beta"), abs=1e-10
    )


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((13, 12), "cannot exceed"),
        ((1, 0), "n must be positive"),
        ((-1, 5), "must not be negative"),
        ((1.5, 5), "whole number"),
        ((1, 5, "wald"), "unknown interval method"),
    ],
)
def test_proportion_ci_rejects(args, match):
    with pytest.raises(ValueError, match=match):
        proportion_ci(*args)


@pytest.mark.parametrize(
    ("k", "n", "message"),
    [
        (1, 0, "rows: total of 'A' must be positive, got 0"),
        (-1, 4, "rows: events of 'A' must not be negative, got -1"),
        (5, 4, "rows: events of 'A' (5) cannot exceed total of 'A' (4)"),
    ],
)
def test_check_count_pair_names_the_counts(k, n, message):
    with pytest.raises(ValueError) as err:
        check_count_pair(k, n, "events of 'A'", "total of 'A'", where="rows: ")
    assert str(err.value) == message


def test_check_count_pair_accepts_the_edges():
    for k, n in ((0, 1), (1, 1), (0, 12), (12, 12)):
        check_count_pair(k, n)  # no exception: 0 <= k <= n, n > 0


def test_proportion_text_has_n():
    assert proportion(9, 12).text() == "75% (9/12; 95% CI 43–95%)"
    assert proportion(0, 0) is None


# Every regimen in Table 1, by hand: d = D/n; BED = D(1 + d/ab); EQD2 = D(d + ab)/(2 + ab)
REGIMENS = [
    # D, n, BED10, EQD2_10, EQD2_3
    (39, 13, 39 * 1.3, 39 * 13 / 12, 39 * 6 / 5),  # d = 3
    (54, 30, 54 * 1.18, 54 * 11.8 / 12, 54 * 4.8 / 5),  # d = 1.8
    (59.4, 33, 59.4 * 1.18, 59.4 * 11.8 / 12, 59.4 * 4.8 / 5),  # d = 1.8
    (60, 30, 72.0, 60.0, 60.0),  # d = 2: EQD2 = D for any alpha/beta
    (21, 7, 27.3, 22.75, 25.2),  # d = 3
    (30, 10, 39.0, 32.5, 36.0),  # d = 3
]


@pytest.mark.parametrize(("D", "n", "bed10", "eqd2_10", "eqd2_3"), REGIMENS)
def test_bed_eqd2_by_hand(D, n, bed10, eqd2_10, eqd2_3):
    assert dose.bed(D, n, 10) == pytest.approx(bed10)
    assert dose.eqd2(D, n, 10) == pytest.approx(eqd2_10)
    assert dose.eqd2(D, n, 3) == pytest.approx(eqd2_3)
    # EQD2 = BED / (1 + 2/ab)
    assert dose.eqd2(D, n, 3) == pytest.approx(dose.bed(D, n, 3) / (1 + 2 / 3))


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((-1, 5), "total dose must be positive"),
        ((30, 0), "fractions"),
        ((30, 2.5), "whole number"),
        ((30, 10, 0), "alpha/beta"),
        ((None, 10), "must be a number"),
    ],
)
def test_dose_rejects(args, match):
    with pytest.raises(ValueError, match=match):
        dose.eqd2(*args)


@pytest.mark.parametrize(("D", "n", "bed10", "eqd2_10", "eqd2_3"), REGIMENS)
def test_derived_doses_are_the_stored_columns(D, n, bed10, eqd2_10, eqd2_3):
    got = dose.derived_doses(D, n)
    assert list(got) == ["dose_per_fraction_gy", "bed10_gy", "eqd2_10_gy", "bed3_gy", "eqd2_3_gy"]
    assert got["dose_per_fraction_gy"] == pytest.approx(D / n)
    assert got["bed10_gy"] == pytest.approx(bed10)
    assert got["eqd2_10_gy"] == pytest.approx(eqd2_10)
    assert got["eqd2_3_gy"] == pytest.approx(eqd2_3)
    # BED at alpha/beta 3 by hand: D (1 + d / 3)
    assert got["bed3_gy"] == pytest.approx(D * (1 + D / n / 3))


def test_alpha_beta_values_and_choices():
    assert (dose.DEFAULT_ALPHA_BETA, dose.LATE_ALPHA_BETA) == (10.0, 3.0)
    assert dose.ALPHA_BETA_CHOICES == {"10": "10 Gy (tumour, acute)", "3": "3 Gy (late)"}
    assert dose.check_alpha_beta(3) == 3.0
    for bad in (0, -1, float("nan"), float("inf"), True, "3"):
        with pytest.raises(ValueError, match="alpha/beta"):
            dose.check_alpha_beta(bad)


def test_regimen_label():
    assert dose.regimen_label(39, 13) == "39 Gy/13"
    assert dose.regimen_label(59.4, 33) == "59.4 Gy/33"


def test_banner_and_fmt():
    assert banner_text(12, 11, 12, 11) == "12 of 12 sites (11 patients) shown"
    assert banner_text(7, 6, 12, 11) == "7 of 12 sites (6 of 11 patients) shown"
    assert fmt(None) == "not available"
    assert fmt(70.0, 1) == "70"
    assert fmt(3.1667, 1) == "3.2"


def _sites(*patients: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series_id": "s",
            "patient_id": list(patients),
            "course_id": [f"c{i}" for i in range(len(patients))],
        }
    )


def test_patients_are_counted_once_per_patient():
    # Sanuki patient 1 has two irradiated sites: 3 sites of 2 patients.
    three = _sites("1", "1", "2")
    assert count_patients(three) == 2
    assert count_patients(three.iloc[:0]) == 0
    # The same patient id in two series is two patients.
    two_series = pd.DataFrame({"series_id": ["a", "b"], "patient_id": ["1", "1"]})
    assert count_patients(two_series) == 2
    assert count_patients(two_series.drop(columns="series_id")) == 1


def test_cohort_text_and_banner_words():
    assert cohort_text(_sites("1", "1", "2"), "all sites") == "n = 3 sites, 2 patients · all sites"
    assert cohort_text(_sites("7"), "psoas") == "n = 1 site, 1 patient · psoas"
    total = _sites(*[str(i) for i in range(1, 12)], "1")  # 12 sites, 11 patients
    assert cohort_size(total) == (12, 11)
    assert banner_text(*cohort_size(total), *cohort_size(total)) == (
        "12 of 12 sites (11 patients) shown"
    )
    shown = total[total["patient_id"].isin(["1", "2"])]
    assert cohort_size(shown) == (3, 2)
    assert banner_text(*cohort_size(shown), *cohort_size(total)) == (
        "3 of 12 sites (2 of 11 patients) shown"
    )


def test_weeks_to_max_text():
    # (1 + 2 + 12 + missing) -> mean of the known three = 5.0
    # n counts the sites with a week recorded, not the unknown one
    assert weeks_to_max_text(pd.Series([1, 2, 12, None])) == (
        "mean 5.0 weeks (range 1–12), n = 3 sites"
    )
    assert weeks_to_max_text(pd.Series([None, None], dtype=float)) is None


@pytest.mark.parametrize(
    ("k", "n", "name"),
    [(float("inf"), 3, "k"), (float("nan"), 3, "k"), (1, float("inf"), "n"), (1.5, 3, "k")],
)
def test_a_count_that_is_not_a_whole_number_is_named(k, n, name):
    """inf and nan were an OverflowError / an int() message naming neither count."""
    with pytest.raises(ValueError, match=f"^{name} must be a whole number, got "):
        proportion_ci(k, n)


@pytest.mark.parametrize(("k", "n", "name"), [(1, 10**400, "n"), (10**16, 10**17, "k")])
def test_a_count_beyond_exact_floats_is_refused(k, n, name):
    """10**400 was a TypeError from scipy's beta quantile."""
    with pytest.raises(ValueError, match=f"^{name} is too large to be a count"):
        proportion_ci(k, n)
