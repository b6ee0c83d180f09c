"""Clean the points of a digitised Kaplan-Meier curve before its individual times are reconstructed.

A digitiser (WebPlotDigitizer, DigitizeIt, ...) returns the points a reader clicked or traced on the
published figure. They carry the reader's noise: a point a hair above the previous one, a time a
hair below zero, the same time clicked twice, survival read as a percentage. The reconstruction
(``plexrt.stats.guyot``) needs a curve that starts at (0, 1), runs forward in time and never rises.
``clean_points`` makes it so and says, in words, every change it made; what cannot be a calibration
slip (a time far below zero, survival far outside the axis) is refused, not silently mended.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["AXIS_SLACK", "PERCENT_THRESHOLD", "CleanCurve", "clean_points"]

# A survival axis read in percent runs to 100; one read as a proportion overshoots 1 by a few
# hundredths at most. Anything above 1.5 can only be percent.
PERCENT_THRESHOLD = 1.5
# How far outside the 0-1 axis (after scaling) a clicked point may stray and still be the reader's
# noise, clipped back to the axis; beyond this the axis was calibrated wrongly.
AXIS_SLACK = 0.05
# How far below time 0, as a share of the last time, a point may stray and still be noise.
TIME_SLACK = 0.02


@dataclass(frozen=True)
class CleanCurve:
    """The curve as the reconstruction uses it: ``time`` strictly increasing from 0, ``survival``
    a proportion from 1 that never rises. ``notes``: every change made, in words (empty when the
    points needed none). ``n_read``: points as read; ``scale``: 'proportion' or 'percentage'."""

    time: np.ndarray
    survival: np.ndarray
    notes: tuple[str, ...]
    n_read: int
    scale: str


def _arrays(time: Any, survival: Any) -> tuple[np.ndarray, np.ndarray]:
    try:
        t = np.asarray(time, dtype=float)
        s = np.asarray(survival, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("the curve's times and survival values must be numbers") from None
    if t.ndim != 1 or s.ndim != 1:
        raise ValueError("the curve's times and survival values must be one-dimensional")
    if t.size != s.size:
        raise ValueError(f"{t.size} times but {s.size} survival values: they must pair up")
    if t.size < 2:
        raise ValueError(
            f"the curve has {'one point' if t.size == 1 else 'no points'}; digitise at least the start and the end of the "
            "curve and every step between"
        )
    bad = ~(np.isfinite(t) & np.isfinite(s))
    if bad.any():
        first = int(np.flatnonzero(bad)[0]) + 1
        raise ValueError(f"point {first} (and {int(bad.sum()) - 1} more) is not a finite number")
    return t, s


def _refuse_mixed_scales(t: np.ndarray, s: np.ndarray, notes: list[str]) -> None:
    """Percentages with some values that read as proportions (at most ``PERCENT_THRESHOLD``):
    when the curve, divided by 100, rises by more than noise but would not once those values are
    taken as proportions, the file mixes the two scales (a 0.6 typed among 80 and 50). Divided by
    100 with the rest, such a value would be a fall to almost 0 and a climb back."""
    small = s <= PERCENT_THRESHOLD
    order = np.lexsort((-s, t))
    as_read = (s / 100.0)[order]
    one_scale = np.where(small, s, s / 100.0)[order]
    if _worst_rise(t[order], as_read) is None:
        _note_a_fall_into_proportions(t[order], s[order], notes)
        return
    if _worst_rise(t[order], one_scale) is not None:
        return
    which = ", ".join(f"{i + 1} ({s[i]:g})" for i in np.flatnonzero(small)[:5])
    raise ValueError(
        f"survival runs to {float(s.max()):g}, a percentage, but points {which} read as "
        "proportions (0-1): the file mixes the two scales; give every survival value on one scale"
    )


# A fall from above this many percent straight to a value that reads as a proportion is said:
# it may be the curve's last patients dying, or proportions typed at the end of a percent file.
_SUSPECT_FALL = 10.0


def _note_a_fall_into_proportions(t: np.ndarray, s: np.ndarray, notes: list[str]) -> None:
    """``t``, ``s`` sorted. The two readings cannot be told apart here, so nothing is refused."""
    small = s <= PERCENT_THRESHOLD
    # ... and only where the other reading would not rise (100 x the value is no higher).
    plausible = 100.0 * s[1:] <= s[:-1] + 100.0 * AXIS_SLACK
    steps = np.flatnonzero(small[1:] & (s[:-1] > _SUSPECT_FALL) & plausible)
    if steps.size:
        i = int(steps[0])
        notes.append(
            f"survival falls from {s[i]:g}% at time {t[i]:g} to {s[i + 1]:g}% at time "
            f"{t[i + 1]:g}: if {s[i + 1]:g} was meant as a proportion ({100 * s[i + 1]:g}%), "
            "give every survival value on one scale"
        )


def _scale(t: np.ndarray, s: np.ndarray, notes: list[str]) -> tuple[np.ndarray, str]:
    top = float(s.max())
    if top > PERCENT_THRESHOLD:
        _refuse_mixed_scales(t, s, notes)
        notes.append(
            f"survival read as percentages (largest value {top:g} > {PERCENT_THRESHOLD:g}): "
            "divided by 100"
        )
        return s / 100.0, "percentage"
    return s, "proportion"


def _clip_survival(t: np.ndarray, s: np.ndarray, notes: list[str]) -> np.ndarray:
    worst = max(float(s.max()) - 1.0, -float(s.min()))
    if worst > AXIS_SLACK:
        above = float(s.max()) - 1.0 >= -float(s.min())
        where = "above 1" if above else "below 0"
        at = float(t[int(s.argmax() if above else s.argmin())])
        # :.3g, not :.3f: a value read off a miscalibrated axis (1e20) is not 21 digits long
        raise ValueError(
            f"a survival value lies {worst:.3g} {where} (the point at time {at:g}), more than "
            f"digitising noise ({AXIS_SLACK:g}): check the y-axis calibration in the digitiser"
        )
    outside = (s > 1.0) | (s < 0.0)
    if outside.any():
        notes.append(
            f"points slightly outside 0–1 ({int(outside.sum())}, at most {worst:.3f}): "
            "clipped to the axis"
        )
    return np.clip(s, 0.0, 1.0)


def _clip_time(t: np.ndarray, notes: list[str]) -> np.ndarray:
    span = float(t.max())
    if span <= 0:
        raise ValueError("every point lies at time 0 or before: the curve has no length")
    low = float(t.min())
    if low < -TIME_SLACK * span:
        raise ValueError(
            f"a time of {low:g} lies before 0 by more than digitising noise "
            f"({100 * TIME_SLACK:g}% of the last time, {span:g}): check the x-axis calibration"
        )
    if low < 0:
        notes.append(f"times slightly below 0 ({int((t < 0).sum())}, down to {low:g}): set to 0")
    return np.maximum(t, 0.0)


def _order(t: np.ndarray, s: np.ndarray, notes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    # At one time the higher points come first: they are the top of a drop read left to right.
    order = np.lexsort((-s, t))
    if (order != np.arange(t.size)).any():
        notes.append("points sorted by time (they were not in time order)")
    return t[order], s[order]


def _decreasing_fit(s: np.ndarray) -> np.ndarray:
    """Least-squares non-increasing fit (isotonic regression, pool-adjacent-violators): each run
    of points that breaks the order is replaced by its mean, so noise above and below the line
    averages out instead of dragging the curve down."""
    values: list[float] = []
    sizes: list[int] = []
    for v in s:
        values.append(float(v))
        sizes.append(1)
        while len(values) > 1 and values[-2] < values[-1]:
            n = sizes[-2] + sizes[-1]
            values[-2] = (values[-2] * sizes[-2] + values[-1] * sizes[-1]) / n
            sizes[-2] = n
            values.pop()
            sizes.pop()
    return np.repeat(values, sizes)


def _worst_rise(t: np.ndarray, s: np.ndarray) -> tuple[int, int] | None:
    """The largest rise that is more than the reader's noise, as (lowest earlier point, the point
    above it), or None: higher than an earlier point by more than ``AXIS_SLACK`` and later than it
    by more than ``TIME_SLACK`` of the time axis (the top and bottom of one drop are read a hair
    apart in time). ``t`` is sorted."""
    gap = TIME_SLACK * float(t[-1])
    before = np.searchsorted(t, t - gap, side="left")  # points [0, before[i]) lie earlier than gap
    lowest = np.minimum.accumulate(s)
    has = before > 0
    rise = np.full(s.size, -np.inf)
    rise[has] = s[has] - lowest[before[has] - 1]
    worst = int(np.argmax(rise))
    if rise[worst] <= AXIS_SLACK:
        return None
    return int(np.argmin(s[: before[worst]])), worst


def _refuse_a_real_rise(t: np.ndarray, s: np.ndarray) -> None:
    """A rise that is more than the reader's noise is refused (``_worst_rise``): a curve that
    climbs over time is a cumulative incidence curve, or another figure, and averaging it flat
    would invent the patients' times. ``t`` is sorted."""
    found = _worst_rise(t, s)
    if found is None:
        return
    low, worst = found
    raise ValueError(
        f"the curve rises from {s[low]:.3f} at time {t[low]:g} to {s[worst]:.3f} at time "
        f"{t[worst]:g}: a Kaplan-Meier curve never rises, and a rise this large and this long is "
        "not digitising noise (a cumulative incidence curve, 1 - survival, cannot be reconstructed "
        "as one); digitise the survival curve"
    )


def _never_rising(t: np.ndarray, s: np.ndarray, notes: list[str]) -> np.ndarray:
    _refuse_a_real_rise(t, s)
    fitted = _decreasing_fit(s)
    change = np.abs(fitted - s)
    moved = change > 1e-12
    if moved.any():
        notes.append(
            f"points in runs where the curve rose ({int(moved.sum())}; digitising noise, or the "
            "top and bottom of a drop read a hair apart in time): each run replaced by its mean "
            f"so that the curve never rises (median change {float(np.median(change[moved])):.3f}, "
            f"largest {float(change.max()):.3f})"
        )
    return fitted


def _one_per_time(t: np.ndarray, s: np.ndarray, notes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    # A Kaplan-Meier curve is right-continuous: at a time with a drop its value is the bottom of
    # the drop, which (the curve never rising) is the last point at that time.
    last = np.append(t[1:] != t[:-1], True)
    if not last.all():
        notes.append(
            f"points at a time already clicked ({int((~last).sum())}; a vertical drop or a "
            "double click): the lowest point at each time kept"
        )
    return t[last], s[last]


def _origin(t: np.ndarray, s: np.ndarray, notes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    at_zero = t <= 0.0
    # Every patient is alive (free of the event) at time zero: a curve starts at 1. A start read
    # a hair below 1 is the reader's noise, set to 1; one further below is a misread y-axis (or a
    # drop at time 0, events on day 0 that no interval of the risk table can hold): made 1, it
    # would move every such event to the next step, or turn a curve read as 0 throughout into
    # one flat at 1.
    if at_zero.any() and s[at_zero][-1] < 1.0 - AXIS_SLACK:
        raise ValueError(
            f"the curve reads {float(s[at_zero][-1]):.3f} at time 0, more than digitising noise "
            f"({AXIS_SLACK:g}) below 1: a Kaplan-Meier curve starts at 1; check the y-axis "
            "calibration in the digitiser (a drop at time 0 cannot be reconstructed)"
        )
    if not (at_zero.any() and s[0] == 1.0):
        if at_zero.any():
            notes.append(
                f"the point at time 0 read {float(s[at_zero][-1]):.3f}: the curve starts at (0, 1)"
            )
        else:
            notes.append("no point at time 0: the curve's start (0, 1) added")
    keep = ~at_zero
    return np.concatenate(([0.0], t[keep])), np.concatenate(([1.0], s[keep]))


def clean_points(time: Any, survival: Any) -> CleanCurve:
    """The digitised points made into a curve that starts at (0, 1), runs forward and never rises.

    In order: survival above ``PERCENT_THRESHOLD`` anywhere means percentages (divided by 100),
    unless the curve rises only because some values read as proportions (two scales: refused);
    survival within ``AXIS_SLACK`` outside 0-1 is clipped to the axis, further out is refused;
    times slightly below 0 (within 2% of the last time) are set to 0, further below are refused;
    points are sorted by time; a rise of more than ``AXIS_SLACK`` over more than ``TIME_SLACK`` of
    the time axis is refused; where the curve rises less, the points of that run are replaced by
    their mean (least-squares non-increasing fit);
    of several points at one time the lowest is kept (the value after the drop); the curve starts
    at (0, 1), a start read more than ``AXIS_SLACK`` below 1 is refused. Raises ValueError (naming the problem) for input that cannot be a curve.
    """
    t, s = _arrays(time, survival)
    n_read = int(t.size)
    notes: list[str] = []
    s, scale = _scale(t, s, notes)
    s = _clip_survival(t, s, notes)
    t = _clip_time(t, notes)
    t, s = _order(t, s, notes)
    s = _never_rising(t, s, notes)
    t, s = _one_per_time(t, s, notes)
    t, s = _origin(t, s, notes)
    if t.size < 2:
        raise ValueError("after cleaning only the start (0, 1) is left: no curve to reconstruct")
    return CleanCurve(time=t, survival=s, notes=tuple(notes), n_read=n_read, scale=scale)
