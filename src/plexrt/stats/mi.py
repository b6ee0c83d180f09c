"""Pooling an estimate over m completed data sets, as in multiple imputation: PlexRT's m data sets are
reconstructions of per-patient times that the paper does not publish, each consistent with every
published figure. Pure rules on numbers (numpy and scipy); nothing from the rest of PlexRT.

Why multiple-imputation pooling: the reconstructions are draws of the missing per-patient times
given what is published, exactly the role of imputations. One reconstruction's interval carries
only sampling uncertainty (as if its times had been observed); the spread between reconstructions
is the uncertainty the missing times add. Rubin's rules add the two.

* :func:`rubin` -- Rubin (1987, *Multiple Imputation for Nonresponse in Surveys*, ch. 3): pooled
  estimate Q = mean of the m estimates; within-reconstruction variance W = mean of their
  variances; between-reconstruction variance B = their sample variance (m - 1 denominator); total
  T = W + (1 + 1/m) B; interval Q +- t(nu) sqrt(T) with nu = (m - 1) (1 + W / ((1 + 1/m) B))^2
  (Rubin 1987, eq. 3.1.6; normal quantile when B = 0).
* :func:`pool_probabilities` -- survival probabilities and cumulative incidences pooled with
  :func:`rubin` on the log(-log) scale, the scale of each curve's own interval (R survfit
  ``conf.type = "log-log"``) and the transformation recommended for survival probabilities before
  Rubin's rules (Marshall, Altman, Holder & Royston 2009, BMC Med Res Methodol 9:57); variances by
  the delta method, Var log(-log p) = Var(p) / (p log p)^2; limits back-transformed. Where some
  reconstruction has p exactly 0 or 1 (nobody had the event yet, or everybody had) the log(-log)
  scale is undefined and the plain scale is used at that time.
* :func:`d2` -- chi-square test statistics (e.g. log-rank) combined by the D2 rule of Li, Meng,
  Raghunathan & Rubin (1991, Statistica Sinica 1:65-92), as given in van Buuren, *Flexible
  Imputation of Missing Data* (2nd ed., section 5.3.4).
* :func:`ensemble_range` -- the 5th-95th percentile of the m estimates themselves (how far the
  reconstructions alone move the figure), shown beside the pooled interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats as _st

__all__ = ["D2Result", "RubinResult", "d2", "ensemble_range", "pool_probabilities", "rubin"]


def _alpha(alpha: Any) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha!r}")
    return float(alpha)


def _matrix(values: Any, name: str) -> np.ndarray:
    """Estimates as an (m, g) float array: m data sets (rows), g quantities (columns)."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers") from None
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError(
            f"{name} must be one value per data set (1-D) or one row per data set (2-D)"
        )
    return arr


@dataclass(frozen=True)
class RubinResult:
    """Rubin's rules per quantity (arrays of length g): pooled ``estimate``, ``within`` (W),
    ``between`` (B), ``total`` (T) variance, degrees of freedom ``df`` (inf when B = 0), interval
    ``low`` / ``high``, and ``m``, the number of data sets."""

    estimate: np.ndarray
    within: np.ndarray
    between: np.ndarray
    total: np.ndarray
    df: np.ndarray
    low: np.ndarray
    high: np.ndarray
    m: int
    alpha: float


def rubin(estimates: Any, variances: Any, alpha: float = 0.05) -> RubinResult:
    """Rubin's rules for ``estimates`` and their ``variances``, one row per data set (m >= 2).

    1-D input pools one quantity; 2-D input (m, g) pools g quantities at once. Variances must be
    finite and >= 0. Raises ValueError otherwise.
    """
    q = _matrix(estimates, "estimates")
    u = _matrix(variances, "variances")
    alpha = _alpha(alpha)
    if u.shape != q.shape:
        raise ValueError(f"variances has shape {u.shape} but estimates has shape {q.shape}")
    m = q.shape[0]
    if m < 2:
        raise ValueError("at least two data sets are needed to pool (m >= 2)")
    if not (np.isfinite(q).all() and np.isfinite(u).all()) or (u < 0).any():
        raise ValueError("estimates must be finite and variances finite and >= 0")
    est = q.mean(axis=0)
    within = u.mean(axis=0)
    between = q.var(axis=0, ddof=1)
    total = within + (1 + 1 / m) * between
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (1 + 1 / m) * between / within  # relative increase in variance
        df = np.where(between > 0, (m - 1) * (1 + 1 / r) ** 2, np.inf)
    half = _st.t.ppf(1 - alpha / 2, df) * np.sqrt(total)  # df = inf: the normal quantile
    return RubinResult(est, within, between, total, df, est - half, est + half, m, alpha)


@dataclass(frozen=True)
class PooledProbabilities:
    """Pooled probabilities (arrays of length g) with their interval, the scale each was pooled on
    ("log-log" or "plain") and ``m``."""

    estimate: np.ndarray
    low: np.ndarray
    high: np.ndarray
    scale: np.ndarray
    m: int
    alpha: float


def _pool_loglog(p: np.ndarray, se: np.ndarray, alpha: float) -> tuple[np.ndarray, ...]:
    log_p = np.log(p)
    psi = np.log(-log_p)
    var = (se / (p * log_p)) ** 2
    res = rubin(psi, var, alpha)
    # p = exp(-exp(psi)) falls as psi rises: the upper psi limit is the lower p limit
    return _loglog_back(res.estimate), _loglog_back(res.high), _loglog_back(res.low)


def _loglog_back(psi: np.ndarray) -> np.ndarray:
    return np.exp(-np.exp(psi))


def pool_probabilities(p: Any, se: Any, alpha: float = 0.05) -> PooledProbabilities:
    """Probabilities ``p`` (one row per data set, one column per time) with standard errors ``se``
    pooled by Rubin's rules on the log(-log) scale, or on the plain scale at a time where some data
    set has p = 0 or 1 (see the module docstring). Where some standard error is not finite (a
    Kaplan-Meier curve that has reached 0: infinite Greenwood variance) the pooled estimate is the
    mean and its limits are NaN, as R reports NA for one such curve. Limits are clipped to
    [0, 1]."""
    pm = _matrix(p, "p")
    sm = _matrix(se, "se")
    if sm.shape != pm.shape:
        raise ValueError(f"se has shape {sm.shape} but p has shape {pm.shape}")
    if np.isnan(pm).any() or (pm < 0).any() or (pm > 1).any():
        raise ValueError("p must be probabilities between 0 and 1")
    edge = (pm <= 0) | (pm >= 1)
    unknown = ~np.isfinite(sm).all(axis=0)
    sm = np.where(np.isfinite(sm), sm, 0.0)
    loglog = ~edge.any(axis=0)
    est = np.empty(pm.shape[1])
    low, high = np.empty_like(est), np.empty_like(est)
    if loglog.any():
        est[loglog], low[loglog], high[loglog] = _pool_loglog(pm[:, loglog], sm[:, loglog], alpha)
    if (~loglog).any():
        res = rubin(pm[:, ~loglog], sm[:, ~loglog] ** 2, alpha)
        est[~loglog], low[~loglog], high[~loglog] = res.estimate, res.low, res.high
    scale = np.where(loglog, "log-log", "plain")
    est = np.where(unknown, pm.mean(axis=0), est)
    return PooledProbabilities(
        estimate=est,
        low=np.where(unknown, np.nan, np.clip(low, 0.0, 1.0)),
        high=np.where(unknown, np.nan, np.clip(high, 0.0, 1.0)),
        scale=scale,
        m=pm.shape[0],
        alpha=_alpha(alpha),
    )


@dataclass(frozen=True)
class D2Result:
    """Chi-square statistics combined by the D2 rule: F statistic on ``df1`` and ``df2`` degrees of
    freedom, its ``p_value``, the relative increase in variance ``r`` and ``m``."""

    statistic: float
    df1: int
    df2: float
    p_value: float
    r: float
    m: int


def d2(chi_squares: Any, df: int) -> D2Result:
    """Combine m chi-square statistics on ``df`` degrees of freedom (Li, Meng, Raghunathan & Rubin
    1991): r = (1 + 1/m) var(sqrt d_l); D2 = (mean d / k - (m + 1) / (m - 1) r) / (1 + r);
    df2 = k^(-3/m) (m - 1) (1 + 1/r)^2; p = P(F(k, df2) > D2). A negative D2 is set to 0
    (p = 1). With identical statistics (r = 0) this is the chi-square test itself."""
    d = np.asarray(chi_squares, dtype=float).ravel()
    if isinstance(df, bool) or not isinstance(df, int | np.integer) or df < 1:
        raise ValueError(f"df must be a whole number >= 1, got {df!r}")
    m = d.size
    if m < 2:
        raise ValueError("at least two statistics are needed (m >= 2)")
    if not np.isfinite(d).all() or (d < 0).any():
        raise ValueError("chi-square statistics must be finite and >= 0")
    k = int(df)
    r = (1 + 1 / m) * float(np.var(np.sqrt(d), ddof=1))
    if r == 0:
        return D2Result(float(d[0]) / k, k, math.inf, float(_st.chi2.sf(d[0], k)), 0.0, m)
    stat = max(0.0, (float(d.mean()) / k - (m + 1) / (m - 1) * r) / (1 + r))
    df2 = k ** (-3 / m) * (m - 1) * (1 + 1 / r) ** 2
    return D2Result(stat, k, df2, float(_st.f.sf(stat, k, df2)), r, m)


def ensemble_range(
    values: Any, lo: float = 0.05, hi: float = 0.95
) -> tuple[float | None, float | None]:
    """The ``lo`` and ``hi`` quantiles (numpy's linear rule, R type 7) of one figure over the data
    sets. NaN means "not reached" (a median the curve never attains) and counts as larger than any
    number: a quantile that falls among them is None (not reached)."""
    v = np.asarray(values, dtype=float).ravel()
    if v.size == 0:
        raise ValueError("values is empty")
    if not 0 <= lo < hi <= 1:
        raise ValueError(f"need 0 <= lo < hi <= 1, got lo={lo!r}, hi={hi!r}")
    finite = v[np.isfinite(v)]
    big = (float(finite.max()) if finite.size else 0.0) * 4 + 1e6
    q = np.quantile(np.where(np.isfinite(v), v, big), [lo, hi])
    limit = float(finite.max()) if finite.size else -math.inf

    def out(x: float) -> float | None:
        return None if x > limit else float(x)

    return out(float(q[0])), out(float(q[1]))
