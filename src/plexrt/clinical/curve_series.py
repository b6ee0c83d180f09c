"""A published Kaplan-Meier curve as a literature series: from its two files (and what the reader
types about it) to the reconstruction, the literature record and what is stored.

Shared by ``plexrt curve`` and the literature page, so that both store exactly the same thing.
The literature record takes the number of patients from the risk table (time 0) and the median:
as published when the reader gives it (with its source), otherwise the median of the
reconstructed patients, flagged ``reconstructed from published curve`` in its source. A median not
reached stays empty (unknown), said in the notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from plexrt.data.curve_files import CurvePoints, RiskRows
from plexrt.data.curve_schema import CURVE_FLAG, TEXT_LIMIT, CurveSeries
from plexrt.data.literature import POPULATIONS
from plexrt.data.literature_rules import MAX_COUNT
from plexrt.data.text_limits import (
    NAME_CHARS,
    NOTE_CHARS,
    SPOOFING_MESSAGE,
    spoofing_character,
    text_problem,
)
from plexrt.data.values import is_missing, number_shown, parse_number
from plexrt.data.vocab import CURVE_OUTCOMES, CURVE_TIME_UNITS
from plexrt.stats import timescale
from plexrt.stats.guyot import CITATION, Reconstruction, reconstruct
from plexrt.stats.guyot_fit import fit_lines
from plexrt.stats.survival import NOT_REACHED

__all__ = [
    "OUTCOME_ENDPOINTS",
    "OUTCOME_MEDIANS",
    "CurveDetails",
    "details_from_text",
    "literature_record",
    "reconstruct_curve",
    "to_store",
]

# Outcomes with a counterpart in the bundled series (plexrt.clinical.endpoints.ENDPOINTS) and the
# literature column their median goes in.
OUTCOME_ENDPOINTS = {"overall_survival": "survival", "duration_of_relief": "relief"}
OUTCOME_MEDIANS = {
    "overall_survival": "median_survival_months",
    "duration_of_relief": "median_relief_months",
}


@dataclass(frozen=True)
class CurveDetails:
    """What the reader says about a curve besides its files. ``n_patients`` is needed only without
    a risk table; ``published_median`` is in ``time_unit``."""

    citation: str = ""
    outcome: str = "overall_survival"
    time_unit: str = "months"
    year: Any = None
    doi: str | None = None
    population: str | None = None
    design: str | None = None
    figure: str | None = None
    arm: str | None = None
    time_zero: str | None = None
    notes: str | None = None
    total_events: int | None = None
    n_patients: int | None = None
    published_median: float | None = None
    published_median_source: str | None = None


_NUMBERS = {"total_events": True, "n_patients": True, "published_median": False}
# The saved notes are PlexRT's description of the reconstruction (which names the figure and the
# arm) followed by the user's notes, within NOTE_CHARS, and the median's source is PlexRT's words
# and the user's: the user's share is bounded so that the whole always fits (tested with the
# longest figure, arm, source and numbers).
NOTE_ROOM = 1_000
# No follow-up of a published curve reaches a century: a later time is a misread axis or unit (and
# 1e308 overflowed the median).
MAX_CURVE_YEARS = 100
MAX_CURVE_DAYS = MAX_CURVE_YEARS * timescale.DAYS_PER_YEAR
USER_TEXT_CHARS = {
    "figure": NAME_CHARS,
    "arm": NAME_CHARS,
    "notes": NOTE_CHARS - NOTE_ROOM,
    # stored after PlexRT's words "published median entered with the curve: "
    "published_median_source": NAME_CHARS,
}


def _number_problems(values: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    parsed: dict[str, Any] = {}
    problems = []
    for name, whole in _NUMBERS.items():
        try:
            parsed[name] = parse_number(values.get(name), whole=whole)
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
            continue
        low = 1 if name == "n_patients" else 0
        v = parsed[name]
        if v is not None and v < low:
            problems.append(f"{name}: must be {low} or more, got {number_shown(v)}")
        elif v is not None and whole and v > MAX_COUNT:
            # The same bound as a literature record's counts: the reconstruction allocates per
            # patient, so 1e15 patients would exhaust memory.
            problems.append(f"{name}: must be at most {MAX_COUNT:,}, got {number_shown(v, True)}")
            parsed[name] = None
    return parsed, problems


# Text typed with the curve that PlexRT keeps: checked here, under the name it was typed in (the
# figure and the arm are kept inside the notes too, where a problem would be said as the notes').
_TYPED_TEXT = ("figure", "arm", "time_zero", "notes", "published_median_source")


def _text_problems(values: Mapping[str, Any]) -> list[str]:
    problems = []
    for name in _TYPED_TEXT:
        text = _text(values.get(name)) or ""
        limit = USER_TEXT_CHARS.get(name, TEXT_LIMIT)  # time zero: as the store keeps it
        if len(text) > limit:
            problems.append(f"{name}: at most {limit:,} characters, got {len(text):,}")
        elif problem := text_problem(text, limit):
            problems.append(f"{name}: {problem}")
        elif spoofing_character(text):
            problems.append(f"{name}: {SPOOFING_MESSAGE}")
    return problems


def _median_problem(median: float | None, unit: str) -> list[str]:
    """A published median beyond ``MAX_CURVE_YEARS`` is a misread number or unit (as a time of the
    curve is; 1e308 was stored and shown with every digit)."""
    if median is None or unit not in CURVE_TIME_UNITS:
        return []
    if median * timescale.AXIS_UNITS[unit] > MAX_CURVE_DAYS:
        return [
            f"published_median: {number_shown(median)} {unit} is beyond {MAX_CURVE_YEARS} years "
            "after time zero; check the number and its unit"
        ]
    return []


def details_from_text(values: Mapping[str, Any]) -> tuple[CurveDetails | None, list[str]]:
    """Typed form or command-line values as CurveDetails, or None and every problem (each
    starting with its field name)."""
    parsed, problems = _number_problems(values)
    outcome = str(values.get("outcome") or "")
    if outcome not in CURVE_OUTCOMES:
        problems.append(f"outcome: unknown {outcome!r}; use one of {', '.join(CURVE_OUTCOMES)}")
    unit = str(values.get("time_unit") or "")
    if unit not in CURVE_TIME_UNITS:
        problems.append(f"time_unit: unknown {unit!r}; use one of {', '.join(CURVE_TIME_UNITS)}")
    population = values.get("population")
    if not is_missing(population) and population not in POPULATIONS:
        problems.append(f"population: unknown {population!r}; use one of {', '.join(POPULATIONS)}")
    problems += _text_problems(values)
    problems += _median_problem(parsed.get("published_median"), unit)
    if problems:
        return None, problems
    return (
        CurveDetails(
            citation=str(values.get("citation") or "").strip(),
            outcome=outcome,
            time_unit=unit,
            year=values.get("year"),
            doi=_text(values.get("doi")),
            population=_text(population),
            design=_text(values.get("design")),
            figure=_text(values.get("figure")),
            arm=_text(values.get("arm")),
            time_zero=_text(values.get("time_zero")),
            notes=_text(values.get("notes")),
            published_median_source=_text(values.get("published_median_source")),
            **parsed,
        ),
        [],
    )


def _text(v: Any) -> str | None:
    return None if is_missing(v) else str(v).strip()


def reconstruct_curve(
    points: CurvePoints, risk: RiskRows | None, details: CurveDetails
) -> Reconstruction:
    """The Guyot reconstruction of a curve from its files. Raises ValueError (stats' message)."""
    days = timescale.AXIS_UNITS[details.time_unit]
    for label, times in ((points.label, points.time), (getattr(risk, "label", ""), _times(risk))):
        if times.size and float(np.max(times)) * days > MAX_CURVE_DAYS:
            raise ValueError(
                f"{label}: a time of {number_shown(float(np.max(times)))} {details.time_unit} is "
                f"beyond {MAX_CURVE_YEARS} years after time zero; check the time axis and its unit"
            )
    return reconstruct(
        points.time,
        points.survival,
        None if risk is None else risk.time,
        None if risk is None else risk.at_risk,
        n_patients=details.n_patients,
        total_events=details.total_events,
        published_median=details.published_median,
    )


def _times(risk: RiskRows | None) -> np.ndarray:
    return np.asarray([]) if risk is None else np.asarray(risk.time, dtype=float)


def _months(value: float | None, unit: str) -> float | None:
    if value is None:
        return None
    return float(timescale.to_unit(value * timescale.AXIS_UNITS[unit], "months"))


def _where(details: CurveDetails) -> str:
    return details.figure or "the published Kaplan–Meier figure"


def _median_fields(details: CurveDetails, rec: Reconstruction) -> dict[str, Any]:
    column = OUTCOME_MEDIANS.get(details.outcome)
    if column is None:
        return {}
    if details.published_median is not None:
        source = details.published_median_source or _where(details)
        return {
            column: _months(details.published_median, details.time_unit),
            f"{column}_source": f"published median entered with the curve: {source}",
        }
    median = rec.fit.median_reconstructed
    if median is None:
        return {}
    return {
        column: _months(median, details.time_unit),
        f"{column}_source": f"{CURVE_FLAG}: Kaplan–Meier median of the reconstructed patients "
        f"({CITATION}), {_where(details)}",
    }


def _notes(details: CurveDetails, rec: Reconstruction) -> str:
    what = CURVE_OUTCOMES[details.outcome]
    arm = f", {details.arm}" if details.arm else ""
    median = rec.fit.median_reconstructed
    median_text = (
        f"median {NOT_REACHED} on the curve"  # a reconstructed curve has follow-up (guyot_fit)
        if median is None
        else f"reconstructed median {median:.2f} {details.time_unit}"
    )
    head = (
        f"{CURVE_FLAG} ({_where(details)}{arm}; {what}): {rec.n} patients, "
        f"{rec.fit.events_reconstructed} events reconstructed ({CITATION}); {median_text}; "
        f"largest gap to the digitised curve {rec.fit.max_gap:.3f}."
    )
    return head if not details.notes else f"{head} {details.notes}"


def literature_record(details: CurveDetails, rec: Reconstruction) -> dict[str, Any]:
    """The literature series (user_series columns) of a reconstructed curve."""
    return {
        "citation": details.citation,
        "year": details.year,
        "doi": details.doi,
        "population": details.population,
        "design": details.design,
        "n_patients": rec.n,
        "n_patients_source": f"number at risk at time 0, {_where(details)}",
        "notes": _notes(details, rec),
        **_median_fields(details, rec),
    }


def to_store(
    details: CurveDetails, points: CurvePoints, risk: RiskRows | None, rec: Reconstruction
) -> CurveSeries:
    """Everything ``UserStore.add_curve_series`` stores for this curve."""
    days = timescale.AXIS_UNITS[details.time_unit]
    ipd = pd.DataFrame({"time_days": rec.ipd["time"] * days, "event": rec.ipd["event"]})
    return CurveSeries(
        record=literature_record(details, rec),
        outcome=details.outcome,
        time_unit=details.time_unit,
        method=" ".join(rec.method_notes),
        ipd=ipd,
        points=(points.time, points.survival),
        risk=None if risk is None else (risk.time, risk.at_risk),
        n_patients=rec.n,
        total_events=details.total_events,
        published_median=details.published_median,
        time_zero=details.time_zero,
        arm=details.arm,
        figure=details.figure,
        cleaning="; ".join(rec.cleaning_notes) or "no change needed",
        fit=" ".join(fit_lines(rec.fit, details.time_unit)),
        points_file=points.label,
        risk_file=None if risk is None else risk.label,
    )
