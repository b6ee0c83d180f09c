"""What an import would store, as the app shows it before the user commits: counts, the first
rows (in days from the patient's first RT start, as stored), and the changes an updated file
would make to the stored series (added / changed old -> new / removed), one row per change."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from plexrt.data.own_diff import KEYS, FramesDiff, TableDiff
from plexrt.data.own_schema import DERIVED_COURSE_COLUMNS, OwnSeriesFrames, age_texts
from plexrt.data.values import counted

TABLE_WORDS = {"patients": "patient", "courses": "course", "assessments": "assessment"}
EMPTY = "(empty)"  # a value not known (or an event that has not happened)
DIFF_COLUMNS = ["table", "row", "change", "column", "old", "new"]


@dataclass(frozen=True)
class Counts:
    patients: int
    courses: int
    assessments: int
    aged_90_plus: int

    def text(self) -> str:
        return (
            f"{counted(self.patients, 'patient')}, {counted(self.courses, 'course')} "
            f"(irradiated sites), {counted(self.assessments, 'assessment')}"
        )


def counts(frames: OwnSeriesFrames) -> Counts:
    p = frames.patients
    return Counts(
        len(p),
        len(frames.courses),
        len(frames.assessments),
        int(p["age_90_plus"].fillna(False).astype(bool).sum()),
    )


def first_rows(frames: OwnSeriesFrames, table: str, n: int = 10) -> pd.DataFrame:
    """The first ``n`` rows of ``table`` as they will be stored (every time in days from the
    patient's first RT start; the derived dose columns left out: they are computed, not read).
    Ages stored as 90 with the 90+ flag are shown as '90+'."""
    df = frames.table(table).head(n)
    if table == "courses":
        df = df.drop(columns=list(DERIVED_COURSE_COLUMNS))
    if table == "patients":
        df = df.copy()
        df["age"] = age_texts(df["age"], df["age_90_plus"])
        df = df.drop(columns=["age_90_plus"])
    return df.reset_index(drop=True)


def _row_names(table: str, rows: pd.DataFrame) -> list[str]:
    """'patient P003, course 2' for each row, from its key columns."""
    key = KEYS[table]
    words = ["patient", "course", "assessment"]
    return [
        ", ".join(f"{w} {_plain(v)}" for w, v in zip(words, values, strict=False))
        for values in rows[list(key)].itertuples(index=False)
    ]


def _plain(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table_changes(table: str, d: TableDiff) -> pd.DataFrame:
    parts = []
    if len(d.added):
        parts.append(_whole(table, d.added, "added"))
    if len(d.removed):
        parts.append(_whole(table, d.removed, "removed"))
    if len(d.changed):
        parts.append(
            pd.DataFrame(
                {
                    "table": table,
                    "row": _row_names(table, d.changed),
                    "change": "changed",
                    "column": d.changed["column"].astype(str).to_numpy(),
                    "old": [_plain(v) or EMPTY for v in d.changed["old"]],
                    "new": [_plain(v) or EMPTY for v in d.changed["new"]],
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=DIFF_COLUMNS)


def _whole(table: str, rows: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Added or removed rows: one line per row (no column, no values: the whole row)."""
    return pd.DataFrame(
        {
            "table": table,
            "row": _row_names(table, rows),
            "change": kind,
            "column": "",
            "old": "",
            "new": "",
        }
    )


def diff_table(diff: FramesDiff) -> pd.DataFrame:
    """Every change an updated import would make, one row each: table, row ('patient P003,
    course 2'), change (added / changed / removed), column, old, new (values as stored: days)."""
    parts = [_table_changes(t, getattr(diff, t)) for t in ("patients", "courses", "assessments")]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=DIFF_COLUMNS)
    return pd.concat(parts, ignore_index=True)[DIFF_COLUMNS]
