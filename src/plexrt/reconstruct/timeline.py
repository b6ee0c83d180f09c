"""Days of every course and patient that follow from Table 1, the treatment calendar and the
patient 1 narrative, and the study calendar (accrual, cut-off, review start).

Day 0 is the first fraction of the patient's first course, a Monday. Fractions are given one a day,
Monday to Friday, without breaks, so n fractions started on a Monday end on day
``7 * ((n - 1) // 5) + (n - 1) % 5`` (13 -> day 16, 30 -> day 39, 33 -> day 44). Maximal response is
on day ``7 * weeks`` after the start of that course (NRS recorded weekly). "RT completion" is the
last fraction of the patient's last course.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from plexrt.clinical.inputs import require_columns
from plexrt.data.values import natural_order
from plexrt.reconstruct.constraints import DATE_QUANTITIES, Constraint, parse_date
from plexrt.reconstruct.rounding import DayWindow, int_window
from plexrt.stats.timescale import DAYS_PER_WEEK

WEEK = int(DAYS_PER_WEEK)  # days, as a whole number for day arithmetic
TREATMENT_DAYS = 5  # fractions are given Monday to Friday: days 0-4 of each week

# The rules by which a day is derived from published values (source 'derived'), by column, as the
# provenance of every derived day states them.
DERIVED_RULES = {
    "rt_start_day": "Day 0 by definition: the first fraction of the patient's first course (a "
    "Monday); every other day counts from it",
    "rt_end_day": "Last fraction, counting the Table 1 number of fractions at five fractions a week "
    "(Monday to Friday, no breaks) from the course start: 13 fractions end on day 16, 30 on day 39, "
    "33 on day 44; for a patient, the end of the last course",
    "max_response_day": "Course start + 7 × weeks to maximum response (Table 1 gives weeks, not "
    "days; NRS recorded weekly); for a patient, the first course's",
    "relapse_day": "No relapse day: the patient is not one of the relapsing patients the Results "
    "name",
    "first_rt_start_day": "Day 0 by definition",
}
DERIVED_LOCATION = "Table 1 (fractions, weeks to maximum response) + PlexRT's treatment calendar"


def fraction_days(start_day: int, fractions: int) -> np.ndarray:
    """Days (from the patient's day 0, a Monday) of ``fractions`` daily fractions, Monday-Friday,
    starting on ``start_day``."""
    if fractions <= 0 or fractions != int(fractions):
        raise ValueError(f"fractions must be a positive whole number, got {fractions!r}")
    if start_day < 0 or start_day != int(start_day) or start_day % WEEK >= TREATMENT_DAYS:
        raise ValueError(f"start_day must be a weekday (day % 7 < 5), got {start_day!r}")
    days = np.arange(int(start_day), int(start_day) + 2 * int(fractions) + WEEK)
    return days[days % WEEK < TREATMENT_DAYS][: int(fractions)]


@dataclass(frozen=True)
class Timeline:
    """Course and patient days that follow from Table 1 and the patient 1 narrative."""

    pids: tuple[str, ...]
    course_ids: tuple[str, ...]
    course_pids: tuple[str, ...]
    course_no: np.ndarray
    fractions: np.ndarray
    start: np.ndarray
    end: np.ndarray
    mr: np.ndarray
    start_source: tuple[str, ...]
    rt_end: np.ndarray  # per patient: last fraction of the last course
    mr_first: np.ndarray  # per patient: maximal response of the first course
    dose: tuple[float, ...]

    def index(self, pid: str | None) -> int:
        """Position of a patient (a constraint naming no patient is an error)."""
        if pid is None:
            raise ValueError("the constraint names no patient")
        return self.pids.index(pid)

    @property
    def offset(self) -> np.ndarray:
        """RT completion minus maximal response: relief = time after completion + offset."""
        return self.rt_end - self.mr_first


def require_frame(df: object, name: str, required: Sequence[str]) -> pd.DataFrame:
    """``df`` itself if it is a non-empty DataFrame with the ``required`` columns."""
    frame = require_columns(df, name, required)
    if frame.empty:
        raise ValueError(f"{name} has no rows")
    return frame


def second_course_start(cons: Sequence[Constraint], pid: str | None, prev_end: int) -> int:
    """Start of a later course: the patient-1 narrative ('about 10 days' + 'two weeks later') if
    present, otherwise the Monday after the previous course; never before the previous course ends."""
    days = 0.0
    found = 0
    for c in cons:
        if c.patient_id == pid and c.quantity in ("supine_after_start", "right_pain_after_supine"):
            days += c.number * (DAYS_PER_WEEK if c.unit == "weeks" else 1)
            found += 1
    start = int(round(days)) if found == 2 else prev_end + 1
    start = max(start, prev_end + 1)
    if found != 2:
        start += (WEEK - start % WEEK) % WEEK  # next Monday
    while start % WEEK >= TREATMENT_DAYS:  # a weekend day moves to Monday
        start += 1
    return start


def _course_table(courses: object) -> pd.DataFrame:
    """The courses with whole-number columns checked, in natural order of patient and course."""
    df = require_frame(
        courses,
        "courses",
        ("course_id", "patient_id", "course_no", "fractions", "weeks_to_max_response"),
    ).copy()
    df["patient_id"] = df["patient_id"].astype(str)
    df["course_id"] = df["course_id"].astype(str)
    for col in ("course_no", "fractions", "weeks_to_max_response"):
        v = pd.to_numeric(df[col], errors="coerce")
        if v.isna().any() or (v < 0).any() or (v != v.round()).any():
            raise ValueError(f"courses.{col} must hold whole numbers >= 0 in every row")
        df[col] = v.astype(int)
    if (df["fractions"] <= 0).any():
        raise ValueError("courses.fractions must be positive")
    return natural_order(df, ["patient_id", "course_no"])


def build_timeline(courses: object, cons: Sequence[Constraint]) -> Timeline:
    """Start, end and maximal-response day of every course; RT completion per patient."""
    df = _course_table(courses)
    pids: list[str] = []
    start, end, mr, src = [], [], [], []
    for pid, grp in df.groupby("patient_id", sort=False):
        pids.append(str(pid))
        prev_end = None
        for row in grp.itertuples():
            if prev_end is None:
                s, source = 0, "derived"
            else:
                s, source = second_course_start(cons, str(pid), prev_end), "reconstructed"
            days = fraction_days(s, int(row.fractions))
            start.append(s)
            end.append(int(days[-1]))
            mr.append(s + WEEK * int(row.weeks_to_max_response))
            src.append(source)
            prev_end = int(days[-1])
    course_pids = tuple(df["patient_id"])
    start_a, end_a, mr_a = np.array(start), np.array(end), np.array(mr)
    rt_end = np.array([end_a[[p == q for q in course_pids]].max() for p in pids])
    mr_first = np.array([mr_a[[p == q for q in course_pids]][0] for p in pids])
    dose = tuple(float(x) for x in df["dose_gy"]) if "dose_gy" in df else (math.nan,) * len(df)
    return Timeline(
        pids=tuple(pids),
        course_ids=tuple(df["course_id"]),
        course_pids=course_pids,
        course_no=df["course_no"].to_numpy(),
        fractions=df["fractions"].to_numpy(),
        start=start_a,
        end=end_a,
        mr=mr_a,
        start_source=tuple(src),
        rt_end=rt_end,
        mr_first=mr_first,
        dose=dose,
    )


# -- relapse days --------------------------------------------------------------------------------


def relapse_window(c: Constraint, tl: Timeline) -> DayWindow:
    """Days from first RT start on which a relapse fact puts the relapse."""
    i = tl.index(c.patient_id)
    lo, hi = int_window(c)
    base = tl.mr_first[i] if c.quantity == "relapse_after_max_response" else tl.rt_end[i]
    return int(base + lo), int(base + hi)


def order_floor(orders: Sequence[Constraint], tl: Timeline, i: int) -> tuple[int, list[str]]:
    """Earliest relapse day allowed by the order constraints for patient index i."""
    floor, ids = 0, []
    for o in orders:
        if o.quantity == "relapse_after_max_response":
            floor = max(floor, int(tl.mr_first[i]) + 1)
            ids.append(o.constraint_id)
        elif o.quantity == "relapse_after_completion":
            floor = max(floor, int(tl.rt_end[i]) + 1)
            ids.append(o.constraint_id)
    return floor, ids


# -- study calendar ------------------------------------------------------------------------------


def _calendar(cons: Sequence[Constraint]) -> dict[str, tuple[date, date]]:
    return {
        c.quantity: parse_date(str(c.value), f"constraint {c.constraint_id} ({c.location}), value")
        for c in cons
        if c.quantity in DATE_QUANTITIES
    }


def span_days(cons: Sequence[Constraint]) -> int | None:
    """Longest possible time from a first RT to the data cut-off (latest cut-off minus earliest
    accrual)."""
    d = _calendar(cons)
    if "data_cutoff" not in d or "accrual_start" not in d:
        return None
    return (d["data_cutoff"][1] - d["accrual_start"][0]).days


def writing_gap(cons: Sequence[Constraint]) -> int | None:
    """Longest possible time between the data cut-off and the latest date the text can describe
    (review start)."""
    d = _calendar(cons)
    if "data_cutoff" not in d or "review_start" not in d:
        return None
    return (d["review_start"][1] - d["data_cutoff"][0]).days
