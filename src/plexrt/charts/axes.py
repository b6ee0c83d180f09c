"""Time axes of the time-to-event figures: the unit shown, round tick steps, times as text.

All times going in are **days**; ``unit`` only changes what the axes show. Units and their
abbreviations come from ``plexrt.stats.timescale`` (a month is 365.25 / 12 days).
"""

from __future__ import annotations

import math
from typing import Any

from plexrt.data.values import finite_float
from plexrt.stats.survival import NOT_REACHED
from plexrt.stats.timescale import UNIT_ABBREV, UNITS, to_unit

__all__ = [
    "PROPORTION_AXIS",
    "check_unit",
    "curve_width",
    "fmt_time",
    "nice_ticks",
    "time_axis_range",
    "time_ticks",
    "time_axis_title",
    "unit_abbrev",
]

#: The y axis of a survival or cumulative incidence curve: 0 to 1 with a little room above.
PROPORTION_AXIS = {"range": [0, 1.05], "tickvals": [0, 0.25, 0.5, 0.75, 1.0]}

# Candidate tick steps in each unit (consecutive ratios at most 2, so a step giving 5-8 ticks
# always exists); outside these ranges a 1-2-2.5-5 series is used.
_STEPS = {
    "days": (1, 2, 3, 5, 7, 10, 14, 20, 25, 30, 50, 60, 100, 150, 200, 250, 300, 500, 750, 1000),
    "weeks": (1, 2, 4, 8, 12, 16, 26, 52, 104, 156, 260),
    "months": (0.25, 0.5, 1, 2, 3, 6, 12, 24, 36, 60, 120),
}
_MIN_TICKS, _MAX_TICKS = 5, 8


def check_unit(unit: Any) -> str:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
    return str(unit)


def unit_abbrev(unit: str) -> str:
    return UNIT_ABBREV[unit]


def _step_candidates(unit: str) -> list[float]:
    own = list(_STEPS[unit])
    generic = [m * 10.0**k for k in range(-3, 7) for m in (1, 2, 2.5, 5)]
    lo, hi = own[0], own[-1]
    return sorted([g for g in generic if g < lo] + own + [g for g in generic if g > hi])


def nice_ticks(max_days: Any, unit: str = "months") -> list[float]:
    """Evenly spaced tick positions in ``unit`` from 0 to at least ``max_days``: 5-8 ticks.

    The step is a "round" number for the unit (e.g. every 3 months, 4 weeks or 100 days); among
    steps giving 5-8 ticks the one whose last tick overshoots ``max_days`` least is chosen (ties:
    the larger step, i.e. fewer ticks).
    """
    unit = check_unit(unit)
    if finite_float(max_days) is None:
        raise ValueError(f"max_days must be a finite number, got {max_days!r}")
    if max_days <= 0:
        raise ValueError(f"max_days must be positive, got {max_days!r}")
    top = to_unit(float(max_days), unit)
    best: tuple[float, float, int] | None = None
    for step in _step_candidates(unit):
        k = math.ceil(top / step - 1e-9)
        if not _MIN_TICKS <= k + 1 <= _MAX_TICKS:
            continue
        overshoot = k * step - top
        key = (round(overshoot, 9), -step)
        if best is None or key < (round(best[0], 9), -best[1]):
            best = (overshoot, step, k)
    if best is None:  # unreachable with the candidate lists above; kept as a guard
        raise ValueError(f"no tick step found for max_days={max_days!r} in {unit}")
    _, step, k = best
    return [round(i * step, 10) for i in range(k + 1)]


def time_ticks(max_days: float, unit: str) -> list[float]:
    """``nice_ticks`` of a figure whose longest time is ``max_days``, the axis spanning at least
    the unit's shortest round span (its smallest step four times: 1 month, 4 weeks, 4 days), so
    that a cohort followed for no time or hours (everyone dead the day RT ended) is not drawn on
    an axis of hundredths of a month."""
    unit = check_unit(unit)
    floor = _STEPS[unit][0] * (_MIN_TICKS - 1) * UNITS[unit]
    return nice_ticks(max(float(max_days), floor), unit)


def fmt_time(days: float | None, unit: str, missing: str = NOT_REACHED) -> str:
    """A time in ``unit`` for a legend: whole days, or weeks / months to one decimal; a missing
    median or limit in the words of why it is missing (``KMResult.missing``)."""
    if days is None or not math.isfinite(days):
        return missing
    v = to_unit(days, unit)
    return f"{v:.0f}" if unit == "days" else f"{v:.1f}"


def time_axis_title(unit: str) -> str:
    return f"Time from start of radiotherapy ({unit})"


def time_axis_range(ticks: list[float]) -> list[float]:
    """x range of a step curve: from just left of 0 (a drop at time 0 stays visible) to a little
    past the last tick."""
    return [-0.02 * ticks[-1], ticks[-1] * 1.03]


def curve_width(present: bool) -> float:
    """Line width of a Kaplan-Meier or cumulative incidence curve (thicker for a projector)."""
    return 3.5 if present else 2.2
