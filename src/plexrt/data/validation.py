"""Typed cells: each cell of a data file checked against its column spec (type, blank, allowed
values, plausible range) and read into a frame, with every problem named by file, line and column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from plexrt.data.csvfile import Problem, header_problems, read_csv
from plexrt.data.specs import Col, FileSpec
from plexrt.data.values import is_missing, number_problem, parse_number

_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no")


def _number(text: str, col: Col) -> tuple[float | int | None, str | None]:
    whole = col.kind == "int"
    problem = number_problem(text, whole=whole)
    if problem is None:
        return parse_number(text, whole=whole), None
    if whole:
        return None, f"'{text}' is not a whole number"
    if "finite" in problem:  # a number, but inf or nan
        return None, f"'{text}' is not a finite number"
    return None, f"'{text}' is not a number"


def _range_problem(text: str, value: float, col: Col) -> str | None:
    if col.positive and value <= 0:
        return f"{text} must be positive"
    lo, hi = col.min, col.max
    if (lo is None or value >= lo) and (hi is None or value <= hi):
        return None
    if lo is not None and hi is not None:
        allowed = f"{lo:g}–{hi:g}"
    elif lo is not None:
        allowed = f">= {lo:g}"
    else:
        allowed = f"<= {hi:g}"
    return f"{text} is outside the allowed range {allowed}"


def parse_cell(text: str, col: Col) -> tuple[object, str | None]:
    """Convert one cell; return (value, error message or None). A blank cell is None (unknown)."""
    v = text.strip()
    if is_missing(v):
        return None, ("is empty but required" if col.required else None)
    value: object = v
    if col.kind in ("int", "float"):
        number, err = _number(v, col)
        if err is None and number is not None:
            err = _range_problem(v, number, col)
        if err:
            return None, err
        value = number
    elif col.kind == "bool":
        if v.lower() not in _TRUE + _FALSE:
            return None, f"'{v}' is not true/false"
        value = v.lower() in _TRUE
    if col.choices is not None and value not in col.choices:
        return None, f"'{v}' is not one of: {', '.join(col.choices)}"
    return value, None


def read_table(
    path: Path, spec: FileSpec, label: str | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read one CSV against its spec; returns (frame, problems). The frame has a ``_line`` column
    (line numbers count the header as 1) for later cross-file messages."""
    label = label or path.name
    table, problems = read_csv(path, label)
    if not table.header:
        return pd.DataFrame(), problems
    head = header_problems(table.header, spec.names, label)
    if any(name not in table.header for name in spec.names):
        return pd.DataFrame(columns=list(spec.names)), head
    records = []
    seen: dict[tuple, int] = {}
    for row in table.rows:
        rec: dict[str, object] = {}
        for col in spec.columns:
            value, err = parse_cell(row.cells[col.name], col)
            if err:
                problems.append(Problem(label, row.line, col.name, err, row=row.number))
            rec[col.name] = value
        problems += _duplicate(rec, spec, row.line, seen, label)
        rec["_line"] = row.line
        records.append(rec)
    # Row problems in file order (the reader reports rows with a wrong cell count as it reads).
    problems.sort(key=lambda p: p.line or 0)
    problems = head + problems
    return pd.DataFrame.from_records(records, columns=[*spec.names, "_line"]), problems


def _duplicate(
    rec: dict[str, object], spec: FileSpec, line: int, seen: dict[tuple, int], label: str
) -> list[Problem]:
    key = tuple(rec[k] for k in spec.key)
    if None in key:
        return []
    if key in seen:
        what = f"duplicate {'/'.join(map(str, key))} (first on line {seen[key]})"
        return [Problem(label, line, ", ".join(spec.key), what)]
    seen[key] = line
    return []
