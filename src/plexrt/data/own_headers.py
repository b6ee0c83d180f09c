"""The header row of a department's file: too many columns, a header too long, twice, unnamed
over values or holding an invisible character, and column names further down than the first line
(a title row above them). Used by ``own_readers`` for CSV and XLSX alike."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd

from plexrt.data.csvfile import Problem
from plexrt.data.own_problems import shown
from plexrt.data.own_template import MAX_CELL_CHARS, MAX_COLUMNS, every_known_column
from plexrt.data.text_limits import hidden_character


def too_wide(label: str, width: int) -> list[Problem]:
    """A file wider than ``MAX_COLUMNS`` columns, reported on its first line."""
    return [Problem(label, 1, None, f"{width} columns; at most {MAX_COLUMNS}")] * (
        width > MAX_COLUMNS
    )


NO_ROWS = "the file has a header but no data rows"


def header_problems(
    label: str, header: list[str], frame: pd.DataFrame, lines: np.ndarray
) -> list[Problem]:
    """Every problem of a table's header row (``frame``: its text cells, ``lines``: the line of
    each row), and a table without data rows."""
    # names further down say what is wrong; every column then "has values but no header"
    further = _header_further_down(label, header, frame, lines)
    problems = further + too_wide(label, len(header))
    seen: dict[str, int] = {}
    for j, h in enumerate(header):
        if len(h) > MAX_CELL_CHARS:
            problems.append(Problem(label, 1, None, f"header of column {j + 1} is too long"))
        elif hidden_character(h):
            typed = h.encode("ascii", "backslashreplace").decode()
            msg = (
                f"the header of column {j + 1} ('{typed}') holds an invisible or control "
                "character; retype it"
            )
            problems.append(Problem(label, 1, None, msg))
        key = h.lower()
        if h and key in seen:
            msg = f"the header '{shown(h)}' appears twice (columns {seen[key] + 1} and {j + 1})"
            problems.append(Problem(label, 1, h, msg))
        seen.setdefault(key, j)
        if not h and not further and frame[j].str.strip().ne("").any():
            problems.append(Problem(label, 1, None, f"column {j + 1} has values but no header"))
    if frame.empty:
        problems.append(Problem(label, 2, None, NO_ROWS))
    return problems


# Rows looked at for the template's column names when the first row holds none of them.
_HEADER_SEARCH_ROWS = 10


def _header_further_down(
    label: str, header: list[str], frame: pd.DataFrame, lines: np.ndarray
) -> list[Problem]:
    """A title or a blank-looking row above the column names (a department's spreadsheet often
    has one) makes every column look unnamed or missing: say where the names are."""
    names = every_known_column()
    if any(h.strip().lower() in names for h in header):
        return []
    for i in range(min(_HEADER_SEARCH_ROWS, len(frame))):
        cells = {str(v).strip().lower() for v in frame.iloc[i]}
        if len(cells & names) >= 2:
            return [_names_on_line(label, int(lines[i]))]
    return []


def csv_title_above_names(label: str, text: str) -> list[Problem]:
    """The same for a CSV file whose first line holds no column name: a title typed alone on that
    line (no separators after it) would be read as a header of one column, so every row below is
    'too long' and the file seems to have no rows. Each line is split by the separator it holds
    most of, as the first line is (``own_readers._delimiter``)."""
    names = every_known_column()
    start = 0
    for number in range(1, _HEADER_SEARCH_ROWS + 1):
        end = text.find("\n", start)
        line, start = (text[start:], len(text)) if end < 0 else (text[start:end], end + 1)
        delimiter = max((",", ";", "\t"), key=line.count)
        try:
            cells = next(csv.reader([line], delimiter=delimiter), [])
        except csv.Error:  # a quote opened on this line: not a line of names
            cells = []
        if len({c.strip().lower() for c in cells} & names) >= 2:
            return [] if number == 1 else [_names_on_line(label, number)]
        if (number == 1 and any(c.strip().lower() in names for c in cells)) or end < 0:
            return []
    return []


def _names_on_line(label: str, line: int) -> Problem:
    msg = (
        f"the column names (patient_id, ...) are on line {line}, not on the first line: delete "
        "the lines above them and import again"
    )
    return Problem(label, 1, None, msg)
