"""A small own series written out by hand, with every analytic value worked out by hand in the
comments (days from each patient's first RT start)."""

from __future__ import annotations

import pandas as pd

from plexrt.clinical import dose
from plexrt.data.own_schema import OwnSeriesFrames, typed


def _course(pid, no, start, end, mr, relapse, before=8, after=2, total=30.0, fx=10):
    return {
        "patient_id": pid,
        "course_no": no,
        "involved_muscle": "psoas",
        "plexus_level": "lower",
        "laterality": "left",
        "intent": "palliative",
        "dose_gy": total,
        "fractions": fx,
        "nrs_before": before,
        "nrs_after": after,
        "rt_start_day": start,
        "rt_end_day": end,
        "max_response_day": mr,
        "relapse_day": relapse,
        **dose.derived_doses(total, fx),
    }


def _patient(pid, last, death, age=60):
    return {
        "patient_id": pid,
        "age": age,
        "age_90_plus": False,
        "sex": "F",
        "primary_cancer": "Cervical cancer",
        "primary_group": "gynecological",
        "last_contact_day": last,
        "death_day": death,
    }


# P1: two courses; survival from the FIRST course's end (day 14): died day 114 -> 100 days, event.
#     relief from course 1's max response (day 28) to its relapse (day 88): 60 days, event.
# P2: one course, alive at last contact day 214, ended day 14 -> 200 days censored;
#     relief from 44 to last contact 214: 170 days censored.
# P3: died day 64 (no last contact recorded), ended day 14 -> 50 days, event; no response:
#     not assessable for relief.
# P4: died day 130, ended day 4 -> 126 days, event; course 1 has no response, course 2 (start
#     day 60, response day 90, no relapse) is the first with one -> relief 90..130 = 40 censored
#     (death censors relief).
# P5: neither last contact nor death recorded: last known day = latest record = assessment day 80;
#     ended day 10 -> 70 days censored; relief from 20 to its relapse day 50 = 30 days, event.
PATIENTS = [
    _patient("P1", None, 114),
    _patient("P2", 214, None),
    _patient("P3", None, 64),
    _patient("P4", 130, 130),
    _patient("P5", None, None),
]
COURSES = [
    _course("P1", 1, 0, 14, 28, 88),
    _course("P1", 2, 40, 50, 70, None, total=20.0, fx=5),
    _course("P2", 1, 0, 14, 44, None, before=6, after=6),
    _course("P3", 1, 0, 14, None, None, before=9, after=None),
    _course("P4", 1, 0, 4, None, None, total=8.0, fx=1, before=7, after=0),
    _course("P4", 2, 60, 74, 90, None),
    _course("P5", 1, 0, 10, 20, 50, before=5, after=3),
]
ASSESSMENTS = [
    # P1 course 1: baseline = day 0 (oxycodone 20 mg oral -> 30 mg OMED with CDC 2022 x1.5);
    # after = first on/after RT end day 14 = day 14 (morphine 10 mg -> 10 mg)
    ("P1", 1, 1, 0, 8, "oxycodone", 20.0, "oral"),
    ("P1", 1, 2, 14, 3, "morphine", 10.0, "oral"),
    ("P1", 1, 3, 30, 2, None, None, None),
    # P1 course 2: baseline = latest on/before day 40 = day 38 (no opioid -> 0); no assessment
    # on/after its end (day 50) -> after unknown
    ("P1", 2, 1, 38, 7, None, None, None),
    # P2: baseline transdermal fentanyl: no factor in CDC 2022 -> unknown; after: day 20, hydromorphone
    # 4 mg -> 20 mg
    ("P2", 1, 1, 0, 6, "fentanyl", 0.6, "transdermal"),
    ("P2", 1, 2, 20, 6, "hydromorphone", 4.0, "oral"),
    # P5: the latest record of the patient (day 80)
    ("P5", 1, 1, 80, 3, None, None, None),
]


def hand_frames() -> OwnSeriesFrames:
    cols = ["patient_id", "course_no", "assessment_no", "day", "nrs"]
    cols += ["opioid_drug", "opioid_mg_per_day", "opioid_route"]
    return OwnSeriesFrames(
        typed(pd.DataFrame(PATIENTS), "patients"),
        typed(pd.DataFrame(COURSES), "courses"),
        typed(pd.DataFrame(ASSESSMENTS, columns=cols), "assessments"),
    )


# (duration days, event) per patient, worked out above.
SURVIVAL = {"P1": (100, 1), "P2": (200, 0), "P3": (50, 1), "P4": (126, 1), "P5": (70, 0)}
# Survival by hand (product-limit): 50 d S = 4/5 = 0.8; 70 censored; 100 d 0.8 x 2/3 = 0.533;
# 126 d 0.533 x 1/2 = 0.267 -> median 126 days. Relief: 30 d 3/4 = 0.75; 40 censored; 60 d
# 0.75 x 1/2 = 0.375 -> median 60 days.
RELIEF = {"P1": (60, 1), "P2": (170, 0), "P4": (40, 0), "P5": (30, 1)}
