"""Imported times are checked whole-column; every kind of problem is still named by its file,
line and column, in file order, one problem per row (the first that applies)."""

from __future__ import annotations

import pandas as pd

from plexrt.data.links import check_times

TABLES = {
    "courses": pd.DataFrame(
        {"course_id": ["1.1", "1.2", "2.1", "3.1"], "patient_id": list("1123")}
    ),
    "patients": pd.DataFrame({"patient_id": ["1", "2", "3", "4"]}),
}


def _course_times(rows):
    return pd.DataFrame(rows, columns=["course_id", "rt_start_day", "rt_end_day", "_line"])


def _events(rows):
    cols = ["patient_id", "relapse", "relapse_day", "last_contact_day", "_line"]
    return pd.DataFrame(rows, columns=cols)


def _said(problems):
    return [(p.file, p.line, p.column, p.message) for p in problems]


def test_every_kind_of_problem_with_its_line():
    ct = _course_times(
        [
            ("1.1", 0, 10, 2),
            ("9.9", 0, 10, 3),  # unknown course
            ("2.1", 20, 10, 4),  # ends before it starts
            ("1.2", 30, 40, 5),
        ]
    )
    ev = _events(
        [
            ("1", True, 50.0, 100, 2),  # fine
            ("7", True, None, 100, 3),  # unknown patient (named first, whatever else)
            ("3", False, None, 100, 4),  # patient 3 has no course times
            ("2", True, None, 100, 5),  # relapse without its day
            ("1", True, 150.0, 100, 6),  # relapse after last contact
            ("2", None, None, 100, 7),  # blank relapse: none recorded
        ]
    )
    assert _said(check_times("s", ev, ct, TABLES)) == [
        ("s/course_times.csv", 3, "course_id", "'9.9' is not in courses.csv"),
        ("s/course_times.csv", 4, "rt_end_day", "RT ends before it starts"),
        ("s/events.csv", 3, "patient_id", "'7' is not in patients.csv"),
        ("s/events.csv", 4, "patient_id", "no course times for this patient"),
        ("s/events.csv", 5, "relapse_day", "a relapse needs its day"),
        ("s/events.csv", 6, "relapse_day", "relapse after last contact"),
    ]


def test_clean_times_and_empty_files_have_no_problems():
    ct = _course_times([("1.1", 0, 10, 2), ("2.1", 5, 5, 3)])
    ev = _events([("1", False, None, 10, 2), ("2", True, 10.0, 10, 3)])
    assert check_times("s", ev, ct, TABLES) == []
    assert check_times("s", _events([]), _course_times([]), TABLES) == []
