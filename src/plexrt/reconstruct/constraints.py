"""Published figures about time, as transcribed in ``published_times.csv``: the vocabulary of the
file, the :class:`Constraint` type, and reading + validating the file."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from plexrt.data.csvfile import CsvRow, read_csv
from plexrt.data.values import counted, number_problem, parse_number

# -- vocabulary of published_times.csv ---------------------------------------------------------

COLUMNS = (
    "constraint_id",
    "kind",
    "quantity",
    "value",
    "unit",
    "applies_to",
    "rounding",
    "quote",
    "location",
)
KINDS = ("count", "mean", "min", "max", "median", "fact", "order")
UNITS = ("days", "weeks", "months", "patients", "fractions", "date", "")
ROUNDINGS = (
    "exact",
    "nearest day",
    "nearest week",
    "nearest month",
    "nearest 0.1 month",
    "approximate",
    "calendar month",
    "not applicable",
)
POPULATIONS = (
    "all patients",
    "deceased patients",
    "assessable patients",
    "assessable patients without relapse",
    "all sites",
    "series",
    "population not stated",
)
QUANTITIES = {
    "deaths": "deaths by the data cut-off",
    "death_after_completion": "time from RT completion to death",
    "followup": "follow-up from RT completion",
    "assessable_for_relief": "patients assessable for duration of relief",
    "relapses": "relapses of pain",
    "no_relapse": "assessable patients without relapse",
    "relapse_after_max_response": "relapse after maximal response",
    "relapse_after_completion": "relapse after RT completion",
    "relief_duration": "duration of pain relief",
    "weeks_to_max_response": "time from RT start to maximal response",
    "accrual_start": "start of accrual",
    "accrual_end": "end of accrual",
    "data_cutoff": "data cut-off",
    "review_start": "start of peer review (latest date the text can describe)",
    "supine_after_start": "able to lie supine after RT start",
    "right_pain_after_supine": "right-sided pain pronounced after lying supine",
    "fractions_delivered": "fractions delivered",
    "pain_free_after_completion": "free of pain after RT completion",
    "max_response_after_start": "pain resolved after RT start",
    "imaging_after_completion": "imaging after RT completion",
    "imaging_after_previous_imaging": "imaging after the previous imaging",
    "durable_relief": "durable pain relief (assessable for its duration, no relapse)",
}
# Facts that state something happened, with no number: their value cell is empty.
VALUELESS_QUANTITIES = ("durable_relief",)
DATE_QUANTITIES = ("accrual_start", "accrual_end", "data_cutoff", "review_start")
SUMMARY_KINDS = ("mean", "min", "max", "median")
TIME_UNITS = ("days", "weeks", "months")

# Section rank used to decide which of two conflicting statements is dropped (higher wins).
# Table 1 is the paper's structured record; the Results summarise the whole data set at the cut-off;
# a case narrative describes one patient, sometimes at a later date; the Discussion restates
# figures approximately ("about").
SECTION_PRIORITY = {
    "Table 1": 4,
    "Results": 3,
    "Abstract": 3,
    "Materials and methods": 3,
    "Front matter": 3,
    "Case presentation": 2,
    "Discussion": 1,
}
_LOCATION_RE = re.compile(
    r"^(Table 1|Abstract|Front matter|Results para \d+|Materials and methods para \d+|"
    r"Discussion para \d+|Case presentation:? Patient \d+)$"
)
PATIENT_RE = re.compile(r"^patient (\w+)(?: \(([^)]+)\))?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$", re.ASCII)  # int() reads "２０２１" too


@dataclass(frozen=True)
class Constraint:
    """One published figure or fact about time, as transcribed in ``published_times.csv``."""

    constraint_id: str
    kind: str
    quantity: str
    value: float | str | None
    unit: str
    applies_to: str
    rounding: str
    quote: str
    location: str

    @property
    def number(self) -> float:
        """The value of a count, a time or a number of fractions (not of a date or an order)."""
        if isinstance(self.value, str) or self.value is None:
            raise ValueError(f"constraint {self.constraint_id} has no numeric value")
        return float(self.value)

    @property
    def section(self) -> str:
        """The paper section of ``location`` ('Results', 'Case presentation', ...)."""
        for name in SECTION_PRIORITY:
            if self.location.startswith(name):
                return name
        raise ValueError(f"location {self.location!r} names no known section")

    @property
    def priority(self) -> int:
        """Rank of the section (higher wins a conflict)."""
        return SECTION_PRIORITY[self.section]

    @property
    def patient_id(self) -> str | None:
        """The patient a named fact is about (``applies_to = 'patient 8 (rectal cancer)'``)."""
        m = PATIENT_RE.match(self.applies_to)
        return m.group(1) if m else None

    def cite(self) -> str:
        """Quote and location, for conflict reports."""
        return f'"{self.quote}" ({self.location})'


def find(cons: Iterable[Constraint], **attrs: object) -> list[Constraint]:
    """The constraints whose attributes equal ``attrs`` (``kind="max", quantity="followup"``)."""
    return [c for c in cons if all(getattr(c, k) == v for k, v in attrs.items())]


def count(cons: Sequence[Constraint], quantity: str) -> int | None:
    """A published count (from the highest-ranked section stating it), or None if unstated."""
    found = find(cons, kind="count", quantity=quantity)
    if not found:
        return None
    best = max(found, key=lambda c: c.priority)
    return int(best.number)


def _month_or_day(text: str) -> tuple[date, date] | None:
    if not _DATE_RE.match(text):
        return None
    parts = [int(p) for p in text.split("-")]
    try:
        if len(parts) == 3:
            d = date(parts[0], parts[1], parts[2])
            return d, d
        last = calendar.monthrange(parts[0], parts[1])[1]
        return date(parts[0], parts[1], 1), date(parts[0], parts[1], last)
    except (ValueError, calendar.IllegalMonthError):
        return None


def date_problem(text: str) -> str | None:
    """Why ``text`` is not a calendar month ('YYYY-MM') or day ('YYYY-MM-DD'), or None."""
    if _month_or_day(text) is None:
        return f"{text!r} is not a date (YYYY-MM or YYYY-MM-DD)"
    return None


def parse_date(text: str, where: str = "") -> tuple[date, date]:
    """First and last day of 'YYYY-MM' (a calendar month) or the day itself for 'YYYY-MM-DD'.
    ValueError naming ``where`` (the file and line, or the constraint) and the value otherwise."""
    days = _month_or_day(text)
    if days is None:
        problem = str(date_problem(text))
        raise ValueError(f"{where}: {problem}" if where else problem)
    return days


# -- validation of one row -------------------------------------------------------------------------


def _one_of(rec: dict[str, str], column: str, allowed: Iterable[str]) -> list[tuple[str, str]]:
    allowed = tuple(allowed)
    if rec[column] in allowed:
        return []
    words = ", ".join(a or "(empty)" for a in allowed)
    return [(column, f"{rec[column]!r} is not one of: {words}")]


def _vocabulary_problems(rec: dict[str, str]) -> list[tuple[str, str]]:
    """Problems of the coded and text columns (everything but the value)."""
    bad: list[tuple[str, str]] = []
    if not re.fullmatch(r"[A-Za-z0-9_.\-]+", rec["constraint_id"]):
        bad.append(("constraint_id", "must be a non-empty identifier (letters, digits, _ . -)"))
    bad += _one_of(rec, "kind", KINDS)
    bad += _one_of(rec, "quantity", QUANTITIES)
    bad += _one_of(rec, "unit", UNITS)
    bad += _one_of(rec, "rounding", ROUNDINGS)
    if rec["applies_to"] not in POPULATIONS and not PATIENT_RE.match(rec["applies_to"]):
        pops = ", ".join(POPULATIONS)
        bad.append(
            ("applies_to", f"{rec['applies_to']!r} is neither 'patient <id>' nor one of: {pops}")
        )
    if not rec["quote"]:
        bad.append(("quote", "is empty; every constraint needs the verbatim sentence"))
    if not _LOCATION_RE.match(rec["location"]):
        bad.append(
            (
                "location",
                f"{rec['location']!r} is not 'Abstract', 'Table 1', 'Front matter', "
                "'Results para N', 'Materials and methods para N', 'Discussion para N' or "
                "'Case presentation: Patient N'",
            )
        )
    return bad


def _value_problem(raw: str, kind: str, unit: str, quantity: str = "") -> str | None:
    """Why the value cell does not fit the kind and unit, or None."""
    if kind == "order":
        return "must be empty for an order constraint" if raw else None
    if quantity in VALUELESS_QUANTITIES:
        return f"must be empty for {quantity} (a fact without a number)" if raw else None
    if unit == "date":
        return date_problem(raw)
    problem = number_problem(raw)
    if problem:
        return problem
    if (parse_number(raw) or 0.0) < 0:
        return f"must be a number >= 0, got {raw!r}"
    if kind == "count" and (number_problem(raw, whole=True) or unit != "patients"):
        return "a count must be a whole number of patients"
    return None


def _validate_row(rec: dict[str, str]) -> list[tuple[str, str]]:
    """Problems of one row (text cells, stripped) as (column, message)."""
    bad = _vocabulary_problems(rec)
    problem = _value_problem(rec["value"], rec["kind"], rec["unit"], rec["quantity"])
    if problem:
        bad.append(("value", problem))
    if rec["kind"] in SUMMARY_KINDS and rec["unit"] not in TIME_UNITS:
        bad.append(
            (
                "unit",
                f"a {rec['kind']} needs a time unit (days, weeks, months), got {rec['unit']!r}",
            )
        )
    return bad


def constraint_from_record(rec: dict[str, Any]) -> Constraint:
    """A Constraint from one validated row (text cells, as in the CSV or the store)."""
    if rec["kind"] == "order" or rec["quantity"] in VALUELESS_QUANTITIES:
        value: float | str | None = None
    elif rec["unit"] == "date":
        value = rec["value"]
    else:
        value = parse_number(rec["value"])
    fields = [c for c in COLUMNS if c != "value"]
    return Constraint(**{k: rec[k] for k in fields}, value=value)


# -- the file ----------------------------------------------------------------------------------------


def _read_rows(path: Path) -> tuple[list[str], tuple[CsvRow, ...], list[str]]:
    """Header, data rows and row problems of the file (read by THE CSV reader); ValueError if it
    is missing, unreadable, empty or has missing / unknown columns."""
    if not path.is_file():
        raise ValueError(f"path: {path} does not exist or is not a file")
    table, problems = read_csv(path, path.name)
    if not table.header:
        raise ValueError("\n".join(str(p) for p in problems))
    header = list(table.header)
    missing = [c for c in COLUMNS if c not in header]
    extra = [h for h in header if h not in COLUMNS]
    if missing or extra:
        msg = [f"{path.name}, header, column '{c}': required column is missing" for c in missing]
        msg += [f"{path.name}, header, column '{c}': unknown column" for c in extra]
        raise ValueError("\n".join(msg))
    shown = [
        f"{path.name}, row {p.row} (line {p.line}): {p.message}" if p.row else str(p)
        for p in problems
    ]
    return header, table.rows, shown


def load_published_times(path: str | Path) -> list[Constraint]:
    """Read and validate ``published_times.csv``; one :class:`Constraint` per row.

    Raises ValueError listing every problem with file, row (data rows count from 1, blank lines
    skipped), the physical line it starts on, constraint id and column.
    """
    path = Path(path)
    header, rows, problems = _read_rows(path)
    out: list[Constraint] = []
    seen: dict[str, int] = {}
    for row in rows:
        i = row.number
        where = f"{path.name}, row {i} (line {row.line})"
        rec = {h: row.cells[h].strip() for h in header}
        cid = rec["constraint_id"]
        where += f", constraint '{cid}'"
        bad = _validate_row(rec)
        if cid in seen:
            bad.append(("constraint_id", f"duplicate id (first in row {seen[cid]})"))
        seen.setdefault(cid, i)
        problems += [f"{where}, column '{col}': {msg}" for col, msg in bad]
        if not bad:
            out.append(constraint_from_record(rec))
    if problems:
        head = f"{counted(len(problems), 'problem')} in {path}:\n" if len(problems) > 1 else ""
        raise ValueError(head + "\n".join(problems))
    return out


def as_constraints(constraints: Iterable[Constraint] | str | Path) -> tuple[Constraint, ...]:
    """Constraints given as a list or as the path of ``published_times.csv``; ids must be unique."""
    if isinstance(constraints, str | Path):
        return tuple(load_published_times(constraints))
    try:
        cons = tuple(constraints)
    except TypeError:
        raise ValueError("constraints must be a list of Constraint or a path") from None
    if not all(isinstance(c, Constraint) for c in cons):
        raise ValueError("constraints must hold Constraint objects only")
    ids = [c.constraint_id for c in cons]
    if len(set(ids)) != len(ids):
        raise ValueError("constraints: constraint ids must be unique")
    return cons
