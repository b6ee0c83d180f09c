"""A department's own series in the shapes every page reads (those of the bundled store).

``analytic_frames(frames, series_id, factors)`` turns the stored days of an own series
(``plexrt.data.own_schema.OwnSeriesFrames``) into ``OwnAnalytic``: ``patients``, ``courses`` and
``course_derived`` (the tables behind the bundled ``course_summary`` view), ``analgesics`` (one row
per opioid at baseline and after RT), ``events`` (one row per patient) and ``course_events`` (one
row per course). Every time is real: each ``*_source`` is 'imported', nothing is reconstructed.

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

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from plexrt.clinical.analgesics import DEFAULT_FACTOR_TABLE, omed_mg
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


def course_id(patient_id: Any, course_no: Any) -> str:
    """The site id of a course, as the bundled series names them: '<patient>.<course_no>'."""
    return f"{patient_id}.{int(course_no)}"


def _num(value: Any) -> float | None:
    return None if is_missing(value) else float(value)


def _ordered_courses(frames: OwnSeriesFrames) -> pd.DataFrame:
    c = frames.courses.sort_values(["patient_id", "course_no"], kind="stable").copy()
    c["course_id"] = [course_id(p, n) for p, n in zip(c["patient_id"], c["course_no"], strict=True)]
    return c.reset_index(drop=True)


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


def _patient_events(
    patient: pd.Series, courses: pd.DataFrame, assessments: pd.DataFrame
) -> dict[str, Any]:
    """One patient's ``events`` row (``courses`` in course order, the patient's only)."""
    first_end = float(courses["rt_end_day"].iloc[0])
    death = not is_missing(patient["death_day"])
    last = last_known_day(patient, courses, assessments)
    responded = courses[courses["max_response_day"].notna()]
    row: dict[str, Any] = {
        "patient_id": patient["patient_id"],
        "rt_end_day": int(first_end),
        "death": death,
        "death_day": last if death else None,
        "last_contact_day": int(last),
        "followup_from_completion_days": int(last - first_end),
        "assessable_for_relief": len(responded) > 0,
        "max_response_day": None,
        # no response to follow: whether any of the patient's sites relapsed, as recorded
        "relapse": bool(courses["relapse_day"].notna().any()),
        "relapse_day": None,
        "relief_end_day": None,
        "relief_days": None,
        "relief_event": None,
    }
    if len(responded):
        first = responded.iloc[0]
        mr, relapse_day = float(first["max_response_day"]), _num(first["relapse_day"])
        end = relapse_day if relapse_day is not None else last
        row |= {
            "max_response_day": int(mr),
            "relapse": relapse_day is not None,
            "relapse_day": relapse_day,
            "relief_end_day": end,
            "relief_days": end - mr,
            "relief_event": int(relapse_day is not None),
        }
    return row


def events_frame(frames: OwnSeriesFrames, series_id: str) -> pd.DataFrame:
    """One ``events`` row per patient (every value 'imported'), in the patients' order."""
    c = _ordered_courses(frames)
    by_patient = dict(tuple(c.groupby("patient_id", sort=False)))
    # each patient's assessments picked from one grouping: a comparison of the whole table per
    # patient took minutes at 100,000 courses (patients x assessments)
    a = frames.assessments
    a_by_patient = dict(tuple(a.groupby("patient_id", sort=False)))
    none = a.iloc[0:0]
    rows = [
        _patient_events(p, by_patient[p["patient_id"]], a_by_patient.get(p["patient_id"], none))
        for _, p in frames.patients.iterrows()
        if p["patient_id"] in by_patient
    ]
    ev = pd.DataFrame(rows, columns=["patient_id", *EVENT_VALUE_COLUMNS])
    for col in EVENT_VALUE_COLUMNS:
        ev[f"{col}_source"] = SOURCE
    return ev.assign(series_id=series_id, seed=None)


def course_events_frame(frames: OwnSeriesFrames, series_id: str) -> pd.DataFrame:
    """One ``course_events`` row per course (every time 'imported')."""
    c = _ordered_courses(frames)
    out = c[["course_id", "patient_id", *COURSE_EVENT_COLUMNS]].copy()
    for col in COURSE_EVENT_COLUMNS:
        out[f"{col}_source"] = SOURCE
    return out.assign(series_id=series_id)


def weeks_to_max_response(courses: pd.DataFrame) -> pd.Series:
    """(maximum response day - RT start day) / 7 per course; NaN where no response is recorded."""
    mr = courses["max_response_day"].astype("float64")
    return (mr - courses["rt_start_day"].astype("float64")) / 7.0


def _timepoint_rows(courses: pd.DataFrame, assessments: pd.DataFrame) -> pd.DataFrame:
    """The assessment that stands for each course at 'baseline' and 'after' (see the rules)."""
    a = assessments.merge(
        courses[["patient_id", "course_no", "course_id", "rt_start_day", "rt_end_day"]],
        on=["patient_id", "course_no"],
    ).sort_values(["course_id", "day", "assessment_no"], kind="stable")
    base = a[a["day"] <= a["rt_start_day"]].groupby("course_id", sort=False).tail(1)
    after = a[a["day"] >= a["rt_end_day"]].groupby("course_id", sort=False).head(1)
    return pd.concat(
        [base.assign(timepoint="baseline"), after.assign(timepoint="after")], ignore_index=True
    )


def analgesics_frame(frames: OwnSeriesFrames, series_id: str) -> pd.DataFrame:
    """The bundled ``analgesics`` shape: one row per opioid named at a course's baseline or
    after-RT assessment (drug lowercase, mg/day, route; is_opioid true)."""
    picked = _timepoint_rows(_ordered_courses(frames), frames.assessments)
    picked = picked[picked["opioid_drug"].notna()]
    out = pd.DataFrame(
        {
            "series_id": series_id,
            "course_id": picked["course_id"],
            "timepoint": picked["timepoint"],
            "drug": picked["opioid_drug"].astype(str).str.strip().str.lower(),
            "mg_per_day": picked["opioid_mg_per_day"].astype("float64"),
            "route": picked["opioid_route"],
            "is_opioid": True,
        }
    )
    return out.reset_index(drop=True)


def omed_at(
    frames: OwnSeriesFrames,
    factors: pd.DataFrame,
    timepoint: str,
    table: str = DEFAULT_FACTOR_TABLE,
) -> pd.Series:
    """OMED (mg/day) per course_id at 'baseline' or 'after' (NaN = unknown, see the rules)."""
    courses = _ordered_courses(frames)
    picked = _timepoint_rows(courses, frames.assessments)
    picked = picked[picked["timepoint"] == timepoint]
    out = pd.Series(np.nan, index=pd.Index(courses["course_id"], name="course_id"), dtype=float)
    for row in picked.itertuples():
        if is_missing(row.opioid_drug):
            out[row.course_id] = 0.0
            continue
        drug = {
            "drug": str(row.opioid_drug).strip().lower(),
            "mg_per_day": _num(row.opioid_mg_per_day),
            "route": row.opioid_route,
            "is_opioid": True,
        }
        try:
            out[row.course_id] = omed_mg([drug], factors, table)
        except ValueError:  # no factor for this drug or route, or no dose: unknown
            continue
    return out


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


def analytic_frames(frames: OwnSeriesFrames, series_id: str, factors: pd.DataFrame) -> OwnAnalytic:
    """Every table of an own series in the bundled shapes (``factors``: the opioid factor table;
    baseline and after-RT OMED with its default table)."""
    c = _ordered_courses(frames)
    derived = c[["course_id", *DERIVED_COURSE_COLUMNS]].assign(series_id=series_id)
    derived["baseline_omed_mg"] = omed_at(frames, factors, "baseline").to_numpy()
    derived["omed_after_mg"] = omed_at(frames, factors, "after").to_numpy()
    return OwnAnalytic(
        patients=_patients(frames, series_id),
        courses=_courses(c, series_id),
        course_derived=derived,
        analgesics=analgesics_frame(frames, series_id),
        events=events_frame(frames, series_id),
        course_events=course_events_frame(frames, series_id),
    )
