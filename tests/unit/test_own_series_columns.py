"""Opening an own series at registry scale: ``own_series.events_frame`` and ``own_series.omed_at``
looped over the patients (about 0.6 ms each) and over the picked assessments (a factor table
rebuilt for each), so a 100,000-course series took about 90 s to open. They now work on whole
columns. The loops they replaced are kept here as the reference: on random small series (unknown
contact and death days, relapses without a response, patients without courses, assessments before
RT, unknown drugs, routes and doses) the new frames are identical, dtypes included."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from plexrt.clinical.own_keys import ordered_courses
from plexrt.clinical.own_series import (
    LATER_TABLES,
    analytic_frames,
    events_frame,
    omed_at,
)
from plexrt.clinical.own_timepoints import picked as picked_rows
from plexrt.data import store
from plexrt.data.own_schema import OwnSeriesFrames, age_text, age_texts
from tests.unit import own_reference
from tests.unit.own_frames import make_frames
from tests.unit.own_reference import reference_events_frame, reference_omed_at

DRUGS = ("morphine", " Oxycodone ", "HYDROMORPHONE", "fentanyl", "tramadol", "", "  ", None, "xyz")
ROUTES = ("oral", "PO", "po", "", None, "transdermal", "iv", "subcutaneous")
DOSES = (10.0, 30.0, 0.0, 12.5, np.nan, -5.0, np.inf)


def _with_nulls(values: pd.Series, rng: np.random.Generator, share: float) -> pd.Series:
    return values.mask(rng.random(len(values)) < share)


def random_frames(seed: int) -> OwnSeriesFrames:
    rng = np.random.default_rng(seed)
    base = make_frames(int(rng.integers(1, 25)), seed=seed)
    p, c, a = base.patients.copy(), base.courses.copy(), base.assessments.copy()
    kind = seed % 6
    p["last_contact_day"] = _with_nulls(p["last_contact_day"], rng, 0.4)
    if kind == 1:  # nobody dead
        p["death_day"] = pd.array([None] * len(p), dtype="Int64")
    elif kind == 2:  # everybody dead, some on the day RT ended
        p["death_day"] = pd.array(rng.integers(0, 400, len(p)), dtype="Int64")
    if kind == 3:  # nobody responded; some relapses recorded all the same
        c["max_response_day"] = pd.array([None] * len(c), dtype="Int64")
    if kind in (3, 4):  # relapses on courses without a response
        days = pd.Series(rng.integers(20, 300, len(c)), index=c.index).astype("Int64")
        c["relapse_day"] = c["relapse_day"].fillna(days.where(rng.random(len(c)) < 0.5))
    if kind == 5:  # everybody responded and relapsed
        c["max_response_day"] = c["rt_end_day"] + 7
        c["relapse_day"] = c["rt_end_day"] + 70
    # a patient without courses, assessments of a patient not in the series, patients shuffled
    p = pd.concat([p, p.head(1).assign(patient_id="NOCOURSE")], ignore_index=True)
    p = p.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    a["day"] = a["day"] - rng.integers(0, 60, len(a))  # some before RT start: baseline picks
    n = len(a)
    a["opioid_drug"] = [DRUGS[i] for i in rng.integers(0, len(DRUGS), n)]
    a["opioid_route"] = [ROUTES[i] for i in rng.integers(0, len(ROUTES), n)]
    a["opioid_mg_per_day"] = [DOSES[i] for i in rng.integers(0, len(DOSES), n)]
    stray = a.head(2).assign(patient_id="STRAY", day=9999)
    a = pd.concat([a, stray], ignore_index=True).sample(frac=1.0, random_state=seed)
    return OwnSeriesFrames(p, c, a.reset_index(drop=True)).conformed()


@pytest.fixture(scope="module")
def factors(con):
    return store.opioid_factors(con)


@pytest.mark.parametrize("seed", range(60))
def test_events_are_those_of_the_per_patient_loop(seed):
    frames = random_frames(seed)
    new, old = events_frame(frames, "s"), reference_events_frame(frames, "s")
    pd.testing.assert_frame_equal(new, old)


@pytest.mark.parametrize("seed", range(60))
def test_omed_is_that_of_the_per_row_loop(seed, factors):
    frames = random_frames(seed)
    for timepoint in ("baseline", "after"):
        new = omed_at(frames, factors, timepoint)
        pd.testing.assert_series_equal(new, reference_omed_at(frames, factors, timepoint))


def test_the_random_series_hold_the_cases_the_rules_single_out(factors):
    """The equivalence above is worth something: across the seeds every branch occurs."""
    events = [reference_events_frame(random_frames(s), "s") for s in range(60)]
    ev = pd.DataFrame(
        {
            c: np.concatenate([e[c].to_numpy(dtype=bool) for e in events])
            for c in ("death", "assessable_for_relief", "relapse")
        }
    )
    assert ev["death"].any() and not ev["death"].all()
    assert ev["assessable_for_relief"].any() and not ev["assessable_for_relief"].all()
    assert (ev["relapse"] & ~ev["assessable_for_relief"]).any()
    assert (ev["relapse"] & ev["assessable_for_relief"]).any()
    omed = pd.concat(
        [
            reference_omed_at(random_frames(s), factors, t)
            for s in range(60)
            for t in ("baseline", "after")
        ]
    )
    assert omed.isna().any() and (omed == 0).any() and (omed > 0).any()


def test_a_series_of_one_kind_of_column_types_as_before():
    """All unknown, none unknown, no patient with courses: the same column types as the loop's."""
    for seed in (1, 2, 3, 5):  # nobody dead, all dead, nobody responded, all relapsed
        frames = random_frames(seed)
        pd.testing.assert_frame_equal(
            events_frame(frames, "s"), reference_events_frame(frames, "s")
        )
    empty = random_frames(0)
    empty = empty.replace(courses=empty.courses.iloc[0:0])
    pd.testing.assert_frame_equal(events_frame(empty, "s"), reference_events_frame(empty, "s"))


def _frame_lookups(monkeypatch, fn) -> int:
    """How many times ``fn()`` takes a column or rows out of a pandas frame (``frame[...]``)."""
    calls = [0]
    real = pd.DataFrame.__getitem__

    def counted(self, key):
        calls[0] += 1
        return real(self, key)

    with monkeypatch.context() as m:
        m.setattr(pd.DataFrame, "__getitem__", counted)
        fn()
    return calls[0]


@pytest.mark.parametrize("build", ["events", "omed"])
def test_the_work_does_not_grow_with_the_patients(monkeypatch, factors, build):
    """No step per patient or per assessment: as many frame look-ups for 400 patients as for 20
    (the loops took about ten per patient, so 100,000 courses took about 90 s to open)."""

    def run(n: int) -> int:
        frames = make_frames(n, seed=3)
        if build == "events":
            return _frame_lookups(monkeypatch, lambda: events_frame(frames, "s"))
        return _frame_lookups(monkeypatch, lambda: omed_at(frames, factors, "after"))

    assert run(400) == run(20)


@pytest.mark.parametrize("seed", range(20))
def test_age_texts_are_those_of_age_text(seed):
    """``age_texts`` works once per distinct (age, flag); the texts are ``age_text``'s, row by
    row, unknown ages and flags included."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 40))
    ages = pd.Series([(None, np.nan, 71, 71.0, 90, 35, "")[i] for i in rng.integers(0, 7, n)])
    flags = pd.Series([(True, False, None, pd.NA)[i] for i in rng.integers(0, 4, n)], dtype=object)
    expected = [age_text(a, f) for a, f in zip(ages, flags, strict=True)]
    assert age_texts(ages, flags) == expected
    assert age_texts(ages, None) == [age_text(a, None) for a in ages]
    typed = pd.array(rng.integers(30, 91, n), dtype="Int64")
    top = pd.array(rng.random(n) < 0.2, dtype="boolean")
    assert age_texts(pd.Series(typed), pd.Series(top)) == [
        age_text(a, f) for a, f in zip(typed, top, strict=True)
    ]


def test_age_texts_work_once_per_distinct_age(monkeypatch):
    """100,000 rows of a registry: ``age_text`` once per distinct (age, flag), not per row."""
    from plexrt.data import own_schema

    calls = [0]
    real = own_schema.age_text

    def counted(age, flag):
        calls[0] += 1
        return real(age, flag)

    monkeypatch.setattr(own_schema, "age_text", counted)
    texts = age_texts(pd.Series([71, 90, None] * 1000), pd.Series([False, True, None] * 1000))
    assert texts == ["71", "90+", ""] * 1000
    assert calls[0] == 3


# ------------------------------------------------------------------------------------------------
# The tables built on integer codes of the patients and courses are those the text-keyed code
# built (own_reference, commit a18a996), rows, values and column types.
# ------------------------------------------------------------------------------------------------


def _text_order_apart(frames: OwnSeriesFrames) -> OwnSeriesFrames:
    """The series with its courses numbered 6, 12, ... ('S1.12' sorts before 'S1.6') and a
    patient whose code extends another's ('S000001.1': its course ids sort before S000001's):
    course-id order and (patient, course number) order differ."""
    renamed = {}
    ids = sorted(frames.courses["patient_id"].unique())
    if len(ids) > 1:
        renamed = {ids[1]: f"{ids[0]}.1"}

    def moved(t: pd.DataFrame, numbered: bool) -> pd.DataFrame:
        t = t.assign(patient_id=t["patient_id"].replace(renamed))
        return t.assign(course_no=t["course_no"] * 6) if numbered else t

    p, c, a = frames.patients, frames.courses, frames.assessments
    return OwnSeriesFrames(moved(p, False), moved(c, True), moved(a, True)).conformed()


def _variants(seed: int) -> list[OwnSeriesFrames]:
    """The random series; its courses and numbers apart in text order; its courses shuffled (a
    store gives them sorted; these must be sorted here)."""
    frames = random_frames(seed)
    shuffled = frames.courses.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    return [frames, _text_order_apart(frames), frames.replace(courses=shuffled)]


@pytest.mark.parametrize("seed", range(60))
def test_tables_are_those_of_the_text_keyed_code(seed, factors):
    for frames in _variants(seed):
        new = analytic_frames(frames, "s", factors)
        old = own_reference.analytic_frames(frames, "s", factors)
        for table in ("patients", "courses", "course_derived", *LATER_TABLES):
            pd.testing.assert_frame_equal(
                getattr(new, table), getattr(old, table), check_exact=True
            )


def test_a_series_without_courses_or_assessments_as_before(factors):
    frames = random_frames(0)
    none_c, none_a = frames.courses.iloc[0:0], frames.assessments.iloc[0:0]
    for empty in (
        frames.replace(courses=none_c),
        frames.replace(assessments=none_a),
        frames.replace(courses=none_c, assessments=none_a),
    ):
        new = analytic_frames(empty, "s", factors)
        old = own_reference.analytic_frames(empty, "s", factors)
        for table in ("patients", "courses", "course_derived", *LATER_TABLES):
            pd.testing.assert_frame_equal(
                getattr(new, table), getattr(old, table), check_exact=True
            )


@pytest.mark.parametrize("seed", range(30))
def test_the_picked_assessments_are_those_of_the_per_course_loop(seed):
    for frames in _variants(seed):
        courses = own_reference.ordered_courses(frames)
        picked = picked_rows(ordered_courses(frames), frames.assessments).rows
        got = {
            (r.course_id, r.timepoint): (r.patient_id, r.course_no, r.assessment_no)
            for r in picked.itertuples()
        }
        assert len(got) == len(picked)
        assert got == own_reference.looped_picks(courses, frames.assessments)
        pd.testing.assert_frame_equal(
            picked, own_reference.timepoint_rows(courses, frames.assessments), check_exact=True
        )


def test_the_text_order_apart_series_orders_course_ids_apart():
    """The variant above is worth something: course-id order is not (patient, number) order."""
    courses = own_reference.ordered_courses(_text_order_apart(random_frames(7)))
    assert not courses["course_id"].is_monotonic_increasing


def test_the_tables_group_merge_and_sort_no_text_ids(monkeypatch, factors):
    """At 100,000 courses each grouping, merge or sort on the text patient and course ids cost
    hundredths of a second, over and over (0.6 CPU s in all): the tables of a series as a store
    gives it (courses in order) are built on integer codes, without one (the opioid factor
    look-up, once per distinct drug and route, is not theirs)."""
    ours = (
        "plexrt.clinical.own_series",
        "plexrt.clinical.own_keys",
        "plexrt.clinical.own_timepoints",
    )
    frames = make_frames(40, seed=5)
    calls: list[str] = []
    for owner, name in (
        (pd.DataFrame, "groupby"),
        (pd.Series, "groupby"),
        (pd.DataFrame, "merge"),
        (pd.DataFrame, "sort_values"),
        (pd.Series, "sort_values"),
        (pd.Series, "rank"),
        (pd.Series, "reindex"),
        (pd.DataFrame, "reindex"),
    ):
        real = getattr(owner, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            if sys._getframe(1).f_globals.get("__name__") in ours:
                calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)
    tables = analytic_frames(frames, "s", factors)
    monkeypatch.undo()
    assert calls == []
    old = own_reference.analytic_frames(frames, "s", factors)
    pd.testing.assert_frame_equal(tables.events, old.events, check_exact=True)
