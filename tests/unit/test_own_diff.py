"""diff_frames: added, removed and changed rows by key; unknown equals unknown."""

from __future__ import annotations

import pandas as pd

from plexrt.data.own_diff import diff_frames
from plexrt.data.own_schema import OwnSeriesFrames, typed
from tests.unit.test_own_validation import frames


def test_identical_frames_give_an_empty_diff():
    f = frames()
    assert diff_frames(f, frames()).is_empty


def test_changed_added_and_removed():
    old = frames()
    new = frames(
        patient=dict(death_day=150, last_contact_day=150),
        courses=[
            dict(
                patient_id="P1",
                course_no=2,
                involved_muscle="psoas",
                intent="palliative",
                dose_gy=8.0,
                fractions=1,
                rt_start_day=60,
                rt_end_day=60,
            )
        ],
    )
    new = type(new)(new.patients, new.courses, new.assessments.iloc[0:0])
    d = diff_frames(old, new)
    ch = d.patients.changed.set_index("column")
    assert ch.loc["last_contact_day", "old"] == 200 and ch.loc["last_contact_day", "new"] == 150
    assert pd.isna(ch.loc["death_day", "old"]) and ch.loc["death_day", "new"] == 150
    assert d.courses.added[["patient_id", "course_no"]].values.tolist() == [["P1", 2]]
    assert d.assessments.removed["assessment_no"].tolist() == [1]
    assert d.summary().startswith("patients: 0 added, 1 changed (2 values), 0 removed")


def test_a_first_import_adds_every_row():
    d = diff_frames(OwnSeriesFrames.empty(), frames())
    assert (len(d.patients.added), len(d.courses.added), len(d.assessments.added)) == (1, 1, 1)
    assert d.courses.changed.empty and not d.is_empty


def test_numbers_equal_to_1e9_and_types_do_not_matter():
    old = frames(course=dict(dose_gy=30.0))
    new = frames(course=dict(dose_gy=30.0 + 1e-12))
    typed_new = type(new)(*(typed(new.table(t), t) for t in ("patients", "courses", "assessments")))
    assert diff_frames(old, typed_new).is_empty
