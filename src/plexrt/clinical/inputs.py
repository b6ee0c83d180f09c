"""How values handed to a computation or a figure are read: an on/off argument, and the cells of
a row (a yes/no flag, a count, a number). Missing cells follow ``plexrt.data.values``: an empty cell
is "not reported", never 0. Messages name the argument or the row and column (``where``, e.g.
"rows: total of 'Shindo 2024'").
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from plexrt.data.values import is_missing, number_problem

__all__ = ["check_count", "count", "flag", "number", "require_columns", "yes_no"]


def require_columns(
    df: Any, name: str, columns: Sequence[str], source: str | None = None
) -> pd.DataFrame:
    """``df`` is a DataFrame holding ``columns``; raises ValueError naming what is missing.
    ``source`` names where such a frame comes from ("store.cohort"), for the message."""
    if not isinstance(df, pd.DataFrame):
        where = f" ({source})" if source else ""
        raise ValueError(f"{name} must be a pandas DataFrame{where}, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name} is missing column(s): {', '.join(missing)}")
    return df


def flag(value: Any, name: str) -> bool:
    """An on/off argument (``percent``, ``present``, ...): True or False, not 1 or "yes"."""
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def yes_no(value: Any, where: str) -> bool:
    """A yes/no cell: True/False or 1/0."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer) and value in (0, 1):
        return bool(value)
    raise ValueError(f"{where} must be True or False, got {value!r}")


def number(value: Any, where: str) -> float | None:
    """A numeric cell; None when missing (not reported)."""
    if is_missing(value):
        return None
    problem = number_problem(value)
    if problem:
        raise ValueError(f"{where} {problem}")
    return float(value)


def count(value: Any, where: str) -> int:
    """A count cell: a whole number (the caller decides what a missing count means)."""
    problem = number_problem(value, whole=True)
    if problem:
        raise ValueError(f"{where} {problem}")
    return int(float(value))


def check_count(value: Any, name: str) -> int:
    """A count argument (of sites): a whole number 0 or more, as int."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{name} must be a whole number 0 or more, got {value!r}")
    return int(value)
