"""Published comparison series: the literature table and the validation of a series record.

The literature table (``data/literature.csv``) holds one row per published series. Every figure in it
carries a ``<column>_source`` saying where the figure comes from; a figure that is not reported stays an
empty cell (unknown), never 0. The Sanuki 2022 series is not in the file: the app computes it from the
store.

Per-series intervals and the random-effects pool are statistics: ``plexrt.stats.meta``.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "DEFAULT_LITERATURE_PATH",
    "FIGURE_COLUMNS",
    "INTEGER_COLUMNS",
    "NUMBER_COLUMNS",
    "POPULATIONS",
    "SOURCE_COLUMNS",
    "ColumnSpec",
    "LiteratureFileError",
    "load_literature",
    "validate_series",
]

DEFAULT_LITERATURE_PATH = Path(__file__).resolve().parents[3] / "data" / "literature.csv"

POPULATIONS: dict[str, str] = {
    "malignant_psoas_syndrome": "malignant psoas syndrome",
    "lumbosacral_plexopathy": "malignant lumbosacral plexopathy",
    "non_bone_painful_lesions": "painful non-bone lesions (broader comparator)",
    "frequency_survey": "frequency survey (how often the syndrome occurs)",
    "non_rt_comparator": "non-radiotherapy comparator",
    "case_report": "case report",
}


@dataclass(frozen=True)
class ColumnSpec:
    """One column of the literature CSV: name, kind ('text' | 'integer' | 'number'), meaning."""

    name: str
    kind: str
    description: str
    is_figure: bool = False


_BASE_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("series_key", "text", "short unique key, e.g. 'gerontopoulos2020' (required)"),
    ColumnSpec("citation", "text", "journal reference (required)"),
    ColumnSpec("doi", "text", "DOI when known"),
    ColumnSpec("year", "integer", "publication year"),
    ColumnSpec("population", "text", "one of: " + ", ".join(POPULATIONS)),
    ColumnSpec("design", "text", "study design in a few words"),
    ColumnSpec("n_patients", "integer", "number of patients (evaluable, as reported)", True),
    ColumnSpec("n_sites", "integer", "number of irradiated sites, when reported", True),
    ColumnSpec("pain_scale", "text", "pain scale used (e.g. NRS 0-10)", True),
    ColumnSpec("response_definition", "text", "what counts as a responder", True),
    # Responders are counted per site when n_sites is given, otherwise per patient.
    ColumnSpec(
        "responders", "integer", "responders (per site if n_sites given, else patients)", True
    ),
    ColumnSpec(
        "complete_responders", "integer", "complete responders (subset of responders)", True
    ),
    ColumnSpec("time_to_response", "text", "time to response as reported (free text)", True),
    ColumnSpec("median_relief_months", "number", "median duration of pain relief, months", True),
    ColumnSpec("median_followup_months", "number", "median follow-up, months", True),
    ColumnSpec("median_survival_months", "number", "median overall survival, months", True),
    ColumnSpec("schedules", "text", "dose/fractionation schedules as reported", True),
    ColumnSpec("notes", "text", "other reported figures, each with its source; caveats"),
)


def _with_sources(base: tuple[ColumnSpec, ...]) -> tuple[ColumnSpec, ...]:
    out: list[ColumnSpec] = []
    for spec in base:
        out.append(spec)
        if spec.is_figure:
            out.append(ColumnSpec(f"{spec.name}_source", "text", f"where {spec.name} comes from"))
    return tuple(out)


#: Full schema in file order: each figure column is followed by its ``<column>_source``.
COLUMNS: tuple[ColumnSpec, ...] = _with_sources(_BASE_COLUMNS)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
FIGURE_COLUMNS: tuple[str, ...] = tuple(c.name for c in _BASE_COLUMNS if c.is_figure)
SOURCE_COLUMNS: tuple[str, ...] = tuple(f"{c}_source" for c in FIGURE_COLUMNS)
INTEGER_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind == "integer")
NUMBER_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind == "number")
_MEDIAN_COLUMNS = ("median_relief_months", "median_followup_months", "median_survival_months")
# Plausibility limits for entered figures (a series of a million patients or a median of 50 years
# is a typing error, and would not fit the store's integer columns either).
MAX_COUNT = 1_000_000
MAX_MONTHS = 600


def _this_year() -> int:
    import datetime

    return datetime.date.today().year


class LiteratureFileError(ValueError):
    """The literature CSV is malformed. ``problems`` lists (data row, line, column, message)."""

    def __init__(self, path: str | Path, problems: list[tuple[int | None, int, str, str]]):
        self.path = str(path)
        self.problems = problems
        lines = []
        for row, line, column, message in problems:
            where = "header" if row is None else f"data row {row}"
            lines.append(f"{self.path}: {where} (line {line}), column '{column}': {message}")
        super().__init__("\n".join(lines))


# --------------------------------------------------------------------------------------------
# record validation shared by the file loader and the "add a series" form
# --------------------------------------------------------------------------------------------


def _is_empty(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def _parse_number(value: Any, *, whole: bool) -> float | int | None:
    """The value as a finite number (int when ``whole``); raises ValueError if it is not one."""
    if isinstance(value, bool):
        raise ValueError(f"must be a number, got {value!r}")
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            kind = "a whole number" if whole else "a number"
            raise ValueError(f"must be {kind}, got {value!r}") from None
    else:
        raise ValueError(f"must be a number, got {value!r}")
    if not math.isfinite(number):
        raise ValueError(f"must be a finite number, got {value!r}")
    if whole:
        if number != int(number):
            raise ValueError(f"must be a whole number, got {value!r}")
        return int(number)
    return number


def _record_problems(record: Mapping[str, Any], *, require_n: bool) -> list[tuple[str, str]]:
    """(column, message) for everything wrong with one series record."""
    problems: list[tuple[str, str]] = []
    parsed: dict[str, float | int | None] = {}

    if _is_empty(record.get("citation")):
        problems.append(("citation", "a citation is required"))

    population = record.get("population")
    if not _is_empty(population) and str(population).strip() not in POPULATIONS:
        problems.append(
            (
                "population",
                f"unknown population {population!r}; use one of {', '.join(POPULATIONS)}",
            )
        )

    for name in INTEGER_COLUMNS + NUMBER_COLUMNS:
        value = record.get(name)
        if _is_empty(value):
            parsed[name] = None
            continue
        try:
            parsed[name] = _parse_number(value, whole=name in INTEGER_COLUMNS)
        except ValueError as exc:
            parsed[name] = None
            problems.append((name, str(exc)))

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
    for name in _MEDIAN_COLUMNS:
        v = parsed[name]
        if v is not None and v > MAX_MONTHS:
            problems.append((name, f"must be at most {MAX_MONTHS} months, got {v:g}"))
            parsed[name] = None
    if (
        require_n
        and parsed["n_patients"] is None
        and not any(c == "n_patients" for c, _ in problems)
    ):
        problems.append(("n_patients", "the number of patients is required"))

    for name in ("responders", "complete_responders", *_MEDIAN_COLUMNS):
        v = parsed[name]
        if v is not None and v < 0:
            problems.append((name, f"must not be negative, got {v}"))
            parsed[name] = None

    # Responders are counted in the unit of n_sites when sites are given, otherwise per patient.
    denom_name = "n_sites" if parsed["n_sites"] is not None else "n_patients"
    denom = parsed[denom_name]
    responders, complete = parsed["responders"], parsed["complete_responders"]
    for name, v in (("responders", responders), ("complete_responders", complete)):
        if v is None:
            continue
        if denom is None:
            if not any(c in ("n_patients", "n_sites") for c, _ in problems):
                problems.append((name, "needs n_patients (or n_sites) as its denominator"))
        elif v > denom:
            problems.append((name, f"({v}) cannot exceed {denom_name} ({denom})"))
    if responders is not None and complete is not None and complete > responders:
        problems.append(
            ("complete_responders", f"({complete}) cannot exceed responders ({responders})")
        )

    # Every figure needs to say where it comes from.
    for name in FIGURE_COLUMNS:
        if not _is_empty(record.get(name)) and _is_empty(record.get(f"{name}_source")):
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


def load_literature(path: str | Path = DEFAULT_LITERATURE_PATH) -> pd.DataFrame:
    """Read and validate the literature CSV; one row per series.

    Integer columns come back as nullable ``Int64``, medians as float (NaN = not reported), text
    as object with None for empty cells. Raises LiteratureFileError (a ValueError) naming the file,
    the data row and physical line, and the column of every problem: missing columns, non-numeric
    figures, responders > n, negative counts, empty citation or series_key, duplicate keys,
    unknown population, figures without a source.
    """
    path = Path(path)
    problems: list[tuple[int | None, int, str, str]] = []
    records: list[dict[str, str]] = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise LiteratureFileError(path, [(None, 1, "(all)", "file is empty")]) from None
        missing = [c for c in COLUMN_NAMES if c not in header]
        if missing:
            raise LiteratureFileError(
                path, [(None, 1, c, "required column is missing") for c in missing]
            )
        previous_line = reader.line_num
        row_no = 0
        seen_keys: dict[str, int] = {}
        for cells in reader:
            # csv counts physical lines, so a quoted note spanning lines keeps numbering right.
            start_line = previous_line + 1
            previous_line = reader.line_num
            if not cells or all(c.strip() == "" for c in cells):
                continue
            row_no += 1
            if len(cells) != len(header):
                problems.append(
                    (
                        row_no,
                        start_line,
                        "(all)",
                        f"has {len(cells)} cells but the header has {len(header)}",
                    )
                )
                continue
            record = dict(zip(header, cells, strict=True))
            key = record["series_key"].strip()
            if not key:
                problems.append((row_no, start_line, "series_key", "a series key is required"))
            elif key in seen_keys:
                problems.append(
                    (
                        row_no,
                        start_line,
                        "series_key",
                        f"duplicate key {key!r} (also data row {seen_keys[key]})",
                    )
                )
            else:
                seen_keys[key] = row_no
            for column, message in _record_problems(record, require_n=False):
                problems.append((row_no, start_line, column, message))
            records.append(record)
    if problems:
        raise LiteratureFileError(path, problems)

    df = pd.DataFrame.from_records(records, columns=header)
    for name in df.columns:
        if name in INTEGER_COLUMNS:
            df[name] = pd.array(
                [None if _is_empty(v) else int(float(v)) for v in df[name]], dtype="Int64"
            )
        elif name in NUMBER_COLUMNS:
            df[name] = [np.nan if _is_empty(v) else float(v) for v in df[name]]
            df[name] = df[name].astype(float)
        else:
            df[name] = pd.Series(
                [None if _is_empty(v) else v.strip() for v in df[name]], dtype=object
            )
    return df.reset_index(drop=True)
