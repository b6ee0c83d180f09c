"""``OwnSeriesFrames``: a department's own series as three DataFrames in the stored shape.

The columns are exactly those of ``plexrt.data.own_schema``; the dtypes follow the stored kinds
(text: object with None for not known, integer: nullable Int64, number: float64, boolean: bool).
The import builds these frames, the user store writes and reads them, the analysis uses them.

The store helper defines an identical dataclass in ``own_schema``; at merge one of them stays.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from plexrt.data.own_schema import (
    ASSESSMENT_COLUMNS,
    COURSE_COLUMNS,
    PATIENT_COLUMNS,
    StoredColumn,
    names,
)

_DTYPES = {"text": "object", "integer": "Int64", "number": "float64", "boolean": "bool"}

TABLES: dict[str, tuple[StoredColumn, ...]] = {
    "patients": PATIENT_COLUMNS,
    "courses": COURSE_COLUMNS,
    "assessments": ASSESSMENT_COLUMNS,
}


@dataclass(frozen=True)
class OwnSeriesFrames:
    """patients, courses and assessments with exactly the own_schema columns."""

    patients: pd.DataFrame
    courses: pd.DataFrame
    assessments: pd.DataFrame

    def table(self, name: str) -> pd.DataFrame:
        """The frame called ``name`` ('patients' | 'courses' | 'assessments')."""
        return {
            "patients": self.patients,
            "courses": self.courses,
            "assessments": self.assessments,
        }[name]


def typed(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """``frame`` reduced to the stored columns of ``table``, in order, with the stored dtypes.

    Missing text becomes None (not NaN), so a stored 'not known' is the same whatever the source.
    """
    columns = TABLES[table]
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    for col in columns:
        dtype = _DTYPES[col.kind]
        if col.name in frame and str(frame[col.name].dtype) == dtype and col.kind != "text":
            out[col.name] = frame[col.name].to_numpy()  # already in the stored form
            continue
        values = frame[col.name].to_numpy() if col.name in frame else [None] * len(frame)
        series = pd.Series(values, index=out.index)
        if col.kind == "text":
            series = series.astype(object).where(series.notna(), None)
        elif col.kind == "integer":
            series = pd.to_numeric(series, errors="coerce").astype("Int64")  # raises if not whole
        elif col.kind == "number":
            series = pd.to_numeric(series, errors="coerce").astype("float64")
        else:
            series = series.fillna(False).astype(bool)
        out[col.name] = series
    return out


def empty_frames() -> OwnSeriesFrames:
    """A series with no rows (the columns and dtypes of the stored shape)."""
    return OwnSeriesFrames(
        *(typed(pd.DataFrame(columns=list(names(TABLES[t]))), t) for t in TABLES)
    )
