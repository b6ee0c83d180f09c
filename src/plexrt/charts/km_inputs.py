"""What ``km_figure`` accepts: labelled Kaplan-Meier curves, reference lines, an envelope."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from plexrt.charts import style
from plexrt.clinical.inputs import require_columns
from plexrt.data.values import finite_float
from plexrt.stats.survival import KMResult

__all__ = [
    "DEFAULT_ENVELOPE_LABEL",
    "check_curves",
    "check_envelope",
    "check_reference_lines",
    "envelope_name",
]

DEFAULT_ENVELOPE_LABEL = "Reconstruction ensemble 5–95%"


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def _pairs(value: Any, name: str, pair: str, non_empty: bool = False) -> list[tuple[Any, Any]]:
    """``value`` as a list of 2-tuples; ValueError "<name> must be a list of <pair> pairs"."""
    if not _is_list(value) or (non_empty and not value):
        size = "non-empty " if non_empty else ""
        raise ValueError(f"{name} must be a {size}list of {pair} pairs")
    for item in value:
        if not _is_list(item) or len(item) != 2:
            raise ValueError(f"{name} must hold {pair} pairs, got {item!r}")
    return [(item[0], item[1]) for item in value]


def check_curves(curves: Any) -> list[tuple[str, KMResult]]:
    out = []
    for label, result in _pairs(curves, "curves", "(label, KMResult)", non_empty=True):
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"curve labels must be non-empty strings, got {label!r}")
        if not isinstance(result, KMResult):
            raise ValueError(f"curve {label!r}: expected a KMResult from survival.kaplan_meier()")
        out.append((label, result))
    labels = [lab for lab, _ in out]
    if len(set(labels)) != len(labels):
        raise ValueError(f"curve labels must be unique, got {labels}")
    if len(out) > len(style.OKABE_ITO):
        raise ValueError(
            f"curves: at most {len(style.OKABE_ITO)} curves can be told apart, got {len(out)}"
        )
    return out


def check_reference_lines(reference_lines: Any) -> list[tuple[float, str]]:
    if reference_lines is None:
        return []
    out = []
    for value, label in _pairs(reference_lines, "reference_lines", "(value_days, label)"):
        if finite_float(value) is None:
            raise ValueError(f"reference_lines: value_days must be a finite number, got {value!r}")
        if value < 0:
            raise ValueError(f"reference_lines: value_days must not be negative, got {value!r}")
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"reference_lines: label must be a non-empty string, got {label!r}")
        out.append((float(value), label))
    return out


def check_envelope(envelope: Any) -> pd.DataFrame:
    require_columns(envelope, "envelope", ("time_days", "low", "high"))
    if envelope.empty:
        raise ValueError("envelope has no rows")
    env = envelope.sort_values("time_days")
    try:
        t = env["time_days"].to_numpy(dtype=float)
        lo = env["low"].to_numpy(dtype=float)
        hi = env["high"].to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ValueError("envelope columns time_days, low, high must be numbers") from None
    if not (np.isfinite(t).all() and np.isfinite(lo).all() and np.isfinite(hi).all()):
        raise ValueError("envelope contains NaN or infinite values")
    if (lo > hi).any():
        raise ValueError("envelope: low must not exceed high")
    return pd.DataFrame({"time_days": t, "low": lo, "high": hi})


def envelope_name(envelope: pd.DataFrame, label: str | None) -> str:
    """The legend entry of the envelope: its quantiles when known (attrs lo, hi)."""
    if label is not None:
        return label
    attrs = getattr(envelope, "attrs", {})
    if "lo" in attrs and "hi" in attrs:
        return f"Reconstruction ensemble {100 * attrs['lo']:g}–{100 * attrs['hi']:g}%"
    return DEFAULT_ENVELOPE_LABEL
