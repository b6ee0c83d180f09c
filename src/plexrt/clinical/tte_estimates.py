"""Time-to-event figures as a clinician reads them: medians, rates at fixed times, the cumulative
incidence of relapse and log-rank tests, with intervals that say what is known.

With real per-patient times (an imported series) these are the ordinary estimates of one data set.
With reconstructed times (Sanuki 2022 publishes none per patient) one reconstruction is only one of
many data sets equally consistent with the paper, and its own interval carries sampling uncertainty
alone. Every figure is then pooled over the ensemble of reconstructions
(``plexrt.ingest.ensemble``) as multiple imputations are: Rubin's rules on the log(-log) survival
scale for survival and cumulative incidence, medians read off the pooled curve, log-rank chi-squares
combined by the D2 rule (``plexrt.stats.mi``, ``plexrt.stats.survival.pooled``). Beside each, the
5th-95th percentile of the reconstructions' own values shows how far the unpublished times alone
move it.
"""

# Size (over ~400 lines after this session's merges): pooled medians, rates, relapse incidence and log-rank over reconstructions; split planned: rates/relapse into their own module.

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from plexrt.clinical import endpoints as tte
from plexrt.stats import timescale
from plexrt.stats.survival import cumulative_incidence, kaplan_meier
from plexrt.stats.survival.pooled import (
    cif_values_at,
    km_at,
    member_values_at,
    pooled_cif_at,
    pooled_km,
    pooled_logrank,
)

# The endpoints a median is given for; "followup" is the reverse Kaplan-Meier of survival data.
MEDIAN_ENDPOINTS = (*tte.ENDPOINTS, "followup")
# Fixed times (months) at which rates are tabulated.
RATE_MONTHS = (3, 6, 12)


def reconstruction_note(m: int) -> str:
    """The footnote sentence every figure from reconstructed times carries."""
    return (
        "Reconstructed times: the curve drawn is one reconstruction (the stored default) of the "
        "many equally consistent with the paper, and its band is that one curve's 95% CI. Medians, "
        f"rates and tests are pooled over {m} reconstructions by Rubin's rules (multiple "
        "imputation; survival on the log(−log) scale, medians where the pooled curve and its "
        "limits reach 0.5, log-rank by the D2 rule), so their intervals carry the uncertainty of "
        f"the unpublished times as well as sampling; 'reconstructions' gives the 5th–95th "
        f"percentile of the {m} reconstructions' own values."
    )


def reconstruction_short(m: int) -> str:
    """The same, in the two lines a slide has room for (the page and report give it whole)."""
    return (
        "Reconstructed times: the curve drawn is one reconstruction (the stored default) of the "
        f"many equally consistent with the paper; medians pooled over {m} reconstructions by "
        "Rubin's rules."
    )


def _frame(
    events: pd.DataFrame, pids: Sequence[str], endpoint: str, time_zero: str
) -> pd.DataFrame:
    """Duration and event per patient; follow-up is survival data with the event reversed."""
    if endpoint == "followup":
        d = tte.survival_data(events, pids, time_zero)
        return d.assign(event=1 - d["event"])
    return tte.endpoint_data(events, pids, endpoint, time_zero)


_STACKED = (
    "last_contact_day",
    "rt_end_day",
    "death",
    "assessable_for_relief",
    "relapse",
    "relief_end_day",
    "max_response_day",
)

# One reconstruction's patients for an endpoint: (patient ids, durations, events or codes).
Member = tuple[np.ndarray, np.ndarray, np.ndarray]


def _stack(draws: Sequence[pd.DataFrame]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The event columns of every reconstruction as (m, n) arrays, patients in one order (pandas
    once per column, not once per reconstruction and endpoint: the ensemble has 200 of them)."""
    first = draws[0]["patient_id"].to_numpy().astype(str)
    frames = []
    for d in draws:
        ids = d["patient_id"].to_numpy().astype(str)
        same = ids.size == first.size and (ids == first).all()
        # not in the first one's patient order (never for one plan's draws): reorder
        frames.append(d if same else d.set_index(ids).loc[first].reset_index(drop=True))
    return first, {c: np.stack([f[c].to_numpy() for f in frames]) for c in _STACKED}


def _members(
    draws: Sequence[pd.DataFrame],
    pids: Sequence[str],
    endpoint: str,
    time_zero: str,
    codes: bool = False,
) -> list[Member]:
    """Every reconstruction's patients for the endpoint, by the rules of ``endpoints``
    (``survival_columns``, ``relief_columns``); reconstructions without a patient are left out."""
    ids, cols = _stack(draws)
    sel = np.isin(ids, list(pids))
    c = {k: v[:, sel] for k, v in cols.items()}
    if endpoint == "relief":
        keep = c["assessable_for_relief"].astype(bool)
        dur, ev, code = tte.relief_columns(
            c["relief_end_day"], c["max_response_day"], c["relapse"], c["death"]
        )
        ev = code if codes else ev
    else:
        dur, ev = tte.survival_columns(
            c["last_contact_day"], c["rt_end_day"], c["death"], time_zero
        )
        ev = 1 - ev if endpoint == "followup" else ev
        keep = np.ones(dur.shape, bool)
    return [
        (ids[sel][keep[k]], dur[k][keep[k]], ev[k][keep[k]].astype(float))
        for k in range(dur.shape[0])
        if keep[k].any()
    ]


def _pairs(members: list[Member]) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(d, e) for _, d, e in members]


def uses_ensemble(events: pd.DataFrame, draws: Sequence[pd.DataFrame]) -> bool:
    """True when the times are reconstructed and an ensemble of at least two is at hand."""
    return len(draws) >= 2 and tte.is_reconstructed(events)


def fmt_time(days: float | None, unit: str) -> str:
    if days is None:
        return "not reached"
    return f"{timescale.to_unit(days, unit):.1f} {timescale.UNIT_ABBREV[unit]}"


@dataclass(frozen=True)
class MedianEstimate:
    """A median with its interval (days; None = not reached). For reconstructed times: pooled over
    ``m`` reconstructions, with the 5th-95th percentile of their own medians
    (``ensemble_range_days``) and the median of the curve drawn (the default reconstruction).
    For real times ``m`` is 0 and ``ensemble_range_days`` None."""

    median_days: float | None
    ci_days: tuple[float | None, float | None]
    ensemble_range_days: tuple[float | None, float | None] | None
    drawn_median_days: float | None
    m: int
    n: int
    n_events: int
    method_note: str

    @property
    def pooled(self) -> bool:
        return self.m > 0

    def text(self, unit: str = "months") -> str:
        """'5.4 mo (95% CI 1.0 mo to not reached; pooled over 200 reconstructions); the
        reconstructions' own medians 4.4 mo to 6.2 mo (5th–95th percentile)'."""
        lo, hi = self.ci_days
        pooled = f"; pooled over {self.m} reconstructions" if self.pooled else ""
        head = f"{fmt_time(self.median_days, unit)} (95% CI {fmt_time(lo, unit)} to {fmt_time(hi, unit)}{pooled})"
        if self.ensemble_range_days is None:
            return head
        a, b = self.ensemble_range_days
        return (
            f"{head}; the reconstructions' own medians {fmt_time(a, unit)} to "
            f"{fmt_time(b, unit)} (5th–95th percentile)"
        )

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (days): median_days, ci_days, ensemble_range_days, and how it was made."""
        return {
            "median_days": self.median_days,
            "ci_days": list(self.ci_days),
            "ensemble_range_days": None
            if self.ensemble_range_days is None
            else list(self.ensemble_range_days),
            "reconstructions_pooled": self.m,
            "patients": self.n,
            "events": self.n_events,
            "method": self.method_note,
        }


def median_estimate(
    events: pd.DataFrame,
    draws: Sequence[pd.DataFrame],
    patient_ids: Iterable[Any],
    endpoint: str,
    time_zero: str = "completion",
) -> MedianEstimate | None:
    """The median of ``endpoint`` ("survival", "relief" or "followup") for the patients, pooled
    over ``draws`` when the times are reconstructed, else the ordinary Kaplan-Meier median with
    its log-log interval. None when no patient of the cohort has data for the endpoint."""
    if endpoint not in MEDIAN_ENDPOINTS:
        raise ValueError(f"endpoint must be one of {', '.join(MEDIAN_ENDPOINTS)}, got {endpoint!r}")
    pids = [str(p) for p in patient_ids]
    d0 = _frame(events, pids, endpoint, time_zero)
    if d0.empty:
        return None
    drawn = kaplan_meier(d0["duration_days"], d0["event"])
    members = _members(draws, pids, endpoint, time_zero) if uses_ensemble(events, draws) else []
    if len(members) < 2:
        return MedianEstimate(
            drawn.median,
            drawn.median_ci,
            None,
            drawn.median,
            0,
            drawn.n,
            drawn.n_events,
            drawn.method_note,
        )
    res = pooled_km(_pairs(members))
    return MedianEstimate(
        median_days=res.median,
        ci_days=res.median_ci,
        ensemble_range_days=res.member_range,
        drawn_median_days=drawn.median,
        m=res.m,
        n=drawn.n,
        n_events=drawn.n_events,
        method_note=res.method_note,
    )


def group_medians(
    events: pd.DataFrame,
    draws: Sequence[pd.DataFrame],
    patient_ids: Iterable[Any],
    endpoint: str,
    time_zero: str,
    groups: pd.Series | None,
    overall_label: str = "All patients",
) -> dict[str, MedianEstimate]:
    """``median_estimate`` overall (``groups`` None) or per group label (patient_id -> label)."""
    pids = [str(p) for p in patient_ids]
    if groups is None:
        est = median_estimate(events, draws, pids, endpoint, time_zero)
        return {} if est is None else {overall_label: est}
    out = {}
    for label in sorted({str(groups[p]) for p in pids if p in groups.index}):
        ids = [p for p in pids if p in groups.index and str(groups[p]) == label]
        est = median_estimate(events, draws, ids, endpoint, time_zero)
        if est is not None:
            out[label] = est
    return out


def median_line(label: str, est: MedianEstimate, unit: str, what: str) -> str:
    """The median under a Kaplan-Meier chart, saying which curve it belongs to: for real times
    the curve's own median; for reconstructed times the pooled median, then where the curve drawn
    (one reconstruction, whose legend gives it) crosses 0.5."""
    head = f"**{label}** (n = {est.n}, {est.n_events} events): median {what}"
    if not est.pooled:
        return f"{head} {est.text(unit)}."
    return (
        f"{head}, pooled over the reconstructions: {est.text(unit)}. The curve drawn (one "
        f"reconstruction) crosses 0.5 at {fmt_time(est.drawn_median_days, unit)}, as its legend "
        "says."
    )


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
    real times), pooled over the reconstructions when the times are reconstructed
    (``attrs["m"]``: how many; 0 for real times)."""
    pids = [str(p) for p in patient_ids]
    days = np.asarray([timescale.months_to_days(float(m)) for m in months])
    d0 = _frame(events, pids, endpoint, time_zero)
    cols = ["months", "time_days", "estimate", "low", "high", "member_low", "member_high"]
    if d0.empty:
        return pd.DataFrame(columns=cols)
    members = _members(draws, pids, endpoint, time_zero) if uses_ensemble(events, draws) else []
    if len(members) >= 2:
        at = km_at(pooled_km(_pairs(members)), days)
        lo, hi = np.quantile(member_values_at(_pairs(members), days), [0.05, 0.95], axis=0)
    else:
        at = km_at(kaplan_meier(d0["duration_days"], d0["event"]), days)
        lo = hi = np.full(days.size, np.nan)
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
        columns=cols,
    )
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
    cols = ["months", "time_days", "estimate", "low", "high", "member_low", "member_high"]
    d0 = tte.relief_data(events, pids)
    if d0.empty:
        return pd.DataFrame(columns=cols)
    members = (
        _members(draws, pids, "relief", "completion", codes=True)
        if uses_ensemble(events, draws)
        else []
    )
    if len(members) >= 2:
        p = pooled_cif_at(_pairs(members), days)
        est, low, high = p["cif"], p["lower"], p["upper"]
        lo, hi = p["member_low"], p["member_high"]
    else:
        res = cumulative_incidence(d0["duration_days"], d0["code"], 1)
        est, low, high = (cif_values_at(res, days, c) for c in ("cif", "lower", "upper"))
        lo = hi = np.full(days.size, np.nan)
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
        columns=cols,
    )
    out.attrs["m"] = len(members) if len(members) >= 2 else 0
    return out


@dataclass(frozen=True)
class TestEstimate:
    """A log-rank p-value: pooled over ``m`` reconstructions (D2 rule) with the 5th-95th
    percentile of their own p-values, or (``m`` = 0) the test on real times."""

    p_value: float
    member_range: tuple[float, float] | None
    m: int
    method_note: str

    def text(self) -> str:
        if self.member_range is None:
            return f"p = {self.p_value:.2f}"
        lo, hi = self.member_range
        return (
            f"pooled p = {self.p_value:.2f} over {self.m} reconstructions (D2 rule); "
            f"reconstructions' own p {lo:.2f}–{hi:.2f} (5th–95th percentile)"
        )


def logrank_estimate(
    events: pd.DataFrame,
    draws: Sequence[pd.DataFrame],
    patient_ids: Iterable[Any],
    endpoint: str,
    time_zero: str,
    groups: pd.Series,
) -> TestEstimate | None:
    """The log-rank test across ``groups`` (patient_id -> label), pooled over the reconstructions
    when the times are reconstructed; None when fewer than two groups have patients."""
    pids = [str(p) for p in patient_ids]
    test = tte.compare(tte.endpoint_data(events, pids, endpoint, time_zero), groups)
    if test is None:
        return None
    if not uses_ensemble(events, draws):
        return TestEstimate(test.p_value, None, 0, test.method_note)
    members = []
    for ids, dur, ev in _members(draws, pids, endpoint, time_zero):
        g = pd.Series(ids).map(groups).to_numpy()
        if len(set(g)) >= 2:
            members.append((dur, ev, g))
    pooled = pooled_logrank(members) if len(members) >= 2 else None
    if pooled is None:
        return TestEstimate(test.p_value, None, 0, test.method_note)
    lo, hi = np.quantile(pooled.member_p, [0.05, 0.95])
    return TestEstimate(pooled.p_value, (float(lo), float(hi)), pooled.m, pooled.method_note)


def fixed_time_table(rows: pd.DataFrame, what: str, unit: str = "months") -> pd.DataFrame:
    """A rates frame (``rates_at``, ``relapse_incidence_at``) as text for a table: 'At', what,
    and the reconstructions' range when pooled."""
    out = pd.DataFrame(
        {
            "At": [f"{m:g} months" for m in rows["months"]],
            what: [
                f"{100 * e:.0f}% (95% CI {100 * lo:.0f}–{100 * hi:.0f}%)"
                if np.isfinite(lo) and np.isfinite(hi)
                else f"{100 * e:.0f}% (CI not estimable)"
                for e, lo, hi in zip(rows["estimate"], rows["low"], rows["high"], strict=True)
            ],
        }
    )
    if rows["member_low"].notna().any():
        out["Reconstructions (5th–95th percentile)"] = [
            f"{100 * a:.0f}–{100 * b:.0f}%"
            for a, b in zip(rows["member_low"], rows["member_high"], strict=True)
        ]
    return out
