"""Problems of an own series, found whole-column and reported cell by cell.

The checks mark rows with boolean masks (vectorised); ``ProblemLog`` keeps the marked rows and turns
them into ``Problem`` records at the end. A ``Locator`` says where a row of a frame came from (file,
line as a spreadsheet shows it, the file's header for a column), so a rule written on the stored
frames (``validate_own_series``) reports the import's problems by line and column; without one, a
problem names the patient and course instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from plexrt.data.csvfile import Problem
from plexrt.data.text_limits import encodable

_SHOWN_CHARS = 40
TEXT = "string[pyarrow]"  # cells as Arrow strings: whole-column text checks run in C++, not Python
_CONTROL = {i: f"\\x{i:02x}" for i in [*range(32), 127] if i not in (9,)}


def shown(value: object) -> str:
    """A cell value as a report may show it: control characters escaped, at most 40 characters."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float | np.floating):
        text = f"{float(value):g}"  # 11.0 -> 11, as typed
    else:
        text = str(value).translate(_CONTROL)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


@dataclass
class Locator:
    """Where each row of a frame came from.

    ``lines[table][i]`` is the line (CSV) or row (XLSX) of row i of the frame ``table`` in the file
    ``files[table]``; ``headers[table]`` maps a stored column to the header shown in the file;
    ``column_lines`` overrides the line for one column (REDCap: patient fields live on the
    patient's own row); ``reported`` marks cells already reported (a value that could not be read),
    so a rule does not report them again as missing.
    """

    files: dict[str, str]
    lines: dict[str, np.ndarray]
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    column_lines: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    reported: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)


@dataclass
class _Chunk:
    table: str
    rows: np.ndarray
    column: str | None
    messages: np.ndarray
    values: np.ndarray


class ProblemLog:
    """Problems collected as (table, rows, column, message, value) chunks."""

    def __init__(self) -> None:
        self._chunks: list[_Chunk] = []
        self.fixed: list[Problem] = []  # problems already located (file-level ones)

    def __len__(self) -> int:
        return len(self.fixed) + sum(len(c.rows) for c in self._chunks)

    def add(
        self,
        table: str,
        mask: np.ndarray | pd.Series,
        column: str | None,
        message: str | Sequence[str] | pd.Series | Callable[[np.ndarray], Sequence[str]],
        values: Sequence[object] | pd.Series | None = None,
    ) -> None:
        """Report every row where ``mask`` is true. ``message`` is one text for all rows, one per
        row of the whole frame, or a function of the marked rows' positions giving their texts
        (so a message is only built for the rows that have a problem); ``values`` one per row."""
        m = np.asarray(mask, dtype=bool)
        if not m.any():
            return
        rows = np.flatnonzero(m)
        if isinstance(message, str):
            msgs = np.full(len(rows), message, dtype=object)
        elif callable(message):
            msgs = np.asarray(list(message(rows)), dtype=object)
        else:
            msgs = np.asarray(message, dtype=object)[rows]
        vals = (
            np.full(len(rows), None, dtype=object)
            if values is None
            else np.asarray(values, dtype=object)[rows]
        )
        self._chunks.append(_Chunk(table, rows, column, msgs, vals))

    def problems(
        self, locator: Locator | None = None, keys: dict[str, np.ndarray] | None = None
    ) -> list[Problem]:
        """Every problem, sorted by file, line and column. With a locator, rows become file lines
        and columns the file's headers; without, each message starts with the row's key
        (``keys[table][i]``, e.g. "patient P003, course 2")."""
        out = list(self.fixed)
        for c in self._chunks:
            out.extend(_located(c, locator) if locator else _keyed(c, keys or {}))
        return sorted(out, key=lambda p: (p.file, p.line or 0, p.row or 0, p.column or ""))


def _located(c: _Chunk, loc: Locator) -> list[Problem]:
    lines = loc.column_lines.get((c.table, c.column or ""), loc.lines[c.table])
    header = loc.headers.get(c.table, {}).get(c.column or "", c.column)
    reported = loc.reported.get((c.table, c.column or ""))
    file = loc.files[c.table]
    out = []
    for row, msg, val in zip(c.rows, c.messages, c.values, strict=True):
        if reported is not None and reported[row]:
            continue
        line = int(lines[row])
        out.append(Problem(file, line, header, str(msg), row=None, value=shown(val)))
    return out


def _keyed(c: _Chunk, keys: dict[str, np.ndarray]) -> list[Problem]:
    names = keys.get(c.table)
    out = []
    for row, msg, val in zip(c.rows, c.messages, c.values, strict=True):
        head = f"{names[row]}: " if names is not None else ""
        out.append(
            Problem(c.table, None, c.column, head + str(msg), row=int(row) + 1, value=shown(val))
        )
    return out


def report_frame(problems: Sequence[Problem]) -> pd.DataFrame:
    """The downloadable problem report: file, row (line as the spreadsheet shows it), column,
    value (shown safely), problem. Write it with ``plexrt.export.tabular.safe_csv``."""
    return pd.DataFrame(
        {
            "file": [p.file for p in problems],
            "row": pd.array([p.line if p.line is not None else p.row for p in problems], "Int64"),
            "column": [p.column or "" for p in problems],
            "value": [p.value or "" for p in problems],
            "problem": [p.message for p in problems],
        }
    )


def map_unique(values: pd.Series, fn: Callable[[object], object]) -> pd.Series:
    """``values.map(fn)`` computed once per distinct value (a registry repeats a few cancer names
    over 100,000 rows); missing values stay missing."""
    codes, uniques = pd.factorize(values)
    mapped = np.asarray([fn(u) for u in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=values.index)


def arrow_text(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """``values`` (str or missing) as Arrow strings, and where a value is not valid Unicode (a lone
    surrogate: Arrow holds UTF-8 only); those are empty in the result, for the caller to report."""
    try:
        return values.astype(TEXT), np.zeros(len(values), dtype=bool)
    except UnicodeEncodeError:
        bad = np.fromiter(
            (isinstance(v, str) and not encodable(v) for v in values), bool, len(values)
        )
        return values.where(~bad, "").astype(TEXT), bad
