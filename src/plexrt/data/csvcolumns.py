"""A data file read as columns of text cells, for files of registry size.

The rules are those of ``plexrt.data.csvfile.read_csv`` (THE reader): UTF-8 with or without a
byte-order mark, header on line 1, blank lines skipped (a line whose cells are all blank too), line
numbers counted as physical lines, a row with the wrong number of cells reported and left out. The
usual file (no cell spanning lines, no odd byte) is parsed by Arrow's C++ reader, where a row's line
is its record number; any other file goes through ``read_csv`` itself, so every unusual case has
one implementation and one wording.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from plexrt.data.csvfile import Problem, read_csv

# A line longer than this goes to the exact reader (and its limits), never the fast path.
_FAST_MAX_LINE = 10_000
# A quoted cell as the exact reader takes it: opened where the cell starts, its quotes doubled,
# closed where the cell ends. Arrow also reads what the exact reader refuses ('"x"y', '"x" '): a
# file with any other quote goes to the exact reader, which names the line.
_QUOTED_CELL = re.compile(r'(?:^|(?<=[,\n]))"(?:[^"]|"")*"(?=[,\n]|\Z)')


@dataclass(frozen=True)
class CsvColumns:
    """The header, each column's cells (same order as ``lines``), and for each kept row its
    physical line and its row number (1 = first non-blank row after the header)."""

    header: tuple[str, ...]
    columns: dict[str, list[str] | pa.ChunkedArray]
    lines: np.ndarray
    numbers: np.ndarray


def read_columns(path: Path, label: str | None = None) -> tuple[CsvColumns, list[Problem]]:
    """Read a CSV file as columns of text cells (see the module docstring)."""
    label = label or path.name
    fast = _fast(path, label)
    if fast is not None:
        return fast
    table, problems = read_csv(path, label)
    cols: dict[str, list[str] | pa.ChunkedArray] = {
        name: [r.cells[name] for r in table.rows] for name in table.header
    }
    lines = np.asarray([r.line for r in table.rows], dtype=np.int64)
    numbers = np.asarray([r.number for r in table.rows], dtype=np.int64)
    return CsvColumns(table.header, cols, lines, numbers), problems


def _text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if b"\x00" in data or b"\r" in data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if not text or ('"' in text and '"' in _QUOTED_CELL.sub("", text)):
        return None
    if max(map(len, text.split("\n", 50)[:50])) > _FAST_MAX_LINE:
        return None
    return text


def _skip(skipped: list, row: object) -> str:
    skipped.append(row)
    return "skip"


def arrow_text_table(text: str, width: int, delimiter: str = ",") -> tuple[pa.Table, list] | None:
    """``text`` parsed by Arrow's C++ CSV reader as ``width`` columns of text cells (the header a
    row like any other, blank lines kept, cells may hold line breaks), with the rows of another
    width left out and returned as Arrow's row records; None when Arrow cannot parse it (the caller
    then reads the file with the exact reader)."""
    skipped: list = []
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(use_threads=False, autogenerate_column_names=True),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=lambda row: _skip(skipped, row),
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{j}": pa.string() for j in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):
        return None
    return table, skipped


def _fast(path: Path, label: str) -> tuple[CsvColumns, list[Problem]] | None:
    text = _text(path)
    if text is None:
        return None
    first = text.split("\n", 1)[0]
    header = tuple(h.strip() for h in next(csv.reader([first])))
    if not first.strip() or len(set(header)) != len(header):
        return None
    parsed = arrow_text_table(text, len(header))
    if parsed is None:
        return None
    table, skipped = parsed
    n_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if table.num_columns != len(header) or table.num_rows + len(skipped) != n_lines:
        return None  # a cell spans lines: the exact reader counts them
    if any(r.number is None or "\n" in r.text for r in skipped):
        return None
    return _columns(table, header, skipped, n_lines, label)


def _blank(row: str) -> bool:
    """A row of another width that ``read_csv`` skips as blank: every cell blank to ``str.strip``
    (',,', a non-breaking space alone), not only spaces and tabs."""
    return not any(cell.strip() for cell in next(csv.reader([row]), []))


def _columns(
    table: pa.Table, header: tuple[str, ...], skipped: list, n_lines: int, label: str
) -> tuple[CsvColumns, list[Problem]]:
    """Blank rows out, numbering as ``read_csv`` counts it, wrong-width rows reported."""
    data = table.slice(1)
    line_of = np.setdiff1d(np.arange(1, n_lines + 1), [r.number for r in skipped])[1:]
    blank = np.ones(data.num_rows, dtype=bool)
    for j in range(data.num_columns):
        trimmed = pc.utf8_trim_whitespace(data.column(j))
        blank &= pc.equal(pc.utf8_length(trimmed), 0).to_numpy(zero_copy_only=False)
    wrong = [r for r in skipped if r.number > 1 and not _blank(r.text)]
    # Row numbers count every non-blank row after the header, kept or reported, in line order.
    kept_lines = line_of[~blank]
    every = np.sort(np.concatenate([kept_lines, [r.number for r in wrong]]).astype(np.int64))
    numbers = np.searchsorted(every, kept_lines) + 1
    problems = [
        Problem(
            label,
            int(r.number),
            None,
            f"has {r.actual_columns} fields, header has {len(header)}",
            row=int(np.searchsorted(every, r.number) + 1),
        )
        for r in wrong
    ]
    keep = pa.array(~blank)
    cols = {name: data.column(j).filter(keep) for j, name in enumerate(header)}
    return CsvColumns(header, cols, kept_lines.astype(np.int64), numbers.astype(np.int64)), problems
