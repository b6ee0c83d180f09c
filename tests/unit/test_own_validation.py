"""Every rule of an own series: on frames in days (validate_own_series, used by follow-up
recording) and through the import, where each problem names the file's line and column."""

from __future__ import annotations

import pandas as pd
import pytest

from plexrt.data.own_schema import OwnSeriesFrames, typed
from plexrt.data.own_validation import validate_own_series
from plexrt.ingest.own_import import prepare_import
from tests.unit.own_files import COURSE_HEADER, course_row, write


def frames(patient=None, course=None, assessment=None, courses=None) -> OwnSeriesFrames:
    """One valid patient (P1, day 0 start) with one course, changed by the arguments."""
    p = dict(
        patient_id="P1",
        age=70,
        age_90_plus=False,
        sex="F",
        primary_cancer="Cervical cancer",
        primary_group="gynecological",
        last_contact_day=200,
        death_day=None,
    )
    c = dict(
        patient_id="P1",
        course_no=1,
        involved_muscle="psoas",
        plexus_level="upper",
        laterality="left",
        intent="palliative",
        dose_gy=30.0,
        fractions=10,
        nrs_before=8,
        nrs_after=2,
        rt_start_day=0,
        rt_end_day=11,
        max_response_day=28,
        relapse_day=None,
    )
    a = dict(
        patient_id="P1",
        course_no=1,
        assessment_no=1,
        day=0,
        nrs=8,
        opioid_drug="morphine",
        opioid_mg_per_day=60.0,
        opioid_route="oral",
    )
    p.update(patient or {})
    c.update(course or {})
    a.update(assessment or {})
    rows = [c, *(courses or [])]
    return OwnSeriesFrames(pd.DataFrame([p]), pd.DataFrame(rows), pd.DataFrame([a]))


def messages(f: OwnSeriesFrames) -> list[str]:
    return [p.message for p in validate_own_series(f)]


def test_a_valid_series_has_no_problem():
    assert validate_own_series(frames()) == []


def test_typed_frames_validate_the_same():
    f = frames()
    t = OwnSeriesFrames(*(typed(f.table(n), n) for n in ("patients", "courses", "assessments")))
    assert validate_own_series(t) == []


@pytest.mark.parametrize(
    ("changes", "column", "words"),
    [
        (dict(course=dict(nrs_before=11)), "nrs_before", "NRS before RT must be 0-10"),
        (dict(course=dict(nrs_after=-1)), "nrs_after", "must be 0-10"),
        (dict(course=dict(fractions=0)), "fractions", "Fractions must be 1-40"),
        (dict(course=dict(dose_gy=0.0)), "dose_gy", "more than 0 and at most 80 Gy"),
        (dict(course=dict(dose_gy=90.0)), "dose_gy", "more than 0 and at most 80 Gy"),
        (
            dict(course=dict(dose_gy=30.0, fractions=1)),
            "dose_gy",
            "30 Gy per fraction is more than 25",
        ),
        (dict(course=dict(intent="curative")), "intent", "unknown intent"),
        (dict(course=dict(intent=None)), "intent", "is empty; a value is required"),
        (
            dict(course=dict(involved_muscle="gluteus")),
            "involved_muscle",
            "unknown involved muscle",
        ),
        (dict(course=dict(nrs_before=2.5)), "nrs_before", "must be a whole number"),
        (
            dict(course=dict(rt_end_day=-3, rt_start_day=0)),
            "rt_end_day",
            "ends (day -3) before it starts (day 0)",
        ),
        (dict(course=dict(rt_end_day=200)), "rt_end_day", "lasts 200 days"),
        (
            dict(course=dict(max_response_day=-5)),
            "max_response_day",
            "maximum response (day -5) is before RT start",
        ),
        (
            dict(course=dict(relapse_day=20)),
            "relapse_day",
            "relapse of pain (day 20) is before the maximum response (day 28)",
        ),
        (
            dict(course=dict(max_response_day=None, relapse_day=-2)),
            "relapse_day",
            "before RT start",
        ),
        (
            dict(course=dict(rt_start_day=3, rt_end_day=14)),
            "rt_start_day",
            "first course must start on day 0",
        ),
        (dict(patient=dict(death_day=-1)), "death_day", "death (day -1) is before RT start"),
        (
            dict(patient=dict(death_day=5, last_contact_day=5)),
            "death_day",
            "death (day 5) is before the end of this course (day 11)",
        ),
        (
            dict(patient=dict(death_day=20, last_contact_day=20)),
            "max_response_day",
            "maximum response (day 28) is after death (day 20)",
        ),
        (
            dict(patient=dict(last_contact_day=-4)),
            "last_contact_day",
            "last contact (day -4) is before RT start",
        ),
        (
            dict(patient=dict(last_contact_day=20)),
            "max_response_day",
            "maximum response (day 28) is after last contact (day 20)",
        ),
        (
            dict(patient=dict(last_contact_day=100, death_day=50)),
            "last_contact_day",
            "last contact (day 100) is after death (day 50)",
        ),
        (dict(patient=dict(age=130)), "age", "Age (years) must be 0-120"),
        (dict(patient=dict(age=95)), "age", "ages over 89 are stored as 90+"),
        (dict(patient=dict(age=90, age_90_plus=True), course=dict()), None, None),
        (dict(patient=dict(sex="X")), "sex", "unknown sex"),
        (
            dict(patient=dict(primary_group="urological")),
            "primary_group",
            "does not match the primary cancer",
        ),
        (dict(patient=dict(last_contact_day=8000)), "last_contact_day", "more than 20 years"),
        (dict(assessment=dict(nrs=12)), "nrs", "NRS must be 0-10"),
        (dict(assessment=dict(course_no=2)), "course_no", "no course with this number"),
        (dict(assessment=dict(day=250)), "day", "after the last contact (day 200)"),
        (dict(assessment=dict(day=-400)), "day", "more than a year before RT start"),
        (dict(assessment=dict(opioid_drug=None)), "opioid_mg_per_day", "without the opioid's name"),
        (dict(assessment=dict(opioid_route="nasal")), "opioid_route", "unknown opioid route"),
        (
            dict(
                courses=[
                    dict(
                        patient_id="P9",
                        course_no=1,
                        involved_muscle="psoas",
                        intent="palliative",
                        dose_gy=8.0,
                        fractions=1,
                        rt_start_day=0,
                        rt_end_day=0,
                    )
                ]
            ),
            "patient_id",
            "no patient row for this course",
        ),
    ],
)
def test_each_rule(changes, column, words):
    problems = validate_own_series(frames(**changes))
    if words is None:
        assert problems == []
        return
    hits = [p for p in problems if p.column == column and words in p.message]
    assert hits, [str(p) for p in problems]


def test_death_after_the_assessment_day_is_named():
    f = frames(
        patient=dict(death_day=30, last_contact_day=30),
        assessment=dict(day=45),
        course=dict(max_response_day=20),
    )
    assert any("the assessment (day 45) is after death (day 30)" in m for m in messages(f))


def test_without_a_file_a_problem_names_patient_and_course():
    (p,) = validate_own_series(frames(course=dict(nrs_before=11)))
    assert p.message.startswith("patient P1, course 1: ")
    assert (p.file, p.column, p.row, p.value) == ("courses", "nrs_before", 1, "11")


def test_duplicate_keys():
    dup = dict(
        patient_id="P1",
        course_no=1,
        involved_muscle="psoas",
        intent="palliative",
        dose_gy=8.0,
        fractions=1,
        rt_start_day=40,
        rt_end_day=40,
    )
    assert any("the same course number twice" in m for m in messages(frames(courses=[dup])))


# ---- Through the import: line and column of the file ------------------------------------------


def problems_of(tmp_path, rows: list[str]) -> list[tuple[int | None, str | None, str]]:
    c, _ = write(tmp_path, rows)
    result = prepare_import(c)
    assert not result.ok and result.frames is None
    return [(p.line, p.column, p.message) for p in result.report.problems]


def has(problems, line, column, words) -> bool:
    return any(ln == line and col == column and words in msg for ln, col, msg in problems)


def test_every_problem_of_a_file_at_once_by_line_and_column(tmp_path):
    rows = [
        course_row(nrs_before="11"),  # line 2
        course_row(patient_id="X2", death_date="2022-01-01"),  # line 3: death before RT start
        course_row(patient_id="X3", relapse_date="2022-01-31"),  # line 4: relapse before response
        course_row(patient_id="X4", rt_end_date="2022-01-05"),  # line 5: ends before it starts
        course_row(patient_id="X5", fractions="0"),  # line 6
        course_row(patient_id="X6", intent="curative"),  # line 7
        course_row(patient_id="X7", rt_start_date="2023-02-30"),  # line 8: impossible date
        course_row(patient_id="X8", rt_end_date="21/01/2022"),  # line 9: not ISO
        course_row(patient_id="X9", last_contact_date="2022-01-01"),  # line 10
        course_row(patient_id="X10", max_response_date="2022-01-01"),  # line 11
        course_row(patient_id="X11", dose_gy="30x"),  # line 12
    ]
    found = problems_of(tmp_path, rows)
    assert has(found, 2, "nrs_before", "must be 0-10")
    assert has(found, 3, "death_date", "death (day -9) is before the start of this course (day 0)")
    assert has(
        found, 4, "relapse_date", "relapse of pain (day 21) is before the maximum response (day 28)"
    )
    assert has(found, 5, "rt_end_date", "ends (day -5) before it starts (day 0)")
    assert has(found, 6, "fractions", "must be 1-40")
    assert has(found, 7, "intent", "unknown intent")
    assert has(found, 8, "rt_start_date", "not a real calendar date")
    assert has(found, 9, "rt_end_date", "write dates as YYYY-MM-DD")
    assert has(
        found, 10, "last_contact_date", "last contact (day -9) is before the start of this course"
    )
    assert has(found, 11, "max_response_date", "before RT start")
    assert has(found, 12, "dose_gy", "is not a number")
    # One problem per wrong cell: the unreadable date is not reported again as missing.
    assert len([f for f in found if f[0] == 8]) == 1


def test_patient_level_values_must_agree_across_rows(tmp_path):
    rows = [
        course_row(),
        course_row(age="71", laterality="right"),  # line 3
        course_row(sex="M", laterality="bilateral"),  # line 4
        course_row(death_date="2022-04-01", plexus_level="lower"),  # line 5: empty vs given
        course_row(primary_cancer="Rectal cancer", involved_muscle="piriformis"),  # line 6
    ]
    found = problems_of(tmp_path, rows)
    for line, column in ((3, "age"), (4, "sex"), (5, "death_date"), (6, "primary_cancer")):
        assert has(found, line, column, "differs from line 2 of the same patient")


def test_duplicate_courses(tmp_path):
    found = problems_of(tmp_path, [course_row(), course_row(nrs_after="4")])
    assert has(found, 3, None, "the same course twice")


def test_an_empty_file_and_a_header_without_rows(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    r = prepare_import(empty)
    assert [p.message for p in r.report.problems] == ["the file is empty"]
    header = tmp_path / "header.csv"
    header.write_text(COURSE_HEADER + "\n")
    r = prepare_import(header)
    assert any("header but no data rows" in p.message for p in r.report.problems)


def test_the_problem_report_never_repeats_a_date(tmp_path):
    rows = [
        course_row(rt_start_date="2023-02-30"),
        course_row(patient_id="X2", death_date="2022-01-01"),
    ]
    c, _ = write(tmp_path, rows)
    report = prepare_import(c).report.frame()
    text = report.to_csv(index=False)
    for date in (
        "2023-02-30",
        "2022-01-01",
        "2022-01-10",
        "2022-01-21",
        "2022-02-07",
        "2022-05-02",
    ):
        assert date not in text
    assert list(report.columns) == ["file", "row", "column", "value", "problem"]


def test_a_number_too_large_for_a_float_is_one_problem_of_its_cell(tmp_path):
    from plexrt.ingest.own_import import prepare_import
    from tests.unit.own_files import course_row, write

    c, _ = write(tmp_path, [course_row(dose_gy="1e400"), course_row(patient_id="X2", age="-1e999")])
    found = [(p.line, p.column, p.message) for p in prepare_import(c).report.problems]
    assert found == [
        (2, "dose_gy", "is too large to be a number"),
        (3, "age", "is too large to be a number"),
    ]


def test_an_assessment_without_a_patient_code_is_reported_once_under_that_column(tmp_path):
    from plexrt.ingest.own_import import prepare_import
    from tests.unit.own_files import GOOD_ASSESSMENTS, GOOD_COURSES, write

    rows = [*GOOD_ASSESSMENTS, ",1,2023-05-28,0,fentanyl,1,transdermal"]
    c, a = write(tmp_path, GOOD_COURSES, rows)
    found = [(p.file, p.line, p.column) for p in prepare_import(c, a).report.problems]
    assert found == [("assessments.csv", 6, "patient_id")]


def test_one_patient_code_spelled_two_ways_is_refused(tmp_path):
    """Full-width 'Ｘ１' is 'X1' once compatibility characters are read as plain ones: counting
    them as two patients would double one, so every other spelling is refused, naming the first.
    Codes that differ in their plain form stay distinct patients."""
    rows = [
        course_row(),  # line 2: X1
        course_row(patient_id="\uff38\uff11", laterality="right"),  # line 3: Ｘ１
        course_row(patient_id="X\u2081", plexus_level="lower"),  # line 4: X₁ (subscript one)
        course_row(patient_id="X2", laterality="right"),  # line 5: another patient
        course_row(patient_id="\uff38\uff12", laterality="left"),  # line 6: Ｘ２ = X2
    ]
    found = problems_of(tmp_path, rows)
    spelled = [f for f in found if f[1] == "patient_id"]
    assert [f[0] for f in spelled] == [3, 4, 6]
    assert has(found, 3, "patient_id", "is the patient code 'X1' of line 2 written with other")
    assert has(found, 4, "patient_id", "is the patient code 'X1' of line 2")
    assert has(found, 6, "patient_id", "is the patient code 'X2' of line 5")


def test_distinct_non_ascii_codes_are_distinct_patients(tmp_path):
    """Greek 'Α1' is not Latin 'A1' (NFKC keeps them apart): two patients, imported."""
    rows = [course_row(patient_id="\u03911"), course_row(patient_id="A1", laterality="right")]
    c, _ = write(tmp_path, rows)
    result = prepare_import(c, study_codes=True)
    assert result.ok, result.report.problems
    assert result.frames.patients["patient_id"].nunique() == 2


def test_one_patient_code_in_another_case_is_refused_not_a_second_patient(tmp_path):
    """'p1 ' beside 'P1' is one patient typed two ways (the import strips the space): counted as
    two patients it doubled one in every figure. Every other spelling is refused, naming the
    first; 'P1' written the same way twice stays one patient."""
    rows = [
        course_row(patient_id="P1"),  # line 2
        course_row(patient_id="p1 ", laterality="right"),  # line 3: P1 in lower case
        course_row(patient_id="P1", plexus_level="lower"),  # line 4: P1 again, same spelling
        course_row(patient_id="P2", laterality="right"),  # line 5: another patient
    ]
    found = problems_of(tmp_path, rows)
    assert [(f[0], f[1]) for f in found] == [(3, "patient_id")]
    assert has(found, 3, "patient_id", "is the patient code 'P1' of line 2 written with other")
    assert "another case" in found[0][2]
