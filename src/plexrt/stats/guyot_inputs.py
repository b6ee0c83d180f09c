"""What the curve reconstruction accepts besides the points: the number-at-risk table (or the
number of patients alone) and the total number of events."""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np

from plexrt.stats.curve_points import CleanCurve

__all__ = ["check_risk_table", "check_total_events", "whole"]


def whole(value: Any, name: str, *, low: int = 0) -> int:
    """``value`` as a whole number >= ``low``; ValueError naming ``name`` otherwise."""
    try:
        ok = (
            not isinstance(value, bool)
            and isinstance(value, Real | np.integer | np.floating)
            and math.isfinite(float(value))
            and float(value) == int(float(value))
        )
    except OverflowError:  # an int beyond any float (10**400)
        ok = False
    if not ok or int(float(value)) < low:
        try:
            shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "…"
        except ValueError:  # an int of more than 4,300 digits has no str()
            shown = "a number of more than 4,300 digits"
        raise ValueError(f"{name} must be a whole number of at least {low}, got {shown}")
    return int(float(value))


def _arrays(risk_times: Any, risk_counts: Any) -> tuple[np.ndarray, np.ndarray]:
    try:
        t = np.atleast_1d(np.asarray(risk_times, dtype=float))
        n = np.atleast_1d(np.asarray(risk_counts, dtype=float))
    except (TypeError, ValueError):
        raise ValueError("the number-at-risk table must hold numbers") from None
    if t.ndim != 1 or t.size != n.size or t.size == 0:
        raise ValueError(
            f"the number-at-risk table needs one count per time ({t.size} times, {n.size} counts)"
        )
    if not (np.isfinite(t).all() and np.isfinite(n).all()):
        raise ValueError("the number-at-risk table contains a missing or infinite value")
    return t, n


def _check_rows(t: np.ndarray, n: np.ndarray) -> None:
    if t[0] != 0:
        raise ValueError(
            f"the number-at-risk table must start at time 0 (the patients at the start), "
            f"its first time is {t[0]:g}"
        )
    if (np.diff(t) <= 0).any():
        i = int(np.flatnonzero(np.diff(t) <= 0)[0])
        raise ValueError(
            f"number-at-risk times must increase: row {i + 2} ({t[i + 1]:g}) is not after "
            f"row {i + 1} ({t[i]:g})"
        )
    if (n < 0).any() or (n != np.round(n)).any():
        raise ValueError("numbers at risk must be whole numbers, 0 or more")
    if n[0] < 1:
        raise ValueError(
            "the number at risk at time 0 (the patients in the curve) must be 1 or more"
        )
    if (np.diff(n) > 0).any():
        i = int(np.flatnonzero(np.diff(n) > 0)[0])
        raise ValueError(
            f"numbers at risk cannot grow: {int(n[i + 1])} at {t[i + 1]:g} after {int(n[i])} at "
            f"{t[i]:g}"
        )


def _trim(t: np.ndarray, n: np.ndarray, curve: CleanCurve) -> tuple[np.ndarray, np.ndarray, list]:
    """Rows after the curve's end, and after the first row with nobody at risk, carry nothing."""
    notes = []
    end = float(curve.time[-1])
    keep = t <= end
    if not keep.all():
        notes.append(
            f"Number-at-risk rows after the curve's last point ({end:g}) left out (times "
            + ", ".join(f"{v:g}" for v in t[~keep])
            + "): the digitised curve says nothing there; check that the whole curve was digitised."
        )
    zero = np.flatnonzero(n == 0)
    if zero.size and zero[0] + 1 < keep.sum():
        keep[zero[0] + 1 :] = False
        notes.append(f"Number-at-risk rows after the first 0 (at {t[zero[0]]:g}) left out.")
    return t[keep], n[keep], notes


def check_risk_table(
    risk_times: Any, risk_counts: Any, n_patients: Any, curve: CleanCurve
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(times, counts, notes) of the number-at-risk table the reconstruction uses.

    Without a table (both None) ``n_patients`` makes a one-row table at time 0. A table must start
    at time 0, its times increase, its counts be whole, at least 1 at time 0 and never grow; rows
    after the curve's last point, or after the first 0, are left out with a note. ``n_patients``
    given with a table must equal its count at time 0.
    """
    if risk_times is None and risk_counts is None:
        if n_patients is None:
            raise ValueError(
                "give the number-at-risk table, or at least the number of patients at the start"
            )
        n0 = whole(n_patients, "the number of patients", low=1)
        return np.array([0.0]), np.array([float(n0)]), []
    t, n = _arrays(risk_times, risk_counts)
    _check_rows(t, n)
    if n_patients is not None and whole(n_patients, "the number of patients", low=1) != n[0]:
        raise ValueError(
            f"the number of patients given ({n_patients}) differs from the number at risk at "
            f"time 0 ({int(n[0])})"
        )
    return _trim(t, n, curve)


def check_total_events(total_events: Any, n_patients: int) -> int | None:
    """The reported total number of events: None, or a whole number from 0 to the patients."""
    if total_events is None:
        return None
    total = whole(total_events, "the total number of events")
    if total > n_patients:
        raise ValueError(
            f"the total number of events ({total}) exceeds the patients at the start ({n_patients})"
        )
    return total
