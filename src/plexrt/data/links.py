"""Cross-file checks of a series folder: every row points at rows that exist, every stored column
has a provenance rule, and imported times come in a possible order."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from plexrt.data.csvfile import Problem
from plexrt.data.specs import TRACED_TABLES, spec_of
from plexrt.data.values import missing_mask

Tables = Mapping[str, pd.DataFrame]

# Tables whose rows name their series.
_SERIES_ROWS = (
    "patients",
    "courses",
    "analgesics",
    "toxicities",
    "case_details",
    "discrepancies",
    "not_published",
    "patient_facts",
)


def _records(frame: pd.DataFrame | None) -> list[dict]:
    return [] if frame is None or frame.empty else frame.to_dict("records")


def _unknown(
    frame: pd.DataFrame | None, col: str, known: set, given_only: bool = True
) -> list[dict]:
    """The rows (as records, in file order) whose ``col`` is not in ``known`` (only where given,
    with ``given_only``); whole columns (``isin``), so 100,000 rows are checked at once."""
    if frame is None or frame.empty:
        return []
    values = frame[col]
    bad = ~values.isin(list(known)).to_numpy()
    if given_only:
        bad &= values.notna().to_numpy()
    return frame[bad].to_dict("records") if bad.any() else []


def _series_links(name: str, tables: Tables) -> list[Problem]:
    known = set(tables["series"]["series_id"]) if len(tables["series"]) else set()
    return [
        Problem(
            f"{name}/{table}.csv",
            r["_line"],
            "series_id",
            f"'{r['series_id']}' is not in series.csv",
        )
        for table in _SERIES_ROWS
        for r in _unknown(tables.get(table), "series_id", known, given_only=False)
    ]


def _row_links(name: str, tables: Tables) -> list[Problem]:
    patients = set(tables["patients"]["patient_id"])
    courses = set(tables["courses"]["course_id"])
    problems = [
        Problem(
            f"{name}/courses.csv",
            r["_line"],
            "patient_id",
            f"patient '{r['patient_id']}' is not in patients.csv",
        )
        for r in _unknown(tables["courses"], "patient_id", patients)
    ]
    details = set(tables["case_details"]["detail_id"]) if "case_details" in tables else set()
    for table, col, known in (
        ("analgesics", "course_id", courses),
        ("toxicities", "patient_id", patients),
        ("case_details", "patient_id", patients),
        ("case_details", "course_id", courses),
        ("patient_facts", "patient_id", patients),
        ("patient_facts", "detail_id", details),
    ):
        problems += [
            Problem(f"{name}/{table}.csv", r["_line"], col, f"'{r[col]}' is not known")
            for r in _unknown(tables.get(table), col, known)
        ]
    return problems


def _provenance_coverage(name: str, tables: Tables) -> list[Problem]:
    """Every column of every traced table needs a provenance rule."""
    covered = {(r.table_name, r.column_name) for r in tables["provenance_rules"].itertuples()}
    problems = []
    for table in TRACED_TABLES:
        if tables.get(table) is None or tables[table].empty:
            continue
        for col in spec_of(table).names:
            if col != "series_id" and not covered & {(table, col), (table, "*")}:
                problems.append(
                    Problem(
                        f"{name}/provenance.csv",
                        None,
                        "column_name",
                        f"no provenance rule for {table}.{col}",
                    )
                )
    return problems


def _fact_uses(name: str, tables: Tables) -> list[Problem]:
    """A fact used as a constraint names it; a fact not used names no constraint."""
    problems = []
    for r in _records(tables.get("patient_facts")):
        used = r["use"] == "constraint"
        if used == (r["constraint_id"] is None):
            why = (
                "a fact used as a constraint must name it"
                if used
                else "must be empty when not used"
            )
            problems.append(Problem(f"{name}/patient_facts.csv", r["_line"], "constraint_id", why))
    return problems


def check_links(name: str, tables: Tables) -> list[Problem]:
    """Cross-file problems of the series folder ``name``: unknown series, patients, courses and
    case details, facts whose use and constraint disagree, columns without a provenance rule."""
    return (
        _series_links(name, tables)
        + _row_links(name, tables)
        + _fact_uses(name, tables)
        + _provenance_coverage(name, tables)
    )


def check_times(
    name: str, events: pd.DataFrame, course_times: pd.DataFrame, tables: Tables
) -> list[Problem]:
    """Imported times: known courses and patients, RT ends on or after it starts, every patient
    has course times, a relapse has its day and comes before last contact (whole columns; each
    problem named by its line, in file order)."""
    courses = tables["courses"]
    problems: list[Problem] = []
    with_times: set = set()
    if not course_times.empty:
        where = f"{name}/course_times.csv"
        known = course_times["course_id"].isin(courses["course_id"])
        backwards = known & (course_times["rt_end_day"] < course_times["rt_start_day"])
        for i in np.flatnonzero((~known | backwards).to_numpy()).tolist():
            line, course = int(course_times["_line"].iloc[i]), course_times["course_id"].iloc[i]
            if not known.iloc[i]:
                message = f"'{course}' is not in courses.csv"
                problems.append(Problem(where, line, "course_id", message))
            else:
                problems.append(Problem(where, line, "rt_end_day", "RT ends before it starts"))
        patient_of = courses.set_index("course_id")["patient_id"]
        with_times = set(course_times["course_id"].map(patient_of).dropna())
    if not events.empty:
        problems += _event_problems(f"{name}/events.csv", events, tables["patients"], with_times)
    return problems


def _event_problems(
    where: str, events: pd.DataFrame, patients: pd.DataFrame, with_times: set
) -> list[Problem]:
    """The first problem of each events row that has one: an unknown patient, a patient without
    course times, a relapse without its day, a relapse after last contact."""
    pid = events["patient_id"]
    unknown = ~pid.isin(patients["patient_id"])
    no_times = ~unknown & ~pid.isin(list(with_times))
    relapse = ~unknown & ~no_times & events["relapse"].eq(True)  # blank: no relapse
    no_day = relapse & missing_mask(events["relapse_day"])
    late = relapse & ~no_day & (events["relapse_day"] > events["last_contact_day"])
    problems = []
    for i in np.flatnonzero((unknown | no_times | no_day | late).to_numpy()).tolist():
        line, who = int(events["_line"].iloc[i]), pid.iloc[i]
        if unknown.iloc[i]:
            problems.append(Problem(where, line, "patient_id", f"'{who}' is not in patients.csv"))
        elif no_times.iloc[i]:
            problems.append(Problem(where, line, "patient_id", "no course times for this patient"))
        elif no_day.iloc[i]:
            problems.append(Problem(where, line, "relapse_day", "a relapse needs its day"))
        else:
            problems.append(Problem(where, line, "relapse_day", "relapse after last contact"))
    return problems
