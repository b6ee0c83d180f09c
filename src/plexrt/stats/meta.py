"""Meta-analysis of proportions: per-series intervals and a random-effects pooled proportion.

Pooling is a random-effects meta-analysis on the logit scale with the DerSimonian-Laird
between-series variance. With the handful of small series PlexRT compares, any pooled figure is
fragile; the result object says so in plain words.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as _st

from plexrt.stats.proportions import METHODS as CI_METHODS
from plexrt.stats.proportions import check_count_pair, proportion_ci

__all__ = ["PooledResult", "pool_proportions", "series_ci"]


def _count(value: object, name: str) -> int:
    """A count as int; ValueError naming ``name`` unless it is a finite whole number."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if x != int(x):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    return int(x)


def _check_event_counts(
    events: Sequence[object], totals: Sequence[object]
) -> tuple[np.ndarray, np.ndarray]:
    """Events and totals per series as int arrays; ValueError for anything that is not a count
    pair (mismatched lengths, empty, events > totals, negative events, totals <= 0)."""
    try:
        ev, tot = list(events), list(totals)
    except TypeError:
        raise ValueError("events and totals must be sequences of counts") from None
    if len(ev) != len(tot):
        raise ValueError(
            f"events ({len(ev)} values) and totals ({len(tot)} values) differ in length"
        )
    if not ev:
        raise ValueError("events and totals are empty: at least one series is needed")
    out_e, out_t = [], []
    for i, (e, t) in enumerate(zip(ev, tot, strict=True)):
        e_i, t_i = _count(e, f"events[{i}]"), _count(t, f"totals[{i}]")
        check_count_pair(e_i, t_i, f"events[{i}]", f"totals[{i}]")
        out_e.append(e_i)
        out_t.append(t_i)
    return np.asarray(out_e, dtype=int), np.asarray(out_t, dtype=int)


def series_ci(
    events: Sequence[int],
    totals: Sequence[int],
    method: str = "exact",
    alpha: float = 0.05,
    labels: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per-series proportion events/totals with its exact (Clopper-Pearson) or Wilson interval.

    Returns columns label (when labels are given), events, totals, proportion, low, high, method.
    Raises ValueError for mismatched lengths, empty input, events > totals, negative events,
    totals <= 0 or an unknown method.
    """
    if method not in CI_METHODS:
        raise ValueError(
            f"unknown interval method {method!r}; choose one of {', '.join(CI_METHODS)}"
        )
    ev, tot = _check_event_counts(events, totals)
    rows = []
    for e, t in zip(ev, tot, strict=True):
        low, high = proportion_ci(int(e), int(t), method=method, alpha=alpha)
        rows.append(
            {"events": int(e), "totals": int(t), "proportion": e / t, "low": low, "high": high}
        )
    df = pd.DataFrame(rows, columns=["events", "totals", "proportion", "low", "high"])
    df["method"] = method
    if labels is not None:
        names = list(labels)
        if len(names) != len(df):
            raise ValueError(f"labels ({len(names)}) and events ({len(df)}) differ in length")
        df.insert(0, "label", names)
    return df


@dataclass(frozen=True)
class PooledResult:
    """Random-effects pooled proportion (logit scale, DerSimonian-Laird) and heterogeneity.

    estimate/low/high and prediction are proportions (back-transformed); logit_estimate and
    logit_se are on the log-odds scale. i2 is in percent (None for a single series); prediction is
    None for fewer than 3 series. ``corrected`` flags the series that received the continuity
    correction; ``weights`` are relative random-effects weights in percent.
    """

    estimate: float
    low: float
    high: float
    tau2: float
    i2: float | None
    q: float
    q_df: int
    q_p: float | None
    prediction: tuple[float, float] | None
    k: int
    method_note: str
    warning: str | None
    logit_estimate: float
    logit_se: float
    effects: tuple[float, ...]
    variances: tuple[float, ...]
    weights: tuple[float, ...]
    corrected: tuple[bool, ...]
    alpha: float = 0.05


def _expit(x: float) -> float:
    return float(1.0 / (1.0 + math.exp(-x)))


def _check_options(method: str, correction: float, alpha: float) -> None:
    if method.upper() != "DL":
        raise ValueError(f"unknown pooling method {method!r}; only 'DL' (DerSimonian-Laird)")
    if isinstance(correction, bool) or not isinstance(correction, int | float):
        raise ValueError(f"correction must be a positive number, got {correction!r}")
    if not (math.isfinite(correction) and correction > 0):
        raise ValueError(f"correction must be a positive number, got {correction!r}")
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha!r}")


@dataclass(frozen=True)
class _Effects:
    """Per-series log-odds ``y`` with variance ``v``; ``corrected`` marks 0% / 100% series."""

    y: np.ndarray
    v: np.ndarray
    corrected: np.ndarray
    note: str


def _logit_effects(ev: np.ndarray, tot: np.ndarray, correction: float) -> _Effects:
    # A 0% or 100% series has an infinite log-odds; add `correction` to its events and
    # non-events (a 0.5 continuity correction by default), leave all other series as observed.
    corrected = (ev == 0) | (ev == tot)
    e_adj = ev + np.where(corrected, correction, 0.0)
    ne_adj = (tot - ev) + np.where(corrected, correction, 0.0)
    n_corr = int(corrected.sum())
    if n_corr:
        note = (
            f"{n_corr} of {len(ev)} series had 0% or 100% and received a continuity correction of "
            f"{correction:g} added to their events and non-events (other series used as observed)."
        )
    else:
        note = "No series had 0% or 100%, so no continuity correction was needed."
    return _Effects(np.log(e_adj / ne_adj), 1.0 / e_adj + 1.0 / ne_adj, corrected, note)


def _single_series(fx: _Effects, z: float, level: str, alpha: float) -> PooledResult:
    se = math.sqrt(float(fx.v[0]))
    mu = float(fx.y[0])
    note = (
        "Only one series, so nothing is pooled: its own proportion on the logit (log-odds) "
        f"scale with a Wald {level} interval (logit ± z·SE, SE² = 1/events + 1/non-events), "
        f"back-transformed to a proportion. {fx.note} No heterogeneity or prediction "
        "interval can be estimated."
    )
    return PooledResult(
        estimate=_expit(mu),
        low=_expit(mu - z * se),
        high=_expit(mu + z * se),
        tau2=0.0,
        i2=None,
        q=0.0,
        q_df=0,
        q_p=None,
        prediction=None,
        k=1,
        method_note=note,
        warning="Only 1 series: no pooling; the figure is that series' own estimate.",
        logit_estimate=mu,
        logit_se=se,
        effects=(mu,),
        variances=(float(fx.v[0]),),
        weights=(100.0,),
        corrected=(bool(fx.corrected[0]),),
        alpha=alpha,
    )


def _dersimonian_laird(y: np.ndarray, v: np.ndarray) -> tuple[float, float, float]:
    """(Q, tau², I² in percent) from the fixed-effect weights w_i = 1/v_i:
    tau² = max(0, (Q - (k-1)) / (sum w - sum w² / sum w)); I² = (Q - df) / Q truncated at 0
    (Higgins & Thompson 2002)."""
    w = 1.0 / v
    y_fe = float(np.sum(w * y) / np.sum(w))
    q = float(np.sum(w * (y - y_fe) ** 2))
    q_df = len(y) - 1
    c = float(np.sum(w) - np.sum(w**2) / np.sum(w))
    tau2 = max(0.0, (q - q_df) / c) if c > 0 else 0.0
    i2 = 100.0 * max(0.0, (q - q_df) / q) if q > 0 else 0.0
    return q, tau2, i2


def _prediction(
    mu: float, se: float, tau2: float, k: int, alpha: float, level: str
) -> tuple[tuple[float, float] | None, str]:
    if k < 3:
        return None, "No prediction interval: it needs at least 3 series."
    # Higgins, Thompson & Spiegelhalter 2009: mu ± t_{k-2} sqrt(tau^2 + SE(mu)^2).
    t_crit = float(_st.t.ppf(1 - alpha / 2, k - 2))
    half = t_crit * math.sqrt(tau2 + se**2)
    text = (
        f"The {level} prediction interval for the proportion in a new series is "
        "mu ± t(k-2)·sqrt(tau² + SE²) (Higgins, Thompson & Spiegelhalter 2009), back-transformed."
    )
    return (_expit(mu - half), _expit(mu + half)), text


def _few_series_warning(k: int) -> str | None:
    if k >= 3:
        return None
    return (
        f"Only {k} series pooled: tau² and I² are very uncertain and no prediction interval "
        "is given."
    )


def pool_proportions(
    events: Sequence[int],
    totals: Sequence[int],
    method: str = "DL",
    correction: float = 0.5,
    alpha: float = 0.05,
) -> PooledResult:
    """Random-effects pooled proportion of several series (logit scale, DerSimonian-Laird tau^2).

    Each series contributes logit(p_i) with variance 1/e_i + 1/(n_i - e_i). Series with 0% or
    100% get ``correction`` added to their events and non-events (only those series). The pooled
    log-odds uses weights 1/(v_i + tau^2), its Wald interval is back-transformed; the prediction
    interval for a new series follows Higgins, Thompson & Spiegelhalter 2009 (t with k-2 df).
    One series: its own logit estimate and Wald-logit interval, tau2 = 0, I2 None. Fewer than 3
    series set ``warning``. Raises ValueError on invalid counts, empty input, unknown method,
    correction <= 0 or alpha outside (0, 1).
    """
    _check_options(method, correction, alpha)
    ev, tot = _check_event_counts(events, totals)
    k = len(ev)
    level = f"{100 * (1 - alpha):g}%"
    z = float(_st.norm.ppf(1 - alpha / 2))
    fx = _logit_effects(ev, tot, correction)
    if k == 1:
        return _single_series(fx, z, level, alpha)

    q, tau2, i2 = _dersimonian_laird(fx.y, fx.v)
    w_re = 1.0 / (fx.v + tau2)
    mu = float(np.sum(w_re * fx.y) / np.sum(w_re))
    se = math.sqrt(1.0 / float(np.sum(w_re)))
    prediction, pi_text = _prediction(mu, se, tau2, k, alpha, level)
    note = (
        f"Random-effects meta-analysis of {k} proportions on the logit (log-odds) scale; "
        "between-series variance tau² by the DerSimonian-Laird moment estimator; weights "
        f"1/(variance + tau²); {level} Wald interval on the logit scale, back-transformed to a "
        f"proportion. {fx.note} {pi_text}"
    )
    return PooledResult(
        estimate=_expit(mu),
        low=_expit(mu - z * se),
        high=_expit(mu + z * se),
        tau2=tau2,
        i2=i2,
        q=q,
        q_df=k - 1,
        q_p=float(_st.chi2.sf(q, k - 1)),
        prediction=prediction,
        k=k,
        method_note=note,
        warning=_few_series_warning(k),
        logit_estimate=mu,
        logit_se=se,
        effects=tuple(float(a) for a in fx.y),
        variances=tuple(float(a) for a in fx.v),
        weights=tuple(float(a) for a in 100.0 * w_re / np.sum(w_re)),
        corrected=tuple(bool(a) for a in fx.corrected),
        alpha=alpha,
    )
