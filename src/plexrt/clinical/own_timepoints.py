"""The assessment that stands for each course of an own series at 'baseline' and 'after' RT, its
opioid as OMED, and the ``analgesics`` rows (the rules: ``plexrt.clinical.own_series``).

Whole columns on the courses' codes (``plexrt.clinical.own_keys``): each assessment's course is
found once, the assessments are sorted once by whole numbers (course, day, assessment number),
and the OMED of both timepoints is worked out in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from plexrt.clinical.analgesics import single_opioid_omed
from plexrt.clinical.own_keys import OrderedCourses, days
from plexrt.data.values import missing_mask

TIMEPOINTS = ("baseline", "after")


@dataclass(frozen=True)
class Picked:
    """``rows``: the assessments picked (their columns, then the course's ``course_id``,
    ``rt_start_day``, ``rt_end_day`` and ``timepoint``): the baseline ones in course-id order,
    then those after RT. ``course``: each row's course (its row in the ordered courses)."""

    rows: pd.DataFrame
    course: np.ndarray


def run_edges(group: np.ndarray, last: bool) -> np.ndarray:
    """Where a run of equal values of ``group`` begins (or, with ``last``, ends)."""
    keep = np.ones(len(group), dtype=bool)
    if last:
        keep[:-1] = group[1:] != group[:-1]
    else:
        keep[1:] = group[1:] != group[:-1]
    return keep


def picked(k: OrderedCourses, assessments: pd.DataFrame) -> Picked:
    """Per course: its latest assessment (by day, then number) on or before its RT start
    (baseline) and its first on or after its RT end (after)."""
    course = k.courses_of(assessments)
    rows = np.flatnonzero(course >= 0)
    course = course[rows]
    day = days(assessments["day"])[rows]
    number = days(assessments["assessment_no"])[rows]
    order = np.lexsort((number, day, k.text_rank[course]))  # course-id order, day, number
    rows, course, day = rows[order], course[order], day[order]
    start, end = days(k.courses["rt_start_day"]), days(k.courses["rt_end_day"])
    before, after = day <= start[course], day >= end[course]
    base = np.flatnonzero(before)[run_edges(course[before], last=True)]
    first = np.flatnonzero(after)[run_edges(course[after], last=False)]
    chosen, at = (
        np.concatenate([rows[base], rows[first]]),
        np.concatenate([course[base], course[first]]),
    )
    c = k.courses.iloc[at]
    out = assessments.iloc[chosen].reset_index(drop=True)
    for col in ("course_id", "rt_start_day", "rt_end_day"):
        out[col] = c[col].to_numpy() if c[col].dtype == object else c[col].array
    out["timepoint"] = np.repeat(np.asarray(TIMEPOINTS, dtype=object), [len(base), len(first)])
    return Picked(out, at)


def drug_names(values: pd.Series) -> pd.Series:
    """Drug names as the factor table spells them (stripped, lowercase), worked out once per
    distinct name: a registry repeats a handful of names 100,000 times."""
    codes, names = pd.factorize(values.astype(str))
    clean = np.asarray([n.strip().lower() for n in names], dtype=object)
    return pd.Series(clean[codes], index=values.index, dtype=object)


def omeds(k: OrderedCourses, p: Picked, factors: pd.DataFrame, table: str) -> dict[str, np.ndarray]:
    """OMED (mg/day) of each course at each of ``TIMEPOINTS`` (NaN = unknown: no assessment, a
    dose not given, no factor); an assessment without an opioid gives 0."""
    rows = p.rows
    no_opioid = missing_mask(rows["opioid_drug"]).to_numpy(dtype=bool)
    opioids = rows[~no_opioid]
    values = np.zeros(len(rows))
    values[~no_opioid] = single_opioid_omed(
        pd.DataFrame(
            {
                "drug": drug_names(opioids["opioid_drug"]),
                "mg_per_day": days(opioids["opioid_mg_per_day"]),
                "route": opioids["opioid_route"],
            }
        ),
        factors,
        table,
    )
    timepoint = rows["timepoint"].to_numpy(dtype=object)
    out = {}
    for name in TIMEPOINTS:
        omed = np.full(len(k.courses), np.nan)
        here = timepoint == name
        omed[p.course[here]] = values[here]
        out[name] = omed
    return out


def analgesics_frame(p: Picked, series_id: str) -> pd.DataFrame:
    """The bundled ``analgesics`` shape: one row per opioid named at a course's baseline or
    after-RT assessment (drug lowercase, mg/day, route; is_opioid true)."""
    rows = p.rows[p.rows["opioid_drug"].notna()]
    out = pd.DataFrame(
        {
            "series_id": series_id,
            "course_id": rows["course_id"],
            "timepoint": rows["timepoint"],
            "drug": drug_names(rows["opioid_drug"]),
            "mg_per_day": rows["opioid_mg_per_day"].astype("float64"),
            "route": rows["opioid_route"],
            "is_opioid": True,
        }
    )
    return out.reset_index(drop=True)
