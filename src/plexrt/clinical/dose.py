"""Biologically effective dose (BED) and equivalent dose in 2-Gy fractions (EQD2).

Linear-quadratic model: BED = D (1 + d / (alpha/beta)), EQD2 = D (d + alpha/beta) / (2 + alpha/beta),
D total dose, d dose per fraction. alpha/beta 10 Gy for tumour and acute effects, 3 Gy for late effects.
"""

from __future__ import annotations

import math

DEFAULT_ALPHA_BETA = 10.0


def _check(total_gy: float, fractions: float, alpha_beta: float) -> None:
    for name, v in (("total_gy", total_gy), ("fractions", fractions), ("alpha_beta", alpha_beta)):
        if v is None or isinstance(v, bool) or not isinstance(v, int | float) or math.isnan(v):
            raise ValueError(f"{name} must be a number, got {v!r}")
    if total_gy <= 0:
        raise ValueError(f"total dose must be positive (Gy), got {total_gy}")
    if fractions <= 0 or fractions != int(fractions):
        raise ValueError(f"fractions must be a positive whole number, got {fractions}")
    if alpha_beta <= 0:
        raise ValueError(f"alpha/beta must be positive (Gy), got {alpha_beta}")


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
