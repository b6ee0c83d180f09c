"""What an updated import would change in a stored own series: rows added, removed, and changed
(old -> new, column by column), matched by key (patient; patient + course; patient + course +
assessment). Re-importing the same file gives an empty diff: nothing to write.

Numbers are equal when they agree to 1e-9 (the derived doses are recomputed on every import);
two unknowns are equal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from plexrt.data.own_schema import (
    ASSESSMENT_KEY,
    COURSE_KEY,
    PATIENT_KEY,
    TABLES,
    OwnSeriesFrames,
    typed,
)
from plexrt.data.values import counted

KEYS = {"patients": PATIENT_KEY, "courses": COURSE_KEY, "assessments": ASSESSMENT_KEY}


@dataclass(frozen=True)
class TableDiff:
    """``added`` and ``removed`` hold whole rows; ``changed`` one row per changed value: the key
    columns, ``column``, ``old``, ``new``."""

    added: pd.DataFrame
    removed: pd.DataFrame
    changed: pd.DataFrame

    @property
    def is_empty(self) -> bool:
        return self.added.empty and self.removed.empty and self.changed.empty

    def summary(self) -> str:
        rows = self.changed.drop_duplicates(
            [c for c in self.changed if c not in ("column", "old", "new")]
        )
        return (
            f"{len(self.added)} added, {len(rows)} changed ({len(self.changed)} values), "
            f"{len(self.removed)} removed"
        )


@dataclass(frozen=True)
class FramesDiff:
    patients: TableDiff
    courses: TableDiff
    assessments: TableDiff

    @property
    def is_empty(self) -> bool:
        return self.patients.is_empty and self.courses.is_empty and self.assessments.is_empty

    def removed_words(self) -> str | None:
        """'3 patients, 58 assessments': the stored rows the update removes (None: none)."""
        counts = [(len(getattr(self, t).removed), t) for t in TABLES]
        words = [counted(n, t.removesuffix("s")) for n, t in counts if n]
        return ", ".join(words) or None

    def summary(self) -> str:
        """'patients: 1 added, 0 changed (0 values), 0 removed; courses: ...' or 'no change'."""
        if self.is_empty:
            return "no change: the series already holds exactly these rows"
        return "; ".join(f"{t}: {getattr(self, t).summary()}" for t in TABLES)


def diff_frames(old: OwnSeriesFrames, new: OwnSeriesFrames) -> FramesDiff:
    """What replacing ``old`` by ``new`` changes, table by table."""
    return FramesDiff(*(_diff_table(t, old.table(t), new.table(t)) for t in TABLES))


def _diff_table(table: str, old: pd.DataFrame, new: pd.DataFrame) -> TableDiff:
    key = list(KEYS[table])
    old, new = typed(old, table), typed(new, table)
    if old.empty or new.empty:  # a first import (or an emptied series): whole rows only
        nothing = pd.DataFrame(columns=[*key, "column", "old", "new"])
        return TableDiff(new.copy(), old.copy(), nothing)
    merged = old.merge(new, on=key, how="outer", suffixes=("_old", "_new"), indicator=True)
    left = (merged["_merge"] == "left_only").to_numpy()
    right = (merged["_merge"] == "right_only").to_numpy()
    both = (merged["_merge"] == "both").to_numpy()
    removed = _side(merged[left], key, old.columns, "_old")
    added = _side(merged[right], key, new.columns, "_new")
    changes = []
    kinds = {c.name: c.kind for c in TABLES[table][0]}
    common = merged[both]
    for col in old.columns:
        if col in key:
            continue
        a, b = common[f"{col}_old"], common[f"{col}_new"]
        differs = ~_equal(a, b, kinds[col])
        if differs.any():
            part = common.loc[differs, key].copy()
            part["column"] = col
            part["old"] = a[differs].astype(object).to_numpy()
            part["new"] = b[differs].astype(object).to_numpy()
            changes.append(part)
    columns = [*key, "column", "old", "new"]
    changed = pd.concat(changes, ignore_index=True) if changes else pd.DataFrame(columns=columns)
    return TableDiff(added, removed, changed.reset_index(drop=True))


def _side(rows: pd.DataFrame, key: list[str], columns, suffix: str) -> pd.DataFrame:
    out = rows[key].copy()
    for col in columns:
        if col not in key:
            out[col] = rows[f"{col}{suffix}"]
    return out.reset_index(drop=True)


def _equal(a: pd.Series, b: pd.Series, kind: str) -> np.ndarray:
    na_a, na_b = a.isna().to_numpy(), b.isna().to_numpy()
    if kind in ("integer", "number"):
        x = a.to_numpy(dtype="float64", na_value=np.nan)
        y = b.to_numpy(dtype="float64", na_value=np.nan)
        same = np.isclose(x, y, rtol=1e-9, atol=1e-9)
    else:
        same = a.astype(object).to_numpy() == b.astype(object).to_numpy()
    return (na_a & na_b) | (~na_a & ~na_b & same)
