"""Time units. Every time in PlexRT is stored in days; conversion happens only for display.

A month is 365.25 / 12 = 30.4375 days (the mean Gregorian month): one definition, used everywhere a
number of days is turned into months or back. Footnotes that convert name it (MONTH_NOTE).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

# A number of days as a scalar, an array or a Series; converting keeps the kind.
Days = TypeVar("Days", float, "np.ndarray", "pd.Series")

DAYS_PER_WEEK = 7.0
DAYS_PER_MONTH = 365.25 / 12
UNITS = {"days": 1.0, "weeks": DAYS_PER_WEEK, "months": DAYS_PER_MONTH}
UNIT_ABBREV = {"days": "d", "weeks": "wk", "months": "mo"}
DAYS_PER_YEAR = 365.25
# Units a published figure's time axis may be read in (a digitised curve): PlexRT's own, and years.
AXIS_UNITS = {**UNITS, "years": DAYS_PER_YEAR}
MONTH_NOTE = "months of 365.25/12 = 30.44 days"


def to_unit(days: Days, unit: str) -> Days:
    """Days (scalar or array) in ``unit``; raises ValueError for an unknown unit."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
    return days / UNITS[unit]


def months_to_days(months: Days) -> Days:
    return months * DAYS_PER_MONTH


def unit_note(unit: str) -> str:
    """What a footnote must say when it shows days in ``unit``: MONTH_NOTE for months (a
    conversion), nothing for days or weeks (7 days, no choice to state)."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
    return MONTH_NOTE if unit == "months" else ""


def unit_sentence(unit: str) -> str:
    """``unit_note`` as the sentence that ends a footnote ('Times in months of 365.25/12 = 30.44
    days.'), or '' when nothing needs saying."""
    note = unit_note(unit)
    return f"Times in {note}." if note else ""
