"""RT days from Table 1: fractions Monday to Friday from day 0 (a Monday), later courses from the
patient 1 narrative, maximal response 7 * weeks after the start of the course."""

from __future__ import annotations

import pandas as pd
import pytest

from plexrt import reconstruct as R
from plexrt.reconstruct.timeline import build_timeline, second_course_start, span_days, writing_gap


def test_fraction_day_rule():
    # Monday = day 0; fractions Mon-Fri. 13 fractions: days 0-4, 7-11, 14-16 -> last on day 16.
    assert R.fraction_days(0, 13)[-1] == 16
    # 30 fractions = 6 full weeks: last on the Friday of week 6 = 5*7 + 4 = 39.
    assert R.fraction_days(0, 30)[-1] == 39
    # 33 fractions: 6 weeks + 3 -> 6*7 + 2 = 44; 10 -> 7 + 4 = 11; 7 -> 7 + 1 = 8.
    assert R.fraction_days(0, 33)[-1] == 44
    assert R.fraction_days(0, 10)[-1] == 11
    assert R.fraction_days(0, 7)[-1] == 8
    # Patient 1's second course from Thursday day 24: 24, 25 | 28-32 | 35-39 | 42 -> day 42.
    assert list(R.fraction_days(24, 13)) == [24, 25, 28, 29, 30, 31, 32, 35, 36, 37, 38, 39, 42]
    with pytest.raises(ValueError, match="start_day"):
        R.fraction_days(5, 3)  # Saturday
    with pytest.raises(ValueError, match="fractions"):
        R.fraction_days(0, 0)


def test_second_course_start(cons):
    # "About 10 days after the initiation" + "Two weeks later" = day 24 (a Thursday)
    assert second_course_start(cons, "1", 16) == 24
    # without a narrative: the Monday after the previous course (day 16, a Wednesday -> day 21)
    assert second_course_start(cons, "2", 16) == 21
    # never before the previous course ends: ended on day 30 (Wednesday) -> day 31 (Thursday)
    assert second_course_start(cons, "1", 30) == 31


def test_timeline_of_the_series(courses, cons):
    tl = build_timeline(courses, cons)
    # patients in natural order (2 before 10), 11 patients, 12 courses
    assert tl.pids == ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11")
    assert len(tl.course_ids) == 12 and tl.course_ids[:2] == ("1.1", "1.2")
    # patient 1: course 1 of 13 fractions ends day 16, course 2 (day 24, 13 fractions) day 42
    assert (tl.start[1], tl.end[1]) == (24, 42) and tl.rt_end[0] == 42
    assert tl.start_source[:2] == ("derived", "reconstructed")
    # relief is counted from the first course's maximal response (3 weeks: day 21)
    assert tl.mr_first[0] == 21 and tl.offset[0] == 42 - 21


def test_study_calendar(cons):
    # accrual from April 2017, cut-off March 2021: 2017-04-01 .. 2021-03-31 = 1460 days
    assert span_days(cons) == 1460
    # cut-off month start 2021-03-01 to review start 2021-12-20 = 294 days
    assert writing_gap(cons) == 294


def test_invalid_courses(courses, cons):
    bad = courses.assign(fractions="x")
    with pytest.raises(ValueError, match="courses.fractions must hold whole numbers"):
        build_timeline(bad, cons)
    with pytest.raises(ValueError, match="is missing column"):
        build_timeline(courses.drop(columns="course_no"), cons)
    with pytest.raises(ValueError, match="no rows"):
        build_timeline(pd.DataFrame(columns=courses.columns), cons)


def test_sites_and_sources(recs):
    rec = recs[0]
    s = rec.sites.set_index("course_id")
    # 1.2 starts "About 10 days" + "Two weeks later" = day 24 and is flagged reconstructed
    assert s.loc["1.2", "rt_start_day"] == 24
    assert s.loc["1.2", "rt_start_day_source"] == "reconstructed"
    assert s.loc["6.1", "max_response_day"] == 84  # Table 1: 12 weeks
    p = rec.patients.set_index("patient_id")
    assert p.loc["1", "rt_end_day"] == 42 and p.loc["1", "max_response_day"] == 21
    assert set(p["max_response_day_source"]) == {"derived"}  # start + 7 x Table 1 weeks
    assert p.loc["5", "death_source"] == "case_narrative"
    assert p.loc["4", "relapse_source"] == p.loc["8", "relapse_source"] == "results_text"
    assert p.loc["3", "death_day_source"] == "reconstructed"
    assert (p["first_rt_start_day"] == 0).all()
