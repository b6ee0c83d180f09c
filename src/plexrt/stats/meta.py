"""Meta-analysis of proportions: per-series intervals and a random-effects pooled proportion.

Pooling is a random-effects meta-analysis on the logit scale with the DerSimonian-Laird (DL)
between-series variance tau^2. PlexRT compares a handful of small series, where the DL Wald interval
(z quantile, tau^2 taken as known) is far too narrow (IntHout, Ioannidis & Borm 2014, BMC Med Res
Methodol 14:25). The rules, stated on every result:

* interval: with fewer than ``SMALL_K`` (10) series, the Hartung-Knapp-Sidik-Jonkman (HKSJ)
  interval: the variance of the pooled logit scaled by q = sum w_i (y_i - mu)^2 / (k - 1) and a t
  quantile on k - 1 degrees of freedom, with q floored at 1 so that it is never narrower than the
  DL interval (the ad hoc modification of Knapp & Hartung 2003; Roever, Knapp & Friede 2015, BMC
  Med Res Methodol 15:99); from ``SMALL_K`` series on, the DL Wald interval;
* prediction interval for a new series: only from ``PREDICTION_MIN_K`` (5) series on -- with fewer,
  tau^2 rests on at most 3 degrees of freedom and the interval (t on k - 2 df) spans nearly 0-100%;
* pooling is called not meaningful (``PooledResult.meaningful``, with the reason in words) with
  fewer than 3 series, or when I^2 >= ``HETEROGENEITY_I2`` (75%): the series then disagree far more
  than chance explains and one number hides it;
* the number of patients (or sites) behind the pooled figure is carried (``n_total``).
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
from plexrt.stats.survival._checks import finite_float

__all__ = ["PooledResult", "pool_proportions", "series_ci"]


def _count(value: object, name: str) -> int:
    """A count as int; ValueError naming ``name`` unless it is a finite whole number."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    x = finite_float(value)
    if x is None:
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


# Below this many series the HKSJ interval replaces the DL Wald interval.
SMALL_K = 10
# From this many series on a prediction interval is given.
PREDICTION_MIN_K = 5
# At or above this I^2 (percent) one pooled number is not meaningful.
HETEROGENEITY_I2 = 75.0
METHODS = ("auto", "DL", "HKSJ")


@dataclass(frozen=True)
class PooledResult:
    """Random-effects pooled proportion (logit scale, DerSimonian-Laird tau^2) and heterogeneity.

    estimate/low/high and prediction are proportions (back-transformed); logit_estimate and
    logit_se are on the log-odds scale (logit_se is the SE the interval used: HKSJ or DL). ``method``
    is "HKSJ" or "DL" (the interval), ``df`` the degrees of freedom of its t quantile (None for
    the Wald z). i2 is in percent (None for a single series); prediction is None below
    PREDICTION_MIN_K series. ``corrected`` flags the series that received the continuity
    correction; ``weights`` are relative random-effects weights in percent; ``totals`` the
    patients (or sites) of each series and ``n_total`` their sum. ``meaningful`` is False (and
    ``verdict`` says why in words) when one pooled number would mislead.
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
    method: str = "DL"
    df: int | None = None
    totals: tuple[int, ...] = ()
    meaningful: bool = True
    verdict: str | None = None

    @property
    def n_total(self) -> int:
        return int(sum(self.totals))

    @property
    def summary(self) -> str:
        """'Random effects (DL tau², HKSJ t on 2 df, logit), k = 3 series, n = 131 (18 + 112 +
        1), I² = 61%, τ² = 1.84'."""
        interval = f"HKSJ t on {self.df} df" if self.method == "HKSJ" else "Wald z"
        i2 = "not estimable" if self.i2 is None else f"= {self.i2:.0f}%"
        parts = " + ".join(str(t) for t in self.totals)
        return (
            f"Random effects (DL τ², {interval}, logit), k = {self.k} series, "
            f"n = {self.n_total:,} ({parts}), I² {i2}, τ² = {self.tau2:.3g}"
        )


def _expit(x: float) -> float:
    return float(1.0 / (1.0 + math.exp(-x)))


def _check_options(method: str, correction: float, alpha: float) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown pooling method {method!r}; choose one of {', '.join(METHODS)}")
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


def _single_series(
    fx: _Effects, z: float, level: str, alpha: float, tot: np.ndarray
) -> PooledResult:
    se = math.sqrt(float(fx.v[0]))
    mu = float(fx.y[0])
    note = (
        "Only one series, so nothing is pooled: its own proportion on the logit (log-odds) "
        f"scale with a Wald {level} interval (logit ± z·SE, SE² = 1/events + 1/non-events), "
        f"back-transformed to a proportion. {fx.note} No heterogeneity or prediction "
        "interval can be estimated."
    )
    verdict = "Only 1 series: no pooling; the figure is that series' own estimate."
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
        warning=verdict,
        logit_estimate=mu,
        logit_se=se,
        effects=(mu,),
        variances=(float(fx.v[0]),),
        weights=(100.0,),
        corrected=(bool(fx.corrected[0]),),
        alpha=alpha,
        method="DL",
        totals=(int(tot[0]),),
        meaningful=False,
        verdict=verdict,
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


def _interval(
    y: np.ndarray, w_re: np.ndarray, mu: float, method: str, alpha: float
) -> tuple[float, float, int | None, str]:
    """(SE, critical value, df, words) of the pooled logit's interval: HKSJ (modified: scale at
    least 1) with t on k - 1 df, or the DL Wald interval with z."""
    k = len(y)
    se_dl = math.sqrt(1.0 / float(np.sum(w_re)))
    if method == "DL":
        words = "Wald interval (z), as DerSimonian-Laird"
        return se_dl, float(_st.norm.ppf(1 - alpha / 2)), None, words
    scale = float(np.sum(w_re * (y - mu) ** 2)) / (k - 1)
    words = (
        f"Hartung-Knapp-Sidik-Jonkman interval: variance of the pooled logit scaled by "
        f"q = Σ w(y − μ)²/(k − 1) = {scale:.3g}"
        + (" (floored at 1, so never narrower than DerSimonian-Laird)" if scale < 1 else "")
        + f", t quantile on {k - 1} df"
    )
    return se_dl * math.sqrt(max(1.0, scale)), float(_st.t.ppf(1 - alpha / 2, k - 1)), k - 1, words


def _prediction(
    mu: float, se: float, tau2: float, k: int, alpha: float, level: str
) -> tuple[tuple[float, float] | None, str]:
    if k < PREDICTION_MIN_K:
        return None, (
            f"No prediction interval: with {k} series (fewer than {PREDICTION_MIN_K}) tau² rests "
            "on too few degrees of freedom for it to mean anything."
        )
    # Higgins, Thompson & Spiegelhalter 2009: mu ± t_{k-2} sqrt(tau^2 + SE(mu)^2).
    t_crit = float(_st.t.ppf(1 - alpha / 2, k - 2))
    half = t_crit * math.sqrt(tau2 + se**2)
    text = (
        f"The {level} prediction interval for the proportion in a new series is "
        "mu ± t(k-2)·sqrt(tau² + SE²) (Higgins, Thompson & Spiegelhalter 2009), back-transformed."
    )
    return (_expit(mu - half), _expit(mu + half)), text


def _verdict(k: int, i2: float) -> str | None:
    """Why one pooled number would mislead, in words (None when it would not)."""
    if k < 3:
        return (
            f"Only {k} series: a pooled figure is not meaningful. Two series cannot tell how much "
            "series differ (tau² and I² are guesses), and the interval rests on 1 degree of "
            "freedom; read the series' own figures."
        )
    if i2 >= HETEROGENEITY_I2:
        return (
            f"The series disagree far more than chance explains (I² = {i2:.0f}%): one pooled "
            "figure hides that and is not meaningful; read the series' own figures."
        )
    return None


def pool_proportions(
    events: Sequence[int],
    totals: Sequence[int],
    method: str = "auto",
    correction: float = 0.5,
    alpha: float = 0.05,
) -> PooledResult:
    """Random-effects pooled proportion of several series (logit scale, DerSimonian-Laird tau^2).

    Each series contributes logit(p_i) with variance 1/e_i + 1/(n_i - e_i). Series with 0% or
    100% get ``correction`` added to their events and non-events (only those series). The pooled
    log-odds uses weights 1/(v_i + tau^2). Its interval (``method``): "auto" = HKSJ below SMALL_K
    series, DL Wald from SMALL_K on; "HKSJ" or "DL" to force one (see the module docstring). The
    prediction interval (Higgins, Thompson & Spiegelhalter 2009, t with k-2 df) is given from
    PREDICTION_MIN_K series on. One series: its own logit estimate and Wald-logit interval.
    Raises ValueError on invalid counts, empty input, unknown method, correction <= 0 or alpha
    outside (0, 1).
    """
    _check_options(method, correction, alpha)
    ev, tot = _check_event_counts(events, totals)
    k = len(ev)
    level = f"{100 * (1 - alpha):g}%"
    fx = _logit_effects(ev, tot, correction)
    if k == 1:
        return _single_series(fx, float(_st.norm.ppf(1 - alpha / 2)), level, alpha, tot)

    q, tau2, i2 = _dersimonian_laird(fx.y, fx.v)
    w_re = 1.0 / (fx.v + tau2)
    mu = float(np.sum(w_re * fx.y) / np.sum(w_re))
    used = ("HKSJ" if k < SMALL_K else "DL") if method == "auto" else method
    se, crit, df, interval_words = _interval(fx.y, w_re, mu, used, alpha)
    prediction, pi_text = _prediction(mu, se, tau2, k, alpha, level)
    verdict = _verdict(k, i2)
    note = (
        f"Random-effects meta-analysis of {k} proportions on the logit (log-odds) scale "
        f"({int(tot.sum())} patients or sites in all); between-series variance tau² by the "
        f"DerSimonian-Laird moment estimator; weights 1/(variance + tau²); {level} "
        f"{interval_words}, back-transformed to a proportion. {fx.note} {pi_text}"
        + (f" {verdict}" if verdict else "")
    )
    return PooledResult(
        estimate=_expit(mu),
        low=_expit(mu - crit * se),
        high=_expit(mu + crit * se),
        tau2=tau2,
        i2=i2,
        q=q,
        q_df=k - 1,
        q_p=float(_st.chi2.sf(q, k - 1)),
        prediction=prediction,
        k=k,
        method_note=note,
        warning=verdict,
        logit_estimate=mu,
        logit_se=se,
        effects=tuple(float(a) for a in fx.y),
        variances=tuple(float(a) for a in fx.v),
        weights=tuple(float(a) for a in 100.0 * w_re / np.sum(w_re)),
        corrected=tuple(bool(a) for a in fx.corrected),
        alpha=alpha,
        method=used,
        df=df,
        totals=tuple(int(t) for t in tot),
        meaningful=verdict is None,
        verdict=verdict,
    )
