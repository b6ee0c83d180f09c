"""What the pages show in place of one bar per site or one lane per patient when the cohort is
large (the threshold is ``plexrt.charts.scale.SUMMARY_ABOVE``): the distribution of the change in
pain score behind the waterfall, the sites per pair of scores behind the paired plot, and follow-up
by status behind the swimmer plot, the sites per regimen and change in pain behind the dose
plot. Every count here
is a count of the rows given; nothing is estimated.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from plexrt.clinical.course_order import CourseIds
from plexrt.clinical.inputs import require_columns
from plexrt.stats.timescale import to_unit

# Width of a bin of percent change (points of change are counted one whole point per bin).
PERCENT_BIN = 10.0

CHANGE_COLUMNS = ["bin_start", "bin_label", "category", "n_sites"]
PAIR_COLUMNS = ["nrs_before", "nrs_after", "n_sites"]
WEEKS_COLUMNS = ["weeks", "n_sites"]
DOSE_COLUMNS = ["regimen", "eqd2", "change", "n_sites"]
FOLLOWUP_COLUMNS = ["bin_start", "bin_label", "status", "n_patients"]
DIED, ALIVE = "died", "alive at last contact"


def change_distribution(data: pd.DataFrame) -> pd.DataFrame:
    """Sites of a waterfall (``pain_views.change_values`` or ``waterfall_data``) counted per
    change and response
    category, one row per (bin, category) that has sites, bins in ascending order.

    Points mode: one bin per whole point of change (``bin_label`` '-3'); percent mode: bins of
    ``PERCENT_BIN`` percent, [start, start + width) ('-50 to -40%'). Sites the waterfall leaves
    out (``excluded``: NRS missing, NRS 0 before RT in percent mode) are not counted.
    """
    require_columns(data, "data", ("value", "category", "excluded"))
    if "percent" not in data.attrs:
        raise ValueError(
            "data must come from plexrt.clinical.pain_views.change_values or waterfall_data"
        )
    shown = data[data["excluded"].isna()]
    value = shown["value"].to_numpy(dtype="float64")
    percent = bool(data.attrs["percent"])
    start = np.floor(value / PERCENT_BIN) * PERCENT_BIN if percent else np.round(value)
    counts = (
        pd.DataFrame({"bin_start": start, "category": shown["category"].to_numpy()})
        .groupby(["bin_start", "category"], sort=True)
        .size()
        .rename("n_sites")
        .reset_index()
    )
    counts["bin_label"] = [_change_label(s, percent) for s in counts["bin_start"]]
    return counts[CHANGE_COLUMNS]


def score_pairs(paired: pd.DataFrame) -> pd.DataFrame:
    """Sites of ``pain_views.paired_data`` counted per pair of scores (NRS before RT, NRS at RT
    completion): one row per pair that has sites, ascending by the score before, then after."""
    require_columns(paired, "paired", ("nrs_before", "nrs_after"))
    return (
        paired.groupby(["nrs_before", "nrs_after"], sort=True)
        .size()
        .rename("n_sites")
        .reset_index()[PAIR_COLUMNS]
    )


def weeks_counts(weeks: pd.Series) -> pd.DataFrame:
    """Sites counted per weeks to maximum response (``pain_views.time_to_max_sites``' column
    ``weeks_to_max_response`` of one group): one row per value, ascending; missing not counted."""
    known = pd.to_numeric(weeks, errors="raise").dropna().astype("float64")
    counts = known.value_counts(sort=False).sort_index()
    return pd.DataFrame({"weeks": counts.index.to_numpy(), "n_sites": counts.to_numpy()})[
        WEEKS_COLUMNS
    ]


def dose_counts(sites: pd.DataFrame) -> pd.DataFrame:
    """Sites of ``pain_views.dose_response_data`` counted per regimen and change in NRS: one row
    per (regimen, change) that has sites, with the regimen's EQD2, ascending by EQD2, then
    regimen, then change. Sites without a change (an NRS missing) are not counted."""
    require_columns(sites, "sites", ("regimen", "eqd2", "change"))
    known = sites[sites["change"].notna() & sites["eqd2"].notna()]
    return (
        known.groupby(["eqd2", "regimen", "change"], sort=True)
        .size()
        .rename("n_sites")
        .reset_index()[DOSE_COLUMNS]
    )


def _change_label(start: float, percent: bool) -> str:
    if not percent:
        return f"{int(start):+d}" if start else "0"
    return f"{start:g} to {start + PERCENT_BIN:g}%"


def followup_distribution(patients: pd.DataFrame, unit: str, bins: int = 20) -> pd.DataFrame:
    """Patients of a swimmer plot (``endpoints.swimmer_patients``) counted per bin of follow-up
    (RT start to death or last contact, ``last_day`` in days) and status (died / alive at last
    contact), ``bins`` equal bins of whole ``unit``s from 0 to the longest follow-up, one row per
    (bin, status) with patients. Patients with an unknown follow-up are not counted."""
    require_columns(patients, "patients", ("patient_id", "last_day", "death"))
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise ValueError(f"bins must be a whole number >= 1, got {bins!r}")
    t = to_unit(patients["last_day"].to_numpy(dtype="float64"), unit)
    known = np.isfinite(t)
    t, died = t[known], patients["death"].to_numpy(dtype=bool)[known]
    if not len(t):
        return pd.DataFrame(columns=FOLLOWUP_COLUMNS)
    width = max(1, math.ceil(float(t.max()) / bins)) if t.max() > 0 else 1
    start = np.floor(t / width) * width
    counts = (
        pd.DataFrame({"bin_start": start, "status": np.where(died, DIED, ALIVE)})
        .groupby(["bin_start", "status"], sort=True)
        .size()
        .rename("n_patients")
        .reset_index()
    )
    counts["bin_label"] = [f"{s:g}–{s + width:g}" for s in counts["bin_start"]]
    return counts[FOLLOWUP_COLUMNS]


def lane_counts(patients: pd.DataFrame) -> dict[str, int]:
    """Patients, deaths, relapses drawn (a day known) and relapses without a day, for the caption
    of the follow-up summary."""
    require_columns(patients, "patients", ("patient_id", "death", "relapse", "relapse_day"))
    relapse = patients["relapse"].to_numpy(dtype=bool)
    day_known = np.isfinite(patients["relapse_day"].to_numpy(dtype="float64"))
    return {
        "patients": len(patients),
        "died": int(patients["death"].to_numpy(dtype=bool).sum()),
        "relapse": int(relapse.sum()),
        "relapse_day_unknown": int((relapse & ~day_known).sum()),
    }


def one_patient(frame: pd.DataFrame, patient_id: str) -> pd.DataFrame:
    """The rows of ``frame`` (a swimmer or waterfall frame) of one patient (ids compared as
    text, surrounding blanks ignored). Lists of course ids in ``attrs`` keep that patient's
    courses only; other ``attrs`` are kept."""
    require_columns(frame, "frame", ("patient_id",))
    out = frame[frame["patient_id"].astype(str) == str(patient_id).strip()].reset_index(drop=True)
    courses = set(out["course_id"].astype(str)) if "course_id" in out else set()
    out.attrs = {
        k: _kept_ids(v, courses) if isinstance(v, list | CourseIds) else v
        for k, v in frame.attrs.items()
    }
    return out


def _kept_ids(ids: list | CourseIds, courses: set[str]) -> list | CourseIds:
    """The ids of ``ids`` among ``courses`` (compared as text), as the same kind of list."""
    kept = [c for c in ids if str(c) in courses]
    return CourseIds(kept) if isinstance(ids, CourseIds) else kept
