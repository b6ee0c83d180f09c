"""Read a department's file (CSV, XLSX, or a REDCap raw CSV export) into text tables.

Every cell is kept as text ('' = empty) with the line of its row as the user sees it: the physical
line of a CSV file (a quoted cell may span lines), the row number of an XLSX sheet. Nothing is
interpreted here beyond the file's structure; the cells are checked by ``own_cells``.

Refused with a message naming the file and the line or cell: an empty or oversized file, text that
is not UTF-8 (a Latin-1 / Windows-1252 or UTF-16 file: we do not guess an encoding, since a wrong
guess silently changes values; the message says how to save as UTF-8), NUL bytes, an unclosed
quote, rows whose cell count differs from the header's, too many rows, columns or characters in a
cell, duplicate or missing headers, and in XLSX formula cells, error cells, macros, external links,
encrypted or legacy (.xls) workbooks and archives that unpack to far more than they hold (zip bombs).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from plexrt.data import own_xlsx
from plexrt.data.csvcolumns import arrow_text_table
from plexrt.data.csvfile import Problem, file_too_big
from plexrt.data.own_headers import NO_ROWS, csv_title_above_names, header_problems, too_wide
from plexrt.data.own_problems import TEXT, shown
from plexrt.data.own_template import (
    ASSESSMENTS,
    COURSES,
    MAX_CELL_CHARS,
    MAX_FILE_BYTES,
    MAX_ROWS,
)
from plexrt.data.values import counted

_SAVE_AS = "save it as 'CSV UTF-8' (Excel: File > Save As > CSV UTF-8) and import it again"


@dataclass
class RawTable:
    """A table as read: text cells (dtype ``TEXT``, '' = empty) under the file's headers, the line
    of each row, and for columns whose cells live on other lines (REDCap patient fields) the line
    of each of those cells. ``shown`` names the file's own header of a column the reader renamed
    (REDCap's ``redcap_repeat_instance`` holds the course number), for messages."""

    label: str
    frame: pd.DataFrame
    lines: np.ndarray
    column_lines: dict[str, np.ndarray] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)
    # columns named by the reader for an empty or repeated header: refused as header problems
    renamed: frozenset[str] = frozenset()


@dataclass
class ReadResult:
    """The tables read from one file ('courses' and/or 'assessments'), with the problems that
    stopped reading and notices about what was read."""

    tables: dict[str, RawTable] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    kind: str = "csv"


def read_path(path: Path | str, role: str = COURSES) -> ReadResult:
    """Read a file from disk (``role``: what a CSV file holds, 'courses' or 'assessments')."""
    path = Path(path)
    label = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return ReadResult(problems=[_too_big(label, size)])
        data = path.read_bytes()
    except FileNotFoundError:
        return ReadResult(problems=[Problem(label, None, None, "the file does not exist")])
    except OSError as exc:
        return ReadResult(problems=[Problem(label, None, None, f"cannot be read ({exc.strerror})")])
    return read_upload(data, label, role)


# A file named as an Excel workbook that does not hold one (cut short, or another file renamed):
# read as CSV text, its first bytes became a header and every required column was 'missing'.
_WORKBOOK_NAMES = (".xlsx", ".xlsm", ".xls")


def read_upload(data: bytes, label: str, role: str = COURSES) -> ReadResult:
    """Read a file's bytes: an XLSX workbook (by its content, whatever its name) or CSV text; a
    file named as a workbook that holds none is refused."""
    if len(data) > MAX_FILE_BYTES:
        return ReadResult(problems=[_too_big(label, len(data))])
    if not data.strip():
        return ReadResult(problems=[Problem(label, None, None, "the file is empty")])
    if data.startswith(own_xlsx.ZIP_MAGIC) or data.startswith(own_xlsx.OLE_MAGIC):
        return _from_xlsx(data, label)
    if label.lower().endswith(_WORKBOOK_NAMES):
        suffix = label[label.rfind(".") :]
        what = (
            f"the file is named {suffix} but is not an Excel workbook (damaged, cut short, or "
            f"another kind of file renamed): save it again from Excel, or if it is CSV text, "
            f"name it .csv and import it again"
        )
        return ReadResult(problems=[Problem(label, None, None, what)])
    return read_csv_bytes(data, label, role)


def _too_big(label: str, size: int) -> Problem:
    return file_too_big(label, size, MAX_FILE_BYTES)  # read at call time: tests lower the limit


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------


def read_csv_bytes(data: bytes, label: str, role: str = COURSES) -> ReadResult:
    """CSV bytes -> one table called ``role``; every problem with its line."""
    text, problems = _decode(data, label)
    if text is None:
        return ReadResult(problems=problems)
    delimiter = _delimiter(text)
    notices = []
    if delimiter != ",":
        name = {";": "semicolons", "\t": "tabs"}[delimiter]
        notices.append(f"{label}: cells are separated by {name}; read as such.")
    wide = too_wide(label, _header_width(text, delimiter))
    if wide:  # before any cell is read: a 50,000-column header would take minutes
        return ReadResult(problems=wide, notices=notices)
    title = csv_title_above_names(label, text)
    if title:  # every other problem would come from reading the title as the header
        return ReadResult(problems=title, notices=notices)
    fast = _arrow_table(text, label, delimiter)
    if fast is not None:
        table, problems = fast
        result = ReadResult({role: table} if table is not None else {}, problems, notices)
        return _optional(result, label, role)
    header, rows, lines, problems = _csv_rows(text, label, delimiter)
    if problems and not rows:
        return ReadResult(problems=problems, notices=notices)
    table, more = _table(label, header, rows, np.asarray(lines, dtype=np.int64))
    return _optional(ReadResult({role: table}, problems + more, notices), label, role)


def no_assessments(label: str) -> str:
    """The notice for an assessments table with its header alone."""
    return f"{label}: no assessment rows; no assessments read."


def _optional(result: ReadResult, label: str, role: str) -> ReadResult:
    """The assessments are optional, and the template's assessments file comes with its header
    alone: given as it came, it holds none (as an XLSX template's untouched sheet), not a refusal."""
    table = result.tables.get(role)
    if role != ASSESSMENTS or table is None or not table.frame.empty:
        return result
    result.tables.pop(role)
    result.problems = [p for p in result.problems if p != Problem(label, 2, None, NO_ROWS)]
    result.notices.append(no_assessments(label))
    return result


def _arrow_table(
    text: str, label: str, delimiter: str
) -> tuple[RawTable | None, list[Problem]] | None:
    """The fast path (Arrow's C++ CSV reader) for the usual file: no cell spans lines, so the line
    of each row is known. None when the file needs the exact reader below (a cell with a line
    break, an unclosed quote, an odd line ending): that one reads it, reporting by line."""
    if text.count('"') % 2:  # a quote never closed: the exact reader names its line
        return None
    first = text.split("\n", 1)[0]
    try:
        width = len(next(csv.reader([first], delimiter=delimiter, strict=True)))
    except (csv.Error, StopIteration):
        return None
    parsed = arrow_text_table(text, width, delimiter)
    if parsed is None:
        return None
    table, skipped = parsed
    columns = [table.column(j) for j in range(table.num_columns)]
    if not width or len(columns) != width or any(c.type != pa.string() for c in columns):
        return None
    # Records are split at line ends only (LF or CRLF; a lone CR goes to the exact reader), and
    # there are as many records as lines: so no cell spans lines, and record i is on line i + 1.
    n_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if text.count("\r") != text.count("\r\n"):
        return None
    if table.num_rows + len(skipped) != n_lines or any(r.number is None for r in skipped):
        return None
    if table.num_rows - 1 > MAX_ROWS:
        msg = f"the file has more than {MAX_ROWS:,} data rows; split it or ask for a bulk load"
        return None, [Problem(label, MAX_ROWS + 2, None, msg)]
    lines = np.setdiff1d(np.arange(1, n_lines + 1), [r.number for r in skipped])
    problems = [
        Problem(
            label,
            int(r.number),
            None,
            f"this row has {r.actual_columns} cells, the header has {width}",
        )
        for r in skipped
        if r.text.replace(delimiter, "").replace('"', "").strip()  # a row of empty cells is blank
    ]
    header = [str(c[0].as_py()) for c in columns]
    frame = pd.DataFrame(
        {
            j: pd.arrays.ArrowStringArray(pa.chunked_array(c.slice(1).chunks, type=pa.string()))
            for j, c in enumerate(columns)
        }
    )
    return _finish(label, header, frame, lines[1:], problems)


def _decode(data: bytes, label: str) -> tuple[str | None, list[Problem]]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        msg = f"the file is UTF-16 text ('Unicode text'); {_SAVE_AS}"
        return None, [Problem(label, 1, None, msg)]
    nul = _lines_of(data, 0)
    if len(nul):
        head = ", ".join(map(str, nul[:10])) + (" ..." if len(nul) > 10 else "")
        msg = f"the file holds NUL bytes (binary data, not a CSV text file) on {'line' if len(nul) == 1 else 'lines'} {head}"
        return None, [Problem(label, int(nul[0]), None, msg)]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        line = data[: exc.start].count(b"\n") + 1
        count = sum(1 for ln in data.split(b"\n") if _not_utf8(ln))
        msg = (
            f"the file is not UTF-8 text: byte 0x{bad} on line {line} ({counted(count, 'line')} affected), "
            f"typical of a file saved as Latin-1 / Windows-1252 ('ANSI'); {_SAVE_AS}. "
            "PlexRT does not guess the encoding, because a wrong guess would change values silently"
        )
        return None, [Problem(label, line, None, msg)]


def _not_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _lines_of(data: bytes, byte: int) -> np.ndarray:
    """The (1-based) lines on which ``byte`` occurs."""
    arr = np.frombuffer(data, dtype=np.uint8)
    where = np.flatnonzero(arr == byte)
    if not len(where):
        return where
    newlines = np.flatnonzero(arr == 10)
    return np.unique(np.searchsorted(newlines, where) + 1)


def _delimiter(text: str) -> str:
    """',' unless the header line holds more ';' or tabs (European spreadsheets save with ';')."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _csv_rows(
    text: str, label: str, delimiter: str
) -> tuple[list[str], list[list[str]], list[int], list[Problem]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    try:
        header = next(reader)
        previous = reader.line_num
        for cells in reader:
            start, previous = previous + 1, reader.line_num
            if len(rows) >= MAX_ROWS:
                msg = f"the file has more than {MAX_ROWS:,} data rows; split it or ask for a bulk load"
                return header, rows, lines, [Problem(label, start, None, msg)]
            rows.append(cells)
            lines.append(start)
    except StopIteration:
        return [], [], [], [Problem(label, 1, None, "the file is empty (no header row)")]
    except csv.Error as exc:
        msg = f"the CSV structure is broken ({exc}), e.g. a quote that is never closed"
        return [], [], [], [Problem(label, reader.line_num, None, msg)]
    return header, rows, lines, problems


def _table(
    label: str, header: list[str], rows: list[list[str]], lines: np.ndarray
) -> tuple[RawTable, list[Problem]]:
    """Rows -> RawTable: blank rows dropped, rows with the wrong cell count reported."""
    width = len(header)
    problems: list[Problem] = []
    keep = np.ones(len(rows), dtype=bool)
    for i, cells in enumerate(rows):
        if len(cells) == width:
            continue
        if not any(c.strip() for c in cells):
            keep[i] = False
            continue
        keep[i] = False
        msg = f"this row has {len(cells)} cells, the header has {width}"
        problems.append(Problem(label, int(lines[i]), None, msg))
    kept = [r for r, k in zip(rows, keep, strict=True) if k]
    columns = list(zip(*kept, strict=True)) if kept else [()] * width
    frame = pd.DataFrame({j: pd.array(list(col), dtype=TEXT) for j, col in enumerate(columns)})
    return _finish(label, header, frame, lines[keep], problems)


def _finish(
    label: str, header: list[str], frame: pd.DataFrame, lines: np.ndarray, problems: list[Problem]
) -> tuple[RawTable, list[Problem]]:
    """Drop blank rows and unnamed empty columns, name the columns, check headers and lengths."""
    header = [h.strip() for h in header]
    frame.columns = range(len(header))
    blank = np.ones(len(frame), dtype=bool)
    for j in frame.columns:
        blank &= frame[j].str.strip().eq("").to_numpy(dtype=bool, na_value=True)
    frame, lines = frame[~blank].reset_index(drop=True), lines[~blank]
    problems = header_problems(label, header, frame, lines) + problems
    named = [j for j, h in enumerate(header) if h or frame[j].str.strip().ne("").any()]
    frame = frame[named]
    names, seen, renamed = [], set(), set()
    for j in named:  # an empty or repeated header (reported above) gets a name of its own
        if header[j] and header[j].lower() not in seen:
            name = header[j]
        else:
            name = f"{header[j]} (column {j + 1})".strip()
            renamed.add(name)
        seen.add(header[j].lower())
        names.append(name)
    frame.columns = names
    for h in frame.columns:
        too_long = frame[h].str.len().to_numpy(dtype="int64", na_value=0) > MAX_CELL_CHARS
        for i in np.flatnonzero(too_long)[:1000]:
            msg = f"the cell holds {len(frame[h].iat[i]):,} characters; at most {MAX_CELL_CHARS:,}"
            problems.append(Problem(label, int(lines[i]), h, msg, value=shown(frame[h].iat[i])))
    return RawTable(label, frame, lines, renamed=frozenset(renamed)), problems


def _header_width(text: str, delimiter: str) -> int:
    """The number of cells on the first line (0 when it cannot be split)."""
    try:
        return len(next(csv.reader([text.split("\n", 1)[0]], delimiter=delimiter)))
    except (csv.Error, StopIteration):
        return 0


# ---------------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------------


def _from_xlsx(data: bytes, label: str) -> ReadResult:
    """The sheets 'courses' (or the first sheet) and 'assessments' of a workbook."""
    book = own_xlsx.read_workbook(data, label, (COURSES, ASSESSMENTS))
    result = ReadResult(problems=book.problems, notices=book.notices, kind="xlsx")
    for role, sheet in book.sheets.items():
        sheet_label = f"{label} [{sheet.name}]"
        if role == ASSESSMENTS and len(sheet.rows) <= 1:
            # The assessments are optional and the template's sheet comes with its header alone:
            # a workbook with the courses filled in and that sheet left as it came has none.
            result.notices.append(no_assessments(sheet_label))
            continue
        if not sheet.rows:
            result.problems.append(Problem(sheet_label, 1, None, "the sheet is empty"))
            continue
        header, *rows = sheet.rows
        lines = np.asarray(sheet.row_numbers[1:], dtype=np.int64)
        table, problems = _table(sheet_label, header, rows, lines)
        result.tables[role] = table
        result.problems.extend(problems)
    return result
