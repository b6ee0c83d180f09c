"""The rules of one published-series record, shared by the literature file's loader
(``literature_file``) and the "add a series" form (``validate_series``): text limits, a citation,
a known population, numbers within plausible limits, responders within their denominator and a
source for every figure (the columns: ``plexrt.data.literature``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from plexrt.data.literature import (
    COLUMNS,
    FIGURE_COLUMNS,
    INTEGER_COLUMNS,
    MEDIAN_COLUMNS,
    NUMBER_COLUMNS,
    POPULATIONS,
)
from plexrt.data.text_limits import (
    CITATION_CHARS,
    NOTE_CHARS,
    SPOOFING_MESSAGE,
    spoofing_character,
    text_problem,
)
from plexrt.data.values import (
    entered_number,
    is_missing,
    key_shown,
    number_shown,
    parse_number,
)

__all__ = ["MAX_COUNT", "MAX_MONTHS", "record_problems", "validate_series"]

# Plausibility limits for entered figures (a series of a million patients or a median of 50 years
# is a typing error, and would not fit the store's integer columns either).
MAX_COUNT = 1_000_000
MAX_MONTHS = 600


def _this_year() -> int:
    import datetime

    return datetime.date.today().year


def _text_problems(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    problems = []
    for spec in COLUMNS:
        value = record.get(spec.name)
        if spec.kind != "text" and isinstance(value, str) and spoofing_character(value):
            # wording typed around a figure ('about 40 patients') is kept and shown too
            problems.append((spec.name, SPOOFING_MESSAGE))
        if spec.kind == "text" and not is_missing(value):
            limit = CITATION_CHARS if spec.name == "citation" else NOTE_CHARS
            problem = text_problem(str(value), limit)
            if problem is None and spoofing_character(str(value)):
                problem = SPOOFING_MESSAGE
            if problem:
                problems.append((spec.name, problem))
    problems += _doi_problem(record.get("doi"))
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


# A DOI: the directory '10.', a registrant code of digits (dot-separated), '/', a suffix without
# spaces (DOI Handbook 2.2). A web address or 'doi:' before it is how it is linked, not the DOI.
_DOI = re.compile(r"10\.\d{4,9}(?:\.\d+)*/\S+")
_DOI_LINK = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|doi:\s*)(10\..*)", re.IGNORECASE)


def _doi_problem(value: Any) -> list[tuple[str, str]]:
    """A DOI given that is not one: a web address, a title, a PubMed id typed in its field."""
    if is_missing(value) or _DOI.fullmatch(str(value).strip()):
        return []
    text = str(value).strip()
    link = _DOI_LINK.fullmatch(text)
    if link and _DOI.fullmatch(link.group(1)):
        return [
            ("doi", f"give the DOI alone, '{key_shown(link.group(1))}', not '{key_shown(text)}'")
        ]
    return [
        (
            "doi",
            f"is not a DOI (10.<registrant>/<suffix>, e.g. 10.7759/cureus.20939), got "
            f"'{key_shown(text)}'; leave it blank when the paper has none",
        )
    ]


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
            problems.append((name, f"must be a positive whole number, got {number_shown(v)}"))
            parsed[name] = None
        elif v is not None and v > MAX_COUNT:
            problems.append((name, f"must be at most {MAX_COUNT:,}, got {number_shown(v, True)}"))
            parsed[name] = None
    year = parsed.get("year")
    if year is not None and not 1900 <= year <= _this_year() + 1:
        problems.append(
            (
                "year",
                f"must be a publication year from 1900 to {_this_year() + 1}, "
                f"got {number_shown(year)}",
            )
        )
        parsed["year"] = None
    for name in MEDIAN_COLUMNS:
        v = parsed[name]
        if v is not None and v > MAX_MONTHS:
            problems.append((name, f"must be at most {MAX_MONTHS} months, got {number_shown(v)}"))
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


def record_problems(record: Mapping[str, Any], *, require_n: bool) -> list[tuple[str, str]]:
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
    ``<figure>_source``; population one of POPULATIONS; a DOI, when given,
    is one (10.<registrant>/<suffix>), not its web address. Each message starts with the field name.
    """
    if not isinstance(record, Mapping):
        raise ValueError(f"record must be a mapping of field -> value, got {type(record).__name__}")
    return [f"{col}: {msg}" for col, msg in record_problems(record, require_n=True)]
