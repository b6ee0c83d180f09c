"""Published comparison series: the literature table and the validation of a series record.

The literature table (``data/literature.csv``) holds one row per published series. Every figure in it
carries a ``<column>_source`` saying where the figure comes from; a figure that is not reported stays an
empty cell (unknown), never 0. The Sanuki 2022 series is not in the file: the app computes it from the
store.

Per-series intervals and the random-effects pool are statistics: ``plexrt.stats.meta``.
"""

# Size (over ~400 lines after this session's merges): the literature CSV spec, its reader and its row rules (one home); split planned: the row rules.

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from plexrt.data.csvfile import CsvRow, Problem, header_problems, read_csv
from plexrt.data.paths import DEFAULT_DATA_DIR
from plexrt.data.text_limits import CITATION_CHARS, NOTE_CHARS, text_problem
from plexrt.data.values import entered_number, is_missing, parse_number

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "DEFAULT_LITERATURE_PATH",
    "FIGURE_COLUMNS",
    "INTEGER_COLUMNS",
    "MEDIAN_COLUMNS",
    "NUMBER_COLUMNS",
    "POPULATIONS",
    "SOURCE_COLUMNS",
    "ColumnSpec",
    "LiteratureFileError",
    "load_literature",
    "validate_series",
]

DEFAULT_LITERATURE_PATH = DEFAULT_DATA_DIR / "literature.csv"

POPULATIONS: dict[str, str] = {
    "malignant_psoas_syndrome": "malignant psoas syndrome",
    "lumbosacral_plexopathy": "malignant lumbosacral plexopathy",
    "non_bone_painful_lesions": "painful non-bone lesions (broader comparator)",
    "frequency_survey": "frequency survey (how often the syndrome occurs)",
    "non_rt_comparator": "non-radiotherapy comparator",
    "case_report": "case report",
}


# How each kind of column is stored (the bundled literature table and the user's own series).
SQL_TYPES = {"text": "VARCHAR", "integer": "INTEGER", "number": "DOUBLE"}


@dataclass(frozen=True)
class ColumnSpec:
    """One column of the literature CSV: name, kind ('text' | 'integer' | 'number'), meaning, and
    the words a clinician reads for it (form labels, table headers: with the unit)."""

    name: str
    kind: str
    description: str
    is_figure: bool = False
    label: str = ""

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.kind]


_BASE_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "series_key",
        "text",
        "short unique key, e.g. 'gerontopoulos2020' (required)",
        label="Series key",
    ),
    ColumnSpec("citation", "text", "journal reference (required)", label="Citation"),
    ColumnSpec("doi", "text", "DOI when known", label="DOI"),
    ColumnSpec("year", "integer", "publication year", label="Year"),
    ColumnSpec("population", "text", "one of: " + ", ".join(POPULATIONS), label="Population"),
    ColumnSpec("design", "text", "study design in a few words", label="Design"),
    ColumnSpec(
        "n_patients",
        "integer",
        "number of patients (evaluable, as reported)",
        True,
        label="Patients (n)",
    ),
    ColumnSpec(
        "n_sites",
        "integer",
        "number of irradiated sites, when reported",
        True,
        label="Irradiated sites (n)",
    ),
    ColumnSpec("pain_scale", "text", "pain scale used (e.g. NRS 0-10)", True, label="Pain scale"),
    ColumnSpec(
        "response_definition",
        "text",
        "what counts as a responder",
        True,
        label="Response definition",
    ),
    # Responders are counted per site when n_sites is given, otherwise per patient.
    ColumnSpec(
        "responders",
        "integer",
        "responders (per site if n_sites given, else patients)",
        True,
        label="Responders (n)",
    ),
    ColumnSpec(
        "complete_responders",
        "integer",
        "complete responders (subset of responders)",
        True,
        label="Complete responders (n)",
    ),
    ColumnSpec(
        "time_to_response",
        "text",
        "time to response as reported (free text)",
        True,
        label="Time to response",
    ),
    ColumnSpec(
        "median_relief_months",
        "number",
        "median duration of pain relief, months",
        True,
        label="Median duration of relief (months)",
    ),
    ColumnSpec(
        "median_followup_months",
        "number",
        "median follow-up, months",
        True,
        label="Median follow-up (months)",
    ),
    ColumnSpec(
        "median_survival_months",
        "number",
        "median overall survival, months",
        True,
        label="Median survival (months)",
    ),
    ColumnSpec(
        "schedules", "text", "dose/fractionation schedules as reported", True, label="Schedules"
    ),
    ColumnSpec(
        "notes", "text", "other reported figures, each with its source; caveats", label="Notes"
    ),
)


def _with_sources(base: tuple[ColumnSpec, ...]) -> tuple[ColumnSpec, ...]:
    out: list[ColumnSpec] = []
    for spec in base:
        out.append(spec)
        if spec.is_figure:
            out.append(
                ColumnSpec(
                    f"{spec.name}_source",
                    "text",
                    f"where {spec.name} comes from",
                    label=f"Source of: {spec.label}",
                )
            )
    return tuple(out)


#: Full schema in file order: each figure column is followed by its ``<column>_source``.
COLUMNS: tuple[ColumnSpec, ...] = _with_sources(_BASE_COLUMNS)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
COLUMN_LABELS: dict[str, str] = {c.name: c.label for c in COLUMNS}
FIGURE_COLUMNS: tuple[str, ...] = tuple(c.name for c in _BASE_COLUMNS if c.is_figure)
SOURCE_COLUMNS: tuple[str, ...] = tuple(f"{c}_source" for c in FIGURE_COLUMNS)
INTEGER_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind == "integer")
NUMBER_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind == "number")
MEDIAN_COLUMNS: tuple[str, ...] = tuple(c.name for c in _BASE_COLUMNS if c.kind == "number")
# Plausibility limits for entered figures (a series of a million patients or a median of 50 years
# is a typing error, and would not fit the store's integer columns either).
MAX_COUNT = 1_000_000
MAX_MONTHS = 600


def _this_year() -> int:
    import datetime

    return datetime.date.today().year


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


# --------------------------------------------------------------------------------------------
# record validation shared by the file loader and the "add a series" form
# --------------------------------------------------------------------------------------------


def _text_problems(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    problems = []
    for spec in COLUMNS:
        value = record.get(spec.name)
        if spec.kind == "text" and not is_missing(value):
            limit = CITATION_CHARS if spec.name == "citation" else NOTE_CHARS
            problem = text_problem(str(value), limit)
            if problem:
                problems.append((spec.name, problem))
    if is_missing(record.get("citation")):
        problems.append(("citation", "a citation is required"))
    population = record.get("population")
    if not is_missing(population) and str(population).strip() not in POPULATIONS:
        problems.append(
            (
                "population",
                f"unknown population {population!r}; use one of {', '.join(POPULATIONS)}",
            )
        )
    return problems


_Parsed = dict[str, float | int | None]


def _parse_figures(
    record: Mapping[str, Any], typed: bool = False
) -> tuple[_Parsed, list[tuple[str, str]]]:
    """The numeric columns as numbers (None when blank or not a number, with a problem);
    ``typed``: a figure typed in the form may carry words around its one number."""
    parsed: _Parsed = {}
    problems = []
    for name in INTEGER_COLUMNS + NUMBER_COLUMNS:
        whole = name in INTEGER_COLUMNS
        try:
            if typed:
                parsed[name] = entered_number(record.get(name), whole=whole)[0]
            else:
                parsed[name] = parse_number(record.get(name), whole=whole)
        except ValueError as exc:
            parsed[name] = None
            problems.append((name, str(exc)))
    return parsed, problems


def _limit_problems(parsed: _Parsed) -> list[tuple[str, str]]:
    """Implausible counts, years and medians (each is then treated as not given)."""
    problems = []
    for name in ("n_patients", "n_sites"):
        v = parsed[name]
        if v is not None and v < 1:
            problems.append((name, f"must be a positive whole number, got {v}"))
            parsed[name] = None
        elif v is not None and v > MAX_COUNT:
            problems.append((name, f"must be at most {MAX_COUNT:,}, got {v:,}"))
            parsed[name] = None
    year = parsed.get("year")
    if year is not None and not 1900 <= year <= _this_year() + 1:
        problems.append(
            ("year", f"must be a publication year from 1900 to {_this_year() + 1}, got {year}")
        )
        parsed["year"] = None
    for name in MEDIAN_COLUMNS:
        v = parsed[name]
        if v is not None and v > MAX_MONTHS:
            problems.append((name, f"must be at most {MAX_MONTHS} months, got {v:g}"))
            parsed[name] = None
    return problems


def _negative_problems(parsed: _Parsed) -> list[tuple[str, str]]:
    problems = []
    for name in ("responders", "complete_responders", *MEDIAN_COLUMNS):
        v = parsed[name]
        if v is not None and v < 0:
            problems.append((name, f"must not be negative, got {v}"))
            parsed[name] = None
    return problems


def _responder_problems(parsed: _Parsed, n_reported: bool) -> list[tuple[str, str]]:
    """Responders within their denominator; ``n_reported``: a count problem was already given."""
    # Responders are counted in the unit of n_sites when sites are given, otherwise per patient.
    denom_name = "n_sites" if parsed["n_sites"] is not None else "n_patients"
    denom = parsed[denom_name]
    responders, complete = parsed["responders"], parsed["complete_responders"]
    problems = []
    for name, v in (("responders", responders), ("complete_responders", complete)):
        if v is None:
            continue
        if denom is None:
            if not n_reported:
                problems.append((name, "needs n_patients (or n_sites) as its denominator"))
        elif v > denom:
            problems.append((name, f"({v}) cannot exceed {denom_name} ({denom})"))
    if responders is not None and complete is not None and complete > responders:
        problems.append(
            ("complete_responders", f"({complete}) cannot exceed responders ({responders})")
        )
    return problems


def _record_problems(record: Mapping[str, Any], *, require_n: bool) -> list[tuple[str, str]]:
    """(column, message) for everything wrong with one series record (``require_n``: typed in
    the form, so figures may carry words around their number)."""
    problems = _text_problems(record)
    parsed, parse_problems = _parse_figures(record, typed=require_n)
    problems += parse_problems + _limit_problems(parsed)
    if (
        require_n
        and parsed["n_patients"] is None
        and not any(c == "n_patients" for c, _ in problems)
    ):
        problems.append(("n_patients", "the number of patients is required"))
    problems += _negative_problems(parsed)
    n_reported = any(c in ("n_patients", "n_sites") for c, _ in problems)
    problems += _responder_problems(parsed, n_reported)
    # Every figure needs to say where it comes from.
    for name in FIGURE_COLUMNS:
        if not is_missing(record.get(name)) and is_missing(record.get(f"{name}_source")):
            problems.append((f"{name}_source", f"a source is required for {name}"))
    return problems


def validate_series(record: Mapping[str, Any]) -> list[str]:
    """Check one series entered in the "add a series" form; [] when valid.

    Keys are the CSV column names. Rules: citation required; n_patients a positive whole number;
    responders and complete_responders whole numbers with 0 <= complete <= responders <= n (n =
    n_sites when given, else n_patients); medians non-negative; every figure given has a non-empty
    ``<figure>_source``; population one of POPULATIONS. Each message starts with the field name.
    """
    if not isinstance(record, Mapping):
        raise ValueError(f"record must be a mapping of field -> value, got {type(record).__name__}")
    return [f"{col}: {msg}" for col, msg in _record_problems(record, require_n=True)]


# --------------------------------------------------------------------------------------------
# the CSV file
# --------------------------------------------------------------------------------------------


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
        for column, message in _record_problems(row.cells, require_n=False):
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
