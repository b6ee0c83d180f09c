"""The swimmer plot's input frames read and checked: one lane per patient with its times (days
from the first RT start) and, per time, whether it is published, derived by a rule or
reconstructed (``KINDS``); the RT courses on the lanes. Every problem is a ValueError naming the
frame and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from plexrt.clinical.inputs import require_columns, yes_no

__all__ = ["KINDS", "Course", "Patients", "read_patients", "read_sites"]

_PATIENT_REQUIRED = ("patient_id", "last_day", "death")
_SITE_REQUIRED = ("patient_id", "course_id", "rt_start_day", "rt_end_day")
_FLAGGED_FIELDS = ("last_day", "max_response_day", "relapse_day")

# How a time came to be (each is drawn its own way: ``plexrt.charts.swimmer``).
KINDS = ("published", "derived", "reconstructed")


@dataclass(frozen=True)
class Patients:
    """The patients' columns as arrays, one entry per lane (in the order given)."""

    lane: list[str]
    last: np.ndarray
    death: np.ndarray
    resp: np.ndarray
    relapse: np.ndarray
    rel_day: np.ndarray
    flags: dict[str, np.ndarray]  # field -> reconstructed per patient
    derived: dict[str, np.ndarray]  # field -> derived by a rule per patient (not reconstructed)

    @property
    def n(self) -> int:
        return len(self.lane)

    def kind(self, field: str, i: int) -> str:
        if self.flags[field][i]:
            return "reconstructed"
        return "derived" if self.derived[field][i] else "published"


@dataclass(frozen=True)
class Course:
    """One RT course on a lane: start and end day, and how its dates came to be (``KINDS``)."""

    lane: str
    start: float
    end: float
    kind: str


def _bool_column(df: pd.DataFrame, col: str, frame: str) -> np.ndarray:
    if df[col].isna().any():
        raise ValueError(f"{frame}.{col} has missing values; it must be True or False per row")
    return np.asarray([yes_no(v, f"{frame}.{col}") for v in df[col].tolist()], dtype=bool)


def _optional_bool(df: pd.DataFrame, col: str, frame: str) -> np.ndarray:
    return _bool_column(df, col, frame) if col in df.columns else np.zeros(len(df), dtype=bool)


def _float_column(df: pd.DataFrame, col: str, frame: str) -> np.ndarray:
    try:
        return pd.to_numeric(df[col], errors="raise").to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{frame}.{col} must be numbers (days)") from None


def _optional_days(df: pd.DataFrame, col: str) -> np.ndarray:
    return _float_column(df, col, "patients") if col in df.columns else np.full(len(df), np.nan)


def _field_flags(patients: pd.DataFrame, what: str = "reconstructed") -> dict[str, np.ndarray]:
    """Per field, whether its time is ``what`` (reconstructed / derived): the field's own flag,
    else the row's."""
    row = _optional_bool(patients, what, "patients")
    out = {}
    for field in _FLAGGED_FIELDS:
        col = f"{field}_{what}"
        out[field] = _bool_column(patients, col, "patients") if col in patients.columns else row
    return out


def _lanes(patients: Any) -> tuple[pd.DataFrame, list[str]]:
    pts = require_columns(patients, "patients", _PATIENT_REQUIRED).reset_index(drop=True)
    if pts.empty:
        raise ValueError("patients must be a non-empty DataFrame")
    if pts["patient_id"].isna().any():
        raise ValueError("patients.patient_id has missing values")
    lane = [f"Pt {pid}" for pid in pts["patient_id"]]
    if len(set(lane)) != len(lane):
        raise ValueError("patients.patient_id must be unique")
    return pts, lane


def _check_event_days(p: Patients) -> None:
    """Markers must fall on the lane: known days between 0 and death / last contact."""
    for name, arr in (("max_response_day", p.resp), ("relapse_day", p.rel_day)):
        known = np.isfinite(arr)
        if (arr[known] < 0).any():
            raise ValueError(f"patients.{name} must not be negative")
        late = known & (arr > p.last)
        if late.any():
            bad = [p.lane[i] for i in np.flatnonzero(late)]
            raise ValueError(f"patients.{name} is after last_day (death / last contact) for {bad}")
    stray = np.isfinite(p.rel_day) & ~p.relapse
    if stray.any():
        bad = [p.lane[i] for i in np.flatnonzero(stray)]
        raise ValueError(f"patients.relapse_day is given but relapse is False for {bad}")


def read_patients(patients: Any) -> Patients:
    pts, lane = _lanes(patients)
    last = _float_column(pts, "last_day", "patients")
    if not np.isfinite(last).all():
        raise ValueError("patients.last_day must be known for every patient (no NaN)")
    if (last < 0).any():
        raise ValueError("patients.last_day must not be negative")
    p = Patients(
        lane=lane,
        last=last,
        death=_bool_column(pts, "death", "patients"),
        resp=_optional_days(pts, "max_response_day"),
        relapse=_optional_bool(pts, "relapse", "patients"),
        rel_day=_optional_days(pts, "relapse_day"),
        flags=_field_flags(pts),
        derived=_field_flags(pts, "derived"),
    )
    _check_event_days(p)
    return p


def read_sites(sites: Any, p: Patients) -> list[Course]:
    if sites is None:
        return []
    s = require_columns(sites, "sites", _SITE_REQUIRED).reset_index(drop=True)
    start = _float_column(s, "rt_start_day", "sites")
    end = _float_column(s, "rt_end_day", "sites")
    if not (np.isfinite(start).all() and np.isfinite(end).all()):
        raise ValueError("sites.rt_start_day and sites.rt_end_day must be known (no NaN)")
    if (start < 0).any() or (end < start).any():
        raise ValueError("sites: need 0 <= rt_start_day <= rt_end_day for every course")
    flag = _optional_bool(s, "reconstructed", "sites")
    derived = _optional_bool(s, "derived", "sites")
    index = {lab: i for i, lab in enumerate(p.lane)}
    out = []
    for k, pid in enumerate(s["patient_id"]):
        lab = f"Pt {pid}"
        if lab not in index:
            raise ValueError(f"sites.patient_id {pid!r} is not in patients")
        if end[k] > p.last[index[lab]]:
            raise ValueError(f"sites: RT course of {lab} ends after last_day")
        kind = "reconstructed" if flag[k] else ("derived" if derived[k] else "published")
        out.append(Course(lab, start[k], end[k], kind))
    return out
