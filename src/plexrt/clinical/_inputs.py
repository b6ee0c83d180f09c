"""Input checks shared by the clinical modules: a frame has the columns a rule reads, a count is
a whole number."""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd


def require_columns(df: Any, cols: Iterable[str], name: str) -> None:
    """ValueError naming ``name`` unless ``df`` is a DataFrame with every column in ``cols``."""
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {', '.join(missing)}")


def check_count(v: Any, name: str) -> int:
    """A count of sites as int; ValueError unless a whole number 0 or more."""
    if isinstance(v, bool | np.bool_) or not isinstance(v, numbers.Integral) or v < 0:
        raise ValueError(f"{name} must be a whole number 0 or more, got {v!r}")
    return int(v)
