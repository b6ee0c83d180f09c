"""ICPRE 2012 pain response (International Consensus on Palliative Radiotherapy Endpoints, Chow et
al. 2012): the category of a site from its pain scores and the change in its daily oral morphine
equivalent dose (OMED).

The rules only ask in which band the relative OMED change falls (``OMED_CHANGES``), so a site
whose OMED after RT is unknown can still be settled when every band gives the same category
(``icpre_possible``).
"""

from __future__ import annotations

from typing import Any

from plexrt.clinical.pain_scores import PROGRESSION_RISE, check_nrs
from plexrt.data.values import finite_float, is_missing

ICPRE_CATEGORIES = ("complete", "partial", "indeterminate", "progression")

# The ICPRE rules only ask in which of these bands the relative OMED change falls.
OMED_CHANGES = ("same", "down", "down25", "up", "up25")
OMED_CHANGE_TEXT = {
    "same": "OMED unchanged",
    "down": "OMED down by less than 25%",
    "down25": "OMED down by 25% or more (incl. opioid stopped)",
    "up": "OMED up by less than 25%",
    "up25": "OMED up by 25% or more (incl. opioid started)",
}

# Relative tolerance when comparing OMED values: OMED = factor x dose is a float (1.5 x 0.1 ...),
# so a change smaller than this is floating-point noise, not a dose change.
_OMED_EPS = 1e-9


def check_omed(v: Any, name: str) -> float | None:
    """An OMED in mg/day as float, None when missing; ValueError for anything else."""
    if is_missing(v):
        return None
    x = finite_float(v)
    if x is None:
        raise ValueError(f"{name} must be a number of mg oral morphine per day, got {v!r}")
    if x < 0:
        raise ValueError(f"{name} must not be negative, got {v!r}")
    return x


def omed_band(before: float, after: float) -> str:
    """Band of the relative OMED change. Boundaries: exactly 25% counts as '25% or more'.

    From a baseline of 0 the relative change is undefined; starting an opioid is treated as an
    increase of 25% or more (it is an unbounded relative increase).
    """
    if before == 0:
        return "same" if after <= _OMED_EPS else "up25"
    r = (after - before) / before
    if abs(r) <= _OMED_EPS:
        return "same"
    if r <= -0.25 + _OMED_EPS:
        return "down25"
    if r < 0:
        return "down"
    if r >= 0.25 - _OMED_EPS:
        return "up25"
    return "up"


def category_from_band(before: int, after: int, band: str) -> str:
    """ICPRE 2012 category from the pain scores and the band of the OMED change.

    Rules (literature.md), applied in this order:
    complete -- pain 0 with no increase in OMED;
    partial -- pain down >= 2 with no OMED increase, or OMED down >= 25% with no increase in pain;
    progression -- pain up >= 2 with stable OMED, or OMED up >= 25% with pain stable or up by 1;
    indeterminate -- anything else.
    "Stable OMED" is read literally as unchanged, so pain up >= 2 with a small OMED change either
    way is indeterminate; "pain stable" is read as an unchanged score, so OMED up >= 25% with pain
    down 1 (or up 2 or more) is indeterminate as well.
    """
    d = after - before
    increased = band in ("up", "up25")
    if after == 0 and not increased:
        return "complete"
    if (d <= -2 and not increased) or (band == "down25" and d <= 0):
        return "partial"
    if (d >= PROGRESSION_RISE and band == "same") or (band == "up25" and d in (0, 1)):
        return "progression"
    return "indeterminate"


def bands_possible(omed_before: float | None) -> tuple[str, ...]:
    """The OMED bands a site can reach: from 0 mg the dose cannot fall; it stays 0 or an opioid
    is started (>= 25% by convention). Unknown baseline (None): every band."""
    if omed_before is not None and omed_before == 0:
        return ("same", "up25")
    return OMED_CHANGES


def icpre_possible(before: Any, after: Any, omed_before: Any = None) -> set[str]:
    """Every ICPRE category reachable for these pain scores over all possible OMED changes.

    ``omed_before`` (mg/day) matters only through whether it is 0: from 0 the OMED can only stay 0
    or rise (an opioid started); ``None`` means unknown, so every change is possible.

    Because any OMED increase rules out complete and partial response, and a 25% OMED fall can
    make a site a partial responder, pain alone almost never settles a category: e.g. pain 6 -> 0
    may be complete (OMED not increased) or indeterminate (OMED increased). The one case it does
    settle is a 1-point fall with no opioid at baseline (always indeterminate).
    """
    b, a = check_nrs(before, "before"), check_nrs(after, "after")
    ob = check_omed(omed_before, "omed_before")
    return {category_from_band(b, a, band) for band in bands_possible(ob)}


def icpre_category(before: int, after: int, omed_before: Any, omed_after: Any) -> str | None:
    """The ICPRE category of a site with valid pain scores; None when the OMED is unknown and the
    pain scores alone do not settle it (see ``icpre_possible``)."""
    ob = check_omed(omed_before, "omed_before")
    oa = check_omed(omed_after, "omed_after")
    if ob is None or oa is None:
        possible = icpre_possible(before, after, ob)
        return possible.pop() if len(possible) == 1 else None
    return category_from_band(before, after, omed_band(ob, oa))
