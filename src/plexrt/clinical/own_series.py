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

from plexrt.clinical.analgesics import DEFAULT_FACTOR_TABLE, single_opioid_omed
from plexrt.data.own_schema import DERIVED_COURSE_COLUMNS, OwnSeriesFrames
from plexrt.data.values import is_missing, missing_mask

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


def course_ids(patient_ids: pd.Series, course_nos: pd.Series) -> pd.Series:
    """The site id of each course, as the bundled series names them: '<patient>.<course_no>'."""
    return patient_ids.astype(str) + "." + course_nos.astype("int64").astype(str)


def _num(value: Any) -> float | None:
    return None if is_missing(value) else float(value)


def _ordered_courses(frames: OwnSeriesFrames) -> pd.DataFrame:
    c = frames.courses.sort_values(["patient_id", "course_no"], kind="stable").copy()
    c["course_id"] = course_ids(c["patient_id"], c["course_no"])
    return c.reset_index(drop=True)


def _drug_names(values: pd.Series) -> pd.Series:
    """Drug names as the factor table spells them (stripped, lowercase), worked out once per
    distinct name: a registry repeats a handful of names 100,000 times."""
    codes, names = pd.factorize(values.astype(str))
    clean = np.asarray([n.strip().lower() for n in names], dtype=object)
    return pd.Series(clean[codes], index=values.index, dtype=object)


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


def _floats(values: pd.Series) -> pd.Series:
    """A column of days as float64, unknown (``is_missing``) as NaN."""
    return values.astype(object).where(~missing_mask(values), np.nan).astype("float64")


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

    Whole columns, one grouping per fact (first course, first responded course, latest day
    seen): a loop over the patients took minutes at 100,000 courses."""
    return _events_frame(_ordered_courses(frames), frames, series_id)


def _events_frame(c: pd.DataFrame, frames: OwnSeriesFrames, series_id: str) -> pd.DataFrame:
    columns = ["patient_id", *EVENT_VALUE_COLUMNS]
    p = frames.patients[frames.patients["patient_id"].isin(c["patient_id"])]
    if p.empty:
        ev = pd.DataFrame([], columns=columns)
    else:
        ev = _events_columns(p, c, frames.assessments)[columns]
    for col in EVENT_VALUE_COLUMNS:
        ev[f"{col}_source"] = SOURCE
    return ev.assign(series_id=series_id, seed=None)


def _events_columns(p: pd.DataFrame, c: pd.DataFrame, a: pd.DataFrame) -> pd.DataFrame:
    """The ``events`` values of the patients ``p`` (each with courses in ``c``, course order)."""
    ids = p["patient_id"]
    day = {k: _floats(c[k]) for k in ("rt_end_day", "max_response_day", "relapse_day")}
    by = c["patient_id"]
    first_end = day["rt_end_day"].groupby(by, sort=False).first().reindex(ids).to_numpy()
    # the latest day anything was recorded for the patient (courses, then assessments)
    seen = pd.concat([day[k].groupby(by, sort=False).max() for k in day], axis=1).max(axis=1)
    a_seen = _floats(a["day"]).groupby(a["patient_id"], sort=False).max()
    seen = np.fmax(seen.reindex(ids).to_numpy(), a_seen.reindex(ids).to_numpy())
    death_day, contact = _floats(p["death_day"]).to_numpy(), _floats(p["last_contact_day"])
    death = ~np.isnan(death_day)
    last = np.where(death, death_day, np.where(contact.isna(), seen, contact.to_numpy()))
    # the patient's first course with a maximum response (its relapse, if any)
    responded = pd.DataFrame({"mr": day["max_response_day"], "rd": day["relapse_day"]})
    responded = responded.set_index(by.to_numpy())[day["max_response_day"].notna().to_numpy()]
    first = responded[~responded.index.duplicated()].reindex(ids)
    mr, rd = first["mr"].to_numpy(), first["rd"].to_numpy()
    assessable = ~np.isnan(mr)
    relapsed = np.where(assessable, ~np.isnan(rd), _any_recorded(day["relapse_day"], by, ids))
    end = np.where(np.isnan(rd), last, rd)
    end = np.where(assessable, end, np.nan)
    return pd.DataFrame(
        {
            "patient_id": ids.to_numpy(),
            "rt_end_day": np.trunc(first_end).astype("int64"),
            "death": death,
            "death_day": _optional(np.where(death, last, np.nan)),
            "last_contact_day": np.trunc(last).astype("int64"),
            "followup_from_completion_days": np.trunc(last - first_end).astype("int64"),
            "assessable_for_relief": assessable,
            "max_response_day": _optional(np.trunc(mr), whole=True),
            "relapse": relapsed.astype(bool),
            "relapse_day": _optional(rd),
            "relief_end_day": _optional(end),
            "relief_days": _optional(end - mr),
            "relief_event": _optional(np.where(assessable, relapsed.astype(float), np.nan), True),
        }
    )


def _any_recorded(days: pd.Series, by: pd.Series, ids: pd.Series) -> np.ndarray:
    """Per patient of ``ids``: whether any of the patient's ``days`` is recorded."""
    return days.notna().groupby(by, sort=False).any().reindex(ids).to_numpy(dtype=bool)


def course_events_frame(frames: OwnSeriesFrames, series_id: str) -> pd.DataFrame:
    """One ``course_events`` row per course (every time 'imported')."""
    return _course_events_frame(_ordered_courses(frames), series_id)


def _course_events_frame(c: pd.DataFrame, series_id: str) -> pd.DataFrame:
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
    # In course_id order, then day and assessment number. Each course by its rank in course_id
    # order (one text sort of the courses) so that the assessments are sorted and grouped by a
    # whole number, not by their text.
    keyed = courses[["patient_id", "course_no", "course_id", "rt_start_day", "rt_end_day"]].assign(
        _course=courses["course_id"].rank(method="dense").astype("int64")
    )
    a = assessments.merge(keyed, on=["patient_id", "course_no"])
    a = a.sort_values(["_course", "day", "assessment_no"], kind="stable")
    base = a[a["day"] <= a["rt_start_day"]].groupby("_course", sort=False).tail(1)
    after = a[a["day"] >= a["rt_end_day"]].groupby("_course", sort=False).head(1)
    return pd.concat(
        [base.assign(timepoint="baseline"), after.assign(timepoint="after")], ignore_index=True
    ).drop(columns="_course")


def analgesics_frame(frames: OwnSeriesFrames, series_id: str) -> pd.DataFrame:
    """The bundled ``analgesics`` shape: one row per opioid named at a course's baseline or
    after-RT assessment (drug lowercase, mg/day, route; is_opioid true)."""
    return _analgesics_frame(
        _timepoint_rows(_ordered_courses(frames), frames.assessments), series_id
    )


def _analgesics_frame(picked: pd.DataFrame, series_id: str) -> pd.DataFrame:
    picked = picked[picked["opioid_drug"].notna()]
    out = pd.DataFrame(
        {
            "series_id": series_id,
            "course_id": picked["course_id"],
            "timepoint": picked["timepoint"],
            "drug": _drug_names(picked["opioid_drug"]),
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
    return _omed_at(courses, picked, factors, timepoint, table)


def _omed_at(
    courses: pd.DataFrame, picked: pd.DataFrame, factors: pd.DataFrame, timepoint: str, table: str
) -> pd.Series:
    picked = picked[picked["timepoint"] == timepoint]
    out = pd.Series(np.nan, index=pd.Index(courses["course_id"], name="course_id"), dtype=float)
    no_opioid = missing_mask(picked["opioid_drug"]).to_numpy(dtype=bool)
    opioids = picked[~no_opioid]
    omed = single_opioid_omed(
        pd.DataFrame(
            {
                "drug": _drug_names(opioids["opioid_drug"]),
                "mg_per_day": _floats(opioids["opioid_mg_per_day"]),
                "route": opioids["opioid_route"],
            }
        ),
        factors,
        table,
    )
    values = pd.Series(0.0, index=picked["course_id"].to_numpy())
    values[~no_opioid] = omed
    known = values.dropna()
    out.loc[known.index] = known.to_numpy()
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
    c = _ordered_courses(frames)
    picked = _timepoint_rows(c, frames.assessments)
    omed = {t: _omed_at(c, picked, factors, t, DEFAULT_FACTOR_TABLE) for t in ("baseline", "after")}
    derived = c[["course_id", *DERIVED_COURSE_COLUMNS]].assign(series_id=series_id)
    derived["baseline_omed_mg"] = omed["baseline"].to_numpy()
    derived["omed_after_mg"] = omed["after"].to_numpy()
    return OwnTables(
        patients=_patients(frames, series_id),
        courses=_courses(c, series_id),
        course_derived=derived,
        later={
            "analgesics": lambda: _analgesics_frame(picked, series_id),
            "events": lambda: _events_frame(c, frames, series_id),
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
