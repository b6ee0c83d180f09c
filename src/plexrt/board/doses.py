"""The doses of the series' sites as the case matcher compares and words them.

A site whose dose or fractions are not recorded has no EQD2 (NaN) and no regimen (None): unknown,
never 0.
"""

from __future__ import annotations

import math
from typing import Any

from plexrt.clinical import dose
from plexrt.data.values import is_missing


def site_eqd2(dose_gy: Any, fractions: Any, alpha_beta: float = dose.DEFAULT_ALPHA_BETA) -> float:
    """EQD2 (Gy) of a site's regimen; NaN when its dose or fractions are unknown."""
    if is_missing(dose_gy) or is_missing(fractions):
        return math.nan
    return dose.eqd2(float(dose_gy), int(fractions), alpha_beta)


def site_regimen(dose_gy: Any, fractions: Any) -> str | None:
    """'39 Gy/13'; None when the dose or fractions are unknown."""
    if is_missing(dose_gy) or is_missing(fractions):
        return None
    return dose.regimen_label(float(dose_gy), int(fractions))
