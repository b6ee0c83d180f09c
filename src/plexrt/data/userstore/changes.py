"""Changes to an own series: the cell-level difference of two versions, and follow-up edits.

``diff(old, new)`` lists what an updated import or a follow-up entry changes, one row per changed
value (old -> new) and one per row added or removed (the whole row), with values as canonical JSON;
an identical series gives no row. It is what the change history keeps and what undo reverses.
``Change`` is one follow-up edit (add, update or remove a row); ``apply_changes`` applies a list of
them to a copy of the frames. Both are pure, so the pages can preview a change before it is saved.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from plexrt.data.own_schema import DERIVED_COURSE_COLUMNS, TABLES, OwnSeriesFrames
from plexrt.data.userstore.audit import canonical
from plexrt.data.userstore.checks import value_problem
from plexrt.data.values import key_shown

HISTORY_COLUMNS = (
    "table_name",
    "change_kind",
    "patient_id",
    "course_no",
    "assessment_no",
    "column_name",
    "old_value",
    "new_value",
)
OPS = ("add", "update", "remove")


def plain(value: Any) -> Any:
    """A stored value as a plain Python value (None for unknown)."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def encode(value: Any) -> str | None:
    v = plain(value)
    return None if v is None else canonical(v)


def decode(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _key_parts(table: str, rows: pd.DataFrame) -> dict[str, pd.Series]:
    n = len(rows)
    return {
        "patient_id": rows["patient_id"].astype(object),
        "course_no": rows["course_no"].astype(object) if table != "patients" else [None] * n,
        "assessment_no": rows["assessment_no"].astype(object)
        if table == "assessments"
        else [None] * n,
    }


def _whole_rows(table: str, rows: pd.DataFrame, kind: str, names: list[str]) -> pd.DataFrame:
    body = [
        canonical({c: plain(v) for c, v in zip(names, r, strict=True)})
        for r in rows[names].itertuples(index=False)
    ]
    return pd.DataFrame(
        {
            "table_name": table,
            "change_kind": kind,
            **_key_parts(table, rows),
            "column_name": None,
            "old_value": body if kind == "removed" else None,
            "new_value": body if kind == "added" else None,
        }
    )


def _changed_cells(table: str, both: pd.DataFrame, others: list[str]) -> pd.DataFrame:
    parts = []
    for col in others:
        o, n = both[f"{col}__old"], both[f"{col}__new"]
        same = (o == n).fillna(False).astype(bool) | (o.isna() & n.isna())
        hit = both[~same.to_numpy()]
        if hit.empty:
            continue
        parts.append(
            pd.DataFrame(
                {
                    "table_name": table,
                    "change_kind": "changed",
                    **_key_parts(table, hit),
                    "column_name": col,
                    "old_value": [encode(v) for v in hit[f"{col}__old"]],
                    "new_value": [encode(v) for v in hit[f"{col}__new"]],
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else _empty()


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in HISTORY_COLUMNS})


def key_index(df: pd.DataFrame, key: Sequence[str]) -> pd.MultiIndex:
    """The rows' keys, comparable across frames (patient codes as text, numbers as integers)."""
    parts = [
        df[k].astype(str).to_numpy()
        if k == "patient_id"
        else pd.to_numeric(df[k]).astype("int64").to_numpy()
        for k in key
    ]
    return pd.MultiIndex.from_arrays(parts, names=list(key))


def _only(df: pd.DataFrame, key: Sequence[str], keys: pd.MultiIndex | None) -> pd.DataFrame:
    if keys is None:
        return df
    return df[key_index(df, key).isin(keys)]


def diff(
    old: OwnSeriesFrames,
    new: OwnSeriesFrames,
    only: Mapping[str, pd.MultiIndex] | None = None,
) -> pd.DataFrame:
    """Every difference between two versions of a series (both with the stored columns);
    ``only`` limits it to the rows with these keys per table (the rows a follow-up touched)."""
    parts = []
    for table, (columns, key) in TABLES.items():
        names = [c.name for c in columns]
        others = [n for n in names if n not in key]
        keys = None if only is None else only.get(table, key_index(new.table(table).iloc[:0], key))
        o = _only(old.table(table)[names], key, keys)
        n = _only(new.table(table)[names], key, keys)
        merged = o.merge(n, on=list(key), how="outer", suffixes=("__old", "__new"), indicator=True)
        removed = merged[merged["_merge"] == "left_only"]
        added = merged[merged["_merge"] == "right_only"]
        if len(removed):
            rows = removed.rename(columns={f"{c}__old": c for c in others})
            parts.append(_whole_rows(table, rows, "removed", names))
        if len(added):
            rows = added.rename(columns={f"{c}__new": c for c in others})
            parts.append(_whole_rows(table, rows, "added", names))
        parts.append(_changed_cells(table, merged[merged["_merge"] == "both"], others))
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True)[list(HISTORY_COLUMNS)] if parts else _empty()


def counts(changes: pd.DataFrame) -> dict[str, int]:
    """Rows added, rows changed (at least one value), rows removed, values changed."""
    kind = changes["change_kind"]
    cells = changes[kind == "changed"]
    rows_changed = cells.drop_duplicates(["table_name", "patient_id", "course_no", "assessment_no"])
    return {
        "rows_added": int((kind == "added").sum()),
        "rows_changed": len(rows_changed),
        "rows_removed": int((kind == "removed").sum()),
        "cells_changed": len(cells),
    }


# -- follow-up edits --------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One follow-up edit of a table ('patients' | 'courses' | 'assessments') at ``key`` (the
    table's key values in order: patient_id[, course_no[, assessment_no]]). ``op``: 'add' a new row,
    'update' the given values of an existing row, or 'remove' the row."""

    table: str
    key: tuple[Any, ...]
    op: str = "update"
    values: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def add(cls, table: str, key: Sequence[Any], **values: Any) -> Change:
        return cls(table, tuple(key), "add", values)

    @classmethod
    def update(cls, table: str, key: Sequence[Any], **values: Any) -> Change:
        return cls(table, tuple(key), "update", values)

    @classmethod
    def remove(cls, table: str, key: Sequence[Any]) -> Change:
        return cls(table, tuple(key), "remove", {})

    def label(self) -> str:
        keys = self.key if isinstance(self.key, tuple | list) else (self.key,)
        return f"{key_shown(self.table)} {'/'.join(key_shown(k) for k in keys)}"


def change_problems(changes: Sequence[Change], check_derived: bool = True) -> list[str]:
    """What keeps each change from being applied, whatever the stored rows (checked before any
    row is read: a key that is not valid text must not reach a query)."""
    return [p for ch in changes for p in _change_problems(ch, check_derived)]


def _change_problems(ch: Change, check_derived: bool) -> list[str]:
    if not isinstance(ch.table, str) or ch.table not in TABLES:
        return [f"{ch.label()}: unknown table (one of {', '.join(TABLES)})"]
    columns, key = TABLES[ch.table]
    if ch.op not in OPS:
        return [f"{ch.label()}: unknown operation {ch.op!r}"]
    if not isinstance(ch.key, tuple | list) or len(ch.key) != len(key):
        return [f"{ch.label()}: the key is {', '.join(key)}"]
    if not isinstance(ch.values, Mapping):
        return [f"{ch.label()}: the values must be given as column: value"]
    by_name = {c.name: c for c in columns}
    out = [f"{ch.label()}: unknown column {c!r}" for c in ch.values if c not in by_name or c in key]
    given = dict(zip(key, ch.key, strict=True)) | {
        c: v for c, v in ch.values.items() if c in by_name and c not in key
    }
    if ch.op == "add":
        given = {c.name: None for c in columns} | given
    for name, value in given.items():
        if plain(value) is None:
            problem = "is required but empty" if by_name[name].required else None
        else:
            problem = value_problem(value, by_name[name])
        if problem:
            out.append(f"{ch.label()}, {name}: {problem}")
    if check_derived and ch.table == "courses" and {"dose_gy", "fractions"} & set(ch.values):
        lacking = [c for c in DERIVED_COURSE_COLUMNS if c not in ch.values]
        if lacking:
            out.append(
                f"{ch.label()}: a new dose or fraction number needs the derived dose columns "
                f"recomputed with plexrt.clinical.dose ({', '.join(lacking)})"
            )
    return out


def _at(df: pd.DataFrame, key: tuple[str, ...], values: tuple[Any, ...]) -> np.ndarray:
    target = key_index(pd.DataFrame([values], columns=list(key)), key)
    return np.asarray(key_index(df, key).isin(target))


def touched(changes: Iterable[Change]) -> dict[str, pd.MultiIndex]:
    """The keys each table's changes concern (for ``diff(..., only=...)``)."""
    out: dict[str, pd.MultiIndex] = {}
    for table, (_, key) in TABLES.items():
        rows = [c.key for c in changes if c.table == table]
        out[table] = key_index(pd.DataFrame(rows, columns=list(key)), key)
    return out


_ELSEWHERE = " (added in another session?)"


def _key_id(ch: Change) -> tuple[Any, ...]:
    """The change's table and key as rows are compared (course 1.0 is course 1); the key was
    checked (text patient code, whole numbers) before."""
    return (ch.table, str(ch.key[0]), *(int(k) for k in ch.key[1:]))


def apply_changes(
    frames: OwnSeriesFrames, changes: Iterable[Change], check_derived: bool = True
) -> tuple[OwnSeriesFrames, list[str]]:
    """The frames with the changes applied in order (dtypes kept), and the problems found in the
    changes themselves (when there are any, the frames are returned unchanged)."""
    changes = list(changes)
    problems = change_problems(changes, check_derived)
    if problems:
        return frames, problems
    tables = {t: frames.table(t).copy() for t in TABLES}
    added: set[tuple[Any, ...]] = set()  # rows this entry added (table and key, as compared)
    for ch in changes:
        _, key = TABLES[ch.table]
        df = tables[ch.table]
        at = _at(df, key, ch.key)
        if ch.op == "add":
            if at.any():
                twice = _key_id(ch) in added
                why = "added twice in this entry" if twice else "already exists"
                problems.append(f"{ch.label()}: {why}" + ("" if twice else _ELSEWHERE))
                continue
            added.add(_key_id(ch))
            row = dict(zip(key, ch.key, strict=True)) | {c: plain(v) for c, v in ch.values.items()}
            new = pd.DataFrame([row], columns=df.columns).astype(df.dtypes.to_dict())
            tables[ch.table] = pd.concat([df, new], ignore_index=True)
        elif not at.any():
            problems.append(f"{ch.label()}: no such row (removed in another session?)")
        elif ch.op == "remove":
            tables[ch.table] = df[~at].reset_index(drop=True)
        else:
            for col, value in ch.values.items():
                v = plain(value)
                df.loc[at, col] = pd.NA if v is None and df[col].dtype != object else v
    return (frames, problems) if problems else (OwnSeriesFrames(**tables), [])
