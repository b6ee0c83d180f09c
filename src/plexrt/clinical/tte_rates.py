"""Rates at fixed times as a clinician reads them: survival or continued relief and the cumulative
incidence of relapse at 3, 6 and 12 months, pooled over the reconstructions when the times are
reconstructed (Rubin's rules on the log(-log) scale, as ``tte_estimates`` says), with the
reconstructions' own 5th-95th percentile beside them; and their table text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from plexrt.clinical import endpoints as tte
from plexrt.clinical.tte_members import (
    endpoint_frame,
    ensemble_members,
    member_pairs,
    uses_ensemble,
)
from plexrt.stats import timescale
from plexrt.stats.survival import cumulative_incidence, kaplan_meier
from plexrt.stats.survival.pooled import (
    cif_values_at,
    km_at,
    member_values_at,
    pooled_cif_at,
    pooled_km,
)

# Fixed times (months) at which rates are tabulated.
RATE_MONTHS = (3, 6, 12)

#: What a rate's interval is called when it cannot be computed: a curve at 0 or 1 (one patient,
#: or every patient with the event by then) has an infinite variance and NaN limits.
CI_NOT_ESTIMABLE = "CI not estimable"
#: What a rate past the longest follow-up of a curve that ends with a censoring is: unknown (nobody
#: was followed that long; R's summary.survfit(times=) leaves such times out). Carrying the last
#: value forward said '100% still relieved at 12 months' of a series followed for 2 months.
BEYOND_FOLLOW_UP = "not estimable (no patient followed this long)"
_COLUMNS = [
    "months",
    "time_days",
    "estimate",
    "low",
    "high",
    "member_low",
    "member_high",
    "beyond_follow_up",
]


def rate_text(estimate: float, low: float, high: float, beyond: bool = False) -> str:
    """A rate at a fixed time as every table, footnote and report says it: '22% (95% CI 3–51%)';
    '100% (CI not estimable)' when a limit is not a finite number; 'not estimable' without an
    estimate (``BEYOND_FOLLOW_UP`` when the time is past the follow-up). Never 'nan'."""
    if beyond:
        return BEYOND_FOLLOW_UP
    if not np.isfinite(estimate):
        return "not estimable"
    if not (np.isfinite(low) and np.isfinite(high)):
        return f"{100 * estimate:.0f}% ({CI_NOT_ESTIMABLE})"
    return f"{100 * estimate:.0f}% (95% CI {100 * low:.0f}–{100 * high:.0f}%)"


def _beyond(durations: Any, censored: Any, days: np.ndarray) -> np.ndarray:
    """Which of ``days`` lie past the longest follow-up of a curve whose last time is a censoring
    (a curve that ends with every patient left having had an event is known beyond it)."""
    t = np.asarray(durations, dtype=float)
    last = t == t.max()
    return (days > t.max()) & bool(np.asarray(censored, dtype=bool)[last].any())


def _no_interval_at_bound(out: pd.DataFrame, bound: float) -> pd.DataFrame:
    """No interval where the estimate sits at ``bound`` (survival 1, incidence 0; pooled, only when
    every reconstruction sits there). On
    the log(-log) scale it does not exist there (R's survfit_confint gives NA at a survival of 1;
    lifelines' Aalen-Johansen NaN at an incidence of 0); '100% (95% CI 100–100%)' claimed
    certainty from a few patients without an event."""
    out.loc[out["estimate"] == bound, ["low", "high"]] = np.nan
    return out


def _unknown_beyond(out: pd.DataFrame, beyond: np.ndarray) -> pd.DataFrame:
    out["beyond_follow_up"] = beyond
    out.loc[beyond, ["estimate", "low", "high"]] = np.nan
    return out


def rates_at(
    events: pd.DataFrame,
    draws: Sequence[pd.DataFrame],
    patient_ids: Iterable[Any],
    endpoint: str,
    time_zero: str = "completion",
    months: Sequence[float] = RATE_MONTHS,
) -> pd.DataFrame:
    """Kaplan-Meier survival (survival after RT) or probability of continued relief at fixed
    ``months``: columns months, time_days, estimate, low, high, member_low, member_high (NaN for
    real times) and beyond_follow_up (real times past a follow-up that ends censored: no
    estimate), pooled over the reconstructions when the times are reconstructed (``attrs["m"]``:
    how many; 0 for real times)."""
    pids = [str(p) for p in patient_ids]
    days = np.asarray([timescale.months_to_days(float(m)) for m in months])
    d0 = endpoint_frame(events, pids, endpoint, time_zero)
    if d0.empty:
        return pd.DataFrame(columns=_COLUMNS)
    members = (
        ensemble_members(draws, pids, endpoint, time_zero) if uses_ensemble(events, draws) else []
    )
    beyond = np.zeros(days.size, dtype=bool)
    if len(members) >= 2:
        at = km_at(pooled_km(member_pairs(members)), days)
        lo, hi = np.quantile(member_values_at(member_pairs(members), days), [0.05, 0.95], axis=0)
    else:
        at = km_at(kaplan_meier(d0["duration_days"], d0["event"]), days)
        lo = hi = np.full(days.size, np.nan)
        beyond = _beyond(d0["duration_days"], d0["event"] == 0, days)
    out = pd.DataFrame(
        {
            "months": list(months),
            "time_days": days,
            "estimate": at["survival"].to_numpy(),
            "low": at["lower"].to_numpy(),
            "high": at["upper"].to_numpy(),
            "member_low": lo,
            "member_high": hi,
        },
    )
    out = _no_interval_at_bound(out, 1.0)
    out = _unknown_beyond(out, beyond)
    out.attrs["m"] = len(members) if len(members) >= 2 else 0
    return out


def relapse_incidence_at(
    events: pd.DataFrame,
    draws: Sequence[pd.DataFrame],
    patient_ids: Iterable[Any],
    months: Sequence[float] = RATE_MONTHS,
) -> pd.DataFrame:
    """Cumulative incidence of relapse of pain (death before relapse competing) from maximum
    response at fixed ``months``, columns as ``rates_at``; pooled when reconstructed."""
    pids = [str(p) for p in patient_ids]
    days = np.asarray([timescale.months_to_days(float(m)) for m in months])
    d0 = tte.relief_data(events, pids)
    if d0.empty:
        return pd.DataFrame(columns=_COLUMNS)
    members = (
        ensemble_members(draws, pids, "relief", "completion", codes=True)
        if uses_ensemble(events, draws)
        else []
    )
    beyond = np.zeros(days.size, dtype=bool)
    if len(members) >= 2:
        p = pooled_cif_at(member_pairs(members), days)
        est, low, high = p["cif"], p["lower"], p["upper"]
        lo, hi = p["member_low"], p["member_high"]
    else:
        res = cumulative_incidence(d0["duration_days"], d0["code"], 1)
        est, low, high = (cif_values_at(res, days, c) for c in ("cif", "lower", "upper"))
        lo = hi = np.full(days.size, np.nan)
        beyond = _beyond(d0["duration_days"], d0["code"] == 0, days)
    out = pd.DataFrame(
        {
            "months": list(months),
            "time_days": days,
            "estimate": np.asarray(est),
            "low": np.asarray(low),
            "high": np.asarray(high),
            "member_low": np.asarray(lo),
            "member_high": np.asarray(hi),
        },
    )
    out = _no_interval_at_bound(out, 0.0)
    out = _unknown_beyond(out, beyond)
    out.attrs["m"] = len(members) if len(members) >= 2 else 0
    return out


def fixed_time_table(rows: pd.DataFrame, what: str, unit: str = "months") -> pd.DataFrame:
    """A rates frame (``rates_at``, ``relapse_incidence_at``) as text for a table: 'At', what,
    and the reconstructions' range when pooled."""
    out = pd.DataFrame(
        {
            "At": [f"{m:g} months" for m in rows["months"]],
            what: [
                rate_text(e, lo, hi, bool(b))
                for e, lo, hi, b in zip(
                    rows["estimate"], rows["low"], rows["high"], _beyond_column(rows), strict=True
                )
            ],
        }
    )
    if rows["member_low"].notna().any():
        out["Reconstructions (5th–95th percentile)"] = [
            f"{100 * a:.0f}–{100 * b:.0f}%"
            for a, b in zip(rows["member_low"], rows["member_high"], strict=True)
        ]
    return out


def _beyond_column(rows: pd.DataFrame) -> pd.Series:
    """The rows' beyond_follow_up flags (all False for a frame written without them)."""
    if "beyond_follow_up" in rows:
        return rows["beyond_follow_up"].fillna(False).astype(bool)
    return pd.Series(False, index=rows.index)
