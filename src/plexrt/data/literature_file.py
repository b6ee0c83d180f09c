"""The literature file (``data/literature.csv``): read, every row checked by the record rules
(``literature_rules``) and unique series keys, all problems reported at once with file, data row,
physical line and column; typed by the column spec (``plexrt.data.literature``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from plexrt.data.csvfile import CsvRow, Problem, header_problems, read_csv
from plexrt.data.literature import (
    COLUMN_NAMES,
    DEFAULT_LITERATURE_PATH,
    INTEGER_COLUMNS,
    NUMBER_COLUMNS,
)
from plexrt.data.literature_rules import record_problems
from plexrt.data.values import is_missing, parse_number

__all__ = ["LiteratureFileError", "load_literature"]

# (data row or None for the header/the whole file, physical line, column, message)
_FileProblem = tuple[int | None, int | None, str, str]


class LiteratureFileError(ValueError):
    """The literature CSV is malformed. ``problems`` lists (data row, line, column, message)."""

    def __init__(self, path: str | Path, problems: list[_FileProblem]):
        self.path = str(path)
        self.problems = problems
        lines = []
        for row, line, column, message in problems:
            if line is None:
                lines.append(f"{self.path}: {message}")
                continue
            where = "header" if row is None else f"data row {row}"
            lines.append(f"{self.path}: {where} (line {line}), column '{column}': {message}")
        super().__init__("\n".join(lines))


def _as_tuple(p: Problem) -> _FileProblem:
    return (p.row, p.line, p.column or "(all)", p.message)


def _row_problems(rows: Sequence[CsvRow]) -> list[_FileProblem]:
    """Key and figure problems of every data row, in file order."""
    problems: list[_FileProblem] = []
    seen_keys: dict[str, int] = {}
    for row in rows:
        key = row.cells["series_key"].strip()
        if not key:
            problems.append((row.number, row.line, "series_key", "a series key is required"))
        elif key in seen_keys:
            problems.append(
                (
                    row.number,
                    row.line,
                    "series_key",
                    f"duplicate key {key!r} (also data row {seen_keys[key]})",
                )
            )
        else:
            seen_keys[key] = row.number
        for column, message in record_problems(row.cells, require_n=False):
            problems.append((row.number, row.line, column, message))
    return problems


def _typed(column: str, cells: Sequence[str]) -> pd.Series:
    """One column of text cells in its type: Int64, float (NaN = not reported) or text/None."""
    if column in INTEGER_COLUMNS:
        return pd.Series([parse_number(v, whole=True) for v in cells], dtype="Int64")
    if column in NUMBER_COLUMNS:
        return pd.Series([parse_number(v) for v in cells], dtype=float)
    return pd.Series([None if is_missing(v) else v.strip() for v in cells], dtype=object)


def load_literature(path: str | Path = DEFAULT_LITERATURE_PATH) -> pd.DataFrame:
    """Read and validate the literature CSV; one row per series.

    Integer columns come back as nullable ``Int64``, medians as float (NaN = not reported), text
    as object with None for empty cells. Raises LiteratureFileError (a ValueError) naming the file,
    the data row and physical line, and the column of every problem: missing or unknown columns,
    non-numeric figures, responders > n, negative counts, empty citation or series_key, duplicate
    keys, unknown population, figures without a source.
    """
    path = Path(path)
    table, problems = read_csv(path, str(path))
    if not table.header:
        raise LiteratureFileError(path, [_as_tuple(p) for p in problems])
    head = header_problems(table.header, COLUMN_NAMES, str(path))
    if head:
        raise LiteratureFileError(path, [_as_tuple(p) for p in head])
    found = [_as_tuple(p) for p in problems] + _row_problems(table.rows)
    if found:
        raise LiteratureFileError(path, sorted(found, key=lambda p: p[1] or 0))
    df = pd.DataFrame(
        {name: _typed(name, [r.cells[name] for r in table.rows]) for name in table.header}
    )
    return df.reset_index(drop=True)
