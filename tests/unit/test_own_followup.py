"""A follow-up entry -> the user store's changes, dates -> days, and the history as shown
(plexrt.ingest.own_followup)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from plexrt.data.userstore import Change
from plexrt.ingest import own_followup as fu
from plexrt.ingest.own_import import prepare_import
from tests.unit.own_files import GOOD_ASSESSMENTS, GOOD_COURSES, write


@pytest.fixture
def frames(tmp_path):
    courses, assessments = write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS)
    prepared = prepare_import(courses, assessments, study_codes=True)
    assert prepared.ok, prepared.report.problems
    return prepared.frames


@pytest.mark.parametrize(
    ("event", "first", "days"),
    [
        (dt.date(2024, 3, 1), dt.date(2024, 2, 1), 29),  # leap year
        (dt.date(2023, 3, 1), dt.date(2023, 2, 1), 28),
        (dt.date(2020, 7, 19), dt.date(2020, 1, 1), 200),  # 31+29+31+30+31+30+18
        (dt.date(2019, 12, 31), dt.date(2020, 1, 1), -1),
        (None, dt.date(2020, 1, 1), None),
        (dt.date(2020, 1, 1), None, None),
    ],
)
def test_day_between(event, first, days):
    assert fu.day_between(event, first) == days


def test_next_assessment_number(frames):
    # own_files: S01 has two assessments of course 1 and one of course 2; S02 one of course 1.
    assert fu.next_assessment_no(frames, "S01", 1) == 3
    assert fu.next_assessment_no(frames, "S01", 2) == 2
    assert fu.next_assessment_no(frames, "S02", 1) == 2
    assert fu.next_assessment_no(frames, "S01", 3) == 1


def test_changes_for_each_kind(frames):
    entry = fu.Entry("assessment", "S01", 40, 1, 4, " morphine ", 30.0, "oral")
    assert fu.changes_for(frames, entry) == [
        Change.add(
            "assessments",
            ("S01", 1, 3),
            day=40,
            nrs=4,
            opioid_drug="morphine",
            opioid_mg_per_day=30.0,
            opioid_route="oral",
        )
    ]
    no_opioid = fu.changes_for(frames, fu.Entry("assessment", "S02", 10, 1, 5, "", None, ""))
    assert (
        no_opioid[0].values["opioid_drug"] is None and no_opioid[0].values["opioid_route"] is None
    )
    assert fu.changes_for(frames, fu.Entry("relapse", "S01", 120, 2)) == [
        Change.update("courses", ("S01", 2), relapse_day=120)
    ]
    assert fu.changes_for(frames, fu.Entry("max_response", "S01", 50, 2)) == [
        Change.update("courses", ("S01", 2), max_response_day=50)
    ]
    assert fu.changes_for(frames, fu.Entry("death", "S01", 200)) == [
        Change.update("patients", ("S01",), death_day=200)
    ]
    assert fu.changes_for(frames, fu.Entry("last_contact", "S01", 190)) == [
        Change.update("patients", ("S01",), last_contact_day=190)
    ]


def test_what_the_form_itself_lacks():
    assert fu.entry_problems(fu.Entry("death", "S01", 3)) == []
    assert fu.entry_problems(fu.Entry("relapse", "S01", None, None)) == [
        "the day (or the date together with the first RT start date) is required",
        "choose the course (irradiated site) the entry belongs to",
    ]
    assert fu.entry_problems(fu.Entry("assessment", "S01", 5, 1)) == [
        "an assessment needs an NRS score or an opioid"
    ]
    assert fu.entry_problems(fu.Entry("birthday", "S01", 5)) == ["unknown entry 'birthday'"]


def _history(rows):
    cols = [
        "batch_id",
        "kind",
        "actor",
        "at_utc",
        "undoes_batch",
        "undone_by_batch",
        "table_name",
        "change_kind",
        "patient_id",
        "course_no",
        "assessment_no",
        "column_name",
        "old_value",
        "new_value",
    ]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("undoes_batch", "undone_by_batch", "course_no", "assessment_no"):
        df[c] = pd.to_numeric(df[c]).astype("Int64")
    return df


AT = "2030-01-02T03:04:05Z"  # a fixed text, not the clock
HISTORY = [
    (3, "undo", "ann", AT, 2, None, "courses", "changed", "S01", 2, None, "relapse_day", 120, None),
    (
        2,
        "follow_up",
        "ann",
        AT,
        None,
        3,
        "courses",
        "changed",
        "S01",
        2,
        None,
        "relapse_day",
        None,
        120,
    ),
    (1, "import", "ann", AT, None, None, None, None, None, None, None, None, None, None),
]


def test_history_as_shown():
    got = fu.history_table(_history(HISTORY))
    assert list(got.columns) == fu.HISTORY_COLUMNS
    assert list(got["entry"]) == [3, 2, 1]
    assert list(got["kind"]) == ["undo", "follow-up", "import"]
    assert list(got["by"]) == ["ann"] * 3
    assert list(got["row"]) == ["patient S01, course 2", "patient S01, course 2", ""]
    assert list(got["old -> new"]) == ["120 -> (empty)", "(empty) -> 120", ""]
    assert list(got["undone"]) == ["", "by entry 3", ""]


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        (
            fu.Entry("assessment", "S01", 21, 1, 1),
            "assessment, patient S01, course 1, day 21: NRS 1, no opioid",
        ),
        (
            fu.Entry("assessment", "S01", 40, 2, None, " oxycodone ", 12.5, "oral"),
            "assessment, patient S01, course 2, day 40: NRS not recorded, oxycodone 12.5 mg/day oral",
        ),
        (
            fu.Entry("assessment", "S02", 7, 1, 0, "fentanyl", None, None),
            "assessment, patient S02, course 1, day 7: NRS 0, fentanyl dose not recorded",
        ),
        (fu.Entry("relapse", "S01", 90, 2), "relapse of pain, patient S01, course 2, day 90"),
        (fu.Entry("death", "S03", 104), "death, patient S03, day 104"),
    ],
)
def test_the_confirmation_repeats_every_stored_value(entry, words):
    assert fu.described(entry) == words


# own_files: S01 course 1 holds day 28 NRS 2 morphine 30 mg/day oral; course 2 day 33 NRS 7, no
# opioid.
@pytest.mark.parametrize(
    ("entry", "stored_as"),
    [
        (fu.Entry("assessment", "S01", 28, 1, 2, " morphine ", 30.0, "oral"), 2),
        (fu.Entry("assessment", "S01", 33, 2, 7, "", None, ""), 1),  # no opioid both times
        (fu.Entry("assessment", "S01", 28, 1, 3, "morphine", 30.0, "oral"), None),  # other NRS
        (fu.Entry("assessment", "S01", 28, 1, 2, "morphine", 40.0, "oral"), None),  # other dose
        (fu.Entry("assessment", "S01", 28, 1, None, "morphine", 30.0, "oral"), None),  # NRS unknown
        (fu.Entry("assessment", "S01", 29, 1, 2, "morphine", 30.0, "oral"), None),  # other day
        (fu.Entry("assessment", "S01", 28, 2, 2, "morphine", 30.0, "oral"), None),  # other course
        (fu.Entry("assessment", "S02", 28, 1, 2, "morphine", 30.0, "oral"), None),  # other patient
        (fu.Entry("relapse", "S01", 28, 1), None),
    ],
)
def test_an_assessment_already_stored_is_not_saved_again(frames, entry, stored_as):
    problems = fu.already_stored(frames, entry)
    if stored_as is None:
        assert problems == []
    else:
        assert problems == [
            f"patient {entry.patient_id}, course {entry.course_no}, day {entry.day}: the same "
            f"assessment is already stored (assessment {stored_as})"
        ]


def test_the_history_shows_times_to_the_second():
    history = pd.DataFrame(
        {
            "batch_id": [2, 1],
            "kind": ["follow_up", "import"],
            "actor": ["dr.a", "dr.a"],
            "at_utc": ["2026-12-04T07:58:19.209927Z", "2026-12-03T23:59:59Z"],
            "patient_id": [None, None],
            "course_no": [None, None],
            "assessment_no": [None, None],
            "column_name": [None, None],
            "change_kind": [None, None],
            "old_value": [None, None],
            "new_value": [None, None],
            "undone_by_batch": [None, None],
        }
    )
    shown = fu.history_table(history)
    assert shown["when (UTC)"].tolist() == ["2026-12-04 07:58:19", "2026-12-03 23:59:59"]


def test_history_pages_and_words():
    assert [fu.history_pages(n, 100) for n in (0, 1, 100, 101, 12_345)] == [1, 1, 1, 2, 124]
    assert fu.history_words(100, 100, 12_345, None) == (
        "Lines 101 to 200 of 12,345, newest first: every change of the series."
    )
    assert (
        fu.history_words(0, 1, 1, "S01")
        == "Lines 1 to 1 of 1, newest first: patient S01's changes."
    )
    assert fu.history_words(0, 0, 0, "S01") == ("No line to show (patient S01's changes: 0 lines).")


def test_history_words_quote_the_code_as_every_message_does():
    """The patient code in the history's caption is quoted by ``key_shown``, as the search's
    words quote it: a long code is cut to 60 characters."""
    code = "S" * 70
    assert fu.history_words(0, 1, 1, code) == (
        f"Lines 1 to 1 of 1, newest first: patient {'S' * 60}…'s changes."
    )
