"""Parsed template tables -> the stored frames of an own series (days, course numbers, derived
doses), with a ``Locator`` so the series rules report the file's lines.

Clinical rules applied here:
- day 0 of a patient is the start of the patient's first course (earliest RT start); every date
  becomes whole days from it, and no date is kept;
- a patient's courses are numbered in order of RT start (1 = first); courses starting the same
  day keep the file's order (or the file's own course numbers, when it has them);
- an assessment belongs to the course it names; its number orders the course's assessments by day;
- the derived dose columns are computed once per distinct regimen by ``plexrt.clinical.dose``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from plexrt.clinical import dose
from plexrt.data.deidentify import days_from
from plexrt.data.own_cells import ParsedTable
from plexrt.data.own_problems import Locator, ProblemLog, map_unique
from plexrt.data.own_schema import OwnSeriesFrames
from plexrt.data.own_template import (
    ASSESSMENTS,
    COURSE_TEMPLATE,
    COURSES,
    DATE_COLUMNS,
    FILE_COURSE_KEY,
    PATIENT_LEVEL,
    TEMPLATES,
)
from plexrt.data.vocab import OTHER_GROUP, canonical_cancer, known_group

_STORED = {c.name: c.stored_name for cols in TEMPLATES.values() for c in cols}
_PATIENT_STORED = ("age", "sex", "primary_cancer", "last_contact_day", "death_day")


@dataclass
class Built:
    """The frames (ages not yet capped, codes not yet pseudonymised) and where each row came from."""

    frames: OwnSeriesFrames
    locator: Locator
    unknown_cancers: list[str]
    renumbered: int


def build_frames(courses: ParsedTable, assessments: ParsedTable | None, log: ProblemLog) -> Built:
    """The three frames from the parsed tables; problems of linking go to ``log`` (on the parsed
    tables' locators)."""
    v = courses.values
    no_id = v["patient_id"].isna().to_numpy() & ~courses.bad["patient_id"]
    log.add(COURSES, no_id, "patient_id", "is empty; the patient code is required")
    keep = ~no_id & ~courses.bad["patient_id"]
    c, order, renumbered = _courses(courses, keep)
    day0 = c.groupby("patient_id", sort=False)["rt_start_date"].transform("min")
    for name in DATE_COLUMNS[COURSES]:
        c[_STORED[name]] = days_from(c[name], day0)
    _derived_doses(c)
    loc = _locator(courses, assessments, order)
    _reported_course_cells(courses, c, order, day0, loc)
    first = ~c["patient_id"].duplicated(keep="first").to_numpy()
    p = c.loc[first, ["patient_id", *_PATIENT_STORED]].reset_index(drop=True)
    p["primary_cancer"] = map_unique(p["primary_cancer"], _cancer)
    group = map_unique(p["primary_cancer"], known_group)
    unknown = sorted(set(p.loc[group.isna() & p["primary_cancer"].notna(), "primary_cancer"]))
    p["primary_group"] = group.where(group.notna(), OTHER_GROUP).where(p["primary_cancer"].notna())
    p["age_90_plus"] = False
    _patient_location(courses, order[first], loc)
    # The group is derived from the cancer: an empty or unreadable cancer is reported once.
    loc.reported[("patients", "primary_group")] = p["primary_cancer"].isna().to_numpy()
    a = _assessments(assessments, c, day0, log, loc) if assessments else _no_assessments()
    frames = OwnSeriesFrames(p, c, a)
    return Built(frames, loc, unknown, renumbered)


def _cancer(name: object) -> object:
    return canonical_cancer(name) if isinstance(name, str) else name


def _courses(parsed: ParsedTable, keep: np.ndarray) -> tuple[pd.DataFrame, np.ndarray, int]:
    """Courses in stored order (patients in order of first appearance, then course number),
    numbered by RT start; ``order`` gives each stored row's position in the file's table."""
    v = parsed.values.copy()
    v["_pos"] = np.arange(len(v))
    v = v[keep]
    v["_patient"] = pd.factorize(v["patient_id"])[0]
    by = (
        ["_patient", "rt_start_date"]
        + ([FILE_COURSE_KEY] if FILE_COURSE_KEY in v else [])
        + ["_pos"]
    )
    v = v.sort_values(by, na_position="last", kind="stable")
    v["course_no"] = v.groupby("_patient").cumcount() + 1
    renumbered = 0
    if FILE_COURSE_KEY in v:
        differs = v[FILE_COURSE_KEY].notna() & (v[FILE_COURSE_KEY] != v["course_no"])
        renumbered = int(v.loc[differs, "_patient"].nunique())
    order = v["_pos"].to_numpy()
    return v.reset_index(drop=True), order, renumbered


_DOSE_FORMULAS = {
    "dose_per_fraction_gy": dose.dose_per_fraction,
    "bed10_gy": lambda d, n: dose.bed(d, n, 10.0),
    "eqd2_10_gy": lambda d, n: dose.eqd2(d, n, 10.0),
    "bed3_gy": lambda d, n: dose.bed(d, n, 3.0),
    "eqd2_3_gy": lambda d, n: dose.eqd2(d, n, 3.0),
}


def _derived_doses(c: pd.DataFrame) -> None:
    """dose per fraction, BED and EQD2 (alpha/beta 10 and 3 Gy) by ``plexrt.clinical.dose``, once
    per distinct regimen; unknown where the dose or the fractions are not valid."""
    d, fx = c["dose_gy"], c["fractions"]
    ok = (d > 0) & (fx >= 1) & (fx % 1 == 0)
    pairs = pd.DataFrame({"d": d.where(ok), "fx": fx.where(ok)})
    regimens = pairs.dropna().drop_duplicates()
    for name, formula in _DOSE_FORMULAS.items():
        regimens[name] = [
            formula(a, int(n)) for a, n in zip(regimens["d"], regimens["fx"], strict=True)
        ]
    found = pairs.merge(regimens, on=["d", "fx"], how="left")
    for name in _DOSE_FORMULAS:
        c[name] = found[name].to_numpy(dtype="float64", na_value=np.nan)


def _locator(courses: ParsedTable, assessments: ParsedTable | None, order: np.ndarray) -> Locator:
    headers = {_STORED.get(k, k): h for k, h in courses.shown_headers().items()}
    files = {"patients": courses.raw.label, COURSES: courses.raw.label}
    lines = {COURSES: courses.lines[order]}
    all_headers = {"patients": headers, COURSES: headers}
    if assessments is not None:
        files[ASSESSMENTS] = assessments.raw.label
        shown = assessments.shown_headers().items()
        all_headers[ASSESSMENTS] = {_STORED.get(k, k): h for k, h in shown}
    col_lines = {}
    for name in PATIENT_LEVEL:
        h = courses.headers.get(name)
        if h in courses.raw.column_lines:
            col_lines[(COURSES, _STORED[name])] = courses.raw.column_lines[h][order]
    return Locator(files, lines, all_headers, col_lines)


def _reported_course_cells(
    parsed: ParsedTable, c: pd.DataFrame, order: np.ndarray, day0: pd.Series, loc: Locator
) -> None:
    """Cells already reported while reading, and days unknown only because day 0 is unknown."""
    no_day0 = day0.isna().to_numpy()
    for col in COURSE_TEMPLATE:
        bad = parsed.bad.get(col.name)
        mask = bad[order] if bad is not None else np.zeros(len(c), dtype=bool)
        if col.kind == "date":
            mask = mask | (no_day0 & c[col.name].notna().to_numpy())
        loc.reported[(COURSES, col.stored_name)] = mask


def _patient_location(parsed: ParsedTable, rows: np.ndarray, loc: Locator) -> None:
    """A patient's problems point to the patient's first row (REDCap: the patient's own row)."""
    loc.lines["patients"] = parsed.lines[rows]
    for name in PATIENT_LEVEL:
        stored = _STORED[name]
        h = parsed.headers.get(name)
        if h in parsed.raw.column_lines:
            loc.column_lines[("patients", stored)] = parsed.raw.column_lines[h][rows]
        bad = parsed.bad.get(name)
        if bad is not None:
            loc.reported[("patients", stored)] = bad[rows]


def _no_assessments() -> pd.DataFrame:
    cols = ["patient_id", "course_no", "assessment_no", "day", "nrs", "opioid_drug"]
    return pd.DataFrame(columns=[*cols, "opioid_mg_per_day", "opioid_route"])


def _assessments(
    parsed: ParsedTable, c: pd.DataFrame, day0: pd.Series, log: ProblemLog, loc: Locator
) -> pd.DataFrame:
    """Assessments linked to their course (by the file's course number when the courses file has
    one), in stored order (patient, course, day), numbered per course."""
    v = parsed.values.copy()
    file_no = c[FILE_COURSE_KEY] if FILE_COURSE_KEY in c else c["course_no"]
    link = pd.DataFrame(
        {
            "patient_id": c["patient_id"],
            "_file_no": file_no.astype("float64"),
            "_course_no": c["course_no"],
            "_day0": day0,
        }
    )
    link = link.dropna(subset=["_file_no"]).drop_duplicates(["patient_id", "_file_no"])
    v["_file_no"] = v["course_no"].astype("float64")
    v = v.merge(link, on=["patient_id", "_file_no"], how="left")
    known = v["patient_id"].isin(c["patient_id"]).to_numpy()
    given = v["patient_id"].notna().to_numpy()
    bad_pid = given & ~known
    log.add(
        ASSESSMENTS,
        bad_pid,
        "patient_id",
        "this patient is not in the courses file",
        v["patient_id"],
    )
    numbered = v["_file_no"].notna().to_numpy()
    bad_course = given & known & numbered & v["_course_no"].isna().to_numpy()
    msg = "this patient has no course with this number"
    log.add(ASSESSMENTS, bad_course, "course_no", msg, v["_file_no"])
    starts = c.assign(_day0=day0).drop_duplicates("patient_id").set_index("patient_id")["_day0"]
    v["day"] = days_from(v["assessment_date"], v["patient_id"].map(starts))
    v["course_no"] = v["_course_no"]
    reported = {col.stored_name: parsed.bad[col.name].copy() for col in TEMPLATES[ASSESSMENTS]}
    # Without a (known) patient the course cannot be found: the patient code's problem says why.
    reported["course_no"] |= bad_course | bad_pid | ~given
    dated = v["assessment_date"].notna().to_numpy()
    reported["day"] |= bad_pid | (dated & v["day"].isna().to_numpy())
    v["_pos"] = np.arange(len(v))
    v["_patient"] = pd.factorize(v["patient_id"])[0]
    v = v.sort_values(["_patient", "course_no", "day", "_pos"], na_position="last", kind="stable")
    v["assessment_no"] = v.groupby(["_patient", "course_no"], dropna=False).cumcount() + 1
    order = v["_pos"].to_numpy()
    loc.lines[ASSESSMENTS] = parsed.lines[order]
    for name, mask in reported.items():
        loc.reported[(ASSESSMENTS, name)] = mask[order]
    return v.reset_index(drop=True)
