"""Kaplan-Meier curves, cumulative incidences and log-rank tests pooled over m data sets that each
fill in unpublished times differently (an ensemble of reconstructions), by the rules of
``plexrt.stats.mi``.

* :func:`pooled_km` -- at every time any member has an observation, each member's Kaplan-Meier
  survival and Greenwood variance are pooled by Rubin's rules on the log(-log) scale
  (``mi.pool_probabilities``); the pooled median and its interval are read off the pooled curve and
  its pooled limits by R's rule (``r_conventions.median_from_table``: where each first reaches
  0.5), exactly as for one curve. A member's curve is carried forward after its last observed time.
* :func:`pooled_cif_at` -- Aalen-Johansen cumulative incidence at given times, pooled the same way.
* :func:`pooled_logrank` -- the log-rank chi-square of every member combined by the D2 rule.

Each also returns the members' own figures (their medians, their values at each time, their
p-values), whose 5-95% range shows how far the unpublished times alone move the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from plexrt.stats import mi
from plexrt.stats.survival._checks import check_alpha, level_text, step_lookup
from plexrt.stats.survival.competing_risks import CIFResult, cumulative_incidence
from plexrt.stats.survival.kaplan_meier import KMResult, km_curve_on_grid, km_greenwood_on_grid
from plexrt.stats.survival.logrank import logrank
from plexrt.stats.survival.r_conventions import (
    MissingWords,
    median_from_table,
    missing_words,
    r_findq,
)

# R's tolerance for "exactly at" a quantile (r_conventions)
_TOL = float(np.sqrt(np.finfo(float).eps))

__all__ = [
    "PooledKM",
    "PooledTest",
    "cif_values_at",
    "km_at",
    "member_values_at",
    "pooled_cif_at",
    "pooled_km",
    "pooled_logrank",
]

POOLING_NOTE = (
    "pooled over {m} reconstructions by Rubin's rules (multiple imputation) on the log(-log) "
    "survival scale, so the interval carries the uncertainty of the unpublished times as well as "
    "sampling"
)


def _members(members: Any, width: int = 2) -> list[tuple[np.ndarray, ...]]:
    if isinstance(members, str | bytes) or not isinstance(members, Sequence) or len(members) < 2:
        raise ValueError("members must be a list of at least two data sets")
    out = []
    for k, member in enumerate(members):
        if not isinstance(member, Sequence) or len(member) != width:
            raise ValueError(f"member {k} must hold {width} arrays")
        arrays = tuple(np.asarray(a) for a in member)
        if arrays[0].ndim != 1 or arrays[0].size == 0:
            raise ValueError(f"member {k} must hold at least one subject")
        out.append(arrays)
    return out


def _member_medians(grid: np.ndarray, surv: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Each member's Kaplan-Meier median by R's rule (NaN when not reached) from its curve on the
    common grid: the first time it is at or below 0.5; where a curve sits exactly at 0.5, R's
    midpoint rule (``r_findq``) on the curve cut at the member's own last time."""
    below = surv <= 0.5 + _TOL
    reached = below.any(axis=1)
    first = below.argmax(axis=1)
    out = np.where(reached, grid[first], np.nan)
    at_half = reached & (np.abs(surv[np.arange(len(surv)), first] - 0.5) < _TOL)
    for k in np.flatnonzero(at_half):
        upto = grid <= last[k]
        med = r_findq(grid[upto], 1.0 - surv[k, upto], 0.5)
        out[k] = np.nan if med is None else med
    return out


def _on_grid(ms: list[tuple[np.ndarray, ...]], grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every member's survival and Greenwood variance of log S on the grid, members of one size
    evaluated together."""
    surv = np.empty((len(ms), grid.size))
    var = np.empty_like(surv)
    sizes = np.array([t.size for t, _ in ms])
    for n in np.unique(sizes):
        rows = np.flatnonzero(sizes == n)
        t = np.vstack([ms[k][0] for k in rows]).astype(float)
        e = np.vstack([ms[k][1] for k in rows]).astype(float)
        surv[rows], var[rows] = km_greenwood_on_grid(t, e, grid)
    return surv, var


@dataclass(frozen=True)
class PooledKM:
    """A Kaplan-Meier curve pooled over ``m`` members: ``table`` (time, survival, lower, upper,
    scale) from time 0, the pooled ``median`` and ``median_ci`` (None when R's rule gives NA;
    ``missing`` says why, as for one curve: ``why_missing``), the members' own medians (NaN = not
    reached), the range of their sizes and events, and the method note."""

    table: pd.DataFrame
    median: float | None
    median_ci: tuple[float | None, float | None]
    member_medians: np.ndarray
    m: int
    n_range: tuple[int, int]
    events_range: tuple[int, int]
    alpha: float
    method_note: str
    missing: MissingWords

    @property
    def member_range(self) -> tuple[float | None, float | None]:
        """5th-95th percentile of the members' medians (None = not reached)."""
        return mi.ensemble_range(self.member_medians)


def pooled_km(members: Sequence[tuple[Any, Any]], alpha: float = 0.05) -> PooledKM:
    """Kaplan-Meier survival pooled over ``members`` ((durations, events) pairs, at least two; the
    number of subjects may differ between members). See the module docstring for the rule."""
    ms = _members(members)
    alpha = check_alpha(alpha)
    grid = np.unique(np.concatenate([[0.0], *(t.astype(float) for t, _ in ms)]))
    s_m, var_log = _on_grid(ms, grid)
    with np.errstate(invalid="ignore"):
        se = s_m * np.sqrt(var_log)
    pooled = mi.pool_probabilities(s_m, se, alpha)
    table = pd.DataFrame(
        {
            "time": grid,
            "survival": pooled.estimate,
            "lower": pooled.low,
            "upper": pooled.high,
            "scale": pooled.scale,
        }
    )
    median, ci = median_from_table(grid, pooled.estimate, pooled.low, pooled.high)
    sizes = [t.size for t, _ in ms]
    events = [int(e.sum()) for _, e in ms]
    note = (
        f"Kaplan-Meier with Greenwood variance, {level_text(alpha)} intervals "
        + POOLING_NOTE.format(m=len(ms))
        + "; median and its interval where the pooled curve and its pooled limits first reach 0.5."
    )
    return PooledKM(
        table=table,
        median=median,
        median_ci=ci,
        member_medians=_member_medians(grid, s_m, np.array([float(t.max()) for t, _ in ms])),
        m=len(ms),
        n_range=(min(sizes), max(sizes)),
        events_range=(min(events), max(events)),
        alpha=alpha,
        method_note=note,
        missing=missing_words(grid, pooled.estimate, pooled.low, pooled.high),
    )


def km_at(result: PooledKM | KMResult, times: Any) -> pd.DataFrame:
    """Survival and its limits at ``times`` of a pooled or an ordinary Kaplan-Meier curve
    (right-continuous steps; 1 before time 0; the last value carried forward)."""
    if not isinstance(result, PooledKM | KMResult):
        raise ValueError("result must be a PooledKM or a KMResult")
    tab = result.table
    knots = tab["time"].to_numpy()
    return pd.DataFrame(
        {
            "time": np.atleast_1d(np.asarray(times, dtype=float)),
            **{
                c: step_lookup(knots, tab[c].to_numpy(), times, 1.0)
                for c in ("survival", "lower", "upper")
            },
        }
    )


def member_values_at(members: Sequence[tuple[Any, Any]], times: Any) -> np.ndarray:
    """Each member's own Kaplan-Meier survival at ``times`` (one row per member)."""
    return np.vstack([km_curve_on_grid(t, e, times) for t, e in _members(members)])


def pooled_cif_at(
    members: Sequence[tuple[Any, Any]],
    times: Any,
    event_of_interest: int = 1,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Aalen-Johansen cumulative incidence of ``event_of_interest`` at ``times``, pooled over
    ``members`` ((durations, event codes) pairs) on the log(-log) scale: columns time, cif, lower,
    upper, scale, member_low, member_high (5th-95th percentile of the members' own values)."""
    ms = _members(members)
    alpha = check_alpha(alpha)
    q = np.atleast_1d(np.asarray(times, dtype=float))
    values, ses = [], []
    for t, codes in ms:
        res = cumulative_incidence(t, codes, event_of_interest, alpha)
        values.append(cif_values_at(res, q, "cif"))
        ses.append(cif_values_at(res, q, "std_err"))
    v = np.vstack(values)
    pooled = mi.pool_probabilities(v, np.vstack(ses), alpha)
    lo, hi = np.quantile(v, [0.05, 0.95], axis=0)
    return pd.DataFrame(
        {
            "time": q,
            "cif": pooled.estimate,
            "lower": pooled.low,
            "upper": pooled.high,
            "scale": pooled.scale,
            "member_low": lo,
            "member_high": hi,
        }
    )


def cif_values_at(result: CIFResult, times: Any, column: str = "cif") -> np.ndarray:
    """A column of a cumulative-incidence table (cif, lower, upper, std_err) at ``times``
    (right-continuous steps; 0 before time 0)."""
    tab = result.table
    return step_lookup(tab["time"].to_numpy(), tab[column].to_numpy(), times, 0.0)


@dataclass(frozen=True)
class PooledTest:
    """Log-rank tests of the members combined by the D2 rule: ``p_value`` with the F statistic
    and its degrees of freedom, the members' own p-values and how many members allowed the test."""

    p_value: float
    statistic: float
    df1: int
    df2: float
    member_p: np.ndarray
    m: int
    method_note: str


def pooled_logrank(members: Sequence[tuple[Any, Any, Any]]) -> PooledTest | None:
    """Log-rank test of the same comparison in every member ((durations, events, groups)), combined
    by D2; members where the test is impossible (fewer than two groups with expected events) are
    left out. None when fewer than two members allow it or their degrees of freedom differ."""
    ms = _members(members, width=3)
    stats, dfs, ps = [], [], []
    for t, e, g in ms:
        res = logrank(t, e, g)
        if res.df >= 1 and np.isfinite(res.p_value):
            stats.append(res.statistic)
            dfs.append(res.df)
            ps.append(res.p_value)
    if len(stats) < 2 or len(set(dfs)) != 1:
        return None
    comb = mi.d2(stats, dfs[0])
    note = (
        f"Log-rank chi-square of each of {len(stats)} reconstructions combined by the D2 rule "
        "(Li, Meng, Raghunathan & Rubin 1991), an F test on "
        f"{comb.df1} and {comb.df2:.0f} degrees of freedom."
    )
    return PooledTest(
        comb.p_value, comb.statistic, comb.df1, comb.df2, np.array(ps), len(stats), note
    )
