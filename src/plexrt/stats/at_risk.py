"""Numbers at risk under a Kaplan-Meier plot: subjects still followed (time >= t) at each tick."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from plexrt.stats.survival import KMResult, at_risk_at

__all__ = ["km_durations", "numbers_at_risk", "risk_table"]


def km_durations(result: KMResult) -> np.ndarray:
    """The individual follow-up times behind a Kaplan-Meier table (one per subject)."""
    tab = result.table
    counts = (tab["events"] + tab["censored"]).to_numpy(dtype=np.int64)
    return np.repeat(tab["time"].to_numpy(dtype=float), counts)


def numbers_at_risk(result: KMResult, times: Any) -> list[int]:
    """Subjects of a Kaplan-Meier curve with follow-up time >= t, at each of ``times``."""
    if not isinstance(result, KMResult):
        raise ValueError("result must be a KMResult from survival.kaplan_meier()")
    return at_risk_at(km_durations(result), times)


def risk_table(curves_durations: Mapping[str, Any], ticks_days: Any) -> pd.DataFrame:
    """Number at risk (follow-up time >= t) per curve at each tick, as under a Kaplan-Meier plot.

    ``curves_durations`` maps a curve label to its subjects' follow-up times in days; returns one
    row per label (index ``curve``) and one integer column per tick (column names = ticks in days).
    """
    if not isinstance(curves_durations, Mapping) or not curves_durations:
        raise ValueError("curves_durations must be a non-empty mapping label -> durations")
    ticks = np.atleast_1d(np.asarray(ticks_days, dtype=float))
    if ticks.ndim != 1 or ticks.size == 0 or not np.isfinite(ticks).all():
        raise ValueError("ticks_days must be a non-empty list of finite numbers")
    rows = {label: at_risk_at(durations, ticks) for label, durations in curves_durations.items()}
    out = pd.DataFrame.from_dict(rows, orient="index", columns=[float(t) for t in ticks])
    out.index.name = "curve"
    return out.astype(np.int64)
