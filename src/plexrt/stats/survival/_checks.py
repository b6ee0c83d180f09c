"""Input checks and small shared pieces of the survival functions: every public function validates
its input here and raises ValueError naming the argument."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd
from scipy import special as _special

CONF_TYPES = ("log-log", "log", "plain")


def finite_float(value: Any) -> float | None:
    """``value`` as a float when it is a finite real number (not a bool, not text); None for
    anything else, an int beyond any float (10**400) included. (stats imports nothing else from
    plexrt: the rule of ``plexrt.data.values.finite_float``, for the statistics' own checks.)"""
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real):
        return None
    try:
        x = float(value)
    except OverflowError:
        return None
    return x if np.isfinite(x) else None


def _as_float_any(values: Any, name: str) -> np.ndarray:
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int beyond any float
        raise ValueError(f"{name} must be numbers, got {values!r}") from None


def as_1d_float(values: Any, name: str) -> np.ndarray:
    arr = _as_float_any(values, name)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    return arr


def check_durations(durations: Any, name: str = "durations") -> np.ndarray:
    t = as_1d_float(durations, name)
    if t.size == 0:
        raise ValueError(f"{name} is empty: at least one subject is needed")
    if np.isnan(t).any():
        raise ValueError(f"{name} contains NaN (missing) times")
    if np.isinf(t).any():
        raise ValueError(f"{name} contains infinite times")
    if (t < 0).any():
        raise ValueError(f"{name} contains negative times (smallest {t.min():g})")
    return t


def check_events(events: Any, n: int) -> np.ndarray:
    e = as_1d_float(events, "events")
    if e.size != n:
        raise ValueError(f"events has length {e.size} but durations has length {n}")
    if np.isnan(e).any():
        raise ValueError("events contains NaN (missing) values; use 1 = event, 0 = censored")
    bad = ~np.isin(e, (0.0, 1.0))
    if bad.any():
        raise ValueError(
            f"events must be 1 (event) or 0 (censored), got {np.unique(e[bad]).tolist()}"
        )
    return e


def check_codes(event_codes: Any, n: int) -> np.ndarray:
    c = as_1d_float(event_codes, "event_codes")
    if c.size != n:
        raise ValueError(f"event_codes has length {c.size} but durations has length {n}")
    if not np.isfinite(c).all():
        raise ValueError("event_codes contains NaN or infinite values")
    bad = (c < 0) | (c != np.round(c))
    if bad.any():
        raise ValueError(
            "event_codes must be non-negative whole numbers (0 = censored, 1, 2, ... = event "
            f"types), got {np.unique(c[bad]).tolist()}"
        )
    return c.astype(np.int64)


def check_alpha(alpha: Any) -> float:
    x = finite_float(alpha)
    if x is None or not 0 < x < 1:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha!r}")
    return x


def check_conf_type(conf_type: Any) -> str:
    if conf_type not in CONF_TYPES:
        raise ValueError(f"unknown conf_type {conf_type!r}; choose one of {', '.join(CONF_TYPES)}")
    return str(conf_type)


def check_event_of_interest(event_of_interest: Any) -> int:
    x = finite_float(event_of_interest)
    if x is None or x != int(x) or x < 1:
        raise ValueError(
            f"event_of_interest must be a positive whole number (1, 2, ...), got {event_of_interest!r}"
        )
    return int(x)


def check_times(times: Any, name: str = "times") -> np.ndarray:
    arr = np.atleast_1d(_as_float_any(times, name))
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a number or a one-dimensional sequence")
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN")
    return arr


def group_labels(groups: Any, n: int) -> tuple[list[Any], np.ndarray]:
    """(sorted distinct labels, code per subject); at least two groups, no missing label."""
    if isinstance(groups, str | bytes) or np.ndim(groups) != 1:
        raise ValueError("groups must be a one-dimensional sequence of group labels")
    g = pd.Series(list(groups), dtype=object)
    if g.size != n:
        raise ValueError(f"groups has length {g.size} but durations has length {n}")
    if g.isna().any():
        raise ValueError("groups contains missing values")
    labels: Sequence[Any] = pd.unique(g)
    try:
        labels = sorted(labels)
    except TypeError:
        labels = list(labels)  # unorderable mix: keep order of first appearance
    if len(labels) < 2:
        raise ValueError(f"groups must contain at least two different groups, got {labels}")
    index = {lab: i for i, lab in enumerate(labels)}
    codes = np.fromiter((index[v] for v in g), dtype=np.int64, count=n)
    return list(labels), codes


def risk_sets(
    t: np.ndarray, e: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Distinct times with numbers at risk, events and censorings (events first at ties)."""
    times, inverse = np.unique(t, return_inverse=True)
    d = np.bincount(inverse, weights=e, minlength=times.size)
    total = np.bincount(inverse, minlength=times.size).astype(float)
    c = total - d
    # At risk at time t = everyone whose time is >= t: censored subjects at t are still at risk
    # for the events at t (R convention).
    at_risk = t.size - np.concatenate(([0.0], np.cumsum(total)[:-1]))
    return times, at_risk, d, c


def step_lookup(
    table_time: np.ndarray, values: np.ndarray, times: Any, before: float
) -> np.ndarray:
    """A right-continuous step function (knots ``table_time``) at ``times``; ``before`` ahead of
    the first knot."""
    q = check_times(times)
    pos = np.searchsorted(table_time, q, side="right") - 1
    out = np.where(pos >= 0, values[np.clip(pos, 0, None)], before)
    return out.astype(float)


@lru_cache(maxsize=32)
def z_value(alpha: float) -> float:
    """Two-sided normal quantile; ndtri is the fast ufunc behind scipy.stats.norm.ppf."""
    return float(_special.ndtri(1.0 - alpha / 2.0))


def level_text(alpha: float) -> str:
    return f"{100 * (1 - alpha):g}%"
