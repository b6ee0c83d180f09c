"""Per-course values PlexRT computes at build time (one implementation each: plexrt.clinical.dose
for BED/EQD2, plexrt.clinical.analgesics for the oral morphine equivalent)."""

from __future__ import annotations

import pandas as pd

from plexrt.clinical import dose
from plexrt.clinical.analgesics import DEFAULT_FACTOR_TABLE, omed_by_course

_AB, _LATE = dose.DEFAULT_ALPHA_BETA, dose.LATE_ALPHA_BETA
_DOSE_COLUMNS = ["dose_per_fraction_gy", "bed10_gy", "eqd2_10_gy", "bed3_gy", "eqd2_3_gy"]

# How each derived value is computed, stored as its provenance note.
DERIVED_NOTES = {
    "dose_per_fraction_gy": "dose_gy / fractions",
    "bed10_gy": f"BED = D (1 + d / {_AB:g}), alpha/beta {_AB:g} Gy (plexrt.clinical.dose.bed)",
    "eqd2_10_gy": f"EQD2 = D (d + {_AB:g}) / {_AB + 2:g}, alpha/beta {_AB:g} Gy (plexrt.clinical.dose.eqd2)",
    "bed3_gy": f"BED with alpha/beta {_LATE:g} Gy (plexrt.clinical.dose.bed)",
    "eqd2_3_gy": f"EQD2 with alpha/beta {_LATE:g} Gy (plexrt.clinical.dose.eqd2)",
    "baseline_omed_mg": "Oral morphine equivalent of the baseline opioids with the factors of table "
    f"'{DEFAULT_FACTOR_TABLE}' in opioid_factors.csv, oral route assumed (route not stated); "
    "population estimates",
}


def derived_values(
    courses: pd.DataFrame, analgesics: pd.DataFrame, factors: pd.DataFrame
) -> pd.DataFrame:
    """One ``course_derived`` row per course: dose per fraction, BED and EQD2 (alpha/beta 10 and
    3 Gy), and the baseline oral morphine equivalent (default factor table)."""
    baseline = analgesics[analgesics["timepoint"] == "baseline"]
    omed = (
        omed_by_course(baseline, factors, DEFAULT_FACTOR_TABLE)
        if len(baseline)
        else pd.Series(dtype=float)
    )
    # One dose computation per distinct regimen (a registry has few), joined to every course.
    regimens = courses[["dose_gy", "fractions"]].drop_duplicates()
    pairs = zip(regimens["dose_gy"], regimens["fractions"], strict=True)
    doses = pd.DataFrame(
        [dose.derived_doses(d, f) for d, f in pairs],
        index=regimens.index,
        columns=_DOSE_COLUMNS,
    )
    per_course = regimens.join(doses).merge(
        courses[["series_id", "course_id", "dose_gy", "fractions"]],
        on=["dose_gy", "fractions"],
        how="right",
    )
    out = per_course[["series_id", "course_id", *_DOSE_COLUMNS]].copy()
    # No analgesic rows for a course -> unknown, not 0.
    out["baseline_omed_mg"] = out["course_id"].map(omed).astype("float64")
    return out.reset_index(drop=True)
