"""From per-patient event times (reconstructed or real) to the inputs of the survival functions.

Time-to-event analyses are per patient: a patient with two irradiated sites counts once.
- Survival after RT: death (event) or last contact (censored), from RT completion (as the paper
  reports it) or from RT start. Completion = the end of the patient's last course.
- Duration of pain relief: from maximum response to relapse of pain (event); death and last contact
  censor. Only patients the paper calls assessable for duration enter.
- Competing risks: relapse of pain (event 1) with death before relapse as the competing event (2).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from plexrt.clinical.cohort_summary import GROUPINGS
from plexrt.clinical.series_words import PUBLISHED, words
from plexrt.data.values import counted, is_missing, natural_sorted
from plexrt.data.vocab import INTENT_LABELS
from plexrt.stats import timescale
from plexrt.stats.survival import (
    CIFResult,
    KMResult,
    LogRankResult,
    cumulative_incidence,
    kaplan_meier,
    logrank,
    one_minus_km,
)

# The survival time-zero choices, labelled as for the published series (a page names them for the
# series in view: ``series_words.words(source).time_zero``).
TIME_ZERO = words(PUBLISHED).time_zero
GROUPS = GROUPINGS
# The competing-risks analysis of relief in words: code 1 (relapse) and code 2 (death) of
# ``relief_data``, as method notes say them.
RELAPSE_NAMES = ("relapse of pain", "death before relapse")
# A group smaller than this, or with fewer events, is too small for a comparison to mean anything.
MIN_GROUP_N = 5
MIN_GROUP_EVENTS = 3


def cohort_patients(sites: pd.DataFrame) -> list[str]:
    """The patients of a cohort (one row per site in), each once, in natural order ('2' < '10')."""
    return natural_sorted(sites["patient_id"].astype(str).unique())


def _subset(
    events: pd.DataFrame, patient_ids: Iterable[Any], columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """The rows of these patients, ids compared as text (callers build new frames from it);
    ``columns`` (with patient_id) only, when given: an events table carries a provenance column
    beside each value, and copying those for 100,000 patients was most of the cost."""
    wanted = set(map(str, patient_ids))  # (a set of str: twice as fast as isin at 100,000)
    ids = events["patient_id"].astype(str).tolist()
    keep = np.fromiter(map(wanted.__contains__, ids), dtype=bool, count=len(ids))
    if columns is not None:  # (a provenance column the table lacks is simply not there)
        events = events[["patient_id", *(c for c in columns if c in events and c != "patient_id")]]
    return events[keep]


def _check_time_zero(time_zero: str) -> None:
    if time_zero not in TIME_ZERO:
        raise ValueError(f"time_zero must be one of {', '.join(TIME_ZERO)}, got {time_zero!r}")


def survival_columns(
    last_contact_day: Any, rt_end_day: Any, death: Any, time_zero: str = "completion"
) -> tuple[np.ndarray, np.ndarray]:
    """(duration_days, event) of survival after RT from the event columns (arrays of any shape):
    death (1) or last contact (0), from RT completion or from RT start (day 0)."""
    _check_time_zero(time_zero)
    last = np.asarray(last_contact_day, dtype=float)
    zero = np.asarray(rt_end_day, dtype=float) if time_zero == "completion" else 0.0
    return last - zero, np.asarray(death).astype(bool).astype(int)


# The events columns each endpoint is computed from (``survival_columns``, ``relief_columns``).
SURVIVAL_COLUMNS = ("last_contact_day", "rt_end_day", "death")
RELIEF_COLUMNS = ("assessable_for_relief", "relief_end_day", "max_response_day", "relapse", "death")


def relief_columns(
    relief_end_day: Any, max_response_day: Any, relapse: Any, death: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(duration_days, event, code) of the duration of relief of assessable patients: from maximum
    response to relapse (event 1, code 1) or to death (censored, code 2) or last contact
    (censored, code 0)."""
    rel = np.asarray(relapse).astype(bool)
    code = np.where(rel, 1, np.where(np.asarray(death).astype(bool), 2, 0))
    duration = np.asarray(relief_end_day, dtype=float) - np.asarray(max_response_day, dtype=float)
    return duration, rel.astype(int), code.astype(int)


def survival_data(
    events: pd.DataFrame, patient_ids: Iterable[Any], time_zero: str = "completion"
) -> pd.DataFrame:
    """patient_id, duration_days, event (1 = death, 0 = alive at last contact)."""
    _check_time_zero(time_zero)
    d = _subset(events, patient_ids, SURVIVAL_COLUMNS)
    duration, event = survival_columns(
        d["last_contact_day"], d["rt_end_day"], d["death"], time_zero
    )
    out = pd.DataFrame(
        {"patient_id": d["patient_id"].astype(str), "duration_days": duration, "event": event}
    )
    return out.reset_index(drop=True)


def relief_data(events: pd.DataFrame, patient_ids: Iterable[Any]) -> pd.DataFrame:
    """Assessable patients: patient_id, duration_days (maximum response to relapse or censoring),
    event (1 relapse, 0 censored) and code (0 censored alive, 1 relapse, 2 death before relapse)."""
    d = _subset(events, patient_ids, RELIEF_COLUMNS)
    d = d[d["assessable_for_relief"].astype(bool)]
    duration, event, code = relief_columns(
        d["relief_end_day"], d["max_response_day"], d["relapse"], d["death"]
    )
    out = pd.DataFrame(
        {
            "patient_id": d["patient_id"].astype(str),
            "duration_days": duration,
            "event": event,
            "code": code,
        }
    )
    return out.reset_index(drop=True)


def patient_groups(sites: pd.DataFrame, by: str) -> pd.Series:
    """Group label per patient; a patient whose sites differ (e.g. psoas and piriformis) is 'mixed'."""
    if by not in GROUPS or by == "none":
        raise ValueError(f"by must be one of {', '.join(g for g in GROUPS if g != 'none')}")
    per = sites.groupby(sites["patient_id"].astype(str))[by].agg(
        lambda s: INTENT_LABELS.get(s.iloc[0], s.iloc[0]) if s.nunique() == 1 else "mixed"
    )
    return per


def split_by_group(data: pd.DataFrame, groups: pd.Series) -> dict[str, pd.DataFrame]:
    """{group label: rows of data}, in sorted label order."""
    g = data["patient_id"].map(groups)
    return {str(k): data[g == k] for k in sorted(g.dropna().unique())}


def small_groups(parts: dict[str, pd.DataFrame]) -> list[str]:
    """Plain warnings for groups too small for a comparison to mean anything."""
    out = []
    for label, part in parts.items():
        n, ev = len(part), int(part["event"].sum())
        if n < MIN_GROUP_N or ev < MIN_GROUP_EVENTS:
            out.append(f"{label}: n = {n:,}, {counted(ev, 'event')}")
    return out


def _source_is(d: pd.DataFrame, col: str, source: str) -> pd.Series:
    """Per row, whether ``col`` has provenance ``source`` (False without a source column)."""
    src = f"{col}_source"
    return (d[src] == source).astype(bool) if src in d else pd.Series(False, index=d.index)


def swimmer_patients(events: pd.DataFrame, patient_ids: Iterable[Any]) -> pd.DataFrame:
    """Columns the swimmer plot needs, one row per patient, with per-field flags: reconstructed
    (not published; drawn from the aggregates) or derived (computed by a rule from published values,
    e.g. maximum response = start + 7 x Table 1 weeks)."""
    d = _subset(events, patient_ids, SWIMMER_COLUMNS)
    out = {
        "patient_id": d["patient_id"].astype(str),
        "last_day": d["last_contact_day"].astype(float),
        "death": d["death"].astype(bool),
        "max_response_day": d["max_response_day"].astype(float),
        "relapse": d["relapse"].astype("boolean").fillna(False).astype(bool),
        "relapse_day": d["relapse_day"].astype(float),
    }
    for field, col in SWIMMER_FIELDS.items():
        out[f"{field}_reconstructed"] = _source_is(d, col, "reconstructed")
        out[f"{field}_derived"] = _source_is(d, col, "derived")
    return pd.DataFrame(out).reset_index(drop=True)


# What the swimmer plot's line and marker styles mean, for its footnote (the published series';
# a page names them for the series in view: ``series_words.words(source).swimmer_note``).
SWIMMER_NOTE = words(PUBLISHED).swimmer_note

# Swimmer field -> the events column whose provenance it shows.
SWIMMER_FIELDS = {
    "last_day": "last_contact_day",
    "max_response_day": "max_response_day",
    "relapse_day": "relapse_day",
}
SWIMMER_COLUMNS = (
    "last_contact_day",
    "death",
    "max_response_day",
    "relapse",
    "relapse_day",
    *(f"{col}_source" for col in SWIMMER_FIELDS.values()),
)


def swimmer_sites(course_events: pd.DataFrame, patient_ids: Iterable[Any]) -> pd.DataFrame:
    """One row per RT course: reconstructed when its start is, derived when its end is computed
    from the number of fractions (five a week)."""
    d = _subset(course_events, patient_ids)
    reconstructed = _source_is(d, "rt_start_day", "reconstructed")
    return pd.DataFrame(
        {
            "patient_id": d["patient_id"].astype(str),
            "course_id": d["course_id"].astype(str),
            "rt_start_day": d["rt_start_day"].astype(float),
            "rt_end_day": d["rt_end_day"].astype(float),
            "reconstructed": reconstructed,
            "derived": _source_is(d, "rt_end_day", "derived") & ~reconstructed,
        }
    ).reset_index(drop=True)


def is_reconstructed(events: pd.DataFrame) -> bool:
    """True when any stored time is reconstructed rather than published or imported."""
    src = events.filter(like="_source")
    return bool((src == "reconstructed").any().any())


# --------------------------------------------------------------------------------------------
# Curves, tests and medians
# --------------------------------------------------------------------------------------------

ENDPOINTS = {"survival": "Survival after RT", "relief": "Duration of pain relief"}


def endpoint_data(
    events: pd.DataFrame, patient_ids: Iterable[Any], endpoint: str, time_zero: str
) -> pd.DataFrame:
    if endpoint == "survival":
        return survival_data(events, patient_ids, time_zero)
    if endpoint == "relief":
        return relief_data(events, patient_ids)
    raise ValueError(f"endpoint must be one of {', '.join(ENDPOINTS)}, got {endpoint!r}")


def curves(
    data: pd.DataFrame, groups: pd.Series | None, overall_label: str = "All patients"
) -> list[tuple[str, KMResult]]:
    """[(label, KMResult)] overall or per group (groups with no patient are left out)."""
    if data.empty:
        return []
    if groups is None:
        return [(f"{overall_label}", kaplan_meier(data["duration_days"], data["event"]))]
    parts = split_by_group(data, groups)
    return [
        (label, kaplan_meier(part["duration_days"], part["event"]))
        for label, part in parts.items()
        if len(part)
    ]


def compare(data: pd.DataFrame, groups: pd.Series) -> LogRankResult | None:
    """Log-rank test across groups, or None when fewer than two groups have patients."""
    parts = {k: v for k, v in split_by_group(data, groups).items() if len(v)}
    if len(parts) < 2:
        return None
    sub = pd.concat(parts.values())
    return logrank(sub["duration_days"], sub["event"], sub["patient_id"].map(groups))


def relapse_competing_risks(
    events: pd.DataFrame, patient_ids: Iterable[Any]
) -> tuple[CIFResult, pd.DataFrame] | None:
    """Relapse of pain with death before relapse as the competing event, from maximum response,
    for the patients assessable for duration of relief: (Aalen-Johansen cumulative incidence of
    relapse, 1 - Kaplan-Meier of relapse with deaths censored). None when no patient of the cohort
    is assessable. ``cif.n`` is the number of assessable patients."""
    rd = relief_data(events, patient_ids)
    if rd.empty:
        return None
    cif = cumulative_incidence(rd["duration_days"], rd["code"], 1, names=RELAPSE_NAMES)
    omk = one_minus_km(rd["duration_days"], rd["code"], 1, names=RELAPSE_NAMES)
    return cif, omk


def ensemble_envelope(
    draws: list[pd.DataFrame],
    patient_ids,
    endpoint: str,
    time_zero: str,
    grid_days: np.ndarray,
    lo: float = 0.05,
    hi: float = 0.95,
) -> pd.DataFrame:
    """Pointwise lo-hi band of the KM curves over an ensemble of reconstructions (events frames)."""
    from plexrt.stats.envelope import ENVELOPE_COLUMNS, envelope_from_ensemble

    members = []
    for ev in draws:
        d = endpoint_data(ev, patient_ids, endpoint, time_zero)
        if len(d):
            members.append((d["duration_days"].to_numpy(), d["event"].to_numpy()))
    if not members:
        return pd.DataFrame(columns=list(ENVELOPE_COLUMNS))
    return envelope_from_ensemble(members, grid_days, lo=lo, hi=hi)


def event_counts(data: pd.DataFrame) -> tuple[int, int]:
    """(patients, events) of an endpoint frame, for footnotes."""
    return len(data), int(data["event"].sum()) if len(data) else 0


def literature_reference(
    literature: pd.DataFrame, key: str, column: str, what: str
) -> list[tuple[float, str]]:
    """[(days, label)] for a published median drawn as a reference line; [] when not reported."""
    if key not in set(literature["series_key"]):
        return []
    months = literature.set_index("series_key").loc[key, column]
    if is_missing(months):
        return []
    return [(float(timescale.months_to_days(float(months))), f"{what} ≈ {float(months):g} mo")]


def checks_held(checks: pd.DataFrame) -> tuple[int, int]:
    """(constraints and rules that hold, all of them) in a reconstruction check table."""
    return int(checks["holds"].astype(bool).sum()), len(checks)
