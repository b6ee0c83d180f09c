"""Time-to-event figures as a clinician reads them: medians and log-rank tests (rates at fixed times
and the cumulative incidence of relapse: ``tte_rates``), with intervals that say what is known.

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

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from plexrt.clinical import endpoints as tte
from plexrt.clinical.tte_members import (
    Member,
    endpoint_frame,
    ensemble_members,
    member_pairs,
    uses_ensemble,
)
from plexrt.data.values import NOT_AVAILABLE, counted
from plexrt.stats import timescale
from plexrt.stats.survival import (
    ALL_NOT_REACHED,
    NOT_ESTIMABLE,
    NOT_REACHED,
    MissingWords,
    interval_words,
    kaplan_meier,
    range_words,
)
from plexrt.stats.survival.pooled import pooled_km, pooled_logrank

# The endpoints a median is given for; "followup" is the reverse Kaplan-Meier of survival data.
MEDIAN_ENDPOINTS = (*tte.ENDPOINTS, "followup")
#: A log-rank test that has nothing to compare: no event happened while a second group still had
#: a patient at risk (one group followed for no time, say), so there is no statistic and no p.
TEST_NOT_COMPUTABLE = (
    "not computable (no event occurred while more than one group still had a patient at risk)"
)


# Median follow-up when every patient's follow-up time is 0 (an own series with no last contact and
# nothing recorded after RT completion): the reverse Kaplan-Meier falls to 0 at time 0, so R's
# survfit, like PlexRT's estimator, gives a median of 0 (limits NA). That 0 is the time zero, not
# a follow-up: the median is not available, and says why.
NO_FOLLOW_UP = "no patient has any follow-up time recorded: every follow-up is 0 days"

# Median follow-up when every patient died (no one censored): the reverse Kaplan-Meier (Schemper &
# Smith 1996) estimates the distribution of potential follow-up from the censored times, and there
# is none. R's survfit on the reversed status gives a curve with no drop, so quantile() is NA, which
# PlexRT's words for a curve that stays above 0.5 would read 'not reached' -- a promise that longer
# follow-up could reach it, when follow-up is already complete. Not available, and says why.
ALL_DIED = "every patient died; follow-up complete"

# A median of an endpoint no patient of the cohort can be assessed for (relief where no patient
# has a maximum response recorded): not 'not reached', which would promise a longer follow-up
# could reach it, nor 'not reported', which is the literature's word for a figure a paper omits.
NO_PATIENT = "no patient in the cohort can be assessed for this endpoint"


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


def fmt_time(days: float | None, unit: str, missing: str = NOT_REACHED) -> str:
    """'5.4 mo'; a missing time in the words of why it is missing (``MedianEstimate.missing``)."""
    if days is None:
        return missing
    return f"{timescale.to_unit(days, unit):.1f} {timescale.UNIT_ABBREV[unit]}"


@dataclass(frozen=True)
class MedianEstimate:
    """A median with its interval (days; None where R gives NA, ``missing`` holding the words of
    each: 'not reached' or 'not estimable', ``r_conventions.why_missing``; the reconstructions' own
    medians and the drawn curve's median are None only when not reached). For reconstructed times:
    pooled over ``m`` reconstructions, with the 5th-95th percentile of their own medians
    (``ensemble_range_days``) and the median of the curve drawn (the default reconstruction).
    For real times ``m`` is 0 and ``ensemble_range_days`` None. ``not_available``: why there is
    no median at all (``ALL_DIED``, ``NO_FOLLOW_UP``); the median and its limits are then None."""

    median_days: float | None
    ci_days: tuple[float | None, float | None]
    ensemble_range_days: tuple[float | None, float | None] | None
    drawn_median_days: float | None
    m: int
    n: int
    n_events: int
    method_note: str
    not_available: str | None = None
    missing: MissingWords = ALL_NOT_REACHED

    @property
    def pooled(self) -> bool:
        return self.m > 0

    def median_text(self, unit: str = "months") -> str:
        """The median alone ('5.4 mo', 'not reached', 'not estimable')."""
        return fmt_time(self.median_days, unit, self.missing[0])

    def ci_limits(self, unit: str = "months") -> tuple[str, str]:
        """The interval's limits in words ('1.0 mo', 'not reached', 'not estimable')."""
        lo, hi = self.ci_days
        return fmt_time(lo, unit, self.missing[1]), fmt_time(hi, unit, self.missing[2])

    def text(self, unit: str = "months") -> str:
        """'5.4 mo (95% CI 1.0 mo to not reached; pooled over 200 reconstructions); the
        reconstructions' own medians 4.4 mo to 6.2 mo (5th–95th percentile)'; 'not available
        (why)' when there is none."""
        if self.not_available:
            return f"{NOT_AVAILABLE} ({self.not_available})"
        median = self.median_text(unit)
        ci = interval_words(*self.ci_limits(unit), median)
        pooled = f"; pooled over {self.m} reconstructions" if self.pooled else ""
        head = f"{median} (95% CI {ci}{pooled})"
        if self.ensemble_range_days is None:
            return head
        a, b = self.ensemble_range_days
        return (
            f"{head}; the reconstructions' own medians "
            f"{range_words(fmt_time(a, unit), fmt_time(b, unit))} (5th–95th percentile)"
        )

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (days): median_days, ci_days, ensemble_range_days, and how it was made;
        ``missing`` gives why each null median or limit is null ('not reached', 'not
        estimable')."""
        values = (self.median_days, *self.ci_days)
        names = ("median", "ci_lower", "ci_upper")
        why = {k: w for k, v, w in zip(names, values, self.missing, strict=True) if v is None}
        return (
            {
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
            | ({"missing": why} if why else {})
            | ({"not_available": self.not_available} if self.not_available else {})
        )


def median_estimate(
    events: pd.DataFrame,
    draws: Sequence[pd.DataFrame],
    patient_ids: Iterable[Any],
    endpoint: str,
    time_zero: str = "completion",
) -> MedianEstimate | None:
    """The median of ``endpoint`` ("survival", "relief" or "followup") for the patients, pooled
    over ``draws`` when the times are reconstructed, else the ordinary Kaplan-Meier median with
    its log-log interval. None when no patient of the cohort has data for the endpoint; for
    "followup", not available when every patient died (``ALL_DIED``, in the curve drawn and in
    every reconstruction) or no patient has any follow-up time (``NO_FOLLOW_UP``)."""
    if endpoint not in MEDIAN_ENDPOINTS:
        raise ValueError(f"endpoint must be one of {', '.join(MEDIAN_ENDPOINTS)}, got {endpoint!r}")
    pids = [str(p) for p in patient_ids]
    d0 = endpoint_frame(events, pids, endpoint, time_zero)
    if d0.empty:
        return None
    drawn = kaplan_meier(d0["duration_days"], d0["event"])
    members = (
        ensemble_members(draws, pids, endpoint, time_zero) if uses_ensemble(events, draws) else []
    )
    why = _no_follow_up_median(d0, members) if endpoint == "followup" else None
    if why is not None:
        return MedianEstimate(
            None,
            (None, None),
            None,
            None,
            0,
            drawn.n,
            drawn.n_events,
            drawn.method_note,
            why,
            (NOT_ESTIMABLE, NOT_ESTIMABLE, NOT_ESTIMABLE),
        )
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
            missing=drawn.missing,
        )
    res = pooled_km(member_pairs(members))
    return MedianEstimate(
        median_days=res.median,
        ci_days=res.median_ci,
        ensemble_range_days=res.member_range,
        drawn_median_days=drawn.median,
        m=res.m,
        n=drawn.n,
        n_events=drawn.n_events,
        method_note=res.method_note,
        missing=res.missing,
    )


def _no_follow_up_median(d0: pd.DataFrame, members: Sequence[Member]) -> str | None:
    """Why the reverse Kaplan-Meier of ``d0`` (follow-up: event 1 = censored alive) gives no
    median follow-up, or None: every patient died, in the frame and in every reconstruction
    (``ALL_DIED``: no censored time to estimate from), or every follow-up is 0 days
    (``NO_FOLLOW_UP``)."""
    if not d0["event"].any() and not any(e.any() for _, _, e in members):
        return ALL_DIED
    if not (d0["duration_days"] > 0).any():
        return NO_FOLLOW_UP
    return None


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


def median_line(label: str, est: MedianEstimate, unit: str, what: str, *, bold: bool = True) -> str:
    """The median under a Kaplan-Meier chart, saying which curve it belongs to: for real times
    the curve's own median; for reconstructed times the pooled median, then where the curve drawn
    (one reconstruction, whose legend gives it) crosses 0.5. The label is Markdown bold unless
    ``bold`` is False (plain text for a report)."""
    name = f"**{label}**" if bold else label
    head = f"{name} (n = {est.n:,}, {counted(est.n_events, 'event')}): median {what}"
    if not est.pooled:
        return f"{head} {est.text(unit)}."
    # the drawn curve's median is None only when that curve stays above 0.5
    crosses = (
        f"crosses 0.5 at {fmt_time(est.drawn_median_days, unit)}"
        if est.drawn_median_days is not None
        else f"does not reach 0.5 (median {NOT_REACHED})"
    )
    return (
        f"{head}, pooled over the reconstructions: {est.text(unit)}. The curve drawn (one "
        f"reconstruction) {crosses}, as its legend says."
    )


@dataclass(frozen=True)
class TestEstimate:
    """A log-rank p-value: pooled over ``m`` reconstructions (D2 rule) with the 5th-95th
    percentile of their own p-values, or (``m`` = 0) the test on real times."""

    p_value: float
    member_range: tuple[float, float] | None
    m: int
    method_note: str

    def text(self) -> str:
        if not np.isfinite(self.p_value):  # no event while two groups were at risk: 'p = nan'
            return TEST_NOT_COMPUTABLE
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
    for ids, dur, ev in ensemble_members(draws, pids, endpoint, time_zero):
        g = pd.Series(ids).map(groups).to_numpy()
        if len(set(g)) >= 2:
            members.append((dur, ev, g))
    pooled = pooled_logrank(members) if len(members) >= 2 else None
    if pooled is None:
        return TestEstimate(test.p_value, None, 0, test.method_note)
    lo, hi = np.quantile(pooled.member_p, [0.05, 0.95])
    return TestEstimate(pooled.p_value, (float(lo), float(hi)), pooled.m, pooled.method_note)
