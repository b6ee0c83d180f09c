"""Tables as shown on screen and exported: which columns, in what order, with which headers."""

from __future__ import annotations

import pandas as pd

from plexrt.filters import INTENT_LABELS

_COLS = {
    "course_id": "Site",
    "patient_id": "Patient",
    "primary_cancer": "Primary",
    "age": "Age",
    "sex": "Sex",
    "involved_muscle": "Muscle",
    "intent": "Intent",
    "regimen": "Regimen",
    "dose_per_fraction_gy": "Gy/fx",
    "eqd2_10_gy": "EQD2₁₀ (Gy)",
    "bed10_gy": "BED₁₀ (Gy)",
    "nrs_before": "NRS before",
    "nrs_after": "NRS at completion",
    "nrs_change": "NRS change",
    "weeks_to_max_response": "Weeks to max response",
    "baseline_omed_mg": "Baseline OMED (mg/day)",
    "pain_at_presentation": "Pain at presentation",
}


def cohort_table(df: pd.DataFrame) -> pd.DataFrame:
    """The cohort table as shown (and as downloaded): readable headers, regimen as '39 Gy/13'."""
    out = df.copy()
    out["regimen"] = [
        f"{d:g} Gy/{int(n)}" for d, n in zip(out["dose_gy"], out["fractions"], strict=True)
    ]
    out["intent"] = out["intent"].map(lambda v: INTENT_LABELS.get(v, v))
    out = out[list(_COLS)].rename(columns=_COLS)
    return out
