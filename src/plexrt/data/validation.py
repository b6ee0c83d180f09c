"""Typed cells: each cell of a data file checked against its column spec (type, blank, allowed
values, plausible range) and read into a frame, with every problem named by file, line and column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from plexrt.data.csvcolumns import read_columns
from plexrt.data.csvfile import Problem, header_problems
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


def _parsed_column(cells: object, col: Col) -> tuple[pd.Series, np.ndarray, list]:
    """(values, codes, errors) of one column: ``parse_cell`` runs once per distinct text (a
    registry repeats its codes, doses and scores) and every cell takes its text's result. The
    column's type is inferred from the distinct values, as it would be from all of them."""
    if isinstance(cells, pa.ChunkedArray):
        encoded = cells.dictionary_encode().combine_chunks()
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        uniques = encoded.dictionary.to_pylist()
    else:
        codes, uniques = pd.factorize(np.asarray(cells, dtype=object))
    parsed = _parsed_texts(uniques, col) if col.kind == "text" else _parsed_cells(uniques, col)
    values = pd.Series(parsed[0]).take(codes).reset_index(drop=True)
    return values, codes, parsed[1]


def _parsed_cells(texts: list, col: Col) -> tuple[list, list]:
    parsed = [parse_cell(text, col) for text in texts]
    return [v for v, _ in parsed], [err for _, err in parsed]


def _parsed_texts(texts: list, col: Col) -> tuple[object, list]:
    """``parse_cell`` of distinct texts of a text column, whole-column (a registry's ids are
    100,000 distinct texts): stripped; blank is None; a value outside the choices is refused."""
    stripped = pd.Series(texts, dtype=object).str.strip()
    blank = stripped.eq("").to_numpy(dtype=bool)
    refused = np.zeros(len(texts), dtype=bool)
    if col.choices is not None:
        refused = ~blank & ~stripped.isin(list(col.choices)).to_numpy(dtype=bool)
    values = stripped.where(~(blank | refused), None).astype(object)
    errors: list = [None] * len(texts)
    for i in np.flatnonzero(blank | refused).tolist():
        errors[i] = parse_cell(texts[i], col)[1]  # the message, from the one rule
    return values.to_numpy(dtype=object), errors


def read_table(
    path: Path, spec: FileSpec, label: str | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read one CSV against its spec; returns (frame, problems). The frame has a ``_line`` column
    (line numbers count the header as 1) for later cross-file messages."""
    label = label or path.name
    table, problems = read_columns(path, label)
    if not table.header:
        return pd.DataFrame(), problems
    head = header_problems(table.header, spec.names, label)
    if any(name not in table.header for name in spec.names):
        return pd.DataFrame(columns=list(spec.names)), head
    lines, numbers = table.lines, table.numbers
    columns: dict[str, pd.Series] = {}
    found: list[tuple[int, int, Problem]] = []
    for j, col in enumerate(spec.columns):
        values, codes, errors = _parsed_column(table.columns[col.name], col)
        columns[col.name] = values
        refused = np.asarray([e is not None for e in errors] + [False])
        for i in np.flatnonzero(refused[codes]).tolist():
            err = errors[codes[i]]
            found.append((i, j, Problem(label, int(lines[i]), col.name, err, row=int(numbers[i]))))
    columns["_line"] = pd.Series(lines, dtype="int64")
    frame = pd.DataFrame(columns, columns=[*spec.names, "_line"])
    found += _duplicates(frame, spec, label)
    # Row problems in file order (the reader reports rows with a wrong cell count as it reads).
    found.sort(key=lambda f: (f[0], f[1]))
    problems += [p for _, _, p in found]
    problems.sort(key=lambda p: p.line or 0)
    return frame, head + problems


def _duplicates(frame: pd.DataFrame, spec: FileSpec, label: str) -> list[tuple[int, int, Problem]]:
    """A row whose key (all of it given) repeats an earlier row's, naming that row's line."""
    if not spec.key or frame.empty:
        return []
    keyed = frame[frame[list(spec.key)].notna().all(axis=1).to_numpy()]
    again = keyed.duplicated(subset=list(spec.key), keep="first").to_numpy()
    if not again.any():
        return []
    seen: dict[tuple, int] = {}
    out = []
    for i, key in zip(keyed.index, keyed[list(spec.key)].itertuples(index=False), strict=True):
        for problem in _duplicate(tuple(key), spec, int(frame["_line"].iat[i]), seen, label):
            out.append((int(i), len(spec.columns), problem))
    return out


def _duplicate(
    key: tuple, spec: FileSpec, line: int, seen: dict[tuple, int], label: str
) -> list[Problem]:
    if None in key:
        return []
    if key in seen:
        what = f"duplicate {'/'.join(map(str, key))} (first on line {seen[key]})"
        return [Problem(label, line, ", ".join(spec.key), what)]
    seen[key] = line
    return []
