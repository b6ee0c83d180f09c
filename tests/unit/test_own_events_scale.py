"""Opening an own series builds one ``events`` row per patient (``own_series.events_frame``). Each
patient's assessments were picked by comparing the whole assessments table with the patient's
code: patients x assessments comparisons, so a synthetic registry of 100,000 courses (81,241
patients, 298,237 assessments) did not open within 15 minutes. Each patient's assessments now come
from one grouping: the cost no longer grows with the assessments of other patients."""

from __future__ import annotations

import time

import pandas as pd

from plexrt.clinical.own_series import events_frame
from tests.unit.own_frames import make_frames


def _seconds(frames) -> float:
    t = time.perf_counter()
    events_frame(frames, "s")
    return time.perf_counter() - t


def test_events_do_not_scan_every_assessment_for_each_patient():
    frames = make_frames(1500)
    a = frames.assessments
    # 300,000 assessments of another patient code: 1,500 scans of them took about 5 s
    other = a.iloc[[0] * 300_000].reset_index(drop=True).assign(patient_id="ZZ999999")
    crowded = frames.replace(assessments=pd.concat([a, other], ignore_index=True))
    alone = _seconds(frames)
    assert _seconds(crowded) < 2 * alone + 1.0
    # the same rows either way
    pd.testing.assert_frame_equal(events_frame(crowded, "s"), events_frame(frames, "s"))
