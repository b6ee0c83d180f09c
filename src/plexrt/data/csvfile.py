"""The one CSV reader of PlexRT, and how a problem in a data file is reported.

Every data file (a series folder, the opioid factors, imported times, the literature table) is read
here: UTF-8 with or without a byte-order mark (spreadsheets often add one), the header on line 1,
blank lines skipped, line numbers counted as physical lines (a quoted cell may span lines). Every
problem names the file, the line and the column. A file that is not UTF-8 (a latin-1 export), holds
a NUL character (a binary or damaged file), has a quoted field that is never closed (a copy cut
short) or a stray quote, or a field too long for any real value is refused with the line where it
happens, never read in part as if it were whole.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from plexrt.data.values import counted


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file; ``row`` is the data row (1 = first after the header);
    ``value`` is the offending cell shown safely (escaped, shortened; never a date), if any."""

    file: str
    line: int | None
    column: str | None
    message: str
    row: int | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class DataError(ValueError):
    """The data folder is not valid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        head = (
            f"{counted(len(problems), 'problem')} in the data files:\n" if len(problems) > 1 else ""
        )
        super().__init__(head + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class CsvRow:
    """One data row: its number (blank lines not counted), the line it starts on, its cells."""

    number: int
    line: int
    cells: dict[str, str]


@dataclass(frozen=True)
class CsvTable:
    """The header and the well-formed rows of a file (rows with a wrong cell count are left out
    and reported); ``count`` is every data row read, those left out included."""

    header: tuple[str, ...]
    rows: tuple[CsvRow, ...]
    count: int = 0


def read_csv(path: Path, label: str | None = None) -> tuple[CsvTable, list[Problem]]:
    """Read a CSV file as text cells. Returns the table and the problems found (a missing, empty,
    unreadable, non-UTF-8 or binary file gives an empty table and one problem naming the line)."""
    label = label or path.name
    empty = CsvTable((), ())
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return empty, [Problem(label, None, None, "file is missing")]
    except OSError as exc:
        return empty, [Problem(label, None, None, f"cannot be read ({exc.strerror})")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = (
            f"not UTF-8 text ({exc.reason}, byte 0x{data[exc.start]:02x}); save the file as "
            "UTF-8 (it may be latin-1 or Windows-1252)"
        )
        return empty, [Problem(label, line, None, message)]
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        message = "contains a NUL character (a binary or damaged file); nothing was read"
        return empty, [Problem(label, line, None, message)]
    return _read_rows(csv.reader(io.StringIO(text, newline=""), strict=True), label)


def _syntax_message(exc: csv.Error) -> str:
    """The csv module's complaint in words a user can act on."""
    text = str(exc)
    if "unexpected end of data" in text:
        return "a quoted field that starts in this row is never closed (is the file cut short?)"
    if "expected after" in text:
        return 'a quote character inside a field that is not doubled ("")'
    if "field larger than field limit" in text:
        return f"a field longer than {csv.field_size_limit():,} characters"
    return f"cannot be read as CSV ({text})"


def _read_rows(reader, label: str) -> tuple[CsvTable, list[Problem]]:
    try:
        header = tuple(h.strip() for h in next(reader))
    except StopIteration:
        return CsvTable((), ()), [Problem(label, 1, None, "file is empty (no header row)")]
    except csv.Error as exc:
        return CsvTable((), ()), [Problem(label, 1, None, _syntax_message(exc))]
    if not header:  # a blank first line: read as no columns, every row below it would be lost
        message = "the first line is blank; the column names must be on line 1"
        return CsvTable((), ()), [Problem(label, 1, None, message)]
    problems: list[Problem] = []
    rows: list[CsvRow] = []
    previous_line = reader.line_num
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # the rest of the file cannot be trusted: stop here
            problems.append(Problem(label, previous_line + 1, None, _syntax_message(exc)))
            break
        start_line, previous_line = previous_line + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # blank line
        number += 1
        if len(cells) != len(header):
            problems.append(
                Problem(
                    label,
                    start_line,
                    None,
                    f"has {len(cells)} fields, header has {len(header)}",
                    row=number,
                )
            )
            continue
        rows.append(CsvRow(number, start_line, dict(zip(header, cells, strict=True))))
    return CsvTable(header, tuple(rows), number), problems


def header_problems(header: Iterable[str], expected: Iterable[str], label: str) -> list[Problem]:
    """Required columns missing from the header, then columns the file should not have, then
    names the header repeats."""
    header, expected = list(header), list(expected)
    problems = [
        Problem(label, 1, name, "required column is missing from the header")
        for name in expected
        if name not in header
    ]
    problems += [
        Problem(label, 1, name, f"unknown column (expected: {', '.join(expected)})")
        for name in header
        if name not in expected
    ]
    # A repeated name: the rows were read by name, so one of its columns was silently dropped.
    for name in dict.fromkeys(n for n in header if header.count(n) > 1):
        where = ", ".join(str(i) for i, n in enumerate(header, 1) if n == name)
        problems.append(
            Problem(label, 1, name, f"the header appears more than once (columns {where})")
        )
    return problems


def file_too_big(label: str, size: int, limit: int) -> Problem:
    """A file over ``limit`` bytes, refused before it is read; both sizes exact, in bytes (a
    rounded '2.0 MB; at most 2 MB' would read as no excess at all)."""
    mb = f" ({limit / 1024 / 1024:g} MB)" if limit >= 1024 * 1024 else ""
    said = f"the file is {size:,} bytes; at most {limit:,} bytes{mb} are accepted"
    return Problem(label, None, None, said)
