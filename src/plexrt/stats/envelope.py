"""The reconstruction envelope: pointwise quantiles of Kaplan-Meier survival over an ensemble.

When per-patient times are reconstructed, many data sets fit the published figures equally well.
The envelope shows how much the curve depends on those unpublished times; it is not a confidence
interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from plexrt.stats.survival import km_curve_on_grid

__all__ = ["ENVELOPE_COLUMNS", "envelope_from_ensemble"]

ENVELOPE_COLUMNS = ("time_days", "low", "high", "median")


def _check_quantiles(lo: float, hi: float) -> None:
    for name, q in (("lo", lo), ("hi", hi)):
        if isinstance(q, bool) or not isinstance(q, Real) or not 0 <= q <= 1:
            raise ValueError(f"{name} must be a number between 0 and 1, got {q!r}")
    if not lo < hi:
        raise ValueError(f"lo must be smaller than hi, got lo={lo!r}, hi={hi!r}")


def _check_grid(grid_days: Any) -> np.ndarray:
    try:
        grid = np.atleast_1d(np.asarray(grid_days, dtype=float))
    except (TypeError, ValueError):
        raise ValueError("grid_days must be numbers") from None
    if grid.ndim != 1 or grid.size == 0 or not np.isfinite(grid).all():
        raise ValueError("grid_days must be a non-empty list of finite numbers")
    if (grid < 0).any() or (np.diff(grid) <= 0).any():
        raise ValueError("grid_days must be non-negative and strictly increasing")
    return grid


def _is_pair_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def envelope_from_ensemble(
    ensemble: Sequence[tuple[Any, Any]],
    grid_days: Any,
    lo: float = 0.05,
    hi: float = 0.95,
) -> pd.DataFrame:
    """Pointwise quantiles of Kaplan-Meier survival over an ensemble of reconstructed data sets.

    ``ensemble``: list of ``(durations, events)`` pairs (days; 1 = event, 0 = censored), one per
    reconstruction. At each ``grid_days`` point the survival of every member is computed
    (``survival.km_curve_on_grid``) and the ``lo`` / 0.5 / ``hi`` quantiles taken (numpy's default
    linear interpolation, R quantile type 7). Returns ``time_days, low, high, median`` with
    ``attrs`` ``lo``, ``hi``, ``n_members``.
    """
    if not _is_pair_list(ensemble) or not ensemble:
        raise ValueError("ensemble must be a non-empty list of (durations, events) pairs")
    _check_quantiles(lo, hi)
    grid = _check_grid(grid_days)
    curves = []
    for k, member in enumerate(ensemble):
        if not _is_pair_list(member) or len(member) != 2:
            raise ValueError(f"ensemble member {k} must be a (durations, events) pair")
        durations, events = member
        try:
            curves.append(km_curve_on_grid(durations, events, grid))
        except ValueError as exc:
            raise ValueError(f"ensemble member {k}: {exc}") from None
    low, med, high = np.quantile(np.vstack(curves), [lo, 0.5, hi], axis=0)
    out = pd.DataFrame({"time_days": grid, "low": low, "high": high, "median": med})
    out.attrs.update({"lo": float(lo), "hi": float(hi), "n_members": len(curves)})
    return out
