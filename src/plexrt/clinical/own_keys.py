"""The courses of an own series in (patient, course number) order, with the whole numbers that
``plexrt.clinical.own_series`` groups, sorts and joins on instead of the text patient ids.

At 100,000 courses each grouping, merge or sort on the text ids hashes or compares 100,000 strings
again (about 0.6 CPU s over the per-patient tables). ``OrderedCourses`` works the ids out once:
each course's patient as a code (0, 1, ... in course order), each patient's first course, the
courses' order by course id (text), and, for a table of assessments or patients, each row's
course or patient code (one look-up of its text ids).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from plexrt.data.own_schema import OwnSeriesFrames
from plexrt.data.values import missing_mask


def course_ids(patient_ids: pd.Series, course_nos: pd.Series) -> pd.Series:
    """The site id of each course, as the bundled series names them: '<patient>.<course_no>'."""
    return patient_ids.astype(str) + "." + course_nos.astype("int64").astype(str)


def days(values: pd.Series) -> np.ndarray:
    """A column of days (or doses) as float64 values, unknown (``is_missing``) as NaN."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype="float64", na_value=np.nan)  # only NaN / NA are missing
    return values.astype(object).where(~missing_mask(values), np.nan).to_numpy(dtype="float64")


@dataclass(frozen=True)
class OrderedCourses:
    """``courses``: a series' courses sorted by patient id and course number, ``course_id`` added,
    indexed 0..n-1. ``patient``: each course's patient code (0, 1, ..., never decreasing);
    ``patient_ids``: the id of each code; ``starts``: each patient's first course (its row);
    ``text_rank``: each course's place when the courses are sorted by course id as text."""

    courses: pd.DataFrame
    patient: np.ndarray
    patient_ids: pd.Index
    starts: np.ndarray
    text_rank: np.ndarray

    def patients_of(self, ids: pd.Series) -> np.ndarray:
        """The patient code of each of ``ids`` (-1 for a patient without courses)."""
        return np.asarray(self.patient_ids.get_indexer(ids), dtype="int64")

    def courses_of(self, rows: pd.DataFrame) -> np.ndarray:
        """The course (its row in ``courses``) of each row of ``rows`` (patient_id, course_no);
        -1 for a row whose patient has no such course."""
        out = np.full(len(rows), -1, dtype="int64")
        patient = self.patients_of(rows["patient_id"])
        number = rows["course_no"]
        known = (patient >= 0) & ~number.isna().to_numpy(dtype=bool)
        if not known.any() or self.courses.empty:
            return out
        # each course number as a small whole number (shared by courses and rows), so that
        # (patient, number) is one integer, increasing along the courses
        both = pd.concat([self.courses["course_no"], number[known]], ignore_index=True)
        codes, distinct = pd.factorize(both.astype("int64"), sort=True)
        n = len(self.courses)
        course_key = self.patient * len(distinct) + codes[:n]
        row_key = patient[known] * len(distinct) + codes[n:]
        at = np.searchsorted(course_key, row_key).clip(max=n - 1)
        out[known] = np.where(course_key[at] == row_key, at, -1)
        return out


def _in_order(patient_ids: np.ndarray, course_nos: pd.Series) -> bool:
    """Whether the courses are already sorted by patient id, then course number."""
    if not pd.Index(patient_ids).is_monotonic_increasing:
        return False
    same = patient_ids[1:] == patient_ids[:-1]
    numbers = course_nos.to_numpy(dtype="int64")
    return bool((numbers[1:][same] > numbers[:-1][same]).all())


def ordered_courses(frames: OwnSeriesFrames) -> OrderedCourses:
    """The courses of ``frames`` in (patient, course number) order, with their codes (a store
    gives them in that order already: then they are not sorted again)."""
    c = frames.courses
    if not _in_order(c["patient_id"].to_numpy(dtype=object), c["course_no"]):
        c = c.sort_values(["patient_id", "course_no"], kind="stable")
    c = c.copy()
    c["course_id"] = course_ids(c["patient_id"], c["course_no"])
    c = c.reset_index(drop=True)
    ids = c["patient_id"].to_numpy(dtype=object)
    new = np.ones(len(ids), dtype=bool)
    new[1:] = ids[1:] != ids[:-1]
    starts = np.flatnonzero(new)
    text_rank = np.arange(len(c), dtype="int64")
    if not c["course_id"].is_monotonic_increasing:  # '<patient>.10' sorts before '<patient>.2'
        order = np.argsort(c["course_id"].to_numpy(dtype=object), kind="stable")
        text_rank[order] = np.arange(len(c), dtype="int64")
    return OrderedCourses(
        courses=c,
        patient=np.cumsum(new) - 1,
        patient_ids=pd.Index(ids[starts], dtype=object),
        starts=starts,
        text_rank=text_rank,
    )
