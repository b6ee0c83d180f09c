"""The own-series tables as the whole-column code built them before its keys were factorised
(commit a18a996): text patient and course ids grouped, merged, ranked and sorted as they are.
Kept as the reference the faster code must equal, rows, values and column types; and a per-course
loop that picks each course's baseline and after-RT assessment from the rules alone."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from plexrt.clinical import own_series as o
from plexrt.clinical.analgesics import DEFAULT_FACTOR_TABLE, omed_mg, single_opioid_omed
from plexrt.clinical.own_keys import course_ids
from plexrt.clinical.own_series import EVENT_VALUE_COLUMNS, SOURCE, last_known_day
from plexrt.data.own_schema import DERIVED_COURSE_COLUMNS, OwnSeriesFrames
from plexrt.data.values import is_missing, missing_mask


def _floats(values: pd.Series) -> pd.Series:
    return values.astype(object).where(~missing_mask(values), np.nan).astype("float64")


def _drug_names(values: pd.Series) -> pd.Series:
    codes, names = pd.factorize(values.astype(str))
    clean = np.asarray([n.strip().lower() for n in names], dtype=object)
    return pd.Series(clean[codes], index=values.index, dtype=object)


def ordered_courses(frames: OwnSeriesFrames) -> pd.DataFrame:
    c = frames.courses.sort_values(["patient_id", "course_no"], kind="stable").copy()
    c["course_id"] = course_ids(c["patient_id"], c["course_no"])
    return c.reset_index(drop=True)


def timepoint_rows(courses: pd.DataFrame, assessments: pd.DataFrame) -> pd.DataFrame:
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


def looped_picks(courses: pd.DataFrame, assessments: pd.DataFrame) -> dict[tuple, tuple]:
    """(course_id, timepoint) -> (patient_id, course_no, assessment_no) of the assessment picked,
    one course at a time: the latest (day, then number) on or before RT start, the first on or
    after RT end."""
    picks = {}
    for course in courses.itertuples():
        mine = assessments[
            (assessments["patient_id"] == course.patient_id)
            & (assessments["course_no"] == course.course_no)
        ]
        rows = [(float(r.day), int(r.assessment_no)) for r in mine.itertuples() if pd.notna(r.day)]
        before = [r for r in rows if r[0] <= float(course.rt_start_day)]
        after = [r for r in rows if r[0] >= float(course.rt_end_day)]
        for timepoint, chosen in (
            ("baseline", max(before, default=None)),
            ("after", min(after, default=None)),
        ):
            if chosen is not None:
                picks[(course.course_id, timepoint)] = (
                    course.patient_id,
                    course.course_no,
                    chosen[1],
                )
    return picks


def _events_columns(p: pd.DataFrame, c: pd.DataFrame, a: pd.DataFrame) -> pd.DataFrame:
    ids = p["patient_id"]
    day = {k: _floats(c[k]) for k in ("rt_end_day", "max_response_day", "relapse_day")}
    by = c["patient_id"]
    first_end = day["rt_end_day"].groupby(by, sort=False).first().reindex(ids).to_numpy()
    seen = pd.concat([day[k].groupby(by, sort=False).max() for k in day], axis=1).max(axis=1)
    a_seen = _floats(a["day"]).groupby(a["patient_id"], sort=False).max()
    seen = np.fmax(seen.reindex(ids).to_numpy(), a_seen.reindex(ids).to_numpy())
    death_day, contact = _floats(p["death_day"]).to_numpy(), _floats(p["last_contact_day"])
    death = ~np.isnan(death_day)
    last = np.where(death, death_day, np.where(contact.isna(), seen, contact.to_numpy()))
    responded = pd.DataFrame({"mr": day["max_response_day"], "rd": day["relapse_day"]})
    responded = responded.set_index(by.to_numpy())[day["max_response_day"].notna().to_numpy()]
    first = responded[~responded.index.duplicated()].reindex(ids)
    mr, rd = first["mr"].to_numpy(), first["rd"].to_numpy()
    assessable = ~np.isnan(mr)
    any_relapse = day["relapse_day"].notna().groupby(by, sort=False).any().reindex(ids)
    relapsed = np.where(assessable, ~np.isnan(rd), any_relapse.to_numpy(dtype=bool))
    end = np.where(np.isnan(rd), last, rd)
    end = np.where(assessable, end, np.nan)
    return pd.DataFrame(
        {
            "patient_id": ids.to_numpy(),
            "rt_end_day": np.trunc(first_end).astype("int64"),
            "death": death,
            "death_day": o._optional(np.where(death, last, np.nan)),
            "last_contact_day": np.trunc(last).astype("int64"),
            "followup_from_completion_days": np.trunc(last - first_end).astype("int64"),
            "assessable_for_relief": assessable,
            "max_response_day": o._optional(np.trunc(mr), whole=True),
            "relapse": relapsed.astype(bool),
            "relapse_day": o._optional(rd),
            "relief_end_day": o._optional(end),
            "relief_days": o._optional(end - mr),
            "relief_event": o._optional(np.where(assessable, relapsed.astype(float), np.nan), True),
        }
    )


def events_frame(c: pd.DataFrame, frames: OwnSeriesFrames, series_id: str) -> pd.DataFrame:
    columns = ["patient_id", *o.EVENT_VALUE_COLUMNS]
    p = frames.patients[frames.patients["patient_id"].isin(c["patient_id"])]
    if p.empty:
        ev = pd.DataFrame([], columns=columns)
    else:
        ev = _events_columns(p, c, frames.assessments)[columns]
    for col in o.EVENT_VALUE_COLUMNS:
        ev[f"{col}_source"] = o.SOURCE
    return ev.assign(series_id=series_id, seed=None)


def omed_at(
    courses: pd.DataFrame, picked: pd.DataFrame, factors: pd.DataFrame, timepoint: str
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
        DEFAULT_FACTOR_TABLE,
    )
    values = pd.Series(0.0, index=picked["course_id"].to_numpy())
    values[~no_opioid] = omed
    known = values.dropna()
    out.loc[known.index] = known.to_numpy()
    return out


def analgesics_frame(picked: pd.DataFrame, series_id: str) -> pd.DataFrame:
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


def analytic_frames(
    frames: OwnSeriesFrames, series_id: str, factors: pd.DataFrame
) -> o.OwnAnalytic:
    """Every table as ``own_series.analytic_frames`` gave it before (commit a18a996)."""
    c = ordered_courses(frames)
    picked = timepoint_rows(c, frames.assessments)
    derived = c[["course_id", *DERIVED_COURSE_COLUMNS]].assign(series_id=series_id)
    derived["baseline_omed_mg"] = omed_at(c, picked, factors, "baseline").to_numpy()
    derived["omed_after_mg"] = omed_at(c, picked, factors, "after").to_numpy()
    course_events = c[["course_id", "patient_id", *o.COURSE_EVENT_COLUMNS]].copy()
    for col in o.COURSE_EVENT_COLUMNS:
        course_events[f"{col}_source"] = o.SOURCE
    return o.OwnAnalytic(
        patients=o._patients(frames, series_id),
        courses=o._courses(c, series_id),
        course_derived=derived,
        analgesics=analgesics_frame(picked, series_id),
        events=events_frame(c, frames, series_id),
        course_events=course_events.assign(series_id=series_id),
    )


# ------------------------------------------------------------------------------------------------
# The reference: the per-patient and per-row loops as they were before (commit 5a85f7a).
# ------------------------------------------------------------------------------------------------


def _num(value: Any) -> float | None:
    return None if is_missing(value) else float(value)


def _patient_events(
    patient: pd.Series, courses: pd.DataFrame, assessments: pd.DataFrame
) -> dict[str, Any]:
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


def reference_events_frame(frames: OwnSeriesFrames, series_id: str) -> pd.DataFrame:
    c = ordered_courses(frames)
    by_patient = dict(tuple(c.groupby("patient_id", sort=False)))
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


def reference_omed_at(
    frames: OwnSeriesFrames,
    factors: pd.DataFrame,
    timepoint: str,
    table: str = DEFAULT_FACTOR_TABLE,
) -> pd.Series:
    courses = ordered_courses(frames)
    picked = timepoint_rows(courses, frames.assessments)
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
        except ValueError:
            continue
    return out


# ------------------------------------------------------------------------------------------------
# Random small series, valid as stored (conformed), with the cases the rules single out.
# ------------------------------------------------------------------------------------------------
