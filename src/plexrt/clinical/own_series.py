"""A department's own series in the shapes every page reads (those of the bundled store).

``analytic_frames(frames, series_id, factors)`` turns the stored days of an own series
(``plexrt.data.own_schema.OwnSeriesFrames``) into ``OwnAnalytic``: ``patients``, ``courses`` and
``course_derived`` (the tables behind the bundled ``course_summary`` view), ``analgesics`` (one row
per opioid at baseline and after RT), ``events`` (one row per patient) and ``course_events`` (one
row per course). Every time is real: each ``*_source`` is 'imported', nothing is reconstructed.
``own_tables`` gives the same tables with the last three left to be built when asked for (the
in-memory store loads them when a query first reads them).

Clinical rules (issue 12; days count from the patient's first RT start, day 0):
- Survival after RT runs from the completion of the patient's FIRST course (``events.rt_end_day``
  holds that day, the time zero the survival functions read), to death (event) or last contact
  (censored). The bundled series counts from the last course's completion as the paper does.
- The last day a patient is known alive: the day of death, else the recorded last contact, else
  (none recorded) the latest day anything was recorded for the patient (RT end, response,
  relapse, assessment) -- censoring there never claims follow-up that was not seen.
- Duration of relief: from the maximum response of the patient's first course that has one, to
  the relapse of pain of that same course (event); censored at last contact or death. A patient
  without any maximum response is not assessable for it.
- Weeks to maximum response = (maximum response day - that course's RT start day) / 7, unrounded.
- Baseline OMED of a course = the opioid of the course's latest assessment on or before its RT
  start; OMED after RT = the opioid of its first assessment on or after its RT end. An assessment
  without an opioid counts as no opioid (0 mg); no such assessment, an opioid dose not given, or a
  drug/route without a factor in the table leaves the OMED unknown (never 0).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from plexrt.clinical import own_timepoints
from plexrt.clinical.analgesics import DEFAULT_FACTOR_TABLE
from plexrt.clinical.own_keys import OrderedCourses, days, ordered_courses
from plexrt.data.own_schema import DERIVED_COURSE_COLUMNS, OwnSeriesFrames
from plexrt.data.values import is_missing

SOURCE = "imported"  # the provenance of every own-series time (vocab.SOURCE_LABELS)

EVENT_VALUE_COLUMNS = (
    "rt_end_day",
    "death",
    "death_day",
    "last_contact_day",
    "followup_from_completion_days",
    "assessable_for_relief",
    "max_response_day",
    "relapse",
    "relapse_day",
    "relief_end_day",
    "relief_days",
    "relief_event",
)
COURSE_EVENT_COLUMNS = ("rt_start_day", "rt_end_day", "max_response_day")


@dataclass(frozen=True)
class OwnAnalytic:
    """The tables of one own series in the bundled store's shapes (see the module docstring)."""

    patients: pd.DataFrame
    courses: pd.DataFrame
    course_derived: pd.DataFrame
    analgesics: pd.DataFrame
    events: pd.DataFrame
    course_events: pd.DataFrame


def _num(value: Any) -> float | None:
    return None if is_missing(value) else float(value)


def last_known_day(patient: pd.Series, courses: pd.DataFrame, assessments: pd.DataFrame) -> float:
    """The last day the patient is known alive or dead (see the module docstring)."""
    death, last = _num(patient["death_day"]), _num(patient["last_contact_day"])
    if death is not None:
        return death
    if last is not None:
        return last
    cols = [courses[c] for c in ("rt_end_day", "max_response_day", "relapse_day")]
    days = pd.concat([*cols, assessments["day"]], ignore_index=True).dropna()
    return float(days.max())


def _optional(values: np.ndarray, whole: bool = False) -> Any:
    """A column of values that may be unknown (NaN), typed as a frame built from rows with None
    for unknown: none unknown gives float64 (int64 when ``whole``), some give float64 with NaN,
    all unknown (or none at all) gives None objects."""
    known = ~np.isnan(values)
    if not known.any():
        return np.full(len(values), None, dtype=object)
    if whole and known.all():
        return values.astype("int64")
    return values


def events_frame(frames: OwnSeriesFrames, series_id: str) -> pd.DataFrame:
    """One ``events`` row per patient (every value 'imported'), in the patients' order.

    Whole columns on the patients' codes (``own_keys``), one pass per fact (first course, first
    responded course, latest day seen): a loop over the patients took minutes at 100,000
    courses, grouping on the text ids a fifth of a second."""
    return _events_frame(ordered_courses(frames), frames, series_id)


def _events_frame(k: OrderedCourses, frames: OwnSeriesFrames, series_id: str) -> pd.DataFrame:
    columns = ["patient_id", *EVENT_VALUE_COLUMNS]
    p = frames.patients
    code = k.patients_of(p["patient_id"])
    if not (code >= 0).any():
        ev = pd.DataFrame([], columns=columns)
    else:
        ev = _events_columns(p[code >= 0], code[code >= 0], k, frames.assessments)[columns]
    for col in EVENT_VALUE_COLUMNS:
        ev[f"{col}_source"] = SOURCE
    return ev.assign(series_id=series_id, seed=None)


def _events_columns(
    p: pd.DataFrame, code: np.ndarray, k: OrderedCourses, a: pd.DataFrame
) -> pd.DataFrame:
    """The ``events`` values of the patients ``p`` (``code``: theirs in ``k``, each >= 0)."""
    c = k.courses
    end, mr_c, rd_c = (days(c[col]) for col in ("rt_end_day", "max_response_day", "relapse_day"))
    first_end = end[k.starts][code]
    # the latest day anything was recorded for the patient (courses, then assessments)
    seen = np.fmax.reduceat(np.fmax(np.fmax(end, mr_c), rd_c), k.starts)
    a_code, a_day = k.patients_of(a["patient_id"]), days(a["day"])
    mine = (a_code >= 0) & ~np.isnan(a_day)
    np.fmax.at(seen, a_code[mine], a_day[mine])
    seen = seen[code]
    death_day, contact = days(p["death_day"]), days(p["last_contact_day"])
    death = ~np.isnan(death_day)
    last = np.where(death, death_day, np.where(np.isnan(contact), seen, contact))
    # the patient's first course with a maximum response (its relapse, if any)
    responded = np.flatnonzero(~np.isnan(mr_c))
    first = responded[own_timepoints.run_edges(k.patient[responded], last=False)]
    mr, rd = np.full(len(k.starts), np.nan), np.full(len(k.starts), np.nan)
    mr[k.patient[first]], rd[k.patient[first]] = mr_c[first], rd_c[first]
    mr, rd = mr[code], rd[code]
    assessable = ~np.isnan(mr)
    any_relapse = np.logical_or.reduceat(~np.isnan(rd_c), k.starts)[code]
    relapsed = np.where(assessable, ~np.isnan(rd), any_relapse)
    relief_end = np.where(assessable, np.where(np.isnan(rd), last, rd), np.nan)
    return pd.DataFrame(
        {
            "patient_id": p["patient_id"].to_numpy(),
            "rt_end_day": np.trunc(first_end).astype("int64"),
            "death": death,
            "death_day": _optional(np.where(death, last, np.nan)),
            "last_contact_day": np.trunc(last).astype("int64"),
            "followup_from_completion_days": np.trunc(last - first_end).astype("int64"),
            "assessable_for_relief": assessable,
            "max_response_day": _optional(np.trunc(mr), whole=True),
            "relapse": relapsed.astype(bool),
            "relapse_day": _optional(rd),
            "relief_end_day": _optional(relief_end),
            "relief_days": _optional(relief_end - mr),
            "relief_event": _optional(np.where(assessable, relapsed.astype(float), np.nan), True),
        }
    )


def course_events_frame(frames: OwnSeriesFrames, series_id: str) -> pd.DataFrame:
    """One ``course_events`` row per course (every time 'imported')."""
    return _course_events_frame(ordered_courses(frames).courses, series_id)


def _course_events_frame(c: pd.DataFrame, series_id: str) -> pd.DataFrame:
    out = c[["course_id", "patient_id", *COURSE_EVENT_COLUMNS]].copy()
    for col in COURSE_EVENT_COLUMNS:
        out[f"{col}_source"] = SOURCE
    return out.assign(series_id=series_id)


def weeks_to_max_response(courses: pd.DataFrame) -> pd.Series:
    """(maximum response day - RT start day) / 7 per course; NaN where no response is recorded."""
    mr = courses["max_response_day"].astype("float64")
    return (mr - courses["rt_start_day"].astype("float64")) / 7.0


def analgesics_frame(frames: OwnSeriesFrames, series_id: str) -> pd.DataFrame:
    """The bundled ``analgesics`` shape: one row per opioid named at a course's baseline or
    after-RT assessment (drug lowercase, mg/day, route; is_opioid true)."""
    k = ordered_courses(frames)
    return own_timepoints.analgesics_frame(own_timepoints.picked(k, frames.assessments), series_id)


def omed_at(
    frames: OwnSeriesFrames,
    factors: pd.DataFrame,
    timepoint: str,
    table: str = DEFAULT_FACTOR_TABLE,
) -> pd.Series:
    """OMED (mg/day) per course_id at 'baseline' or 'after' (NaN = unknown, see the rules)."""
    k = ordered_courses(frames)
    omed = own_timepoints.omeds(k, own_timepoints.picked(k, frames.assessments), factors, table)
    index = pd.Index(k.courses["course_id"], name="course_id")
    return pd.Series(omed[timepoint], index=index, dtype=float)


def _patients(frames: OwnSeriesFrames, series_id: str) -> pd.DataFrame:
    p = frames.patients
    return pd.DataFrame(
        {
            "series_id": series_id,
            "patient_id": p["patient_id"],
            "age": p["age"],
            # ages over 89 were stored as 90 with this flag (shown as '90+')
            "age_90_plus": p["age_90_plus"].fillna(False).astype(bool),
            "sex": p["sex"],
            "primary_cancer": p["primary_cancer"],
            "primary_group": p["primary_group"],
        }
    )


def _courses(c: pd.DataFrame, series_id: str) -> pd.DataFrame:
    cols = ["course_id", "patient_id", "course_no", "involved_muscle", "plexus_level"]
    cols += ["laterality", "intent", "dose_gy", "fractions", "nrs_before", "nrs_after"]
    return c[cols].assign(
        series_id=series_id,
        pain_at_presentation=None,
        weeks_to_max_response=weeks_to_max_response(c),
    )


# The tables built only when asked for (``OwnTables.later``): some pages never read them.
LATER_TABLES = ("analgesics", "events", "course_events")


@dataclass(frozen=True)
class OwnTables:
    """The tables behind ``course_summary`` (``patients``, ``courses``, ``course_derived``), and
    for each of ``LATER_TABLES`` the function that builds it (the frame ``analytic_frames`` gives)."""

    patients: pd.DataFrame
    courses: pd.DataFrame
    course_derived: pd.DataFrame
    later: Mapping[str, Callable[[], pd.DataFrame]]


def own_tables(frames: OwnSeriesFrames, series_id: str, factors: pd.DataFrame) -> OwnTables:
    """The course tables of an own series now, the others when called (see ``analytic_frames``)."""
    k = ordered_courses(frames)
    c = k.courses
    picked = own_timepoints.picked(k, frames.assessments)
    omed = own_timepoints.omeds(k, picked, factors, DEFAULT_FACTOR_TABLE)
    derived = c[["course_id", *DERIVED_COURSE_COLUMNS]].assign(series_id=series_id)
    derived["baseline_omed_mg"] = omed["baseline"]
    derived["omed_after_mg"] = omed["after"]
    return OwnTables(
        patients=_patients(frames, series_id),
        courses=_courses(c, series_id),
        course_derived=derived,
        later={
            "analgesics": lambda: own_timepoints.analgesics_frame(picked, series_id),
            "events": lambda: _events_frame(k, frames, series_id),
            "course_events": lambda: _course_events_frame(c, series_id),
        },
    )


def analytic_frames(frames: OwnSeriesFrames, series_id: str, factors: pd.DataFrame) -> OwnAnalytic:
    """Every table of an own series in the bundled shapes (``factors``: the opioid factor table;
    baseline and after-RT OMED with its default table)."""
    t = own_tables(frames, series_id, factors)
    return OwnAnalytic(
        patients=t.patients,
        courses=t.courses,
        course_derived=t.course_derived,
        **{name: t.later[name]() for name in LATER_TABLES},
    )
