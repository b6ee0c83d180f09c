"""What a rounded published figure allows: the whole days (or the real mean, in days) that the
authors would have printed as the value of a :class:`Constraint` under its rounding."""

from __future__ import annotations

import math
from collections.abc import Sequence

from plexrt.reconstruct.constraints import Constraint
from plexrt.stats.timescale import DAYS_PER_MONTH, DAYS_PER_WEEK

DayWindow = tuple[int, int]  # whole days, both ends included
RealWindow = tuple[float, float, bool]  # (low, high, high included)

# How the AUTHORS may have turned days into the months they print: a reading of the paper, not a
# month length of PlexRT (PlexRT converts with stats.timescale.DAYS_PER_MONTH everywhere). A figure in
# months holds if it holds under either reading. The 30-day reading cannot go: the Discussion's
# "mean ... 6.8 months" of relief is the Results' "mean duration of 205 days" (7 whole-day values,
# so 204.57-205.43 days) divided by 30 (6.82-6.85 -> 6.8); with 365.25/12-day months it is 6.72-6.75
# -> 6.7, and PlexRT would report (and drop) a conflict that is only its own conversion.
PAPER_MONTH_READINGS: tuple[float, ...] = (30.0, DAYS_PER_MONTH)

_EPS = 1e-9  # tolerance for comparing real means with window edges


def rounding_step(c: Constraint) -> float:
    """Width of the rounding step in the constraint's unit (0 = exact)."""
    if c.rounding == "nearest 0.1 month":
        return 0.1
    if c.rounding in ("nearest day", "nearest week", "nearest month", "approximate"):
        return 1.0
    return 0.0


def unit_days(
    unit: str, month_lengths: Sequence[float] = PAPER_MONTH_READINGS
) -> tuple[float, ...]:
    """Days in one ``unit`` (one value per reading for months)."""
    if unit == "months":
        return tuple(month_lengths)
    return (DAYS_PER_WEEK,) if unit == "weeks" else (1.0,)


def int_window(c: Constraint, month_lengths: Sequence[float] = PAPER_MONTH_READINGS) -> DayWindow:
    """Whole days d for which "d days" is reported as ``c.value`` under the rounding (any month
    reading): half-up rounding, so v rounds from [v - step/2, v + step/2)."""
    v, step = c.number, rounding_step(c)
    if c.unit == "days" and c.rounding in ("nearest day", "exact"):
        return int(round(v)), int(round(v))
    los, his = [], []
    for length in unit_days(c.unit, month_lengths):
        if step == 0:
            los.append(math.ceil(v * length))
            his.append(math.floor(v * length))
        else:
            los.append(math.ceil((v - step / 2) * length))
            his.append(math.ceil((v + step / 2) * length) - 1)
    return min(los), max(his)


def real_window(c: Constraint, month_lengths: Sequence[float] = PAPER_MONTH_READINGS) -> RealWindow:
    """Interval of a real quantity (a mean or median, in days) reported as ``c.value``."""
    v, step = c.number, rounding_step(c)
    lengths = unit_days(c.unit, month_lengths)
    if step == 0:
        return min(v * x for x in lengths), max(v * x for x in lengths), True
    return (
        min((v - step / 2) * x for x in lengths),
        max((v + step / 2) * x for x in lengths),
        False,
    )


def in_real(x: float, w: RealWindow) -> bool:
    lo, hi, closed = w
    return lo - _EPS <= x <= hi + _EPS if closed else lo - _EPS <= x < hi - _EPS


def overlaps(r: tuple[float, float], w: RealWindow) -> bool:
    """Whether the achievable range r of a mean / median meets the window w."""
    lo, hi, closed = w
    return r[1] >= lo - _EPS and (r[0] <= hi + _EPS if closed else r[0] < hi - _EPS)


def sum_window(w: RealWindow, n: int) -> DayWindow:
    """Whole-number sums of n values whose mean lies in the real window w."""
    lo, hi, closed = w
    s_lo = math.ceil(n * lo - _EPS)
    s_hi = math.floor(n * hi + _EPS) if closed else math.ceil(n * hi - _EPS) - 1
    return s_lo, s_hi


def fmt_days(w: DayWindow) -> str:
    return f"{w[0]} days" if w[0] == w[1] else f"{w[0]}-{w[1]} days"


def fmt_real(w: RealWindow, unit: str = "days") -> str:
    return f"[{w[0]:.2f}, {w[1]:.2f}{']' if w[2] else ')'} {unit}"


def fmt_readings(month_lengths: Sequence[float] = PAPER_MONTH_READINGS) -> str:
    """'30- or 30.44-day months': the month readings, for conflict texts."""
    return "- or ".join(f"{m:.4g}" for m in month_lengths) + "-day months"
