"""Pain scores (NRS 0-10): what a valid score is, the change and percent change, and which sites
can be assessed for response (the denominator rule every response figure uses)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from plexrt.clinical.inputs import require_columns
from plexrt.data.values import finite_float, is_missing, missing_mask

NRS_MIN, NRS_MAX = 0, 10

# A rise of this many points counts as pain progression in every definition (ICPRE's rule; the
# paper itself defines no progression, so the same 2 points are used for "paper" and "threshold").
PROGRESSION_RISE = 2


def check_nrs(v: Any, name: str) -> int:
    """A pain score as int; ValueError unless a whole number 0..10 (9.0 from pandas is accepted)."""
    x = finite_float(v)
    if x is None or x != int(x) or not NRS_MIN <= x <= NRS_MAX:
        raise ValueError(f"{name} must be a whole number from 0 to 10 (NRS), got {v!r}")
    return int(x)


def _check_nrs_series(s: pd.Series, name: str) -> pd.Series:
    """Validate the known values of a Series of pain scores; return it as nullable Int64."""
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        x = s.dropna().to_numpy(dtype="float64")
        if ((x == np.round(x)) & (x >= NRS_MIN) & (x <= NRS_MAX)).all():
            return s.astype("Int64")  # every known score whole and 0..10 (the loop below agrees)
    for v in s:
        if not is_missing(v):
            check_nrs(v, name)
    return s.astype("Int64")


def _as_series(x: Any, other: Any) -> pd.Series:
    if isinstance(x, pd.Series):
        return x
    return pd.Series(x, index=other.index, dtype=object)


def nrs_change(before: Any, after: Any) -> Any:
    """Change in pain score, ``after - before`` (negative = less pain).

    Scalars give an ``int``. If either argument is a pandas Series the result is a nullable
    ``Int64`` Series, ``<NA>`` where either score is missing. Scores must be whole numbers 0..10,
    otherwise ValueError naming the argument.
    """
    if isinstance(before, pd.Series) or isinstance(after, pd.Series):
        b = _check_nrs_series(_as_series(before, after), "before")
        a = _check_nrs_series(_as_series(after, before), "after")
        return a - b
    return check_nrs(after, "after") - check_nrs(before, "before")


def percent_change(before: Any, after: Any) -> Any:
    """Percentage change in pain score, ``100 * (after - before) / before``.

    Undefined when ``before == 0`` (there is no baseline pain to change): a scalar call then
    returns ``None``, never a made-up value. With pandas Series the result is a float Series with
    NaN (pandas' missing value) where the change is undefined or a score is missing.
    """
    if isinstance(before, pd.Series) or isinstance(after, pd.Series):
        b = _check_nrs_series(_as_series(before, after), "before").astype("float64")
        a = _check_nrs_series(_as_series(after, before), "after").astype("float64")
        b = b.mask(b == 0)  # no baseline pain: change undefined -> NaN
        return 100 * (a - b) / b
    b, a = check_nrs(before, "before"), check_nrs(after, "after")
    if b == 0:
        return None
    return 100.0 * (a - b) / b


def assessable(df: pd.DataFrame) -> pd.Series:
    """The denominator rule of pain response: True for the sites that can be assessed.

    A site is assessable when its NRS before RT and its NRS at completion of RT are both known.
    "Treated" counts every site; "assessable" only these. Every response rate, waterfall, paired
    plot and dose view counts its sites with this rule (a boolean Series on ``df``'s index).
    """
    require_columns(df, "df", ("nrs_before", "nrs_after"))
    before_missing = missing_mask(df["nrs_before"])
    after_missing = missing_mask(df["nrs_after"])
    return (~(before_missing | after_missing)).rename("assessable")
