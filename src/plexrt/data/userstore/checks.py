"""The shape every own series must have before the store writes it, checked whole.

These are the storage rules (columns, kinds, required values, coded values, unique keys, courses of
known patients, safe text, no calendar dates); the clinical rules on days and scores are
``validate_own_series`` of the import side, which the store runs too when it is given one. Every
problem is reported at once, grouped by table, column and message with the rows it concerns
(1-based row numbers of the frame).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from plexrt.data.deidentify import IDENTIFIER_MESSAGE, LONG_RUN_DIGITS, identifier_in_text
from plexrt.data.own_problems import arrow_text
from plexrt.data.own_schema import (
    RESPELLED_HOW,
    TABLES,
    OwnSeriesFrames,
    StoredColumn,
    respelled,
    row_names,
)
from plexrt.data.period_text import period_problem
from plexrt.data.text_limits import (
    DATE_MESSAGE,
    HIDDEN_MESSAGE,
    NAME_CHARS,
    STORED_TEXT_CHARS,
    hidden_character,
    looks_like_date,
    text_problem,
)

MAX_TEXT = STORED_TEXT_CHARS  # characters in one text value of an own series
MAX_NAME = NAME_CHARS  # series name, institution, period
MAX_ROWS_LISTED = 10
MAX_INT = 2**31 - 1  # INTEGER columns of both backends


def _rows(mask: pd.Series) -> list[int]:
    return [int(i) + 1 for i in mask.to_numpy().nonzero()[0]]


Names = Callable[[list[int]], list[str]]  # row positions -> 'patient P003, course 2'


def _namer(frame: pd.DataFrame, table: str) -> Names:
    rows = frame.reset_index(drop=True)
    return lambda positions: row_names(rows, table, positions)


def _say(table: str, column: str, message: str, rows: list[int], names: Names | None = None) -> str:
    """The message with the rows it concerns: 1-based rows of the frame, each with its patient
    (and course) when known, for a row number alone means nothing to someone recording follow-up."""
    listed = rows[:MAX_ROWS_LISTED]
    if names is None:
        shown = ", ".join(str(r) for r in listed)
    else:
        shown = "; ".join(
            f"{r}: {n}" for r, n in zip(listed, names([r - 1 for r in listed]), strict=True)
        )
    more = f" and {len(rows) - MAX_ROWS_LISTED} more" if len(rows) > MAX_ROWS_LISTED else ""
    word = "row" if len(rows) == 1 else "rows"
    return f"{table}, {column}: {message} ({word} {shown}{more})"


def value_problem(value: Any, col: StoredColumn) -> str | None:
    """What keeps one present value out of its column (None when it can be stored)."""
    if col.kind == "text":
        return _text_value_problem(value, col)
    if col.kind == "boolean":
        return None if isinstance(value, bool | np.bool_) else "is not true/false"
    return _number_value_problem(value, col)


def _text_value_problem(value: Any, col: StoredColumn) -> str | None:
    if not isinstance(value, str):
        return "is not text"
    problem = text_problem(value, MAX_TEXT)
    if problem:
        return problem
    if hidden_character(value):
        return "holds a line break, control or invisible formatting character"
    if not value.strip():
        return "is empty text (leave the cell empty for unknown)"
    if col.name == "patient_id" and value != value.strip():
        # The import strips cells, so ' S01' would be a second patient S01 entered by hand.
        return "has a space at its start or end"
    if looks_like_date(value):
        return DATE_MESSAGE
    if col.choices is None and col.name != "patient_id" and identifier_in_text(value):
        return IDENTIFIER_MESSAGE  # a patient code is the pseudonym rule's (at import)
    if col.choices is not None and value not in col.choices:
        return f"is not one of: {', '.join(col.choices)}"
    return None


def _number_value_problem(value: Any, col: StoredColumn) -> str | None:
    word = "is not a whole number" if col.kind == "integer" else "is not a finite number"
    # NumPy's timedelta64 is an integer type and its complex numbers are numbers: neither is one.
    real = isinstance(value, int | float | np.integer | np.floating)
    if not real or isinstance(value, bool | np.bool_ | np.timedelta64):
        return word
    try:
        x = float(value)
    except OverflowError:  # an int beyond what a float holds (10**400)
        return "is too large"
    if not math.isfinite(x) or (col.kind == "integer" and x % 1 != 0):
        return word
    if col.kind == "integer" and abs(int(value)) > MAX_INT:
        return "is too large"
    return None


def _typed_problems(present: pd.Series, col: StoredColumn) -> dict[str, pd.Series] | None:
    """Whole-column checks when the dtype already says what the values are (else None)."""
    dtype = present.dtype
    if col.kind == "boolean" and pd.api.types.is_bool_dtype(dtype):
        return {}
    if col.kind not in ("integer", "number") or pd.api.types.is_bool_dtype(dtype):
        return None
    if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_complex_dtype(dtype):
        return None  # complex numbers are asked one by one (and refused)
    num = present.astype("float64")
    if col.kind == "number":
        return {"is not a finite number": ~np.isfinite(num)}
    return {
        "is not a whole number": ~np.isfinite(num) | (num % 1 != 0),
        "is too large": num.abs() > MAX_INT,
    }


# Text that passes ``value_problem`` for certain, found whole-column: a coded value among its
# choices; free text of printable ASCII (no NUL, no control or odd space character) with a letter or
# digit (so never blank), at most MAX_TEXT characters, without a digit-separator-digits-separator-
# digit run (every calendar date ``looks_like_date`` finds has one), not starting or ending with a
# space, and (but for a patient code) with fewer than 6 digits (an identifying number has more).
# Only the other values are checked one by one.
_PLAIN = "[0-9A-Za-z _.,;:()'+%&/-]*"
_PLAIN_WORD = f"{_PLAIN}[0-9A-Za-z]{_PLAIN}"
_DATE_LIKE = r"\d[-/.]\d{1,2}[-/.]\d"


def _surely_fine(values: pd.Series, col: StoredColumn) -> np.ndarray:
    if col.choices is not None:
        return values.isin(col.choices).to_numpy(dtype=bool)
    text, unencodable = arrow_text(values)
    fine = ~unencodable & text.str.fullmatch(_PLAIN_WORD) & (text.str.len() <= MAX_TEXT)
    fine &= ~text.str.contains(_DATE_LIKE) & ~text.str.contains("^ | $")
    if col.name != "patient_id":  # asked one by one: may hold an identifying number
        fine &= text.str.count(r"\d") < LONG_RUN_DIGITS
    return fine.to_numpy(dtype=bool, na_value=False)


def _by_value(values: pd.Series, col: StoredColumn, strings: bool = False) -> dict[str, pd.Series]:
    """Each problem -> where, ``value_problem`` asked once per distinct value. Distinct by
    Python's equality: pandas' string hashing stops at a NUL ('a' and 'a\\x00b' would count as
    one value). ``strings``: every value is a str, so the plain ones are passed whole-column."""
    rest = values[~_surely_fine(values, col)] if strings and col.kind == "text" else values
    try:
        asked = {value: value_problem(value, col) for value in dict.fromkeys(rest.tolist())}
        found = np.asarray([asked[value] for value in rest.tolist()] + [None], dtype=object)[:-1]
    except TypeError:  # an unhashable cell (a list, a dict): every value asked by position
        listed = [value_problem(value, col) for value in rest.tolist()]
        asked = dict(enumerate(listed))
        found = np.asarray([*listed, None], dtype=object)[:-1]
    out = {}
    for message in dict.fromkeys(m for m in asked.values() if m):
        where = pd.Series(False, index=values.index)
        where[rest.index[found == message]] = True
        out[message] = where
    return out


def _value_problems(present: pd.Series, col: StoredColumn) -> dict[str, pd.Series]:
    """Each problem of the present values -> where; each distinct value is checked once."""
    typed = _typed_problems(present, col)
    if typed is not None:
        return typed
    if pd.api.types.infer_dtype(present, skipna=True) == "string":
        return _by_value(present, col, strings=True)
    # Mixed types: values that compare equal across types (1, 1.0, True) are checked apart.
    kinds = present.map(type)
    out: dict[str, pd.Series] = {}
    for kind in kinds.unique():
        same = kinds == kind
        for message, hit in _by_value(present[same], col).items():
            where = hit.reindex(present.index, fill_value=False)
            out[message] = out[message] | where if message in out else where
    return out


def _column_problems(
    table: str, s: pd.Series, col: StoredColumn, names: Names | None = None
) -> list[str]:
    s = s.reset_index(drop=True)
    missing = s.isna()
    out = []
    if col.required and missing.any():
        out.append(_say(table, col.name, "is required but empty", _rows(missing), names))
    present = s[~missing]
    for message, where in _value_problems(present, col).items():
        mask = pd.Series(False, index=s.index)
        mask[present.index[where.to_numpy(dtype=bool)]] = True
        if mask.any():
            out.append(_say(table, col.name, message, _rows(mask), names))
    return out


def _table_problems(
    table: str, df: Any, columns: tuple[StoredColumn, ...], key: tuple[str, ...]
) -> list[str]:
    if not isinstance(df, pd.DataFrame):
        return [f"{table}: not a table (got {type(df).__name__})"]
    wanted = [c.name for c in columns]
    missing = [n for n in wanted if n not in df.columns]
    extra = [str(c) for c in df.columns if c not in wanted]
    out = []
    if missing:
        out.append(f"{table}: missing columns {', '.join(missing)}")
    if extra:
        out.append(f"{table}: unexpected columns {', '.join(extra)}")
    if missing or not df.columns.is_unique:
        return out + ([f"{table}: a column appears twice"] if not df.columns.is_unique else [])
    names = _namer(df, table)
    for col in columns:
        out += _column_problems(table, df[col.name], col, names)
    dup = df.reset_index(drop=True).duplicated(list(key), keep="first")
    if dup.any():
        message = "repeats a row already given (same key)"
        out.append(_say(table, "+".join(key), message, _rows(dup), names))
    return out


def _keys(df: pd.DataFrame, key: list[str]) -> pd.MultiIndex:
    parts = [
        df[k].astype(str)
        if k == "patient_id"
        else pd.to_numeric(df[k], errors="coerce").astype("Int64")
        for k in key
    ]
    return pd.MultiIndex.from_arrays(parts)


def reference_problems(frames: OwnSeriesFrames) -> list[str]:
    out = []
    patients = frames.patients["patient_id"].astype(str).reset_index(drop=True)
    course_patients = frames.courses["patient_id"].astype(str).reset_index(drop=True)
    unknown = ~course_patients.isin(patients)
    if unknown.any():
        names = _namer(frames.courses, "courses")
        out.append(
            _say("courses", "patient_id", "is not in the patients table", _rows(unknown), names)
        )
    usual = respelled(patients)
    if usual.notna().any():
        names = _namer(frames.patients, "patients")
        message = f"is a patient code of the series {RESPELLED_HOW}: spell it one way"
        out.append(_say("patients", "patient_id", message, _rows(usual.notna()), names))
    no_course = ~patients.isin(course_patients)
    if no_course.any():
        names = _namer(frames.patients, "patients")
        out.append(_say("patients", "patient_id", "has no course", _rows(no_course), names))
    key = ["patient_id", "course_no"]
    orphan = pd.Series(~_keys(frames.assessments, key).isin(_keys(frames.courses, key)))
    if orphan.any():
        out.append(
            _say(
                "assessments",
                "patient_id+course_no",
                "is not a known course",
                _rows(orphan),
                _namer(frames.assessments, "assessments"),
            )
        )
    return out


def frame_problems(frames: OwnSeriesFrames) -> list[str]:
    """Every storage problem of a whole series; [] when it can be written."""
    out: list[str] = []
    for table, (columns, key) in TABLES.items():
        out += _table_problems(table, frames.table(table), columns, key)
    if not out:
        out += reference_problems(frames)
    return out


def _short_text_problem(
    field: str,
    value: Any,
    required: bool = False,
    one_line: bool = False,
    words: bool = False,
    period: bool = False,
) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return f"{field}: is required" if required else None
    if not isinstance(value, str):
        return f"{field}: is not text"
    problem = text_problem(value, MAX_NAME)
    if problem is None and one_line and hidden_character(value):
        # The name, institution and period name the series in lists, pickers and exports: a line
        # break, a direction override or an invisible character makes one read as another (a
        # saved case's label is refused the same).
        problem = HIDDEN_MESSAGE
    if problem is None and looks_like_date(value):
        # Kept with the series and copied into the audit trail, which no one can change: a name
        # taken from a file such as 'Smith_John_1970-01-01.csv', or a header holding a date, would
        # keep a patient's calendar date for good. A period is given in years ('2015-2023').
        problem = DATE_MESSAGE
    if problem is None and words and identifier_in_text(value):
        # A name or institution is words: an e-mail address or a hospital or telephone number
        # there ('Smith john.smith@h.org') would be kept for good in the audit trail too. Not a
        # period, which is years ('2010-2015, 2016-2023' holds 16 digits and identifies no one).
        problem = IDENTIFIER_MESSAGE
    if problem is None and period:
        # A period has its own rule (``period_text``): years and months pass; an e-mail address,
        # a telephone or hospital number, a day of a date do not.
        problem = period_problem(value)
    return f"{field}: {problem}" if problem else None


def details_problems(name: Any, institution: Any, period: Any) -> dict[str, str]:
    """The series' own fields, a name (required), institution and period (free text): {field:
    the message naming it} for each that cannot be stored ({} when all can)."""
    found = {
        "name": _short_text_problem("name", name, required=True, one_line=True, words=True),
        "institution": _short_text_problem("institution", institution, one_line=True, words=True),
        "period": _short_text_problem("period", period, one_line=True, period=True),
    }
    return {field: problem for field, problem in found.items() if problem}


def metadata_problems(
    name: Any, institution: Any, period: Any, mapping: Mapping[str, Any] | None
) -> list[str]:
    """The series' own fields (``details_problems``) and its column mapping."""
    out = list(details_problems(name, institution, period).values())
    if mapping is not None:
        if not isinstance(mapping, Mapping) or len(mapping) > 200:
            out.append("mapping: must be a mapping of at most 200 file headers to columns")
        else:
            out += _mapping_text_problems(mapping)
            try:
                json.dumps(dict(mapping))
            except (TypeError, ValueError):
                out.append("mapping: must hold text only")
    return out


def _mapping_text_problems(mapping: Mapping[str, Any]) -> list[str]:
    """Headers and columns of a mapping {header: column}, or {table: {header: column}}."""
    out = []
    for k, v in mapping.items():
        pairs = v.items() if isinstance(v, Mapping) else [(k, v)]
        for header, column in pairs:
            for field, item in (("mapping header", header), ("mapping column", column)):
                problem = _short_text_problem(field, item)
                if problem:
                    out.append(problem)
    return out
