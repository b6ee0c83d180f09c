"""Per-series intervals and random-effects pooling of proportions (plexrt.stats.meta).

Independent references: scipy.stats.binomtest(...).proportion_ci for the per-series intervals,
statsmodels.stats.meta_analysis.combine_effects(method_re="dl") for the pooled estimate and, with
use_t=True, its Hartung-Knapp-Sidik-Jonkman ("random effect wls") interval, and a
DerSimonian-Laird example worked by hand below.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

from plexrt.stats.meta import pool_proportions, series_ci

Z975 = stats.norm.ppf(0.975)


def _logit_effects(events, totals, c=0.5):
    """Logit and variance per series, 0.5 added to events and non-events of 0%/100% series only."""
    y, v = [], []
    for e, n in zip(events, totals, strict=True):
        a, b = (e + c, n - e + c) if e in (0, n) else (e, n - e)
        y.append(math.log(a / b))
        v.append(1 / a + 1 / b)
    return np.array(y), np.array(v)


def _expit(x):
    return 1 / (1 + math.exp(-x))


# ------------------------------------------------------------------ per-series intervals


@pytest.mark.parametrize("method", ["exact", "wilson"])
def test_series_ci_matches_scipy_binomtest(method):
    events, totals = [18, 67, 0, 3, 12], [18, 112, 4, 10, 12]
    df = series_ci(events, totals, method=method)
    assert list(df["events"]) == events and list(df["totals"]) == totals
    for row, e, n in zip(df.itertuples(), events, totals, strict=True):
        ci = stats.binomtest(e, n).proportion_ci(method=method)
        assert row.proportion == pytest.approx(e / n)
        assert row.low == pytest.approx(ci.low, abs=1e-9)
        assert row.high == pytest.approx(ci.high, abs=1e-9)
    assert set(df["method"]) == {method}


def test_series_ci_labels_and_errors():
    df = series_ci([1, 2], [3, 4], labels=["a", "b"])
    assert list(df["label"]) == ["a", "b"]
    with pytest.raises(ValueError, match="method"):
        series_ci([1], [2], method="wald")
    with pytest.raises(ValueError, match="exceed"):
        series_ci([5], [4])
    with pytest.raises(ValueError, match="length"):
        series_ci([1, 2], [3])


# ------------------------------------------------------------------ pooling


def test_dersimonian_laird_by_hand_three_series():
    # Series 2/10, 5/10, 16/20 (no 0% or 100%, so no correction).
    # logits y = ln(2/8) = -1.386294, ln(5/5) = 0, ln(16/4) = 1.386294
    # variances v = 1/2+1/8 = 0.625, 1/5+1/5 = 0.4, 1/16+1/4 = 0.3125 -> w = 1.6, 2.5, 3.2
    # sum w = 7.3; fixed-effect mean = (1.6*-1.386294 + 3.2*1.386294)/7.3 = 0.303845
    # Q = 1.6*(-1.690140)^2 + 2.5*(0.303845)^2 + 3.2*(1.082449)^2 = 8.550747, df = 2
    # C = 7.3 - (1.6^2 + 2.5^2 + 3.2^2)/7.3 = 7.3 - 19.05/7.3 = 4.690411
    # tau2 = (8.550747 - 2)/4.690411 = 1.396625
    # RE weights 1/(v + tau2) = 0.494651, 0.556599, 0.585095; sum = 1.636345
    # mu = 1.386294*(0.585095 - 0.494651)/1.636345 = 0.076622 -> p = 1/(1+e^-0.076622) = 0.519146
    # SE = sqrt(1/1.636345) = 0.781740; I2 = (8.550747-2)/8.550747 = 76.61 %
    res = pool_proportions([2, 5, 16], [10, 10, 20], method="DL")
    assert res.k == 3
    assert res.q == pytest.approx(8.550747, abs=1e-5)
    assert res.q_df == 2
    assert res.tau2 == pytest.approx(1.396625, abs=1e-5)
    assert res.logit_estimate == pytest.approx(0.076622, abs=1e-5)
    assert res.estimate == pytest.approx(0.519146, abs=1e-5)
    assert res.logit_se == pytest.approx(0.781740, abs=1e-5)
    assert res.i2 == pytest.approx(76.61, abs=0.01)
    assert res.q_p == pytest.approx(stats.chi2.sf(8.550747, 2), rel=1e-5)
    assert res.low == pytest.approx(_expit(0.076622 - Z975 * 0.781740), abs=1e-5)
    assert res.high == pytest.approx(_expit(0.076622 + Z975 * 0.781740), abs=1e-5)
    assert not any(res.corrected)
    # I2 = 77% >= 75%: the series disagree too much for one number to mean anything
    assert not res.meaningful and "I² = 77%" in res.warning
    # 3 series: no prediction interval (it needs at least 5 here; with 3 it would run on t with
    # 1 df, 12.7, and span almost 0-100%)
    assert res.prediction is None
    assert res.n_total == 40 and res.totals == (10, 10, 20)


def test_pooling_matches_statsmodels_with_a_100_percent_cell():
    events, totals = [18, 67, 12, 3, 7], [18, 112, 12, 10, 15]
    y, v = _logit_effects(events, totals)
    sm = combine_effects(y, v, method_re="dl")
    # statsmodels does not truncate tau2 at 0; this example is heterogeneous, so both agree.
    assert sm.tau2 > 0
    frame = sm.summary_frame()
    res = pool_proportions(events, totals, method="DL")

    assert np.allclose(res.effects, y) and np.allclose(res.variances, v)
    assert res.corrected == (True, False, True, False, False)
    assert res.tau2 == pytest.approx(sm.tau2, rel=1e-9)
    assert res.q == pytest.approx(sm.q, rel=1e-9)
    assert res.q_df == 4
    assert res.i2 == pytest.approx(100 * sm.i2, rel=1e-9)
    assert res.logit_estimate == pytest.approx(sm.mean_effect_re, rel=1e-9)
    assert res.estimate == pytest.approx(_expit(sm.mean_effect_re), rel=1e-9)
    assert res.low == pytest.approx(_expit(frame.loc["random effect", "ci_low"]), rel=1e-9)
    assert res.high == pytest.approx(_expit(frame.loc["random effect", "ci_upp"]), rel=1e-9)
    assert np.allclose(np.array(res.weights) / 100, sm.weights_rel_re)

    half = stats.t.ppf(0.975, 3) * math.sqrt(sm.tau2 + sm.sd_eff_w_re**2)
    assert res.prediction[0] == pytest.approx(_expit(sm.mean_effect_re - half), rel=1e-9)
    assert res.prediction[1] == pytest.approx(_expit(sm.mean_effect_re + half), rel=1e-9)
    assert "DerSimonian-Laird" in res.method_note and "logit" in res.method_note
    assert "0.5" in res.method_note and "2 of 5" in res.method_note
    assert "Higgins" in res.method_note


def test_two_series_match_statsmodels_and_warn():
    events, totals = [2, 9], [10, 10]
    y, v = _logit_effects(events, totals)
    sm = combine_effects(y, v, method_re="dl")
    assert sm.tau2 > 0
    res = pool_proportions(events, totals)
    assert res.tau2 == pytest.approx(sm.tau2, rel=1e-9)
    assert res.i2 == pytest.approx(100 * sm.i2, rel=1e-9)
    assert res.logit_estimate == pytest.approx(sm.mean_effect_re, rel=1e-9)
    assert res.prediction is None
    assert res.warning and "2 series" in res.warning


def test_one_series_is_its_own_wald_logit_estimate():
    # 9/12: logit = ln(9/3) = 1.098612, SE = sqrt(1/9 + 1/3) = 0.666667
    res = pool_proportions([9], [12])
    assert res.k == 1
    assert res.estimate == pytest.approx(0.75)
    assert res.low == pytest.approx(_expit(math.log(3) - Z975 * math.sqrt(1 / 9 + 1 / 3)))
    assert res.high == pytest.approx(_expit(math.log(3) + Z975 * math.sqrt(1 / 9 + 1 / 3)))
    assert res.tau2 == 0 and res.i2 is None and res.prediction is None
    assert res.warning


def test_one_series_at_100_percent_uses_the_correction():
    # 12/12 -> 12.5 events, 0.5 non-events: p = 12.5/13 = 0.961538
    res = pool_proportions([12], [12])
    assert res.estimate == pytest.approx(12.5 / 13)
    assert res.corrected == (True,)
    assert res.high < 1


def test_all_responders_and_no_responders_mirror_each_other():
    # Every series corrected: logits ln(5.5/0.5), ln(10.5/0.5), ln(3.5/0.5); variances
    # 1/e' + 1/0.5. These are homogeneous (Q < df), so tau2 = 0 and the estimate is the
    # fixed-effect mean sum(w y)/sum(w).
    totals = [5, 10, 3]
    y, v = _logit_effects(totals, totals)
    w = 1 / v
    q = float(np.sum(w * (y - np.sum(w * y) / np.sum(w)) ** 2))
    assert q < 2
    fe = float(np.sum(w * y) / np.sum(w))

    allr = pool_proportions(totals, totals)
    assert allr.tau2 == 0 and allr.i2 == 0
    assert allr.logit_estimate == pytest.approx(fe)
    assert all(allr.corrected)
    assert 0 < allr.low < allr.estimate < allr.high < 1

    # No responders: the logit scale is symmetric, so everything mirrors around 0.5.
    none = pool_proportions([0, 0, 0], totals)
    assert none.estimate == pytest.approx(1 - allr.estimate)
    assert none.low == pytest.approx(1 - allr.high)
    assert none.high == pytest.approx(1 - allr.low)
    assert none.prediction is None and allr.prediction is None  # 3 series


@pytest.mark.parametrize(
    ("events", "totals", "match"),
    [
        ([5, 1], [4, 3], "exceed"),
        ([-1, 1], [4, 3], "negative"),
        ([0, 1], [0, 3], "positive"),
        ([1, 1], [-2, 3], "positive"),
        ([1, 2], [3], "length"),
        ([], [], "empty"),
        ([1.5], [3], "whole"),
    ],
)
def test_pool_rejects_bad_counts(events, totals, match):
    with pytest.raises(ValueError, match=match):
        pool_proportions(events, totals)


def test_pool_rejects_bad_options():
    with pytest.raises(ValueError, match="method"):
        pool_proportions([1, 2], [3, 4], method="REML")
    with pytest.raises(ValueError, match="method"):
        pool_proportions([1, 2], [3, 4], method="dl")
    with pytest.raises(ValueError, match="correction"):
        pool_proportions([0, 2], [3, 4], correction=0)
    with pytest.raises(ValueError, match="alpha"):
        pool_proportions([1, 2], [3, 4], alpha=1.5)


# ------------------------------------------------------------------ few series: HKSJ (issue 13.7)


def test_hksj_matches_statsmodels_when_the_series_scatter():
    # five series, 2 of them at 100% (0.5 added): HKSJ scale q > 1, so the interval is
    # statsmodels' "random effect wls" (scale estimated) with t on k - 1 = 4 df
    events, totals = [18, 67, 12, 3, 7], [18, 112, 12, 10, 15]
    y, v = _logit_effects(events, totals)
    sm = combine_effects(y, v, method_re="dl", use_t=True)
    assert sm.scale_hksj_re > 1
    frame = sm.summary_frame()
    res = pool_proportions(events, totals)  # k = 5 < 10: HKSJ
    assert res.method == "HKSJ" and res.df == 4
    assert res.logit_se == pytest.approx(sm.sd_eff_w_re_hksj, rel=1e-9)
    assert res.low == pytest.approx(_expit(frame.loc["random effect wls", "ci_low"]), rel=1e-9)
    assert res.high == pytest.approx(_expit(frame.loc["random effect wls", "ci_upp"]), rel=1e-9)
    dl = pool_proportions(events, totals, method="DL")
    assert res.low < dl.low and res.high > dl.high  # wider than the Wald interval
    # 5 series: the prediction interval is given, on t with 3 df and the HKSJ SE
    half = stats.t.ppf(0.975, 3) * math.sqrt(res.tau2 + res.logit_se**2)
    assert res.prediction == (
        pytest.approx(_expit(res.logit_estimate - half)),
        pytest.approx(_expit(res.logit_estimate + half)),
    )
    assert res.n_total == 167
    assert res.summary.startswith("Random effects (DL τ², HKSJ t on 4 df, logit), k = 5 series")
    assert "n = 167 (18 + 112 + 12 + 10 + 15)" in res.summary


def test_hksj_never_narrower_than_dersimonian_laird():
    # an HKSJ scale below 1 (0.88, with tau2 = 2.2 > 0 so statsmodels' untruncated DL agrees):
    # floored at 1 -> the DL standard error with t on k - 1 df, statsmodels' "random effect" row
    # with use_t=True
    events, totals = [52, 164, 23], [165, 189, 53]
    y, v = _logit_effects(events, totals)
    sm = combine_effects(y, v, method_re="dl", use_t=True)
    assert sm.scale_hksj_re < 1 and sm.tau2 > 0
    frame = sm.summary_frame()
    res = pool_proportions(events, totals)
    assert res.logit_se == pytest.approx(sm.sd_eff_w_re, rel=1e-9)
    assert res.low == pytest.approx(_expit(frame.loc["random effect", "ci_low"]), rel=1e-9)
    assert "floored at 1" in res.method_note


def test_ten_series_or_more_use_the_wald_interval():
    events, totals = [3, 8, 5, 6, 9, 4, 5, 7, 2, 6], [10] * 10  # heterogeneous: tau2 > 0
    res = pool_proportions(events, totals)
    assert res.method == "DL" and res.df is None
    y, v = _logit_effects(events, totals)
    sm = combine_effects(y, v, method_re="dl")
    assert res.low == pytest.approx(_expit(sm.summary_frame().loc["random effect", "ci_low"]))


def test_verdict_in_words():
    two = pool_proportions([18, 67], [18, 112])
    assert not two.meaningful and two.verdict.startswith("Only 2 series: a pooled figure is not")
    calm = pool_proportions([6, 7, 5], [10, 12, 9])
    assert calm.meaningful and calm.verdict is None and calm.warning is None
