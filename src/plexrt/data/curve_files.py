"""The two files behind a published Kaplan-Meier curve: its digitised points and its risk table.

Points (``time,survival``) as WebPlotDigitizer exports them ("View Data" -> "Download .CSV"), or
any two-column file of the same shape:

* two columns, time then survival (a proportion 0-1 or a percentage 0-100, a trailing ``%`` allowed);
* no header, or a header of one or two lines (``x,y``; ``time,survival``; WebPlotDigitizer's
  ``Dataset 1`` line above ``X,Y``): a line of which no cell is a number, before the first
  point, is a header; a line with a number in it is a point, so a mistyped value in the first
  lines (``3,O.8``) is reported, never dropped as a header;
* separated by commas, semicolons or tabs (the first line holding one decides: WebPlotDigitizer's
  ``Dataset 1`` holds none); with semicolons or tabs a
  decimal comma is read as a decimal point (``0,95``), as spreadsheets in many locales write it;
  with commas a decimal comma is possible only inside quotes (``"0,95"``).

Risk table (``time,at_risk``): a header naming both columns, one row per time of the number-at-risk
table printed under the figure, starting at time 0 (the patients in the curve); times increasing,
counts whole, at most ``literature_rules.MAX_COUNT`` (a series' largest count) and never growing.
Same separators and decimal commas.

Files are read as the project reads every CSV (``plexrt.data.csvfile``): UTF-8 with or without a
byte-order mark, blank lines skipped, lines counted as physical lines; every problem is reported at
once, naming the file, the line and the column (``DataError``); nothing is returned from a bad file.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from plexrt.data.csvfile import DataError, Problem, file_too_big, header_problems
from plexrt.data.literature_rules import MAX_COUNT
from plexrt.data.values import counted, is_missing, parse_number

__all__ = [
    "POINTS_FORMAT",
    "RISK_COLUMNS",
    "RISK_FORMAT",
    "CurvePoints",
    "RiskRows",
    "load_points",
    "load_risk_table",
    "read_points",
    "read_risk_table",
]

POINTS_FORMAT = (
    "Two columns, time then survival (proportion or percentage), one point per line, as "
    "WebPlotDigitizer exports them; a header line is optional; commas, semicolons or tabs; a "
    "decimal comma with semicolons or tabs."
)
RISK_COLUMNS = ("time", "at_risk")
RISK_FORMAT = (
    "A header 'time,at_risk', then one row per time of the published number-at-risk table, "
    "starting at time 0 with the number of patients."
)
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+")
_MAX_HEADER_LINES = 2
# A digitised curve is some hundreds of points (WebPlotDigitizer), a risk table a few rows; 2 MB
# holds some 100,000 points. A 75 MB file of 3 million points took minutes before any answer.
MAX_FILE_BYTES = 2 * 1024 * 1024


def _too_big(label: str, size: int) -> DataError:
    return DataError([file_too_big(label, size, MAX_FILE_BYTES)])


@dataclass(frozen=True)
class CurvePoints:
    """Digitised points as read (cleaning is ``plexrt.stats.curve_points``), with their lines."""

    time: np.ndarray
    survival: np.ndarray
    lines: np.ndarray
    label: str


@dataclass(frozen=True)
class RiskRows:
    """The published number-at-risk table as read."""

    time: np.ndarray
    at_risk: np.ndarray
    lines: np.ndarray
    label: str


def _text(data: bytes, label: str) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(label, len(data))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError([Problem(label, None, None, f"not UTF-8 text ({exc.reason})")]) from None


def _rows(text: str, label: str) -> list[tuple[int, list[str]]]:
    """(physical line, cells) of every non-blank row; empty cells after the second dropped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        return _cells_of(reader)
    except csv.Error as exc:  # a field over the csv module's limit (131,072 characters)
        problem = Problem(label, reader.line_num, None, f"cannot be read as CSV ({exc})")
        raise DataError([problem]) from None


def _delimiter(text: str) -> str:
    """The separator of the first line that holds one (a semicolon before a tab before a comma)."""
    for line in text.splitlines():
        for delimiter in (";", "\t", ","):
            if delimiter in line:
                return delimiter
    return ","


def _cells_of(reader: Any) -> list[tuple[int, list[str]]]:
    out = []
    previous = 0
    for cells in reader:
        start, previous = previous + 1, reader.line_num
        while len(cells) > 2 and not cells[-1].strip():
            cells.pop()  # a trailing separator (spreadsheets add one)
        if any(c.strip() for c in cells):
            out.append((start, [c.strip() for c in cells]))
    return out


def _number(cell: str) -> float | None:
    """A cell as a number (decimal comma and a trailing % accepted), None when it is not one."""
    text = cell.strip().removesuffix("%").strip()
    if _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    try:
        value = parse_number(text)
    except ValueError:
        return None
    return None if value is None else float(value)


def _is_header(cells: list[str]) -> bool:
    # A header is words only: a line holding a number is a point, even with its other cell
    # mistyped, and is reported as such instead of being dropped (a lost step of the curve).
    return all(_number(c) is None for c in cells)


def _point_problems(rows, label: str) -> tuple[list[tuple[float, float, int]], list[Problem]]:
    points, problems = [], []
    for line, cells in rows:
        if len(cells) != 2:
            hint = " (export one curve at a time)" if len(cells) > 2 else ""
            problems.append(
                Problem(
                    label,
                    line,
                    None,
                    f"has {counted(len(cells), 'value')}, expected 2: time, survival{hint}",
                )
            )
            continue
        values = [_number(c) for c in cells]
        for name, cell, value in zip(("time", "survival"), cells, values, strict=True):
            if value is None:
                what = "empty" if is_missing(cell) else f"not a number: {cell[:30]!r}"
                problems.append(Problem(label, line, name, what))
        if None not in values:
            points.append((values[0], values[1], line))
    return points, problems  # type: ignore[return-value]


def read_points(data: bytes, label: str) -> CurvePoints:
    """Digitised points from the bytes of a file (see POINTS_FORMAT); raises DataError."""
    rows = _rows(_text(data, label), label)
    header = 0
    while header < min(_MAX_HEADER_LINES, len(rows)) and _is_header(rows[header][1]):
        header += 1
    points, problems = _point_problems(rows[header:], label)
    if not problems and len(points) < 2:
        problems.append(
            Problem(
                label, None, None, f"has {counted(len(points), 'point')}; a curve needs at least 2"
            )
        )
    if problems:
        raise DataError(problems)
    arr = np.asarray(points, dtype=float)
    return CurvePoints(arr[:, 0], arr[:, 1], arr[:, 2].astype(np.int64), label)


def _risk_header(rows, label: str) -> list[Problem]:
    if not rows:
        return [Problem(label, None, None, "file is empty (no header row)")]
    names = [c.lower().replace(" ", "_") for c in rows[0][1]]
    return [
        Problem(label, rows[0][0], p.column, p.message)
        for p in header_problems(names, RISK_COLUMNS, label)
    ]


def _risk_values(rows, label: str) -> tuple[list[tuple[float, int, int]], list[Problem]]:
    names = [c.lower().replace(" ", "_") for c in rows[0][1]]
    out, problems = [], []
    for line, cells in rows[1:]:
        if len(cells) != len(names):
            problems.append(
                Problem(label, line, None, f"has {len(cells)} fields, header has {len(names)}")
            )
            continue
        cell = dict(zip(names, cells, strict=True))
        t = _number(cell["time"])
        n = _number(cell["at_risk"])
        if t is None or t < 0:
            problems.append(
                Problem(
                    label, line, "time", f"must be a number 0 or more, got {cell['time'][:30]!r}"
                )
            )
        if n is None or n < 0 or n != int(n):
            problems.append(
                Problem(
                    label,
                    line,
                    "at_risk",
                    f"must be a whole number 0 or more, got {cell['at_risk'][:30]!r}",
                )
            )
        elif n > MAX_COUNT:
            problems.append(
                Problem(label, line, "at_risk", f"must be at most {MAX_COUNT:,}, got {n:g}")
            )
        if not (t is None or n is None or n > MAX_COUNT):
            out.append((t, int(n), line))
    return out, problems


def _risk_order(values, label: str) -> list[Problem]:
    """Time 0 first, times increasing, counts never growing (a table under a KM figure)."""
    if not values:
        return [Problem(label, None, None, "has no rows: give at least time 0 and the patients")]
    problems = []
    if values[0][0] != 0:
        problems.append(
            Problem(
                label,
                values[0][2],
                "time",
                "the first row must be time 0 (the patients at the start)",
            )
        )
    for (t0, n0, _), (t1, n1, line) in zip(values, values[1:], strict=False):
        if t1 <= t0:
            problems.append(
                Problem(label, line, "time", f"{t1:g} is not after the previous row's {t0:g}")
            )
        if n1 > n0:
            problems.append(
                Problem(
                    label,
                    line,
                    "at_risk",
                    f"{n1} is more than the previous row's {n0}: numbers at risk cannot grow",
                )
            )
    return problems


def read_risk_table(data: bytes, label: str) -> RiskRows:
    """The number-at-risk table from the bytes of a file (see RISK_FORMAT); raises DataError."""
    rows = _rows(_text(data, label), label)
    problems = _risk_header(rows, label)
    if problems:
        raise DataError(problems)
    values, problems = _risk_values(rows, label)
    problems += [] if problems else _risk_order(values, label)
    if problems:
        raise DataError(problems)
    arr = np.asarray(values, dtype=float)
    return RiskRows(arr[:, 0], arr[:, 1].astype(np.int64), arr[:, 2].astype(np.int64), label)


def _read_bytes(path: Path | str) -> tuple[bytes, str]:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:  # not read into memory first
            raise _too_big(str(path), size)
        return path.read_bytes(), str(path)
    except FileNotFoundError:
        raise DataError([Problem(str(path), None, None, "file is missing")]) from None
    except OSError as exc:
        raise DataError(
            [Problem(str(path), None, None, f"cannot be read ({exc.strerror})")]
        ) from None


def load_points(path: Path | str) -> CurvePoints:
    return read_points(*_read_bytes(path))


def load_risk_table(path: Path | str) -> RiskRows:
    return read_risk_table(*_read_bytes(path))
