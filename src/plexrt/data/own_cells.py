"""The cells of a department's file -> typed template columns, whole-column (vectorised).

Each check marks the cells of a column at once; every cell that cannot be read is reported by line
and column in words a clinician understands, and is remembered (``ParsedTable.bad``) so the series
rules do not report it a second time as missing. Dates are never repeated in a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from plexrt.data.csvfile import Problem
from plexrt.data.deidentify import IDENTIFIER_MESSAGE, private_text_problem
from plexrt.data.own_problems import TEXT, Locator, ProblemLog
from plexrt.data.own_readers import RawTable
from plexrt.data.own_schema import RESPELLED_HOW, respelled
from plexrt.data.own_template import (
    COURSES,
    FILE_COURSE_KEY,
    FILE_COURSE_NO,
    MAX_CELL_CHARS,
    MAX_TEXT_CHARS,
    PATIENT_LEVEL,
    TEMPLATES,
    YEAR_RANGE,
    TemplateColumn,
    automatic_mapping,
    suggest_mapping,
)
from plexrt.data.text_limits import DATE_MESSAGE, HIDDEN, HIDDEN_MESSAGE
from plexrt.data.values import NUMBER_TEXT

# A cell a spreadsheet would run as a formula (CSV injection); a patient code also goes into the
# key file, so '+' and '-' are refused there too.
_FORMULA_START = r"[=@]"
_FORMULA_START_ID = r"[=@+-]"
_FILE_COURSE_NO = TemplateColumn(FILE_COURSE_KEY, "integer", "Course number (file)", "", min=1)


@dataclass
class ParsedTable:
    """A file's table as typed columns under template names (dates as datetime64, numbers as
    float, text and choices as object with None for empty), with where each row came from."""

    table: str
    raw: RawTable
    values: pd.DataFrame
    headers: dict[str, str]  # template column -> the file's header
    bad: dict[str, np.ndarray] = field(default_factory=dict)
    locator: Locator | None = None

    @property
    def lines(self) -> np.ndarray:
        return self.raw.lines

    def shown_headers(self) -> dict[str, str]:
        """Template column -> the header as the file has it (for messages)."""
        return {name: self.raw.shown.get(h, h) for name, h in self.headers.items()}


def parse_table(
    raw: RawTable,
    table: str,
    log: ProblemLog,
    mapping: dict[str, str] | None = None,
    notices: list[str] | None = None,
) -> ParsedTable:
    """Map the file's headers to template columns and read every cell; ``log`` gets the problems
    (missing required columns, unreadable cells) on ``parsed.locator``."""
    notices = notices if notices is not None else []
    mapping = dict(mapping) if mapping is not None else automatic_mapping(list(raw.frame), table)
    headers = {name: header for header, name in mapping.items() if header in raw.frame}
    # a column the reader named (an empty or repeated header) is refused already, not ignored
    ignored = [h for h in raw.frame.columns if h not in mapping and h not in raw.renamed]
    if ignored:
        notices.append(
            f"{raw.label}: {'column' if len(ignored) == 1 else 'columns'} ignored (not in the template): {', '.join(ignored)}."
        )
    lines = {table: raw.lines}
    col_lines = {
        (table, name): raw.column_lines[h] for name, h in headers.items() if h in raw.column_lines
    }
    locator = Locator({table: raw.label}, lines, {table: headers}, col_lines)
    values = pd.DataFrame(index=raw.frame.index)
    parsed = ParsedTable(table, raw, values, headers, locator=locator)
    for col in TEMPLATES[table]:
        if col.name not in headers:
            if col.required:
                log.fixed.append(_missing_column(raw.label, table, col, list(raw.frame)))
            values[col.name] = pd.Series(None, index=values.index, dtype=_empty_dtype(col))
            # A missing required column is one problem, not one per row: its cells count as
            # reported.
            parsed.bad[col.name] = np.full(len(values), col.required)
            continue
        _parse_column(parsed, col, raw.frame[headers[col.name]], log)
    if table == COURSES and FILE_COURSE_NO in headers:
        headers[FILE_COURSE_KEY] = headers[FILE_COURSE_NO]
        _parse_column(parsed, _FILE_COURSE_NO, raw.frame[headers[FILE_COURSE_NO]], log)
    locator.headers[table] = parsed.shown_headers()
    return parsed


def _empty_dtype(col: TemplateColumn) -> str:
    return {"date": "datetime64[ns]", "integer": "float64", "number": "float64"}.get(
        col.kind, "object"
    )


def _missing_column(label: str, table: str, col: TemplateColumn, headers: list[str]) -> Problem:
    hint = [h for h, name in suggest_mapping(headers, table).items() if name == col.name]
    more = f" ('{hint[0]}' may be it: rename it to {col.name})" if hint else ""
    msg = f"the required column '{col.name}' ({col.label}) is missing{more}"
    return Problem(label, 1, col.name, msg)


def _parse_column(
    parsed: ParsedTable, col: TemplateColumn, cells: pd.Series, log: ProblemLog
) -> None:
    raw = cells.astype(TEXT).fillna("")
    # a cell over MAX_CELL_CHARS as written (spaces included) is refused by the reader, with its
    # length: not read again here
    oversized = _mask(raw.str.len().gt(MAX_CELL_CHARS))
    text = raw.str.strip()
    given = _mask(text.ne("")) & ~oversized
    kind = col.kind
    if kind in ("integer", "number"):
        values, bad = _numbers(parsed.table, col, text, given, log)
    elif kind == "date":
        values, bad = _dates(parsed.table, col, text, given, log)
    else:
        values, bad = _texts(parsed.table, col, text, given, log)
    parsed.values[col.name] = values
    parsed.bad[col.name] = bad | oversized


def _mask(flags: pd.Series) -> np.ndarray:
    """A boolean column (Arrow or numpy) as a numpy mask; unknown counts as false."""
    return flags.to_numpy(dtype=bool, na_value=False)


def _texts(table: str, col: TemplateColumn, text: pd.Series, given: np.ndarray, log: ProblemLog):
    control = _mask(text.str.contains(HIDDEN, regex=True)) & given
    log.add(table, control, col.name, HIDDEN_MESSAGE, text)
    length = text.str.len().to_numpy(dtype="int64", na_value=0)
    too_long = (length > MAX_TEXT_CHARS) & given & ~control
    log.add(table, too_long, col.name, f"longer than {MAX_TEXT_CHARS} characters", text)
    start = _FORMULA_START_ID if col.name == "patient_id" else _FORMULA_START
    formula = _mask(text.str.match(start)) & given & ~control & ~too_long
    log.add(table, formula, col.name, "starts like a spreadsheet formula", text)
    bad = control | too_long | formula
    if col.kind != "choice" and col.name != "patient_id":
        for message, where in _private(text, given & ~bad).items():
            log.add(table, where, col.name, message)  # the value is not repeated
            bad = bad | where
    if col.kind == "choice":
        values = _choices(col, text)
    else:
        values = text.str.replace(r"\s+", " ", regex=True).astype(object)
    keep = given & ~bad
    return pd.Series(np.where(keep, values.to_numpy(dtype=object), None), index=text.index), bad


def _private(text: pd.Series, given: np.ndarray) -> dict[str, np.ndarray]:
    """Free text kept with a patient (a primary cancer, an opioid's name) that holds a calendar
    date or an identifier: the store refuses both, so they are reported here with their line.
    Only a text with a digit, an '@' or a character outside plain ASCII can; each such distinct
    text is asked once."""
    ask = given & ~_mask(text.str.fullmatch(r"[A-Za-z _.,;:()'+%&/-]*"))
    asked = text[ask].tolist()
    verdict = {v: private_text_problem(v) for v in dict.fromkeys(asked)}
    out = {}
    for message in (DATE_MESSAGE, IDENTIFIER_MESSAGE):
        where = np.zeros(len(text), dtype=bool)
        where[np.flatnonzero(ask)] = [verdict[v] == message for v in asked]
        out[message] = where
    return out


def _choices(col: TemplateColumn, text: pd.Series) -> pd.Series:
    """What was typed -> the code ('Local control', 'LC' -> 'local_control', 'female' -> 'F');
    anything else is kept as typed, and the series rules report it with the allowed values.
    Each distinct text is looked up once."""
    lookup: dict[str, str] = {}
    for code in col.choices or ():
        lookup[code.lower()] = code
        lookup[code.lower().replace("_", " ")] = code
    for code, label in col.choice_labels.items():
        lookup[label.lower()] = code
    lookup.update({k.lower(): v for k, v in col.aliases.items()})
    codes, uniques = pd.factorize(text.astype(object))
    words = [" ".join(str(u).lower().replace("-", " ").split()) for u in uniques]
    mapped = np.asarray(
        [lookup.get(w, u) for w, u in zip(words, uniques, strict=True)] + [None], dtype=object
    )
    return pd.Series(mapped[codes], index=text.index)


_NUMBER = rf"^{NUMBER_TEXT}$"  # the one rule of a typed number (values.NUMBER_TEXT)


def _numbers(table: str, col: TemplateColumn, text: pd.Series, given: np.ndarray, log: ProblemLog):
    """Numbers written plainly (39, 59.4, 1e3); anything else is reported, never guessed."""
    ok = _mask(text.str.match(_NUMBER)) & given
    arrow = pa.array(text.where(ok, None), type=pa.string(), from_pandas=True)
    values = pd.Series(
        pc.cast(arrow, pa.float64()).to_numpy(zero_copy_only=False), index=text.index
    )
    unread = given & ~ok
    comma = unread & _mask(text.str.fullmatch(r"-?\d+,\d+"))
    log.add(table, comma, col.name, "write decimals with a point (39.5), not a comma", text)
    log.add(table, unread & ~comma, col.name, "is not a number", text)
    huge = ok & ~np.isfinite(values.to_numpy())  # '1e400' is written like a number
    log.add(table, huge, col.name, "is too large to be a number", text)
    bad = unread | huge
    if col.kind == "integer":
        with np.errstate(invalid="ignore"):
            fraction = ok & ~huge & (values.to_numpy() % 1 != 0)
        log.add(table, fraction, col.name, "must be a whole number", text)
        bad = bad | fraction
    return values.where(~bad), bad


# An ISO date, optionally with a time of day (REDCap's date-time fields: '2023-04-03 08:00'). Only
# the day is used, as for a date-time cell of a workbook; the time is checked, then dropped.
_ISO_DATE = r"\d{4}-\d{2}-\d{2}(?:[ T](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?)?"


def _dates(table: str, col: TemplateColumn, text: pd.Series, given: np.ndarray, log: ProblemLog):
    """ISO dates only (YYYY-MM-DD, a time of day allowed and dropped): 03/04/2021 could be March
    or April, so it is never guessed."""
    iso = _mask(text.str.fullmatch(_ISO_DATE)) & given
    day = text.where(iso, None).str.slice(0, 10)
    dates = pd.to_datetime(day, format="%Y-%m-%d", errors="coerce")
    wrong = given & ~iso
    if wrong.any():
        hint = np.full(len(text), "is not a date written YYYY-MM-DD", dtype=object)
        hint[_mask(text.str.fullmatch(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}"))] = (
            "write dates as YYYY-MM-DD (day/month/year and month/day/year cannot be told apart)"
        )
        hint[_mask(text.str.fullmatch(r"\d{5}(\.0+)?"))] = (
            "looks like an Excel date number: format the column as a date or as text YYYY-MM-DD"
        )
        hint[_mask(text.str.match(r"\d{4}-\d{2}-\d{2}[ T]"))] = (
            "is not a date written YYYY-MM-DD (with a time of day as HH:MM or HH:MM:SS, if any)"
        )
        log.add(table, wrong, col.name, hint)
    impossible = iso & dates.isna().to_numpy()
    log.add(table, impossible, col.name, "is not a real calendar date (e.g. 30 February)")
    year = dates.dt.year.to_numpy(dtype="float64", na_value=np.nan)
    far = ~np.isnan(year) & ((year < YEAR_RANGE[0]) | (year > YEAR_RANGE[1]))
    log.add(table, far, col.name, f"the year must be {YEAR_RANGE[0]}-{YEAR_RANGE[1]}")
    bad = wrong | impossible | far
    return dates.where(~bad), bad


# ---------------------------------------------------------------------------------------------
# Rules across rows of the file: patient-level agreement, duplicates
# ---------------------------------------------------------------------------------------------


def disagreements(parsed: ParsedTable, log: ProblemLog) -> None:
    """A patient-level value (age, sex, cancer, last contact, death) that differs from the value on
    the patient's first row; empty and given differ too (a death on one row and none on another
    contradict each other)."""
    v = parsed.values
    pid = v["patient_id"]
    ok = pid.notna().to_numpy()
    first = (pid.groupby(pid).cumcount() == 0).to_numpy() & ok
    # Each row's patient's first row (0 where the patient code is unknown: those rows are skipped).
    at = pid.map(pd.Series(np.flatnonzero(first), index=pid[first])).to_numpy(dtype="float64")
    at = np.where(ok, np.nan_to_num(at), 0).astype(np.int64)
    lines = parsed.lines[at]
    for name in PATIENT_LEVEL:
        col = v[name]
        ref = pd.Series(col.to_numpy()[at], index=col.index)
        same = (col == ref).fillna(False).to_numpy() | (col.isna() & ref.isna()).to_numpy()
        skip = parsed.bad[name] | ~ok
        differs = ~same & ~skip & ~first
        is_date = name.endswith("_date")
        text = "differs from line {} of the same patient: " + name + " must agree on every row"

        def msg(rows, lines=lines, text=text):
            return [text.format(int(lines[i])) for i in rows]

        log.add(parsed.table, differs, name, msg, None if is_date else col)


def lookalike_codes(parsed: ParsedTable, log: ProblemLog) -> None:
    """One patient code written two ways (``own_schema.respelled``: full-width 'Ｃ12' or 'c12'
    beside 'C12') would count one patient as two: every row spelling it otherwise than its first
    spelling is refused, naming that spelling's first line."""
    pid = parsed.values["patient_id"]
    given = pid.notna().to_numpy()
    usual = pd.Series(None, index=pid.index, dtype=object)
    usual[given] = respelled(pid[given].astype(str)).to_numpy()
    other = usual.notna().to_numpy()
    if not other.any():
        return
    codes = pid[given].astype(str).to_numpy()
    at = usual.map(pd.Series(parsed.lines[given]).groupby(codes, sort=False).first())

    def msg(rows: np.ndarray) -> list[str]:
        return [
            f"is the patient code '{usual.iloc[i]}' of line {int(at.iloc[i])} {RESPELLED_HOW}: "
            "spell it one way"
            for i in rows
        ]

    log.add(parsed.table, other, "patient_id", msg, pid)


def duplicates(parsed: ParsedTable, log: ProblemLog) -> None:
    """The same course twice: same patient, RT start, muscle, side and level (or, when the file
    numbers courses, the same course number); the same assessment twice."""
    v = parsed.values
    if parsed.table == COURSES:
        keys = ["patient_id", "rt_start_date", "involved_muscle", "laterality", "plexus_level"]
        what = "the same course twice (same patient, RT start, muscle, side and level as line {})"
        _duplicated(parsed, log, keys, v["rt_start_date"].notna().to_numpy(), what)
        if FILE_COURSE_KEY in v:
            what = "this course number appears twice for the patient (also on line {})"
            _duplicated(
                parsed,
                log,
                ["patient_id", FILE_COURSE_KEY],
                v[FILE_COURSE_KEY].notna().to_numpy(),
                what,
                FILE_COURSE_KEY,
            )
    else:
        keys = [c.name for c in TEMPLATES[parsed.table]]
        what = "the same assessment twice (as line {})"
        _duplicated(parsed, log, keys, v["assessment_date"].notna().to_numpy(), what)


def _duplicated(
    parsed: ParsedTable,
    log: ProblemLog,
    keys: list[str],
    usable: np.ndarray,
    what: str,
    column: str | None = None,
) -> None:
    v = parsed.values[keys]
    usable = usable & v["patient_id"].notna().to_numpy()
    dup = v.duplicated(keep="first").to_numpy() & usable
    if not dup.any():
        return
    by = [v[k] for k in keys]
    first = pd.Series(parsed.lines).groupby(by, dropna=False, sort=False).transform("first")
    first_line = first.to_numpy()
    log.add(
        parsed.table,
        dup,
        column,
        lambda rows: [what.format(int(first_line[i])) for i in rows],
    )
