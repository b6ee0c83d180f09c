"""Time-to-event statistics for small series: Kaplan-Meier, log-rank, Aalen-Johansen.

Everything here follows the conventions of R's ``survival`` package so that numbers on screen can be
checked against published R output:

* Kaplan-Meier with Greenwood variance; pointwise intervals on the "log-log", "log" (R's default) or
  "plain" scale exactly as ``survfit(..., conf.type=)``.
* Median and its interval as ``print.survfit`` / ``quantile.survfit``: the first time the curve (or
  the lower / upper confidence curve) falls to 0.5 or below; where a curve sits exactly at 0.5 over a
  stretch, the midpoint of that stretch.
* Log-rank test identical to ``survdiff`` (rho = 0): k groups, chi-square on k - 1 df.
* Ties: at a time shared by events and censorings, the censored subjects count as still at risk
  for those events (events come first), as in R.

Time units are whatever the caller passes (PlexRT uses months). Pure numpy/scipy; lifelines is only
used in the tests as a cross-check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from numbers import Real

import numpy as np
import pandas as pd
from scipy import special as _special
from scipy import stats as _st

CONF_TYPES = ("log-log", "log", "plain")

CONF_TYPE_LABELS = {
    "log-log": "the log(-log) scale",
    "log": "the log scale",
    "plain": "the linear (plain) scale",
}

KM_COLUMNS = ("time", "at_risk", "events", "censored", "survival", "lower", "upper", "std_err")
CIF_COLUMNS = ("time", "at_risk", "events", "competing", "cif", "lower", "upper", "std_err")

# R's quantile.survfit treats a curve as "exactly at" the requested quantile within this tolerance.
_R_TOLERANCE = math.sqrt(np.finfo(float).eps)


# ----------------------------------------------------------------------------------------------
# Result types
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KMResult:
    """A Kaplan-Meier curve with pointwise confidence limits.

    ``table`` has one row per distinct observed time plus a first row at time 0 (survival 1), with
    columns ``time, at_risk, events, censored, survival, lower, upper, std_err`` (``std_err`` is the
    Greenwood standard error of the survival estimate). Limits are NaN where the estimate is 0, as
    R reports NA there. ``median`` / ``median_ci`` are None when not reached.
    """

    table: pd.DataFrame
    median: float | None
    median_ci: tuple[float | None, float | None]
    n: int
    n_events: int
    conf_type: str
    alpha: float
    method_note: str


@dataclass(frozen=True)
class LogRankResult:
    """Log-rank test (R ``survdiff``, rho = 0).

    ``table`` columns: ``group, n, observed, expected``. ``df`` is the number of groups with a
    positive expected count minus one; when that is 0 no test is possible and ``statistic`` is 0.0
    and ``p_value`` NaN.
    """

    statistic: float
    df: int
    p_value: float
    table: pd.DataFrame
    method_note: str


@dataclass(frozen=True)
class CIFResult:
    """Aalen-Johansen cumulative incidence of one event type in the presence of competing events.

    ``table`` columns: ``time, at_risk, events, competing, cif, lower, upper, std_err`` with a first
    row at time 0 (cif 0). ``events`` counts the event of interest, ``competing`` all other event
    types.
    """

    table: pd.DataFrame
    event_of_interest: int
    n: int
    n_events: int
    n_competing: int
    alpha: float
    method_note: str


# ----------------------------------------------------------------------------------------------
# Validation
# ----------------------------------------------------------------------------------------------


def _as_1d_float(values, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers, got {values!r}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    return arr


def _check_durations(durations, name: str = "durations") -> np.ndarray:
    t = _as_1d_float(durations, name)
    if t.size == 0:
        raise ValueError(f"{name} is empty: at least one subject is needed")
    if np.isnan(t).any():
        raise ValueError(f"{name} contains NaN (missing) times")
    if np.isinf(t).any():
        raise ValueError(f"{name} contains infinite times")
    if (t < 0).any():
        raise ValueError(f"{name} contains negative times (smallest {t.min():g})")
    return t


def _check_events(events, n: int) -> np.ndarray:
    e = _as_1d_float(events, "events")
    if e.size != n:
        raise ValueError(f"events has length {e.size} but durations has length {n}")
    if np.isnan(e).any():
        raise ValueError("events contains NaN (missing) values; use 1 = event, 0 = censored")
    bad = ~np.isin(e, (0.0, 1.0))
    if bad.any():
        raise ValueError(
            f"events must be 1 (event) or 0 (censored), got {np.unique(e[bad]).tolist()}"
        )
    return e


def _check_codes(event_codes, n: int) -> np.ndarray:
    c = _as_1d_float(event_codes, "event_codes")
    if c.size != n:
        raise ValueError(f"event_codes has length {c.size} but durations has length {n}")
    if not np.isfinite(c).all():
        raise ValueError("event_codes contains NaN or infinite values")
    bad = (c < 0) | (c != np.round(c))
    if bad.any():
        raise ValueError(
            "event_codes must be non-negative whole numbers (0 = censored, 1, 2, ... = event "
            f"types), got {np.unique(c[bad]).tolist()}"
        )
    return c.astype(np.int64)


def _check_alpha(alpha) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, Real) or not 0 < float(alpha) < 1:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha!r}")
    return float(alpha)


def _check_conf_type(conf_type) -> str:
    if conf_type not in CONF_TYPES:
        raise ValueError(f"unknown conf_type {conf_type!r}; choose one of {', '.join(CONF_TYPES)}")
    return conf_type


def _check_event_of_interest(event_of_interest) -> int:
    ok = (
        not isinstance(event_of_interest, bool)
        and isinstance(event_of_interest, Real)
        and math.isfinite(event_of_interest)
        and float(event_of_interest) == int(event_of_interest)
        and int(event_of_interest) >= 1
    )
    if not ok:
        raise ValueError(
            f"event_of_interest must be a positive whole number (1, 2, ...), got {event_of_interest!r}"
        )
    return int(event_of_interest)


def _check_times(times, name: str = "times") -> np.ndarray:
    arr = np.atleast_1d(_as_float_any(times, name))
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a number or a one-dimensional sequence")
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN")
    return arr


def _as_float_any(values, name: str) -> np.ndarray:
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers, got {values!r}") from None


@lru_cache(maxsize=32)
def _z(alpha: float) -> float:
    # Two-sided normal quantile; ndtri is the fast ufunc behind scipy.stats.norm.ppf.
    return float(_special.ndtri(1.0 - alpha / 2.0))


def _level_text(alpha: float) -> str:
    return f"{100 * (1 - alpha):g}%"


# ----------------------------------------------------------------------------------------------
# Kaplan-Meier
# ----------------------------------------------------------------------------------------------


def _risk_sets(t: np.ndarray, e: np.ndarray):
    """Distinct times with numbers at risk, events and censorings (events first at ties)."""
    times, inverse = np.unique(t, return_inverse=True)
    d = np.bincount(inverse, weights=e, minlength=times.size)
    total = np.bincount(inverse, minlength=times.size).astype(float)
    c = total - d
    # At risk at time t = everyone whose time is >= t: censored subjects at t are still at risk
    # for the events at t (R convention).
    at_risk = t.size - np.concatenate(([0.0], np.cumsum(total)[:-1]))
    return times, at_risk, d, c


def _km_ci(surv: np.ndarray, se_log: np.ndarray, z: float, conf_type: str):
    """Pointwise limits exactly as R's survfit_confint (se_log = SE of log S, Greenwood)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if conf_type == "plain":
            half = z * se_log * surv
            lower = np.maximum(surv - half, 0.0)
            upper = np.minimum(surv + half, 1.0)
        elif conf_type == "log":
            lower = surv * np.exp(-z * se_log)
            upper = np.minimum(surv * np.exp(z * se_log), 1.0)
        else:  # log-log: S ** exp(+-z * se / |log S|)
            log_s = np.log(surv)
            expo = z * se_log / np.abs(log_s)
            lower = np.exp(log_s * np.exp(expo))
            upper = np.exp(log_s * np.exp(-expo))
            lower = np.where(surv == 1.0, 1.0, lower)
            upper = np.where(surv == 1.0, 1.0, upper)
    # Where the estimate has reached 0 the Greenwood variance is infinite and R reports NA.
    dead = surv <= 0.0
    lower = np.where(dead, np.nan, lower)
    upper = np.where(dead, np.nan, upper)
    return lower, upper


def _r_findq(x: np.ndarray, y: np.ndarray, p: float, tol: float = _R_TOLERANCE) -> float | None:
    """R survival's ``findq``: where the rising curve y (= 1 - survival) first reaches p.

    x[0] / y[0] are the origin (time 0, y = 0). Duplicated y values (censorings) are dropped, NaN
    values are ignored. If y equals p (within tol) over a stretch, the midpoint of the stretch is
    returned; if the curve ends exactly at p, the midpoint between reaching p and the last time.
    """
    if np.all(np.isnan(y)) or np.nanmax(y) < p:
        return None
    xmax = x[-1]
    # Keep the first occurrence of each distinct y (NaN counts as one value, as in R duplicated()).
    key = np.where(np.isnan(y), np.inf, y)
    _, first = np.unique(key, return_index=True)
    first.sort()
    xd, yd = x[first], y[first]
    n = yd.size
    valid = ~np.isnan(yd)
    idx = np.arange(n)[valid]
    yv = yd[valid]

    def approx_constant_f1(shift: float) -> int | None:
        # approx(yv + shift, idx, p, method="constant", f=1): index of the first knot >= p.
        knots = yv + shift
        order = np.argsort(knots, kind="stable")
        knots, ids = knots[order], idx[order]
        if p < knots[0] or p > knots[-1]:
            return None
        return int(ids[np.searchsorted(knots, p, side="left")])

    i1 = approx_constant_f1(tol)
    i2 = approx_constant_f1(-tol)
    quant = None if i1 is None or i2 is None else (xd[i1] + xd[i2]) / 2.0
    if not np.isnan(yd[-1]) and abs(p - yd[-1]) < tol and i1 is not None:
        quant = (xd[i1] + xmax) / 2.0
    return None if quant is None else float(quant)


def _median_from_table(time, surv, lower, upper):
    # time/surv/... start with the time-0 row, which plays the role of R's (firstx = 0, y = 0).
    med = _r_findq(time, 1.0 - surv, 0.5)
    low = _r_findq(time, 1.0 - lower, 0.5)
    high = _r_findq(time, 1.0 - upper, 0.5)
    return med, (low, high)


def kaplan_meier(durations, events, alpha: float = 0.05, conf_type: str = "log-log") -> KMResult:
    """Kaplan-Meier estimate with Greenwood variance, pointwise CIs and the median (R conventions).

    ``durations``: non-negative follow-up times; ``events``: 1 = event, 0 = censored.
    ``conf_type``: "log-log" (default; R ``survfit(conf.type="log-log")``), "log" (R's default) or
    "plain". The median and its CI follow R's ``print.survfit``: first time the curve, the lower and
    the upper confidence curves fall to 0.5 or below (midpoint of a flat stretch exactly at 0.5);
    None when not reached. Raises ValueError for invalid input.
    """
    t = _check_durations(durations)
    e = _check_events(events, t.size)
    alpha = _check_alpha(alpha)
    conf_type = _check_conf_type(conf_type)

    times, at_risk, d, c = _risk_sets(t, e)
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = np.cumprod(1.0 - d / at_risk)
        # Greenwood: Var(log S) = sum d / (n (n - d)); infinite once everyone at risk has died.
        terms = np.where(d > 0, d / (at_risk * (at_risk - d)), 0.0)
        se_log = np.sqrt(np.cumsum(terms))
        std_err = np.where(surv > 0, surv * se_log, np.nan)
    lower, upper = _km_ci(surv, se_log, _z(alpha), conf_type)

    time_col = np.concatenate(([0.0], times))
    surv_col = np.concatenate(([1.0], surv))
    lower_col = np.concatenate(([1.0], lower))
    upper_col = np.concatenate(([1.0], upper))
    table = pd.DataFrame(
        {
            "time": time_col,
            "at_risk": np.concatenate(([t.size], at_risk)).astype(np.int64),
            "events": np.concatenate(([0.0], d)).astype(np.int64),
            "censored": np.concatenate(([0.0], c)).astype(np.int64),
            "survival": surv_col,
            "lower": lower_col,
            "upper": upper_col,
            "std_err": np.concatenate(([0.0], std_err)),
        }
    )
    median, median_ci = _median_from_table(time_col, surv_col, lower_col, upper_col)
    note = (
        "Kaplan-Meier product-limit estimate with Greenwood variance and "
        f"{_level_text(alpha)} pointwise confidence intervals on {CONF_TYPE_LABELS[conf_type]} "
        f'(as R survfit conf.type = "{conf_type}"), events counted before censorings at tied '
        "times."
    )
    return KMResult(
        table=table,
        median=median,
        median_ci=median_ci,
        n=int(t.size),
        n_events=int(e.sum()),
        conf_type=conf_type,
        alpha=alpha,
        method_note=note,
    )


def _step_lookup(table_time: np.ndarray, values: np.ndarray, times, before: float) -> np.ndarray:
    q = _check_times(times)
    pos = np.searchsorted(table_time, q, side="right") - 1
    out = np.where(pos >= 0, values[np.clip(pos, 0, None)], before)
    return out.astype(float)


def survival_at(result: KMResult, times) -> np.ndarray:
    """Kaplan-Meier survival at ``times`` (right-continuous step function).

    Before time 0 the survival is 1; beyond the last observed time the last value is carried
    forward (the curve is not extrapolated, it simply stops changing).
    """
    if not isinstance(result, KMResult):
        raise ValueError("result must be a KMResult from kaplan_meier()")
    tab = result.table
    return _step_lookup(tab["time"].to_numpy(), tab["survival"].to_numpy(), times, 1.0)


def cif_at(result: CIFResult, times) -> np.ndarray:
    """Cumulative incidence at ``times`` (right-continuous step; 0 before time 0)."""
    if not isinstance(result, CIFResult):
        raise ValueError("result must be a CIFResult from cumulative_incidence()")
    tab = result.table
    return _step_lookup(tab["time"].to_numpy(), tab["cif"].to_numpy(), times, 0.0)


def at_risk_at(durations, times) -> list[int]:
    """Numbers at risk at each tick: how many subjects have a time >= t (for a risk table)."""
    t = np.sort(_check_durations(durations))
    q = _check_times(times)
    return [int(v) for v in t.size - np.searchsorted(t, q, side="left")]


def km_curve_on_grid(durations, events, grid) -> np.ndarray:
    """Kaplan-Meier survival at ``grid`` points, no CIs, vectorised for ensembles.

    ``durations``/``events`` are 1-D (one data set -> shape (len(grid),)) or 2-D with one data set
    per row (m data sets of n subjects -> shape (m, len(grid))). Same estimator and tie rule as
    ``kaplan_meier``.
    """
    try:
        t = np.asarray(durations, dtype=float)
        e = np.asarray(events, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("durations and events must be numbers") from None
    g = _check_times(grid, "grid")
    if t.ndim not in (1, 2):
        raise ValueError(f"durations must be 1-D or 2-D, got shape {t.shape}")
    if e.shape != t.shape:
        raise ValueError(f"events has shape {e.shape} but durations has shape {t.shape}")
    if t.size == 0 or t.shape[-1] == 0:
        raise ValueError("durations is empty: at least one subject is needed")
    if not np.isfinite(t).all():
        raise ValueError("durations contains NaN or infinite times")
    if (t < 0).any():
        raise ValueError(f"durations contains negative times (smallest {t.min():g})")
    if np.isnan(e).any() or not np.isin(e, (0.0, 1.0)).all():
        raise ValueError("events must be 1 (event) or 0 (censored)")

    one_d = t.ndim == 1
    t2 = np.atleast_2d(t)
    e2 = np.atleast_2d(e)
    n = t2.shape[1]
    # Sort each row by time, events before censorings at ties. Processing subjects one at a time
    # with factor 1 - event / (number still at risk) telescopes to (n - d) / n for tied events.
    order = np.lexsort((1.0 - e2, t2), axis=-1)
    ts = np.take_along_axis(t2, order, axis=-1)
    es = np.take_along_axis(e2, order, axis=-1)
    remaining = n - np.arange(n, dtype=float)
    surv = np.cumprod(1.0 - es / remaining, axis=-1)
    k = (ts[:, :, None] <= g[None, None, :]).sum(axis=1)  # subjects with time <= grid point
    padded = np.concatenate((np.ones((surv.shape[0], 1)), surv), axis=1)
    out = np.take_along_axis(padded, k, axis=1)
    return out[0] if one_d else out


# ----------------------------------------------------------------------------------------------
# Log-rank
# ----------------------------------------------------------------------------------------------


def _group_labels(groups, n: int):
    if isinstance(groups, str | bytes) or np.ndim(groups) != 1:
        raise ValueError("groups must be a one-dimensional sequence of group labels")
    g = pd.Series(list(groups), dtype=object)
    if g.size != n:
        raise ValueError(f"groups has length {g.size} but durations has length {n}")
    if g.isna().any():
        raise ValueError("groups contains missing values")
    labels = pd.unique(g)
    try:
        labels = sorted(labels)
    except TypeError:
        labels = list(labels)  # unorderable mix: keep order of first appearance
    if len(labels) < 2:
        raise ValueError(f"groups must contain at least two different groups, got {labels}")
    index = {lab: i for i, lab in enumerate(labels)}
    codes = np.fromiter((index[v] for v in g), dtype=np.int64, count=n)
    return labels, codes


def logrank(durations, events, groups) -> LogRankResult:
    """Log-rank test of equal survival across k groups, identical to R ``survdiff`` (rho = 0).

    Observed and expected deaths per group, the hypergeometric variance matrix summed over distinct
    event times, and a chi-square statistic on (number of groups with expected > 0) - 1 df.
    """
    t = _check_durations(durations)
    e = _check_events(events, t.size)
    labels, gcode = _group_labels(groups, t.size)
    k = len(labels)

    times, inverse = np.unique(t, return_inverse=True)
    m = times.size
    flat = gcode * m + inverse
    d_gt = np.bincount(flat, weights=e, minlength=k * m).reshape(k, m)
    tot_gt = np.bincount(flat, minlength=k * m).reshape(k, m).astype(float)
    # At risk in each group at each time: those with time >= t.
    n_gt = tot_gt[:, ::-1].cumsum(axis=1)[:, ::-1]
    d_t = d_gt.sum(axis=0)
    n_t = n_gt.sum(axis=0)

    keep = d_t > 0
    d_t, n_t, n_gt, d_gt = d_t[keep], n_t[keep], n_gt[:, keep], d_gt[:, keep]
    frac = n_gt / n_t
    observed = d_gt.sum(axis=1)
    expected = (d_t * frac).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(n_t > 1, d_t * (n_t - d_t) / (n_t - 1), 0.0)
    # V_gh = sum_t w_t * f_gt * (delta_gh - f_ht)
    var = np.diag((w * frac).sum(axis=1)) - (w * frac) @ frac.T

    used = expected > 0
    df = int(used.sum()) - 1
    if df < 1:
        stat, p = 0.0, float("nan")
    else:
        diff = (observed - expected)[used][1:]
        vv = var[np.ix_(used, used)][1:, 1:]
        stat = float(diff @ np.linalg.solve(vv, diff))
        p = float(_st.chi2.sf(stat, df))
    table = pd.DataFrame(
        {
            "group": labels,
            "n": np.bincount(gcode, minlength=k).astype(np.int64),
            "observed": observed,
            "expected": expected,
        }
    )
    note = (
        f"Log-rank (Mantel-Haenszel) test over {k} groups, chi-square on {max(df, 0)} degree(s) of "
        "freedom, computed as R survdiff with rho = 0."
    )
    return LogRankResult(statistic=stat, df=max(df, 0), p_value=p, table=table, method_note=note)


# ----------------------------------------------------------------------------------------------
# Competing risks
# ----------------------------------------------------------------------------------------------


def cumulative_incidence(
    durations, event_codes, event_of_interest: int = 1, alpha: float = 0.05
) -> CIFResult:
    """Aalen-Johansen cumulative incidence of ``event_of_interest`` with competing events.

    ``event_codes``: 0 = censored, 1, 2, ... = event types; every type other than
    ``event_of_interest`` is a competing event (it removes the subject from risk without counting).
    CIF(t) = sum over event times t_i <= t of S(t_i-) d_i / n_i, with S the all-cause Kaplan-Meier.
    Variance: delta method (Greenwood-type; Collett, Modelling Survival Data, 3rd ed. p. 411; SAS
    PROC LIFETEST), pointwise CI on the log(-log) scale. Limits are 0 where the CIF is 0 and NaN
    where it is 1.
    """
    t = _check_durations(durations)
    codes = _check_codes(event_codes, t.size)
    k = _check_event_of_interest(event_of_interest)
    alpha = _check_alpha(alpha)

    is_k = (codes == k).astype(float)
    is_any = (codes > 0).astype(float)
    times, at_risk, d_all, cens = _risk_sets(t, is_any)
    _, inverse = np.unique(t, return_inverse=True)
    d_k = np.bincount(inverse, weights=is_k, minlength=times.size)

    s = np.cumprod(1.0 - d_all / at_risk)
    s_prev = np.concatenate(([1.0], s[:-1]))
    cif = np.cumsum(s_prev * d_k / at_risk)

    # Var F(t_j) = sum_{i<=j} (F_j - F_i)^2 d_i / (n_i (n_i - d_i))
    #              + S(t_i-)^2 d_ki (n_i - d_ki) / n_i^3 - 2 (F_j - F_i) S(t_i-) d_ki / n_i^2
    # d_i counts all event types. Where n_i == d_i the curve is flat afterwards (F_j - F_i = 0), so
    # that term contributes 0.
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where((d_all > 0) & (at_risk > d_all), d_all / (at_risk * (at_risk - d_all)), 0.0)
    b = s_prev**2 * d_k * (at_risk - d_k) / at_risk**3
    c = s_prev * d_k / at_risk**2
    diff = cif[:, None] - cif[None, :]  # [j, i] = F_j - F_i
    tri = np.tril(np.ones((times.size, times.size), dtype=bool))
    var = np.where(tri, diff**2 * a[None, :] + b[None, :] - 2 * diff * c[None, :], 0.0).sum(axis=1)
    var = np.maximum(var, 0.0)
    se = np.sqrt(var)

    z = _z(alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_f = np.log(cif)
        se_t = se / (cif * np.abs(log_f))
        lower = np.exp(-np.exp(np.log(-log_f) + z * se_t))
        upper = np.exp(-np.exp(np.log(-log_f) - z * se_t))
    zero = cif <= 0.0
    one = cif >= 1.0
    lower = np.where(zero, 0.0, np.where(one, np.nan, lower))
    upper = np.where(zero, 0.0, np.where(one, np.nan, upper))

    table = pd.DataFrame(
        {
            "time": np.concatenate(([0.0], times)),
            "at_risk": np.concatenate(([t.size], at_risk)).astype(np.int64),
            "events": np.concatenate(([0.0], d_k)).astype(np.int64),
            "competing": np.concatenate(([0.0], d_all - d_k)).astype(np.int64),
            "cif": np.concatenate(([0.0], cif)),
            "lower": np.concatenate(([0.0], lower)),
            "upper": np.concatenate(([0.0], upper)),
            "std_err": np.concatenate(([0.0], se)),
        }
    )
    note = (
        f"Aalen-Johansen cumulative incidence of event type {k} with all other event types as "
        "competing risks, delta-method (Greenwood-type) variance and "
        f"{_level_text(alpha)} pointwise confidence intervals on the log(-log) scale."
    )
    return CIFResult(
        table=table,
        event_of_interest=k,
        n=int(t.size),
        n_events=int(is_k.sum()),
        n_competing=int(is_any.sum() - is_k.sum()),
        alpha=alpha,
        method_note=note,
    )


def one_minus_km(
    durations,
    event_codes,
    event_of_interest: int = 1,
    alpha: float = 0.05,
    conf_type: str = "log-log",
) -> pd.DataFrame:
    """1 - Kaplan-Meier for one event type, treating competing events as censored.

    Shown beside the Aalen-Johansen CIF to make the point that it overstates the risk when
    competing events occur (it answers "what if nobody could experience the competing event").
    Columns: ``time, at_risk, events, censored, one_minus_km, lower, upper``; the method note is in
    ``DataFrame.attrs["method_note"]``.
    """
    t = _check_durations(durations)
    codes = _check_codes(event_codes, t.size)
    k = _check_event_of_interest(event_of_interest)
    km = kaplan_meier(t, (codes == k).astype(float), alpha=alpha, conf_type=conf_type)
    tab = km.table
    out = pd.DataFrame(
        {
            "time": tab["time"],
            "at_risk": tab["at_risk"],
            "events": tab["events"],
            "censored": tab["censored"],
            "one_minus_km": 1.0 - tab["survival"],
            "lower": 1.0 - tab["upper"],
            "upper": 1.0 - tab["lower"],
        }
    )
    out.attrs["method_note"] = (
        f"1 minus Kaplan-Meier for event type {k}, with competing events treated as censored "
        f"(overstates the cumulative incidence when competing events occur); {km.method_note}"
    )
    return out
