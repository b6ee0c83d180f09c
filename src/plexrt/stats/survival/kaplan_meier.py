"""Kaplan-Meier estimate with Greenwood variance, R's pointwise intervals and R's median rule.

The product-limit estimate and its risk table come from lifelines (imported when first needed: it
takes about 2 s to import). The intervals and the median follow R's ``survfit`` /
``print.survfit`` (``r_conventions``), where lifelines differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from plexrt.stats.survival._checks import (
    check_alpha,
    check_conf_type,
    check_durations,
    check_events,
    check_times,
    level_text,
    step_lookup,
    z_value,
)
from plexrt.stats.survival.r_conventions import (
    MissingWords,
    km_ci,
    median_from_table,
    missing_words,
)

CONF_TYPE_LABELS = {
    "log-log": "the log(-log) scale",
    "log": "the log scale",
    "plain": "the linear (plain) scale",
}

KM_COLUMNS = ("time", "at_risk", "events", "censored", "survival", "lower", "upper", "std_err")


@dataclass(frozen=True)
class KMResult:
    """A Kaplan-Meier curve with pointwise confidence limits.

    ``table`` has one row per distinct observed time plus a first row at time 0 (survival 1), with
    columns ``time, at_risk, events, censored, survival, lower, upper, std_err`` (``std_err`` is the
    Greenwood standard error of the survival estimate). Limits are NaN where the estimate is 0, as
    R reports NA there. ``median`` / ``median_ci`` are None when R reports NA; ``missing`` says
    for each of the three what a None means ('not reached' or 'not estimable', ``why_missing``).
    """

    table: pd.DataFrame
    median: float | None
    median_ci: tuple[float | None, float | None]
    n: int
    n_events: int
    conf_type: str
    alpha: float
    method_note: str
    missing: MissingWords


def _product_limit(
    t: np.ndarray, e: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(times, at risk, events, censored, survival) at each distinct observed time, by lifelines'
    KaplanMeierFitter (censored subjects at a tied time are at risk for its events, as in R)."""
    from lifelines import KaplanMeierFitter

    fit = KaplanMeierFitter().fit(t, e)
    table = fit.event_table
    rows = table[table["removed"] > 0]
    times = rows.index.to_numpy(dtype=float)
    surv = fit.survival_function_["KM_estimate"].loc[rows.index].to_numpy(dtype=float)
    return (
        times,
        rows["at_risk"].to_numpy(dtype=float),
        rows["observed"].to_numpy(dtype=float),
        rows["censored"].to_numpy(dtype=float),
        surv,
    )


def kaplan_meier(
    durations: Any, events: Any, alpha: float = 0.05, conf_type: str = "log-log"
) -> KMResult:
    """Kaplan-Meier estimate with Greenwood variance, pointwise CIs and the median (R conventions).

    ``durations``: non-negative follow-up times; ``events``: 1 = event, 0 = censored.
    ``conf_type``: "log-log" (default; R ``survfit(conf.type="log-log")``), "log" (R's default) or
    "plain". The median and its CI follow R's ``print.survfit``: first time the curve, the lower and
    the upper confidence curves fall to 0.5 or below (midpoint of a flat stretch exactly at 0.5);
    None when R gives NA (``KMResult.missing`` says why). Raises ValueError for invalid input.
    """
    t = check_durations(durations)
    e = check_events(events, t.size)
    alpha = check_alpha(alpha)
    conf_type = check_conf_type(conf_type)

    times, at_risk, d, c, surv = _product_limit(t, e)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Greenwood: Var(log S) = sum d / (n (n - d)); infinite once everyone at risk has died.
        terms = np.where(d > 0, d / (at_risk * (at_risk - d)), 0.0)
        se_log = np.sqrt(np.cumsum(terms))
        std_err = np.where(surv > 0, surv * se_log, np.nan)
    lower, upper = km_ci(surv, se_log, z_value(alpha), conf_type)

    table = pd.DataFrame(
        {
            "time": np.concatenate(([0.0], times)),
            "at_risk": np.concatenate(([t.size], at_risk)).astype(np.int64),
            "events": np.concatenate(([0.0], d)).astype(np.int64),
            "censored": np.concatenate(([0.0], c)).astype(np.int64),
            "survival": np.concatenate(([1.0], surv)),
            "lower": np.concatenate(([1.0], lower)),
            "upper": np.concatenate(([1.0], upper)),
            "std_err": np.concatenate(([0.0], std_err)),
        }
    )
    columns = [table[col].to_numpy() for col in ("time", "survival", "lower", "upper")]
    median, median_ci = median_from_table(*columns)
    note = (
        "Kaplan-Meier product-limit estimate with Greenwood variance and "
        f"{level_text(alpha)} pointwise confidence intervals on {CONF_TYPE_LABELS[conf_type]} "
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
        missing=missing_words(*columns),
    )


def survival_at(result: KMResult, times: Any) -> np.ndarray:
    """Kaplan-Meier survival at ``times`` (right-continuous step function).

    Before time 0 the survival is 1; beyond the last observed time the last value is carried
    forward (the curve is not extrapolated, it simply stops changing).
    """
    if not isinstance(result, KMResult):
        raise ValueError("result must be a KMResult from kaplan_meier()")
    tab = result.table
    return step_lookup(tab["time"].to_numpy(), tab["survival"].to_numpy(), times, 1.0)


def at_risk_at(durations: Any, times: Any) -> list[int]:
    """Numbers at risk at each tick: how many subjects have a time >= t (for a risk table)."""
    t = np.sort(check_durations(durations))
    q = check_times(times)
    return [int(v) for v in t.size - np.searchsorted(t, q, side="left")]


def _check_ensemble(durations: Any, events: Any) -> tuple[np.ndarray, np.ndarray]:
    try:
        t = np.asarray(durations, dtype=float)
        e = np.asarray(events, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("durations and events must be numbers") from None
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
    return t, e


def _steps_on_grid(
    durations: Any, events: Any, grid: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Per data set (row): survival after each subject in time order and the Greenwood term each
    subject adds, with the number of subjects at or before each grid point.

    Subjects are sorted by time, events before censorings at ties; processing them one at a time
    with factor 1 - event / (number still at risk) telescopes to (n - d) / n over d tied events,
    and the Greenwood terms 1 / (r (r - 1)) of tied events telescope to d / (n (n - d))."""
    t, e = _check_ensemble(durations, events)
    g = check_times(grid, "grid")
    one_d = t.ndim == 1
    t2 = np.atleast_2d(t)
    e2 = np.atleast_2d(e)
    n = t2.shape[1]
    order = np.lexsort((1.0 - e2, t2), axis=-1)
    ts = np.take_along_axis(t2, order, axis=-1)
    es = np.take_along_axis(e2, order, axis=-1)
    remaining = n - np.arange(n, dtype=float)
    surv = np.cumprod(1.0 - es / remaining, axis=-1)
    with np.errstate(divide="ignore"):
        terms = np.where(es > 0, es / (remaining * (remaining - es)), 0.0)
    k = (ts[:, :, None] <= g[None, None, :]).sum(axis=1)  # subjects with time <= grid point
    return surv, terms, k, one_d


def km_curve_on_grid(durations: Any, events: Any, grid: Any) -> np.ndarray:
    """Kaplan-Meier survival at ``grid`` points, no CIs, vectorised for ensembles.

    ``durations``/``events`` are 1-D (one data set -> shape (len(grid),)) or 2-D with one data set
    per row (m data sets of n subjects -> shape (m, len(grid))). Same estimator and tie rule as
    ``kaplan_meier``. Own code, not lifelines: lifelines fits one data set per call (about 10 ms),
    and the reconstruction envelope evaluates 200 data sets at once (a few ms here).
    """
    surv, _, k, one_d = _steps_on_grid(durations, events, grid)
    padded = np.concatenate((np.ones((surv.shape[0], 1)), surv), axis=1)
    out = np.take_along_axis(padded, k, axis=1)
    return out[0] if one_d else out


def km_greenwood_on_grid(durations: Any, events: Any, grid: Any) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier survival and its Greenwood variance of log S at ``grid`` points, for one data
    set (1-D) or one per row (2-D), as ``km_curve_on_grid``: the estimate and variance of
    ``kaplan_meier`` (std_err = S * sqrt(variance)) at each grid time, carried forward after the
    last observed time. The variance is infinite once everyone at risk has had the event."""
    surv, terms, k, one_d = _steps_on_grid(durations, events, grid)
    zero = np.zeros((surv.shape[0], 1))
    s_pad = np.concatenate((np.ones_like(zero), surv), axis=1)
    v_pad = np.concatenate((zero, np.cumsum(terms, axis=1)), axis=1)
    s_out = np.take_along_axis(s_pad, k, axis=1)
    v_out = np.take_along_axis(v_pad, k, axis=1)
    return (s_out[0], v_out[0]) if one_d else (s_out, v_out)
