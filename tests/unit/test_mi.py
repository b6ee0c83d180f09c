"""Multiple-imputation pooling rules (plexrt.stats.mi), checked against hand computation from the
published formulas: Rubin (1987) eq. 3.1.2-3.1.6; Li, Meng, Raghunathan & Rubin (1991) D2 as in van
Buuren, Flexible Imputation of Missing Data, 2nd ed., section 5.3.4."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from plexrt.stats.mi import d2, ensemble_range, pool_probabilities, rubin


def test_rubin_by_hand():
    # m = 3: estimates 1, 2, 3 with variance 0.5 each.
    # Q = 2; W = 0.5; B = ((1-2)^2 + 0 + (3-2)^2) / 2 = 1; T = 0.5 + (4/3) 1 = 11/6
    # r = (4/3) / 0.5 = 8/3; nu = 2 (1 + 3/8)^2 = 3.78125
    res = rubin([1.0, 2.0, 3.0], [0.5, 0.5, 0.5])
    assert res.estimate[0] == pytest.approx(2.0)
    assert res.within[0] == pytest.approx(0.5) and res.between[0] == pytest.approx(1.0)
    assert res.total[0] == pytest.approx(11 / 6)
    assert res.df[0] == pytest.approx(3.78125)
    half = stats.t.ppf(0.975, 3.78125) * math.sqrt(11 / 6)
    assert (res.low[0], res.high[0]) == (pytest.approx(2 - half), pytest.approx(2 + half))
    # the pooled interval is wider than any one data set's (W alone)
    assert half > 1.96 * math.sqrt(0.5)


def test_rubin_without_between_variance_is_the_ordinary_interval():
    res = rubin([[1.0, 5.0], [1.0, 5.0]], [[0.04, 1.0], [0.04, 1.0]])
    assert np.isinf(res.df).all()
    np.testing.assert_allclose(res.low, [1 - 1.959964 * 0.2, 5 - 1.959964], rtol=1e-6)


def test_rubin_rejects_bad_input():
    with pytest.raises(ValueError, match="m >= 2"):
        rubin([1.0], [0.1])
    with pytest.raises(ValueError, match="shape"):
        rubin([1.0, 2.0], [0.1])
    with pytest.raises(ValueError, match=">= 0"):
        rubin([1.0, 2.0], [0.1, -1])
    with pytest.raises(ValueError, match="alpha"):
        rubin([1.0, 2.0], [0.1, 0.1], alpha=2)


def test_pool_probabilities_on_the_loglog_scale():
    p = np.array([[0.6], [0.5]])
    se = np.array([[0.1], [0.1]])
    res = pool_probabilities(p, se)
    # by hand: psi = log(-log p); var psi = (se / (p log p))^2
    psi = np.log(-np.log([0.6, 0.5]))
    var = (0.1 / (np.array([0.6, 0.5]) * np.log([0.6, 0.5]))) ** 2
    q, w, b = psi.mean(), var.mean(), psi.var(ddof=1)
    t = w + 1.5 * b
    nu = (1 + w / (1.5 * b)) ** 2
    crit = stats.t.ppf(0.975, nu)
    assert res.scale[0] == "log-log"
    assert res.estimate[0] == pytest.approx(math.exp(-math.exp(q)))
    assert res.low[0] == pytest.approx(math.exp(-math.exp(q + crit * math.sqrt(t))))
    assert res.high[0] == pytest.approx(math.exp(-math.exp(q - crit * math.sqrt(t))))
    assert res.low[0] < 0.5 < 0.6 < res.high[0]


def test_pool_probabilities_plain_where_a_member_is_0_or_1():
    # time 1: one reconstruction has no event yet (p = 1, se 0) -> plain scale
    p = np.array([[1.0, 0.8], [0.9, 0.7]])
    se = np.array([[0.0, 0.1], [0.1, 0.1]])
    res = pool_probabilities(p, se)
    assert list(res.scale) == ["plain", "log-log"]
    # plain: Q = 0.95, W = (0 + 0.01) / 2, B = 0.005, T = 0.005 + 1.5 * 0.005 = 0.0125
    assert res.estimate[0] == pytest.approx(0.95)
    nu = (1 + 0.005 / (1.5 * 0.005)) ** 2
    assert res.high[0] == 1.0  # clipped
    assert res.low[0] == pytest.approx(0.95 - stats.t.ppf(0.975, nu) * math.sqrt(0.0125))
    with pytest.raises(ValueError, match="probabilities"):
        pool_probabilities([[1.2], [0.5]], [[0.1], [0.1]])
    # a curve that reached 0 has an infinite variance: no limits (R reports NA)
    gone = pool_probabilities([[0.0], [0.2]], [[np.nan], [0.1]])
    assert gone.estimate[0] == pytest.approx(0.1)
    assert np.isnan(gone.low[0]) and np.isnan(gone.high[0])


def test_d2_by_hand():
    # three log-rank statistics on 1 df
    d = np.array([1.0, 4.0, 2.25])
    m, k = 3, 1
    r = (1 + 1 / m) * np.var(np.sqrt(d), ddof=1)  # sqrt: 1, 2, 1.5 -> var 0.25 -> r = 1/3
    assert r == pytest.approx(1 / 3)
    stat = (d.mean() / k - (m + 1) / (m - 1) * r) / (1 + r)  # (2.41667 - 0.66667) / 1.33333
    df2 = k ** (-3 / m) * (m - 1) * (1 + 1 / r) ** 2  # 2 * 16 = 32
    res = d2(d, 1)
    assert res.statistic == pytest.approx(stat) == pytest.approx(1.3125)
    assert res.df2 == pytest.approx(df2) == pytest.approx(32.0)
    assert res.p_value == pytest.approx(stats.f.sf(1.3125, 1, 32))
    # identical statistics: the chi-square test itself
    same = d2([3.84, 3.84, 3.84], 1)
    assert same.p_value == pytest.approx(stats.chi2.sf(3.84, 1))
    # widely spread statistics can push D2 below 0: p = 1
    assert d2([0.0, 0.0, 9.0], 2).p_value == pytest.approx(1.0)
    with pytest.raises(ValueError, match="df"):
        d2(d, 0)


def test_ensemble_range_counts_not_reached_as_largest():
    v = np.arange(1.0, 21.0)  # 1..20
    assert ensemble_range(v) == (pytest.approx(1.95), pytest.approx(19.05))  # R type 7
    # two of twenty medians not reached: the 95th percentile falls among them
    w = np.concatenate([np.arange(1.0, 19.0), [np.nan, np.nan]])
    lo, hi = ensemble_range(w)
    assert lo == pytest.approx(1.95) and hi is None
    assert ensemble_range([np.nan, np.nan]) == (None, None)
