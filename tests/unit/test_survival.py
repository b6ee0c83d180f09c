"""Tests for plexrt.stats.survival against published R output, hand arithmetic, statsmodels and lifelines.

Published R numbers come from the NCCTG lung data (R ``survival::lung``), copied into
tests/fixtures/lung.csv from the copy lifelines ships (``lifelines.datasets.load_lung``): the same
228 patients with ``status`` already recoded 0 = censored / 1 = dead (R codes 1 / 2), which is what
``Surv(time, status)`` means in R. Each published value is asserted at the precision it was printed.
The speed of ``kaplan_meier`` is measured by ``make bench``, not asserted here.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from plexrt.stats.survival import (
    CIFResult,
    KMResult,
    at_risk_at,
    cif_at,
    cumulative_incidence,
    kaplan_meier,
    km_curve_on_grid,
    logrank,
    one_minus_km,
    survival_at,
)

Z95 = 1.959963984540054  # qnorm(0.975)
LUNG_CSV = Path(__file__).resolve().parents[1] / "fixtures" / "lung.csv"


@pytest.fixture(scope="module")
def lung():
    df = pd.read_csv(LUNG_CSV)
    # Same data as R survival::lung: 228 patients, 165 deaths, status recoded to 0/1.
    assert len(df) == 228
    assert set(df["status"].unique()) == {0, 1}
    assert int(df["status"].sum()) == 165
    return df


def _row_at(result, t):
    """Table row of the step function in force at time t (what R summary(times = t) reports)."""
    tab = result.table
    i = int(np.searchsorted(tab["time"].to_numpy(), t, side="right")) - 1
    return tab.iloc[i]


# ------------------------------------------------------------------------------------------------
# NCCTG lung data vs published R output
# ------------------------------------------------------------------------------------------------


def test_lung_overall_median_log_ci_matches_r(lung):
    # survfit(Surv(time, status) ~ 1, data = lung) prints
    #   n events median 0.95LCL 0.95UCL
    #   228  165    310     285     363
    # (R's default conf.type = "log"). Printed in many public R tutorials, e.g. the blogdown post
    # following E. C. Zabor's "Survival Analysis in R" tutorial and the survival-analysis chapter of
    # a Japanese R textbook ("result_km <- survfit(Surv(time, status) ~ 1, data = cancer)"), both
    # found with the project's search tool.
    r = kaplan_meier(lung["time"], lung["status"], conf_type="log")
    assert (r.n, r.n_events) == (228, 165)
    assert r.median == 310
    assert r.median_ci == (285, 363)


def test_lung_one_year_survival_matches_r(lung):
    # summary(survfit(Surv(time, status) ~ 1, data = lung), times = 365.25):
    #   time n.risk n.event survival std.err lower 95% CI upper 95% CI
    #    365     65     121    0.409  0.0358        0.345        0.486
    # Printed in the same blogdown post and in a public "Cox Regression Analysis Project" README
    # ("2.2 One-year survival probability").
    r = kaplan_meier(lung["time"], lung["status"], conf_type="log")
    row = _row_at(r, 365.25)
    assert round(row["survival"], 3) == 0.409
    assert round(row["std_err"], 4) == 0.0358
    assert round(row["lower"], 3) == 0.345
    assert round(row["upper"], 3) == 0.486
    assert at_risk_at(lung["time"], [365.25]) == [65]
    assert int(r.table.loc[r.table["time"] <= 365.25, "events"].sum()) == 121
    assert round(float(survival_at(r, 365.25)[0]), 3) == 0.409


@pytest.mark.parametrize(
    ("t", "n_risk", "surv", "se", "lower", "upper"),
    [
        # summary(f1, times = seq(0, 1100, 100)) from the same blogdown post (conf.type "log").
        (100, 196, 0.8640, 0.0227, 0.8206, 0.910),
        (300, 92, 0.5306, 0.0346, 0.4669, 0.603),
        (700, 16, 0.1424, 0.0303, 0.0938, 0.216),
        (1000, 2, 0.0503, 0.0228, 0.0207, 0.123),
    ],
)
def test_lung_summary_at_times_matches_r(lung, t, n_risk, surv, se, lower, upper):
    r = kaplan_meier(lung["time"], lung["status"], conf_type="log")
    row = _row_at(r, t)
    assert at_risk_at(lung["time"], [t]) == [n_risk]
    assert round(row["survival"], 4) == surv
    assert round(row["std_err"], 4) == se
    assert round(row["lower"], 4) == lower
    assert round(row["upper"], 3) == upper


def test_lung_by_sex_event_rows_match_r(lung):
    # summary(survfit(lung_surv ~ sex, data = lung)), sex=1, from
    # https://drkim.quarto.pub/non_semi_parametric_survival_analysis :
    #   time n.risk n.event survival std.err lower 95% CI upper 95% CI
    #     11    138       3   0.9783  0.0124       0.9542        1.000
    #    180     89       1   0.6445  0.0408       0.5693        0.730
    men = lung[lung["sex"] == 1]
    r = kaplan_meier(men["time"], men["status"], conf_type="log")
    tab = r.table.set_index("time")
    for t, n, d, s, se, lo, hi in [
        (11, 138, 3, 0.9783, 0.0124, 0.9542, 1.000),
        (180, 89, 1, 0.6445, 0.0408, 0.5693, 0.730),
    ]:
        row = tab.loc[float(t)]
        assert (row["at_risk"], row["events"]) == (n, d)
        assert round(row["survival"], 4) == s
        assert round(row["std_err"], 4) == se
        assert round(row["lower"], 4) == lo
        assert round(row["upper"], 3) == hi


def test_lung_by_sex_median_log_ci_matches_r(lung):
    # survfit(Surv(time, status) ~ sex, data = lung):
    #         n events median 0.95LCL 0.95UCL
    #   sex=1 138    112    270     212     310
    #   sex=2  90     53    426     348     550
    # (STHDA "Survival Analysis Basics"; reproduced in many public notes, e.g. the PhysioClinStats
    # survivalFit() reference example.)
    expected = {1: (138, 112, 270, (212, 310)), 2: (90, 53, 426, (348, 550))}
    for sex, (n, ev, med, ci) in expected.items():
        sub = lung[lung["sex"] == sex]
        r = kaplan_meier(sub["time"], sub["status"], conf_type="log")
        assert (r.n, r.n_events, r.median, r.median_ci) == (n, ev, med, ci)


def test_lung_by_sex_median_loglog_ci_matches_r(lung):
    # survfit(SurvObj ~ sex, data = lung, conf.type = "log-log"):
    #         n events median 0.95LCL 0.95UCL
    #   sex=1 138    112    270     210     306
    #   sex=2  90     53    426     345     524
    # Published in Shane Pederson, "An introduction to survival analysis" (blog post, 2019-02-07).
    expected = {1: (270, (210, 306)), 2: (426, (345, 524))}
    for sex, (med, ci) in expected.items():
        sub = lung[lung["sex"] == sex]
        r = kaplan_meier(sub["time"], sub["status"])  # default conf_type is log-log
        assert r.conf_type == "log-log"
        assert r.median == med
        assert r.median_ci == ci


def test_lung_logrank_by_sex_matches_r_survdiff(lung):
    # survdiff(Surv(time, status) ~ sex, data = lung), full-precision print in Packt, "Machine
    # Learning with R Cookbook" 2nd ed., section "Using the log-rank test":
    #                N Observed Expected (O-E)^2/E (O-E)^2/V
    #   sex=1      138      112  91.5817   4.55228   10.3267
    #   sex=2       90       53  73.4183   5.67850   10.3267
    #   Chisq= 10.3 on 1 degrees of freedom, p= 0.00131116
    r = logrank(lung["time"], lung["status"], lung["sex"])
    tab = r.table.set_index("group")
    assert tab.loc[1, "n"] == 138 and tab.loc[2, "n"] == 90
    assert tab.loc[1, "observed"] == 112 and tab.loc[2, "observed"] == 53
    assert round(tab.loc[1, "expected"], 4) == 91.5817
    assert round(tab.loc[2, "expected"], 4) == 73.4183
    assert round(r.statistic, 4) == 10.3267
    assert r.df == 1 and "chi-square with 1 degree of freedom" in r.method_note
    assert float(f"{r.p_value:.6g}") == 0.00131116


def test_lung_greenwood_se_matches_statsmodels(lung):
    # statsmodels' SurvfuncRight is an independent Kaplan-Meier + Greenwood implementation.
    from statsmodels.duration.survfunc import SurvfuncRight

    sm = SurvfuncRight(lung["time"].to_numpy(float), lung["status"].to_numpy(float))
    r = kaplan_meier(lung["time"], lung["status"])
    tab = r.table.set_index("time")
    np.testing.assert_allclose(tab.loc[sm.surv_times, "survival"], sm.surv_prob, atol=1e-12)
    np.testing.assert_allclose(tab.loc[sm.surv_times, "std_err"], sm.surv_prob_se, atol=1e-12)


def test_loglog_limits_match_lifelines_exponential_greenwood(lung):
    # lifelines' KaplanMeierFitter uses the same log(-log) ("exponential Greenwood") interval.
    from lifelines import KaplanMeierFitter

    kmf = KaplanMeierFitter().fit(lung["time"], lung["status"])
    ci = kmf.confidence_interval_survival_function_
    r = kaplan_meier(lung["time"], lung["status"], conf_type="log-log")
    tab = r.table.iloc[1:].set_index("time")  # lifelines also has a time-0 row
    ok = (tab["survival"] > 0) & (tab["survival"] < 1)
    times = tab.index[ok]
    np.testing.assert_allclose(tab.loc[times, "lower"], ci.loc[times].iloc[:, 0], atol=1e-10)
    np.testing.assert_allclose(tab.loc[times, "upper"], ci.loc[times].iloc[:, 1], atol=1e-10)


def test_three_group_logrank_matches_statsmodels(lung):
    # ECOG 0 / 1 / 2+ (one patient with missing ECOG dropped): k = 3 groups, 2 df.
    from statsmodels.duration.survfunc import survdiff

    df = lung.dropna(subset=["ph.ecog"])
    grp = np.minimum(df["ph.ecog"].to_numpy(int), 2)
    chisq, p = survdiff(df["time"].to_numpy(float), df["status"].to_numpy(float), grp)
    r = logrank(df["time"], df["status"], grp)
    assert r.df == 2
    assert r.statistic == pytest.approx(chisq, rel=1e-10)
    assert r.p_value == pytest.approx(p, rel=1e-8)
    assert r.table["observed"].sum() == pytest.approx(r.table["expected"].sum())


# ------------------------------------------------------------------------------------------------
# A small published data set: Chernobyl bone-marrow transplants (Boston University SPH R manual,
# https://sphweb.bumc.bu.edu/otlt/MPH-Modules/BS/R/R-Manual/R-Manual21.html, section 5.1).
# 13 patients, 11 deaths at the printed times. The two survivors' times are not printed; the
# n.risk column (3 at risk at day 91) shows both were followed beyond 91 days, and any such value
# gives identical output, so 120 and 150 are used here.
# ------------------------------------------------------------------------------------------------

CHERNOBYL_T = [15, 17, 18, 18, 23, 24, 25, 34, 48, 86, 91, 120, 150]
CHERNOBYL_E = [1] * 11 + [0, 0]


def test_chernobyl_summary_matches_published_r():
    #  time n.risk n.event survival std.err lower 95% CI upper 95% CI
    #    15     13       1    0.923  0.0739       0.7890        1.000
    #    18     11       2    0.692  0.1280       0.4819        0.995
    #    25      7       1    0.462  0.1383       0.2566        0.830
    #    91      3       1    0.154  0.1001       0.0430        0.550
    r = kaplan_meier(CHERNOBYL_T, CHERNOBYL_E, conf_type="log")
    tab = r.table.set_index("time")
    for t, n, d, s, se, lo, hi in [
        (15, 13, 1, 0.923, 0.0739, 0.7890, 1.000),
        (18, 11, 2, 0.692, 0.1280, 0.4819, 0.995),
        (25, 7, 1, 0.462, 0.1383, 0.2566, 0.830),
        (91, 3, 1, 0.154, 0.1001, 0.0430, 0.550),
    ]:
        row = tab.loc[float(t)]
        assert (row["at_risk"], row["events"]) == (n, d)
        assert round(row["survival"], 3) == s
        assert round(row["std_err"], 4) == se
        assert round(row["lower"], 4) == lo
        assert round(row["upper"], 3) == hi


def test_chernobyl_median_upper_limit_not_reached():
    # print(survfit(...)): n 13, events 11, median 25, 0.95LCL 18, 0.95UCL Inf (not reached: the
    # upper confidence curve never falls to 0.5 -- it is 0.550 after the last death).
    r = kaplan_meier(CHERNOBYL_T, CHERNOBYL_E, conf_type="log")
    assert (r.n, r.n_events) == (13, 11)
    assert r.median == 25
    assert r.median_ci == (18, None)


# ------------------------------------------------------------------------------------------------
# Hand-computed Kaplan-Meier
# ------------------------------------------------------------------------------------------------

HAND_T = [1, 2, 2, 3, 4]
HAND_E = [1, 1, 0, 1, 0]


def test_km_hand_example_table():
    # t=1: n=5, d=1            S = 4/5           = 0.8      Greenwood sum 1/(5*4) = 0.05
    # t=2: n=4 (the subject censored at 2 is still at risk: events before censorings), d=1, c=1
    #                          S = 0.8 * 3/4     = 0.6      sum += 1/(4*3) -> 0.05 + 1/12
    # t=3: n=2, d=1            S = 0.6 * 1/2     = 0.3      sum += 1/(2*1) -> 0.05 + 1/12 + 1/2
    # t=4: n=1, c=1            S = 0.3 (no event)
    r = kaplan_meier(HAND_T, HAND_E)
    tab = r.table
    assert tab["time"].tolist() == [0, 1, 2, 3, 4]
    assert tab["at_risk"].tolist() == [5, 5, 4, 2, 1]
    assert tab["events"].tolist() == [0, 1, 1, 1, 0]
    assert tab["censored"].tolist() == [0, 0, 1, 0, 1]
    np.testing.assert_allclose(tab["survival"], [1, 0.8, 0.6, 0.3, 0.3], atol=1e-15)
    # Greenwood SE of S = S * sqrt(sum): 0.8*sqrt(0.05), 0.6*sqrt(0.05 + 1/12), 0.3*sqrt(0.05+1/12+1/2)
    se = [0, 0.8 * math.sqrt(0.05), 0.6 * math.sqrt(0.05 + 1 / 12)]
    se += [0.3 * math.sqrt(0.05 + 1 / 12 + 0.5)] * 2
    np.testing.assert_allclose(tab["std_err"], se, atol=1e-15)
    # 0.6 * sqrt(0.133333) = 0.6 * 0.365148 = 0.219089
    assert round(tab["std_err"][2], 6) == 0.219089
    assert (r.n, r.n_events) == (5, 3)
    assert r.median == 3  # first time S <= 0.5


def test_km_hand_loglog_ci_at_t2():
    # At t=2: S = 0.6, SE(log S) = sqrt(0.05 + 1/12) = 0.365148, log S = -0.510826.
    # log(-log) interval: S ** exp(+-z * SE(log S) / |log S|);  z * 0.365148 / 0.510826 = 1.401021
    #   lower = 0.6 ** exp(1.401021)  = 0.6 ** 4.059344 = 0.125730
    #   upper = 0.6 ** exp(-1.401021) = 0.6 ** 0.246345 = 0.881756
    r = kaplan_meier(HAND_T, HAND_E, conf_type="log-log")
    row = r.table.iloc[2]
    assert round(row["lower"], 6) == 0.125730
    assert round(row["upper"], 6) == 0.881756
    # log: 0.6 * exp(-+1.959964 * 0.365148) = 0.6 * exp(-+0.715678) -> 0.293316, 1.227343 (capped 1)
    r_log = kaplan_meier(HAND_T, HAND_E, conf_type="log")
    assert round(r_log.table.iloc[2]["lower"], 6) == 0.293316
    assert r_log.table.iloc[2]["upper"] == 1.0
    # plain: 0.6 -+ 1.959964 * 0.219089 = 0.6 -+ 0.429407 -> 0.170593, 1.029407 (capped 1)
    r_plain = kaplan_meier(HAND_T, HAND_E, conf_type="plain")
    assert round(r_plain.table.iloc[2]["lower"], 6) == 0.170593
    assert r_plain.table.iloc[2]["upper"] == 1.0


def test_km_ci_level_follows_alpha():
    # 90% log-log interval at t=2: z = 1.644854, 1.644854 * 0.365148 / 0.510826 = 1.175774
    #   lower = 0.6 ** exp(1.175774) = 0.6 ** 3.240651 = 0.191014
    r = kaplan_meier(HAND_T, HAND_E, alpha=0.10)
    assert round(r.table.iloc[2]["lower"], 6) == 0.191014
    assert "90%" in r.method_note


def test_median_flat_exactly_at_half_uses_midpoint_like_r():
    # Deaths at 1, 2, 3, 4: S = 0.75, 0.5, 0.25, 0. S is exactly 0.5 on [2, 3): R reports the
    # midpoint of that stretch, (2 + 3) / 2 = 2.5.
    assert kaplan_meier([1, 2, 3, 4], [1, 1, 1, 1]).median == 2.5


def test_median_curve_ending_at_half_uses_last_time_like_r():
    # Deaths at 1, 2 then censorings at 3, 4: S = 0.75, 0.5, 0.5, 0.5 to the end. R: midpoint of
    # the time S reached 0.5 and the last follow-up, (2 + 4) / 2 = 3.
    assert kaplan_meier([1, 2, 3, 4], [1, 1, 0, 0]).median == 3


def test_median_not_reached_is_none():
    r = kaplan_meier([1, 2, 3, 4, 5], [1, 0, 0, 0, 0])  # S = 0.8 then flat
    assert r.median is None
    # The lower log-log limit does reach 0.5 at t=1: SE(log S) = sqrt(1/(5*4)) = 0.223607,
    # z * 0.223607 / |log 0.8| = 0.438262 / 0.223144 = 1.964032, lower = 0.8 ** exp(1.964032)
    # = 0.8 ** 7.128 = 0.204 <= 0.5, so the lower median limit is 1; the upper limit is not reached.
    assert r.median_ci == (1, None)
    assert round(r.table["lower"][1], 3) == 0.204


def test_curve_reaching_zero_has_undefined_limits():
    # Single subject dies: S = 0, Greenwood variance infinite; R prints NA limits.
    r = kaplan_meier([5], [1])
    last = r.table.iloc[-1]
    assert last["survival"] == 0.0
    assert math.isnan(last["lower"]) and math.isnan(last["upper"])
    assert r.median == 5


def test_all_censored_curve_stays_at_one():
    r = kaplan_meier([3, 6, 9], [0, 0, 0])
    assert (r.table["survival"] == 1.0).all()
    assert (r.table["lower"] == 1.0).all() and (r.table["upper"] == 1.0).all()
    assert r.median is None and r.n_events == 0


def test_zero_time_event_is_right_continuous():
    # Death at time 0 (e.g. death on the day of RT): S(0) = 2/3 just after the event.
    r = kaplan_meier([0, 1, 2], [1, 1, 0])
    assert r.table["time"].tolist() == [0, 0, 1, 2]
    np.testing.assert_allclose(survival_at(r, [-1, 0, 0.5, 1, 10]), [1, 2 / 3, 2 / 3, 1 / 3, 1 / 3])


def test_survival_at_step_function():
    r = kaplan_meier(HAND_T, HAND_E)
    # Right-continuous: value at an event time already includes that event.
    np.testing.assert_allclose(
        survival_at(r, [-1, 0, 0.99, 1, 1.5, 2, 3, 100]), [1, 1, 1, 0.8, 0.8, 0.6, 0.3, 0.3]
    )
    assert survival_at(r, 2.0).shape == (1,)


def test_at_risk_at_counts_times_at_or_after_tick():
    # durations >= t: t=0 -> 5; t=2 -> {2, 2, 3, 4} = 4; t=2.5 -> 2; t=5 -> 0
    assert at_risk_at(HAND_T, [0, 2, 2.5, 5]) == [5, 4, 2, 0]
    assert all(isinstance(v, int) for v in at_risk_at(HAND_T, [1]))


def test_method_note_names_estimator_variance_and_transform():
    note = kaplan_meier(HAND_T, HAND_E).method_note
    assert "Kaplan-Meier" in note and "Greenwood" in note and "log(-log)" in note
    assert "log scale" in kaplan_meier(HAND_T, HAND_E, conf_type="log").method_note
    assert note.endswith(".") and ". " not in note  # one sentence


def test_km_matches_lifelines_on_random_ties():
    from lifelines import KaplanMeierFitter

    rng = np.random.default_rng(7)
    t = rng.integers(1, 15, 40).astype(float)  # many ties, mixed events and censorings
    e = (rng.random(40) < 0.6).astype(int)
    kmf = KaplanMeierFitter().fit(t, e)
    r = kaplan_meier(t, e)
    tab = r.table.iloc[1:].set_index("time")
    np.testing.assert_allclose(
        tab["survival"], kmf.survival_function_.loc[tab.index].iloc[:, 0], atol=1e-12
    )


# ------------------------------------------------------------------------------------------------
# Vectorised grid helper
# ------------------------------------------------------------------------------------------------


def test_km_curve_on_grid_hand_example():
    grid = [0, 0.5, 1, 2, 2.5, 3, 10]
    np.testing.assert_allclose(
        km_curve_on_grid(HAND_T, HAND_E, grid), [1, 1, 0.8, 0.6, 0.6, 0.3, 0.3], atol=1e-15
    )


def test_km_curve_on_grid_ensemble_matches_lifelines():
    from lifelines import KaplanMeierFitter

    rng = np.random.default_rng(11)
    t = rng.integers(1, 25, (30, 12)).astype(float)  # 30 data sets of 12 subjects, with ties
    e = (rng.random((30, 12)) < 0.7).astype(int)
    grid = np.linspace(0, 30, 61)
    out = km_curve_on_grid(t, e, grid)
    assert out.shape == (30, 61)
    for i in range(30):
        ref = KaplanMeierFitter().fit(t[i], e[i]).survival_function_at_times(grid).to_numpy()
        np.testing.assert_allclose(out[i], ref, atol=1e-12)


def test_kaplan_meier_on_twelve_subjects_matches_lifelines():
    # The size of one PlexRT cohort. (Its speed is measured by `make bench`, not asserted here.)
    from lifelines import KaplanMeierFitter

    rng = np.random.default_rng(3)
    t = rng.exponential(10, 12).round(1)
    e = (rng.random(12) < 0.7).astype(int)
    r = kaplan_meier(t, e)
    kmf = KaplanMeierFitter().fit(t, e)
    tab = r.table.iloc[1:].set_index("time")  # lifelines also has a time-0 row
    assert (r.n, r.n_events) == (12, int(e.sum()))
    np.testing.assert_allclose(
        tab["survival"], kmf.survival_function_.loc[tab.index].iloc[:, 0], atol=1e-12
    )
    ci = kmf.confidence_interval_survival_function_.loc[tab.index]
    ok = (tab["survival"] > 0) & (tab["survival"] < 1)
    np.testing.assert_allclose(tab.loc[ok, "lower"], ci.loc[ok].iloc[:, 0], atol=1e-10)
    np.testing.assert_allclose(tab.loc[ok, "upper"], ci.loc[ok].iloc[:, 1], atol=1e-10)


# ------------------------------------------------------------------------------------------------
# Log-rank by hand
# ------------------------------------------------------------------------------------------------


def test_logrank_two_group_hand_example():
    # A: deaths at 1 and 3.  B: death at 2, censored at 4.
    # t=1: n=4 (A2, B2), d=1 -> E_A = 2/4 = 1/2, V = d(n-d)/(n-1) * (2/4)(2/4) = 1 * 1/4 = 1/4
    # t=2: n=3 (A1, B2), d=1 -> E_A = 1/3,       V = 1*2/2 * (1/3)(2/3)       = 2/9
    # t=3: n=2 (A1, B1), d=1 -> E_A = 1/2,       V = 1*1/1 * (1/2)(1/2)       = 1/4
    # O_A = 2, E_A = 4/3; O_B = 1, E_B = 3 - 4/3 = 5/3; V = 1/4 + 2/9 + 1/4 = 13/18
    # chi2 = (2 - 4/3)^2 / (13/18) = (4/9)(18/13) = 8/13 on 1 df
    r = logrank([1, 3, 2, 4], [1, 1, 1, 0], ["A", "A", "B", "B"])
    tab = r.table.set_index("group")
    assert tab.loc["A", "observed"] == 2 and tab.loc["B", "observed"] == 1
    assert tab.loc["A", "expected"] == pytest.approx(4 / 3, abs=1e-14)
    assert tab.loc["B", "expected"] == pytest.approx(5 / 3, abs=1e-14)
    assert r.statistic == pytest.approx(8 / 13, abs=1e-14)
    assert r.df == 1
    assert r.p_value == pytest.approx(stats.chi2.sf(8 / 13, 1), rel=1e-12)
    assert tab["n"].tolist() == [2, 2]


def test_logrank_without_any_event_has_no_test():
    r = logrank([1, 2, 3, 4], [0, 0, 0, 0], [1, 1, 2, 2])
    assert r.df == 0 and r.statistic == 0.0 and math.isnan(r.p_value)


# ------------------------------------------------------------------------------------------------
# Competing risks
# ------------------------------------------------------------------------------------------------

CR_T = [1, 2, 3, 4, 5, 6]
CR_C = [1, 2, 0, 1, 2, 0]  # 1 = event of interest, 2 = competing event, 0 = censored


def test_aalen_johansen_hand_example():
    # Overall (all-cause) KM S and CIF_1(t) = sum S(t_i-) * d1_i / n_i:
    # t=1: n=6, event 1      CIF = 1 * 1/6             = 1/6        S = 5/6
    # t=2: n=5, competing    CIF = 1/6                              S = 5/6 * 4/5 = 2/3
    # t=3: n=4, censored     CIF = 1/6                              S = 2/3
    # t=4: n=3, event 1      CIF = 1/6 + 2/3 * 1/3     = 7/18       S = 2/3 * 2/3 = 4/9
    # t=5: n=2, competing    CIF = 7/18                             S = 2/9
    # t=6: n=1, censored
    r = cumulative_incidence(CR_T, CR_C, event_of_interest=1)
    tab = r.table
    assert tab["at_risk"].tolist() == [6, 6, 5, 4, 3, 2, 1]
    assert tab["events"].tolist() == [0, 1, 0, 0, 1, 0, 0]
    assert tab["competing"].tolist() == [0, 0, 1, 0, 0, 1, 0]
    np.testing.assert_allclose(tab["cif"], [0, 1 / 6, 1 / 6, 1 / 6, 7 / 18, 7 / 18, 7 / 18])
    assert (r.n, r.n_events, r.n_competing) == (6, 2, 2)
    np.testing.assert_allclose(
        cif_at(r, [-1, 0.5, 1, 3.9, 4, 99]), [0, 0, 1 / 6, 1 / 6, 7 / 18, 7 / 18]
    )


def test_aalen_johansen_hand_variance_and_ci():
    # Delta-method variance, Var F(t_j) = sum_{i<=j} (F_j-F_i)^2 d_i/(n_i(n_i-d_i))
    #                                    + S(t_i-)^2 d1_i (n_i-d1_i)/n_i^3 - 2 (F_j-F_i) S(t_i-) d1_i/n_i^2
    # At t=1: only i=1, F_j - F_i = 0 -> Var = 1 * 1 * 5 / 6^3 = 5/216 (= binomial p(1-p)/n).
    # At t=4 (F_4 - F_1 = F_4 - F_2 = 7/18 - 3/18 = 2/9):
    #   i=1: (2/9)^2/(6*5) + 5/216 - 2 (2/9)(1)(1/36) = 4/2430 + 5/216 - 4/324
    #   i=2: (2/9)^2/(5*4) (competing death, d1 = 0)  = 4/1620
    #   i=4: (2/3)^2 * 1 * 2 / 27                     = 8/243
    var1 = 5 / 216
    var4 = 4 / 2430 + 5 / 216 - 4 / 324 + 4 / 1620 + 8 / 243
    r = cumulative_incidence(CR_T, CR_C)
    tab = r.table
    assert tab["std_err"][1] == pytest.approx(math.sqrt(var1), abs=1e-14)
    assert tab["std_err"][4] == pytest.approx(math.sqrt(var4), abs=1e-14)
    # log(-log) interval at t=1: F = 1/6, se = sqrt(5/216) = 0.152145,
    #   se on the log(-log) scale = 0.152145 / (1/6 * |log(1/6)|) = 0.152145 / 0.298627 = 0.509483
    #   lower = exp(-exp(log(-log F) + z * 0.509482)) = (1/6) ** exp(0.998568) = 0.007723
    #   upper = exp(-exp(log(-log F) - z * 0.509482)) = (1/6) ** exp(-0.998568) = 0.516802
    f = 1 / 6
    se_t = math.sqrt(var1) / (f * abs(math.log(f)))
    lower = f ** math.exp(Z95 * se_t)
    upper = f ** math.exp(-Z95 * se_t)
    assert tab["lower"][1] == pytest.approx(lower, rel=1e-12)
    assert tab["upper"][1] == pytest.approx(upper, rel=1e-12)
    assert round(tab["lower"][1], 6) == 0.007723 and round(tab["upper"][1], 6) == 0.516802
    assert "Aalen-Johansen" in r.method_note and "delta-method" in r.method_note
    assert "log(-log)" in r.method_note


def test_cif_not_above_one_minus_km_with_competing_events():
    # 1-KM treating the competing events as censored: t=1 S = 5/6; t=4 (n=3) S = 5/6 * 2/3 = 5/9,
    # so 1-KM = 4/9 = 0.444 > CIF = 7/18 = 0.389.
    cif = cumulative_incidence(CR_T, CR_C).table
    omk = one_minus_km(CR_T, CR_C)
    np.testing.assert_allclose(omk["one_minus_km"], [0, 1 / 6, 1 / 6, 1 / 6, 4 / 9, 4 / 9, 4 / 9])
    assert (cif["cif"].to_numpy() <= omk["one_minus_km"].to_numpy() + 1e-15).all()
    assert cif["cif"].iloc[-1] < omk["one_minus_km"].iloc[-1]
    assert (omk["lower"] <= omk["one_minus_km"] + 1e-15).all()
    assert (omk["upper"] >= omk["one_minus_km"] - 1e-15).all()
    assert "competing events treated as censored" in omk.attrs["method_note"]


def test_cif_equals_one_minus_km_without_competing_events():
    t = [2, 3, 3, 5, 7, 8, 11, 13]
    codes = [1, 1, 0, 1, 0, 1, 1, 0]
    cif = cumulative_incidence(t, codes).table
    omk = one_minus_km(t, codes)
    np.testing.assert_allclose(cif["cif"], omk["one_minus_km"], atol=1e-15)
    km = kaplan_meier(t, codes)
    np.testing.assert_allclose(cif["cif"], 1 - km.table["survival"], atol=1e-15)


def test_cif_matches_lifelines_aalen_johansen():
    from lifelines import AalenJohansenFitter

    rng = np.random.default_rng(2024)
    t = rng.uniform(0, 60, 80).round(6)  # continuous times: lifelines would jitter tied times
    codes = rng.integers(0, 3, 80)
    r = cumulative_incidence(t, codes, event_of_interest=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        aj = AalenJohansenFitter().fit(t, codes, event_of_interest=2)
    times = r.table["time"].to_numpy()
    ref = aj.cumulative_density_.iloc[:, 0].loc[times].to_numpy()
    np.testing.assert_allclose(r.table["cif"], ref, atol=1e-8)
    # lifelines implements the same delta-method variance (Collett p. 411). It returns NaN at a
    # last time where everyone at risk has an event (0 * inf); this module counts that term as 0.
    var = aj.variance_.loc[times[1:]].to_numpy()
    ok = np.isfinite(var)
    assert ok.sum() >= len(var) - 1
    np.testing.assert_allclose(r.table["std_err"].to_numpy()[1:][ok], np.sqrt(var[ok]), atol=1e-10)


def test_cif_of_competing_type_and_sum_with_overall_km():
    # CIF_1 + CIF_2 = 1 - S_all (all-cause KM), a defining property of Aalen-Johansen.
    rng = np.random.default_rng(5)
    t = rng.integers(1, 20, 50).astype(float)
    codes = rng.integers(0, 3, 50)
    c1 = cumulative_incidence(t, codes, 1).table["cif"].to_numpy()
    c2 = cumulative_incidence(t, codes, 2).table["cif"].to_numpy()
    s_all = kaplan_meier(t, (codes > 0).astype(int)).table["survival"].to_numpy()
    np.testing.assert_allclose(c1 + c2, 1 - s_all, atol=1e-12)


def test_results_are_frozen():
    r = kaplan_meier(HAND_T, HAND_E)
    assert isinstance(r, KMResult)
    with pytest.raises(AttributeError):
        r.median = 1.0
    c = cumulative_incidence(CR_T, CR_C)
    assert isinstance(c, CIFResult)
    with pytest.raises(AttributeError):
        c.n = 3


# ------------------------------------------------------------------------------------------------
# Validation
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("durations", "events", "match"),
    [
        ([1, -2, 3], [1, 0, 1], "durations contains negative"),
        ([1, float("nan"), 3], [1, 0, 1], "durations contains NaN"),
        ([1, float("inf")], [1, 0], "durations contains infinite"),
        ([], [], "durations is empty"),
        ([1, 2, 3], [1, 0], "events has length 2 but durations has length 3"),
        ([1, 2], [1, 2], "events must be 1"),
        ([1, 2], [1, 0.5], "events must be 1"),
        ([1, 2], [1, float("nan")], "events contains NaN"),
        (["a", "b"], [1, 0], "durations must be numbers"),
        ([[1, 2]], [[1, 0]], "durations must be one-dimensional"),
    ],
)
def test_kaplan_meier_rejects_bad_data(durations, events, match):
    with pytest.raises(ValueError, match=match):
        kaplan_meier(durations, events)


@pytest.mark.parametrize("alpha", [0, 1, -0.1, 1.5, float("nan"), "0.05", True, None])
def test_rejects_bad_alpha(alpha):
    with pytest.raises(ValueError, match="alpha"):
        kaplan_meier(HAND_T, HAND_E, alpha=alpha)
    with pytest.raises(ValueError, match="alpha"):
        cumulative_incidence(CR_T, CR_C, alpha=alpha)


@pytest.mark.parametrize("conf_type", ["loglog", "arcsin", "", None, "LOG"])
def test_rejects_unknown_conf_type(conf_type):
    with pytest.raises(ValueError, match="conf_type"):
        kaplan_meier(HAND_T, HAND_E, conf_type=conf_type)


@pytest.mark.parametrize(
    ("codes", "match"),
    [
        ([1, -1, 0, 1, 2, 0], "event_codes must be non-negative whole numbers"),
        ([1, 1.5, 0, 1, 2, 0], "event_codes must be non-negative whole numbers"),
        ([1, float("nan"), 0, 1, 2, 0], "event_codes contains NaN"),
        ([1, 2, 0], "event_codes has length 3 but durations has length 6"),
    ],
)
def test_cumulative_incidence_rejects_bad_codes(codes, match):
    with pytest.raises(ValueError, match=match):
        cumulative_incidence(CR_T, codes)
    with pytest.raises(ValueError, match=match):
        one_minus_km(CR_T, codes)


@pytest.mark.parametrize("k", [0, -1, 1.5, True, "1", float("nan"), float("inf")])
def test_rejects_bad_event_of_interest(k):
    with pytest.raises(ValueError, match="event_of_interest"):
        cumulative_incidence(CR_T, CR_C, event_of_interest=k)


def test_cumulative_incidence_rejects_bad_durations():
    with pytest.raises(ValueError, match="durations contains negative"):
        cumulative_incidence([1, -1], [1, 0])
    with pytest.raises(ValueError, match="durations is empty"):
        cumulative_incidence([], [])


@pytest.mark.parametrize(
    ("groups", "match"),
    [
        (["A", "A", "A", "A"], "at least two different groups"),
        (["A", "B", "A"], "groups has length 3 but durations has length 4"),
        (["A", None, "B", "B"], "groups contains missing"),
        ("ABAB", "groups must be a one-dimensional"),
    ],
)
def test_logrank_rejects_bad_groups(groups, match):
    with pytest.raises(ValueError, match=match):
        logrank([1, 2, 3, 4], [1, 0, 1, 0], groups)


def test_logrank_rejects_bad_times_and_events():
    with pytest.raises(ValueError, match="durations contains NaN"):
        logrank([1, float("nan")], [1, 0], [1, 2])
    with pytest.raises(ValueError, match="events must be 1"):
        logrank([1, 2], [3, 0], [1, 2])


def test_helpers_reject_bad_input():
    r = kaplan_meier(HAND_T, HAND_E)
    with pytest.raises(ValueError, match="times contains NaN"):
        survival_at(r, [1, float("nan")])
    with pytest.raises(ValueError, match="KMResult"):
        survival_at(r.table, [1])
    with pytest.raises(ValueError, match="CIFResult"):
        cif_at(r, [1])
    with pytest.raises(ValueError, match="durations contains negative"):
        at_risk_at([-1, 2], [0])
    with pytest.raises(ValueError, match="times contains NaN"):
        at_risk_at([1, 2], [float("nan")])
    with pytest.raises(ValueError, match="events has shape"):
        km_curve_on_grid([1, 2, 3], [1, 0], [0, 1])
    with pytest.raises(ValueError, match="negative"):
        km_curve_on_grid([1, -2], [1, 0], [0, 1])
    with pytest.raises(ValueError, match="events must be 1"):
        km_curve_on_grid([1, 2], [1, 2], [0, 1])
    with pytest.raises(ValueError, match="empty"):
        km_curve_on_grid([], [], [0, 1])
    with pytest.raises(ValueError, match="grid contains NaN"):
        km_curve_on_grid([1, 2], [1, 0], [float("nan")])


def test_logrank_drops_a_group_without_expected_events_like_r():
    # Group C is censored before the first event: nobody of C is at risk at any event time, so its
    # expected count is 0 and R's survdiff leaves it out of the degrees of freedom (1, not 2).
    # lifelines keeps k - 1 = 2 df for the same chi-square; that is why PlexRT keeps its own test.
    from lifelines.statistics import multivariate_logrank_test

    t = [5, 6, 7, 8, 9, 10, 1, 2]
    e = [1, 1, 0, 1, 1, 0, 0, 0]
    g = ["A", "A", "A", "B", "B", "B", "C", "C"]
    r = logrank(t, e, g)
    assert r.table.set_index("group").loc["C", "expected"] == 0
    ll = multivariate_logrank_test(t, g, e)
    assert r.statistic == pytest.approx(ll.test_statistic, rel=1e-12)
    assert r.df == 1
    assert r.p_value == pytest.approx(stats.chi2.sf(r.statistic, 1), rel=1e-12)


@pytest.mark.parametrize(
    ("t", "e", "g"),
    [
        # events and censorings on the same day in both groups
        (
            [2, 2, 2, 3, 3, 5, 5, 7, 2, 2, 4, 4, 5, 6],
            [1, 1, 0, 1, 0, 1, 1, 0] + [1, 0, 1, 1, 0, 1],
            ["A"] * 8 + ["B"] * 6,
        ),
        # durations of 0 with events and censorings
        ([0, 0, 1, 2, 2, 0, 1, 1, 3], [1, 0, 1, 1, 0, 1, 1, 0, 1], ["A"] * 5 + ["B"] * 4),
        # every event on one day
        ([4, 4, 4, 4, 4], [1, 1, 1, 1, 0], ["A"] * 3 + ["B"] * 2),
    ],
)
def test_logrank_with_ties_matches_lifelines(t, e, g):
    from lifelines.statistics import multivariate_logrank_test

    ref = multivariate_logrank_test(np.array(t), np.array(g), np.array(e))
    r = logrank(t, e, g)
    assert r.statistic == pytest.approx(ref.test_statistic, rel=1e-12)
    assert r.p_value == pytest.approx(ref.p_value, rel=1e-12)


def test_aalen_johansen_with_tied_event_types_by_hand():
    # Day 2: n=7, two relapses, one death, one censored (events first). CIF = 2/7; S = 4/7.
    # Day 3: n=3, one relapse: CIF = 2/7 + 4/7 * 1/3 = 10/21.
    # Var at day 2 (one term, F_j - F_i = 0): S(t-)^2 d1 (n - d1) / n^3 = 2 * 5 / 343.
    # Var at day 3, F_3 - F_2 = 4/21: (4/21)^2 * 3/(7*4) + 10/343 - 2 (4/21) * 2/49
    #                                  + (4/7)^2 * 1 * 2 / 27 (day-3 term, F_j - F_i = 0).
    r = cumulative_incidence([2, 2, 2, 2, 3, 3, 5], [1, 2, 0, 1, 1, 0, 2], 1).table
    np.testing.assert_allclose(r["cif"], [0, 2 / 7, 10 / 21, 10 / 21], atol=1e-15)
    var3 = (4 / 21) ** 2 * 3 / 28 + 10 / 343 - 2 * (4 / 21) * 2 / 49 + (4 / 7) ** 2 * 2 / 27
    np.testing.assert_allclose(
        r["std_err"][1:3], [math.sqrt(10 / 343), math.sqrt(var3)], atol=1e-15
    )
    # Everyone has an event on one day, 2 of 3 the event of interest: the multinomial 2/3 with
    # variance p(1-p)/n = 2/27.
    one_day = cumulative_incidence([4, 4, 4], [1, 1, 2], 1).table
    assert one_day["cif"].iloc[-1] == pytest.approx(2 / 3, abs=1e-15)
    assert one_day["std_err"].iloc[-1] == pytest.approx(math.sqrt(2 / 27), abs=1e-15)
