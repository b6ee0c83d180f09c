"""A published Kaplan-Meier curve turned into individual times, as it is stored: its shape and its
rules (no SQL here; the store is ``plexrt.data.userstore.curves``).

A curve series is a literature series (its citation and figures, validated as every series is:
``plexrt.data.literature_rules.validate_series``) plus, under the same key, the curve's metadata, the
points and risk table as given (in the curve's own time unit: the reconstruction can be redone from
them) and one row per reconstructed patient (times in days). ``curve_problems`` names every problem
of the curve part at once; the store refuses the whole series when there is any.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from plexrt.data.text_limits import text_problem
from plexrt.data.values import is_missing, one_decimal
from plexrt.data.vocab import CURVE_OUTCOMES, CURVE_TIME_UNITS

__all__ = ["CURVE_FLAG", "TEXT_LIMIT", "CurveSeries", "curve_problems", "is_curve_source", "text"]

#: How a reconstructed curve series is flagged wherever it is shown or stored.
CURVE_FLAG = "reconstructed from published curve"
TEXT_LIMIT = 4000


def is_curve_source(source: Any) -> bool:
    """True when a figure's source says it was reconstructed from a published curve."""
    return not is_missing(source) and str(source).strip().startswith(CURVE_FLAG)


def curve_figure(value: Any, unit: str = "") -> str:
    """A figure read off a reconstructed published curve ('6.6 months (reconstructed from
    published curve)'): to the tenth, as PlexRT's own medians, and flagged."""
    return f"{one_decimal(float(value))}{unit} ({CURVE_FLAG})"


@dataclass(frozen=True)
class CurveSeries:
    """Everything stored for one published curve.

    ``record``: the literature series (user_series columns, with sources for every figure).
    ``points`` / ``risk``: (times, values) as given, in ``time_unit``; ``risk`` None when the paper
    printed no number-at-risk table. ``ipd``: columns ``time_days`` and ``event`` (1/0), one row
    per reconstructed patient. Text fields are stored as given (stripped), None when blank.
    """

    record: Mapping[str, Any]
    outcome: str
    time_unit: str
    method: str
    ipd: pd.DataFrame
    points: tuple[Any, Any]
    risk: tuple[Any, Any] | None = None
    n_patients: int = 0
    total_events: int | None = None
    published_median: float | None = None
    time_zero: str | None = None
    arm: str | None = None
    figure: str | None = None
    cleaning: str | None = None
    fit: str | None = None
    points_file: str | None = None
    risk_file: str | None = None


def text(v: Any) -> str | None:
    """A stored text field: stripped, None when blank, at most TEXT_LIMIT characters (the method
    and fit texts are PlexRT's own words; only their length is bounded)."""
    return None if is_missing(v) else str(v).strip()[:TEXT_LIMIT]


def _finite(values: Any) -> bool:
    arr = np.asarray(values, dtype=float)
    return bool(arr.ndim == 1 and arr.size and np.isfinite(arr).all())


def _ipd_problems(ipd: Any, n_patients: int) -> list[str]:
    if not isinstance(ipd, pd.DataFrame) or not {"time_days", "event"} <= set(ipd.columns):
        return ["ipd: must be a table with columns time_days and event"]
    out = []
    if ipd.empty:
        out.append("ipd: no reconstructed patient")
    elif not _finite(ipd["time_days"]) or (ipd["time_days"] < 0).any():
        out.append("ipd: every time must be a finite number of days, 0 or more")
    if not ipd["event"].isin([0, 1]).all():
        out.append("ipd: event must be 1 (event) or 0 (censored)")
    if n_patients != len(ipd):
        out.append(f"n_patients: {n_patients} given, {len(ipd)} reconstructed patients")
    return out


def _pair_problems(name: str, pair: Any, minimum: int) -> list[str]:
    try:
        a, b = (np.asarray(v, dtype=float) for v in pair)
    except (TypeError, ValueError):
        return [f"{name}: must be two columns of numbers"]
    if a.shape != b.shape or a.ndim != 1 or a.size < minimum or not (_finite(a) and _finite(b)):
        return [f"{name}: must be two equal columns of at least {minimum} finite numbers"]
    return []


_TEXT_FIELDS = (
    "time_zero",
    "arm",
    "figure",
    "method",
    "cleaning",
    "fit",
    "points_file",
    "risk_file",
)


def _text_problems(curve: CurveSeries) -> list[str]:
    out = []
    for name in _TEXT_FIELDS:
        v = getattr(curve, name)
        if not is_missing(v) and not isinstance(v, str):
            out.append(f"{name}: must be text")
        elif isinstance(v, str) and (problem := text_problem(v, TEXT_LIMIT)):
            out.append(f"{name}: {problem}")
    return out


def curve_problems(curve: CurveSeries) -> list[str]:
    """Every problem with a curve series (besides its literature record), each naming its field."""
    out = []
    if curve.outcome not in CURVE_OUTCOMES:
        out.append(f"outcome: unknown {curve.outcome!r}; use one of {', '.join(CURVE_OUTCOMES)}")
    if curve.time_unit not in CURVE_TIME_UNITS:
        out.append(
            f"time_unit: unknown {curve.time_unit!r}; use one of {', '.join(CURVE_TIME_UNITS)}"
        )
    if is_missing(curve.method):
        out.append("method: the reconstruction method must be recorded")
    out += _pair_problems("points", curve.points, 2)
    if curve.risk is not None:
        out += _pair_problems("risk", curve.risk, 1)
    out += _ipd_problems(curve.ipd, curve.n_patients)
    out += _text_problems(curve)
    if curve.total_events is not None and not 0 <= curve.total_events <= curve.n_patients:
        out.append(f"total_events: must be 0 to {curve.n_patients}, got {curve.total_events}")
    pm = curve.published_median
    if pm is not None and not (isinstance(pm, int | float) and math.isfinite(pm) and pm >= 0):
        out.append(f"published_median: must be a number 0 or more, got {pm!r}")
    return out
