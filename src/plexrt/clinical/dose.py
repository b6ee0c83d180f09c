"""Biologically effective dose (BED) and equivalent dose in 2-Gy fractions (EQD2).

Linear-quadratic model: BED = D (1 + d / (alpha/beta)), EQD2 = D (d + alpha/beta) / (2 + alpha/beta),
D total dose, d dose per fraction. alpha/beta 10 Gy for tumour and acute effects, 3 Gy for late effects.
"""

from __future__ import annotations

import math
from typing import Any

from plexrt.data.values import finite_float

DEFAULT_ALPHA_BETA = 10.0  # tumour and acute effects
LATE_ALPHA_BETA = 3.0  # late-responding normal tissue

#: The alpha/beta values a page offers, keyed as they stand in a URL ("?ab=3").
ALPHA_BETA_CHOICES = {
    f"{DEFAULT_ALPHA_BETA:g}": f"{DEFAULT_ALPHA_BETA:g} Gy (tumour, acute)",
    f"{LATE_ALPHA_BETA:g}": f"{LATE_ALPHA_BETA:g} Gy (late)",
}


def check_alpha_beta(alpha_beta: Any) -> float:
    """An alpha/beta ratio: a finite positive number of Gy, as float."""
    x = finite_float(alpha_beta)
    if x is None or x <= 0:
        raise ValueError(
            f"alpha_beta (the alpha/beta ratio) must be a positive number of Gy, got {alpha_beta!r}"
        )
    return x


def _check(total_gy: float, fractions: float, alpha_beta: float) -> None:
    for name, v in (("total_gy", total_gy), ("fractions", fractions)):
        if v is None or isinstance(v, bool) or not isinstance(v, int | float) or math.isnan(v):
            raise ValueError(f"{name} must be a number, got {v!r}")
    if total_gy <= 0:
        raise ValueError(f"total dose must be positive (Gy), got {total_gy}")
    if fractions <= 0 or fractions != int(fractions):
        raise ValueError(f"fractions must be a positive whole number, got {fractions}")
    check_alpha_beta(alpha_beta)


def dose_per_fraction(total_gy: float, fractions: int) -> float:
    _check(total_gy, fractions, DEFAULT_ALPHA_BETA)
    return total_gy / fractions


def bed(total_gy: float, fractions: int, alpha_beta: float = DEFAULT_ALPHA_BETA) -> float:
    """BED in Gy for ``total_gy`` given in ``fractions`` equal fractions."""
    _check(total_gy, fractions, alpha_beta)
    d = total_gy / fractions
    return total_gy * (1 + d / alpha_beta)


def eqd2(total_gy: float, fractions: int, alpha_beta: float = DEFAULT_ALPHA_BETA) -> float:
    """EQD2 in Gy for ``total_gy`` given in ``fractions`` equal fractions."""
    _check(total_gy, fractions, alpha_beta)
    d = total_gy / fractions
    return total_gy * (d + alpha_beta) / (2 + alpha_beta)


def regimen_label(total_gy: float, fractions: int) -> str:
    """'39 Gy/13', '59.4 Gy/33' -- the way regimens are written in the paper."""
    _check(total_gy, fractions, DEFAULT_ALPHA_BETA)
    return f"{total_gy:g} Gy/{int(fractions)}"


def derived_doses(total_gy: float, fractions: int) -> dict[str, float]:
    """The dose figures PlexRT stores per course (and reports for a case at the board): dose per
    fraction, BED and EQD2 at alpha/beta 10 Gy and 3 Gy, keyed by their store column."""
    return {
        "dose_per_fraction_gy": dose_per_fraction(total_gy, fractions),
        "bed10_gy": bed(total_gy, fractions, DEFAULT_ALPHA_BETA),
        "eqd2_10_gy": eqd2(total_gy, fractions, DEFAULT_ALPHA_BETA),
        "bed3_gy": bed(total_gy, fractions, LATE_ALPHA_BETA),
        "eqd2_3_gy": eqd2(total_gy, fractions, LATE_ALPHA_BETA),
    }
