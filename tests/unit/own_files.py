"""Small own-series files written by hand for the import tests (values chosen so every expected
day, number and message can be worked out on paper)."""

from __future__ import annotations

from plexrt.data.own_template import ASSESSMENT_TEMPLATE, COURSE_TEMPLATE

COURSE_HEADER = ",".join(c.name for c in COURSE_TEMPLATE)
ASSESSMENT_HEADER = ",".join(c.name for c in ASSESSMENT_TEMPLATE)

# Patient S01: two courses; the second row of the file is the earlier course (so it is course 1).
# Day 0 = 2023-03-01 (the earliest RT start). S02: one course, died 2023-06-30.
GOOD_COURSES = [
    # id, age, sex, cancer, muscle, level, side, intent, dose, fx, nrs b, nrs a,
    # start, end, max response, relapse, last contact, death
    "S01,61,F,ovarian,psoas,upper,right,palliative,20,5,7,3,2023-04-03,2023-04-07,,,2023-09-01,",
    "S01,61,F,ovarian,psoas,upper,left,palliative,30,10,8,2,2023-03-01,2023-03-14,2023-03-29,"
    "2023-06-07,2023-09-01,",
    "S02,93,M,Rectal cancer,iliopsoas,lower,left,LC,50,25,6,,2023-05-02,2023-06-05,,,"
    "2023-06-30,2023-06-30",
]
GOOD_ASSESSMENTS = [
    "S01,1,2023-03-01,8,morphine,60,oral",
    "S01,1,2023-03-29,2,morphine,30,po",
    "S01,2,2023-04-03,7,,,",
    "S02,1,2023-05-02,6,oxycodone,40,oral",
]


def csv_text(header: str, rows: list[str]) -> str:
    return "\n".join([header, *rows]) + "\n"


def write(tmp_path, courses: list[str], assessments: list[str] | None = None):
    """Write courses.csv (and assessments.csv); returns their paths."""
    c = tmp_path / "courses.csv"
    c.write_text(csv_text(COURSE_HEADER, courses), encoding="utf-8")
    if assessments is None:
        return c, None
    a = tmp_path / "assessments.csv"
    a.write_text(csv_text(ASSESSMENT_HEADER, assessments), encoding="utf-8")
    return c, a


def course_row(**changes: str) -> str:
    """One valid course row of patient X1 with some cells changed (by template name)."""
    base = dict(
        patient_id="X1",
        age="70",
        sex="F",
        primary_cancer="Cervical cancer",
        involved_muscle="psoas",
        plexus_level="upper",
        laterality="left",
        intent="palliative",
        dose_gy="30",
        fractions="10",
        nrs_before="8",
        nrs_after="3",
        rt_start_date="2022-01-10",
        rt_end_date="2022-01-21",
        max_response_date="2022-02-07",
        relapse_date="",
        last_contact_date="2022-05-02",
        death_date="",
    )
    base.update(changes)
    return ",".join(base[c.name] for c in COURSE_TEMPLATE)
