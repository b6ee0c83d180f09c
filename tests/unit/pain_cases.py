"""Shared cases for the Pain response tests: Table 1 of Sanuki 2022 worked by hand.

Expected values come from Table 1 of Sanuki 2022 (Cureus 14(1): e20939), with the arithmetic in
the comments. Figures are checked on ``fig.data`` / ``fig.layout``; plotly may store arrays as
numpy arrays, so numeric arrays are compared through ``np.asarray(..., dtype=float)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from plexrt.charts.dose import dose_response_figure
from plexrt.charts.paired import paired_figure
from plexrt.charts.scale import SUMMARY_ABOVE
from plexrt.charts.time_to_max import time_to_max_figure
from plexrt.charts.waterfall import waterfall_figure
from plexrt.clinical import pain_views
from plexrt.clinical.definitions import Definition

PAPER = Definition("paper")
FOOT = "n = 12 sites, 11 patients · all sites"

# Table 1, by hand: site -> (NRS before, NRS at completion); change = after - before.
TABLE1_NRS = {
    "1.1": (9, 0),  # -9
    "1.2": (8, 0),  # -8
    "2.1": (4, 0),  # -4
    "3.1": (3, 0),  # -3
    "4.1": (8, 3),  # -5
    "5.1": (4, 0),  # -4
    "6.1": (5, 3),  # -2
    "7.1": (4, 0),  # -4
    "8.1": (3, 0),  # -3
    "9.1": (4, 1),  # -3
    "10.1": (8, 0),  # -8
    "11.1": (8, 0),  # -8
}
# The "large" cohort (tests/unit/conftest.py): Table 1's 12 sites this many times, just above
# the threshold from which the charts summarise.
COPIES = SUMMARY_ABOVE // 12 + 1


def table1_copies(one: pd.DataFrame, copies: int = COPIES) -> pd.DataFrame:
    """Table 1's sites (``store.cohort``) ``copies`` times, course and patient ids made unique."""
    return pd.concat(
        [
            one.assign(course_id=one["course_id"] + f"-{k}", patient_id=one["patient_id"] + f"-{k}")
            for k in range(copies)
        ],
        ignore_index=True,
    )


# Largest fall first, equal falls in course order:
# -9: 1.1 | -8: 1.2, 10.1, 11.1 | -5: 4.1 | -4: 2.1, 5.1, 7.1 | -3: 3.1, 8.1, 9.1 | -2: 6.1
WATERFALL_ORDER = ["1.1", "1.2", "10.1", "11.1", "4.1", "2.1", "5.1", "7.1", "3.1", "8.1", "9.1"]
WATERFALL_ORDER.append("6.1")
WATERFALL_VALUES = [-9, -8, -8, -8, -5, -4, -4, -4, -3, -3, -3, -2]


def bars(fig) -> dict[str, float]:
    """x label -> bar height over all bar traces."""
    out = {}
    for tr in fig.data:
        for x, y in zip(tr.x, np.asarray(tr.y, dtype=float), strict=True):
            out[x] = y
    return out


def trace(fig, name):
    matches = [t for t in fig.data if t.name == name]
    assert len(matches) == 1, [t.name for t in fig.data]
    return matches[0]


def with_site(df: pd.DataFrame, course_id: str, before: int, after: int) -> pd.DataFrame:
    """A hand-made extra site (copy of site 2.1's other fields) with the given NRS scores."""
    row = df[df["course_id"] == "2.1"].copy()
    row["course_id"], row["patient_id"], row["course_no"] = course_id, course_id.split(".")[0], 1
    row["nrs_before"], row["nrs_after"] = before, after
    return pd.concat([df, row], ignore_index=True)


# The figures as the page draws them: the pain view computed from the sites, then drawn.


def waterfall(df, definition, colour_by="response", percent=False, **kw):
    data = pain_views.waterfall_data(df, definition, percent)
    return waterfall_figure(data, definition, colour_by, **kw)


def paired(df, **kw):
    return paired_figure(pain_views.paired_data(df), **kw)


def time_to_max(df, group_by=None, **kw):
    return time_to_max_figure(pain_views.time_to_max(df, group_by), **kw)


def dose_response(df, alpha_beta=10.0, **kw):
    return dose_response_figure(pain_views.dose_response(df, alpha_beta), **kw)
