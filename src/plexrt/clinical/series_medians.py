"""The medians of a cohort as the literature table holds them (months, with intervals): median
duration of relief, survival and follow-up from RT completion, pooled over the reconstructions when
the times are reconstructed (``tte_estimates.median_estimate``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from plexrt.clinical import endpoints as tte
from plexrt.clinical.tte_estimates import NO_PATIENT, median_estimate
from plexrt.data.values import NOT_AVAILABLE
from plexrt.stats import timescale
from plexrt.stats.survival import MissingWords

# Literature-table column -> endpoint of its median (from RT completion, as the paper counts).
SERIES_MEDIANS = {
    "median_relief_months": "relief",
    "median_survival_months": "survival",
    "median_followup_months": "followup",
}


@dataclass(frozen=True)
class SeriesMedians:
    """Kaplan-Meier medians of a cohort in months, in the literature table's column names, with
    their intervals and, for reconstructed times, the 5th-95th percentile of the reconstructions'
    own medians (``ranges``) and the number pooled (``m``; 0 for real times). A median that cannot
    be computed is in ``not_available`` (its words, with the reason), not in ``values``;
    ``missing`` holds what a missing median, lower or upper limit means (``MedianEstimate``)."""

    values: dict[str, float | None]
    cis: dict[str, tuple[float | None, float | None]]
    reconstructed: bool
    note: str
    ranges: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    m: int = 0
    not_available: dict[str, str] = field(default_factory=dict)
    missing: dict[str, MissingWords] = field(default_factory=dict)


def _months(v: float | None) -> float | None:
    return None if v is None else float(timescale.to_unit(v, "months"))


def _series_note(reconstructed: bool, m: int) -> str:
    note = (
        "PlexRT medians: Kaplan–Meier (log-log 95% CI) from RT completion; follow-up by reverse "
        f"Kaplan–Meier; {timescale.MONTH_NOTE}."
    )
    if reconstructed and m:
        return note + (
            " They rest on reconstructed times (not published per patient): each median and its "
            f"CI are pooled over {m} reconstructions by Rubin's rules on the log(−log) survival "
            "scale, so the CI carries the uncertainty of the unpublished times as well as "
            f"sampling; 'reconstructions' gives the 5th–95th percentile of the {m} "
            "reconstructions' own medians."
        )
    if reconstructed:
        return note + (
            " They rest on one reconstruction of times not published per patient; its CI leaves "
            "out the uncertainty of those times."
        )
    return note


def series_medians(
    events: pd.DataFrame, patient_ids: Iterable[Any], draws: Sequence[pd.DataFrame] = ()
) -> SeriesMedians:
    """Median relief and survival (KM, log-log CI) and median follow-up (reverse KM), from RT
    completion as the paper counts them, for the patients in the cohort; pooled over ``draws``
    (the ensemble of reconstructions) when the times are reconstructed (``median_estimate``)."""
    ids = [str(p) for p in patient_ids]
    if events.empty or not ids:
        return SeriesMedians({}, {}, False, "No time-to-event data for this cohort.")
    values: dict[str, float | None] = {}
    cis: dict[str, tuple[float | None, float | None]] = {}
    ranges: dict[str, tuple[float | None, float | None]] = {}
    not_available: dict[str, str] = {}
    missing: dict[str, MissingWords] = {}
    m = 0
    for col, endpoint in SERIES_MEDIANS.items():
        est = median_estimate(events, draws, ids, endpoint)
        if est is None:  # no patient of the cohort has data for it
            not_available[col] = f"{NOT_AVAILABLE} ({NO_PATIENT})"
            continue
        if est.not_available:
            not_available[col] = est.text()
            continue
        values[col] = _months(est.median_days)
        cis[col] = (_months(est.ci_days[0]), _months(est.ci_days[1]))
        missing[col] = est.missing
        if est.ensemble_range_days is not None:
            lo, hi = est.ensemble_range_days
            ranges[col] = (_months(lo), _months(hi))
        m = max(m, est.m)
    rec = tte.is_reconstructed(events[events["patient_id"].astype(str).isin(ids)])
    note = _series_note(rec, m)
    return SeriesMedians(values, cis, rec, note, ranges, m, not_available, missing)
