"""What the import page shows before a commit (plexrt.ingest.own_preview), on the hand-written
files of tests/unit/own_files.py (days worked out on paper there)."""

from __future__ import annotations

import pandas as pd
import pytest

from plexrt.data.own_diff import diff_frames
from plexrt.ingest import own_preview
from plexrt.ingest.own_import import prepare_import
from tests.unit.own_files import GOOD_ASSESSMENTS, GOOD_COURSES, write


@pytest.fixture
def frames(tmp_path):
    courses, assessments = write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS)
    prepared = prepare_import(courses, assessments, study_codes=True)
    assert prepared.ok, prepared.report.problems
    return prepared.frames


def test_counts(frames):
    # S01 (2 courses), S02 (1 course, aged 93: stored as 90+); 4 assessments in the file.
    assert own_preview.counts(frames) == own_preview.Counts(2, 3, 4, 1)
    assert own_preview.counts(frames).text() == (
        "2 patients, 3 courses (irradiated sites), 4 assessments"
    )
    one = own_preview.Counts(1, 1, 0, 0).text()
    assert one == "1 patient, 1 course (irradiated sites), 0 assessments"


def test_first_rows_are_days_and_ages_90_plus(frames):
    patients = own_preview.first_rows(frames, "patients")
    assert list(patients["age"]) == ["61", "90+"]
    assert "age_90_plus" not in patients
    # S01: day 0 = 2023-03-01, last contact 2023-09-01 = day 184; S02 died 2023-06-30, 59 days
    # after its first RT start on 2023-05-02.
    assert list(patients["last_contact_day"]) == [184, 59]
    courses = own_preview.first_rows(frames, "courses", n=2)
    assert len(courses) == 2
    assert "bed10_gy" not in courses and "rt_start_date" not in courses
    s01 = courses[courses["patient_id"] == "S01"].set_index("course_no")
    # Course 1 = the earlier one (2023-03-01 to 03-14, response 03-29, relapse 06-07).
    assert list(s01.loc[1, ["rt_start_day", "rt_end_day", "max_response_day", "relapse_day"]]) == [
        0,
        13,
        28,
        98,
    ]


def test_the_changes_of_an_update_one_row_each(frames):
    c = frames.courses.copy()
    c.loc[(c["patient_id"] == "S01") & (c["course_no"] == 1), "relapse_day"] = pd.NA
    a = frames.assessments.copy()
    a = a[~((a["patient_id"] == "S01") & (a["course_no"] == 2))]
    extra = a[a["patient_id"] == "S02"].assign(assessment_no=2, day=30, nrs=3)
    new = frames.replace(courses=c, assessments=pd.concat([a, extra], ignore_index=True))
    got = own_preview.diff_table(diff_frames(frames, new))
    want = pd.DataFrame(
        {
            "table": ["courses", "assessments", "assessments"],
            "row": [
                "patient S01, course 1",
                "patient S02, course 1, assessment 2",
                "patient S01, course 2, assessment 1",
            ],
            "change": ["changed", "added", "removed"],
            "column": ["relapse_day", "", ""],
            "old": ["98", "", ""],
            "new": ["(empty)", "", ""],
        }
    )
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_an_identical_file_changes_nothing(frames):
    got = own_preview.diff_table(diff_frames(frames, frames))
    assert got.empty and list(got) == own_preview.DIFF_COLUMNS
