"""Read the cells of an XLSX workbook as text, refusing what a data file must not hold.

The archive is inspected before openpyxl opens it: a macro project (vbaProject.bin), external
links, more than ``_MAX_MEMBERS`` parts, or parts that unpack to more than ``_MAX_UNPACKED`` bytes or
more than ``_MAX_RATIO`` times their packed size (a zip bomb) are refused. openpyxl parses the XML
with defusedxml (installed with PlexRT), so entity expansion attacks fail. A formula cell is refused
and named (its cached value may be stale and a formula is not data); so is an error cell (#N/A).
Dates become ISO text (YYYY-MM-DD), whole numbers lose their '.0'.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from plexrt.data.csvfile import Problem
from plexrt.data.own_template import MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls, or an encrypted (password-protected) workbook
_MAX_MEMBERS = 1_000
_MAX_UNPACKED = 4 * MAX_FILE_BYTES
_MAX_RATIO = 200


@dataclass
class Sheet:
    name: str
    rows: list[list[str]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)


@dataclass
class Workbook:
    sheets: dict[str, Sheet] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def read_workbook(data: bytes, label: str, roles: tuple[str, str]) -> Workbook:
    """The sheet named ``roles[0]`` (else the first visible sheet) and the sheet named
    ``roles[1]``."""
    problems = archive_problems(data, label)
    if problems:
        return Workbook(problems=problems)
    try:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 -- any unreadable workbook is one clear refusal
        msg = f"cannot be read as an Excel workbook ({type(exc).__name__})"
        return Workbook(problems=[Problem(label, None, None, msg)])
    try:
        book = _sheets(wb, label, roles)
        for name in [sheet.name for sheet in book.sheets.values()]:
            merged = merged_ranges(data, getattr(wb[name], "_worksheet_path", ""))
            if merged:
                book.notices.append(_merged_notice(f"{label} [{name}]", merged))
        return book
    finally:
        wb.close()


# A sheet's merged ranges, as its XML lists them (<mergeCell ref="B2:B3"/>): a workbook opened
# read-only (for size and speed) does not report them.
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
_CHUNK = 1 << 20


def merged_ranges(data: bytes, part: str) -> list[str]:
    """The merged ranges of the sheet stored at ``part`` of the archive, read in chunks."""
    found: list[str] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)).open(part.lstrip("/")) as xml:
            tail = b""
            while chunk := xml.read(_CHUNK):
                text = tail + chunk
                cut = max(0, len(text) - 64)  # a tag cut by the chunk is searched again whole
                found += [m.group(1).decode() for m in _MERGE.finditer(text) if m.start() < cut]
                tail = text[cut:]
            found += [m.group(1).decode() for m in _MERGE.finditer(tail)]
    except (KeyError, zipfile.BadZipFile, OSError):
        return []
    return found


def _merged_notice(where: str, merged: list[str]) -> str:
    shown = ", ".join(merged[:5]) + (f" and {len(merged) - 5} more" if len(merged) > 5 else "")
    return (
        f"{where}: merged cells ({shown}); a merged range holds its value in its first cell "
        "only, and its other cells are read as empty: unmerge it and fill each cell."
    )


def archive_problems(data: bytes, label: str) -> list[Problem]:
    """Why the archive must not be opened (legacy/encrypted, macros, external links, zip bomb)."""
    if data.startswith(OLE_MAGIC):
        msg = (
            "this is a legacy .xls or a password-protected workbook; save it as an unprotected "
            ".xlsx (or CSV UTF-8) and import it again"
        )
        return [Problem(label, None, None, msg)]
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return [Problem(label, None, None, "is not a valid XLSX file (the archive is damaged)")]
    names = [i.filename.lower() for i in infos]
    problems = []
    if any(n.endswith("vbaproject.bin") for n in names):
        problems.append("holds macros (VBA); save it as a plain .xlsx workbook without macros")
    if any("externallink" in n for n in names):
        problems.append("links to other workbooks (external links); paste the values instead")
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if len(infos) > _MAX_MEMBERS or unpacked > _MAX_UNPACKED or unpacked / packed > _MAX_RATIO:
        problems.append("unpacks to far more than it holds (a damaged file or a zip bomb)")
    return [Problem(label, None, None, f"the workbook {p}") for p in problems]


def _sheets(wb, label: str, roles: tuple[str, str]) -> Workbook:
    book = Workbook()
    names = [ws.title for ws in wb.worksheets]  # chart sheets hold no cells
    lower = {n.strip().lower(): n for n in names}
    # A hidden sheet (a list behind drop-downs, say) is not the data the user sees first.
    shown = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"] or names
    first = lower.get(roles[0]) or (shown[0] if shown else None)
    if first is None:
        book.problems.append(Problem(label, None, None, "the workbook has no sheet"))
        return book
    if first.strip().lower() != roles[0]:
        book.notices.append(
            f"{label}: no sheet named '{roles[0]}'; read the first visible sheet, '{first}'."
        )
    wanted = {roles[0]: first}
    if roles[1] in lower:
        wanted[roles[1]] = lower[roles[1]]
    ignored = [n for n in wb.sheetnames if n not in wanted.values()]
    ignored = [n for n in ignored if n.lower() != "data_dictionary"]
    if ignored:
        book.notices.append(
            f"{label}: {'sheet' if len(ignored) == 1 else 'sheets'} {', '.join(ignored)} ignored."
        )
    for role, name in wanted.items():
        where = f"{label} [{name}]"
        try:
            book.sheets[role] = _read_sheet(wb[name], where, book.problems)
        except Exception as exc:  # noqa: BLE001 -- the sheet's XML is parsed only now
            msg = (
                f"cannot be read as an Excel workbook: the sheet is damaged ({type(exc).__name__})"
            )
            book.problems.append(Problem(where, None, None, msg))
    return book


def _read_sheet(ws, label: str, problems: list[Problem]) -> Sheet:
    sheet = Sheet(ws.title)
    width = 0
    # Every row and column the sheet holds: a read-only sheet otherwise stops at the size its
    # <dimension> tag declares, which another program may have written wrong (rows lost unsaid).
    ws.reset_dimensions()
    for number, cells in enumerate(ws.iter_rows(), start=1):
        if len(sheet.rows) > MAX_ROWS:
            msg = f"the sheet has more than {MAX_ROWS:,} data rows; split it"
            problems.append(Problem(label, number, None, msg))
            break
        texts = [_cell_text(c, label, number, j, problems) for j, c in enumerate(cells)]
        while texts and texts[-1] == "":
            texts.pop()
        if not texts:
            continue
        if len(texts) > MAX_COLUMNS:
            problems.append(Problem(label, number, None, f"more than {MAX_COLUMNS} columns"))
            break
        width = max(width, len(texts))
        sheet.rows.append(texts)
        sheet.row_numbers.append(number)
    sheet.rows = [r + [""] * (width - len(r)) for r in sheet.rows]
    return sheet


def _column_letter(j: int) -> str:
    letters = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _cell_text(cell, label: str, row: int, j: int, problems: list[Problem]) -> str:
    value = getattr(cell, "value", None)
    kind = getattr(cell, "data_type", None)
    where = f"{_column_letter(j)}{row}"
    if kind == "f":
        msg = f"cell {where} holds a formula; formulas are refused: paste the values only"
        problems.append(Problem(label, row, None, msg))
        return ""
    if kind == "e":
        msg = f"cell {where} holds a spreadsheet error ({str(value)[:12]}); enter the value"
        problems.append(Problem(label, row, None, msg))
        return ""
    return cell_text(value)


def cell_text(value: object) -> str:
    """A cell's value as the text a CSV file would hold ('' for empty; dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
