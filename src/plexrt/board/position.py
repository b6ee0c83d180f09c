"""Where the patient at the board sits within the series: baseline pain and planned dose."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from plexrt.board.case import Case, checked_case
from plexrt.board.doses import site_eqd2
from plexrt.board.similarity import checked_sites
from plexrt.clinical import dose
from plexrt.data import vocab
from plexrt.data.values import counted, one_decimal


def _share(count: int, n: int) -> float | None:
    return count / n if n else None


def _nrs_counts(case: Case, sites: pd.DataFrame) -> tuple[int, int, int, int]:
    """(sites with a baseline NRS, lower, the same, higher than the patient's)."""
    nrs = pd.to_numeric(sites["nrs_before"], errors="coerce").dropna()
    below = int((nrs < case.nrs_before).sum())
    equal = int((nrs == case.nrs_before).sum())
    above = int((nrs > case.nrs_before).sum())
    return int(len(nrs)), below, equal, above


def _eqd2_counts(e10: float, sites: pd.DataFrame) -> tuple[int, int, int, int]:
    """(sites with a known EQD2, lower, the same within 1e-6 Gy, higher than ``e10``)."""
    eq = np.array(
        [site_eqd2(a, b) for a, b in zip(sites["dose_gy"], sites["fractions"], strict=True)],
        dtype=float,
    )
    eq = eq[~np.isnan(eq)]
    close = np.isclose(eq, e10, rtol=0.0, atol=1e-6)
    below = int(((eq < e10) & ~close).sum())
    equal = int(close.sum())
    above = int(((eq > e10) & ~close).sum())
    return int(len(eq)), below, equal, above


def case_position(case: Case, df: pd.DataFrame) -> dict[str, Any]:
    """Where the patient's baseline pain and dose sit within the series.

    Keys: regimen, dose_per_fraction_gy, eqd2_10_gy, eqd2_3_gy, bed10_gy; n_sites; nrs_before;
    n_nrs_known and nrs_below / nrs_equal / nrs_above (sites whose baseline NRS is lower / the
    same / higher than the patient's) with their shares of n_nrs_known (None when no site has an
    NRS); n_eqd2_known, eqd2_below / eqd2_equal / eqd2_above, eqd2_rank = 1 + eqd2_below (1 = the
    lowest EQD2 among the series sites and this patient, ties share the lowest rank) out of
    eqd2_rank_of = n_eqd2_known + 1; and nrs_text / eqd2_text, plain sentences of the same counts.
    """
    case = checked_case(case)
    sites = checked_sites(df)
    d, n = float(case.dose_gy), int(case.fractions)
    doses = dose.derived_doses(d, n)
    e10 = doses["eqd2_10_gy"]
    n_nrs, below, equal, above = _nrs_counts(case, sites)
    n_eq, e_below, e_equal, e_above = _eqd2_counts(e10, sites)
    nrs_text = (
        f"Baseline NRS {case.nrs_before}: {below} of {counted(n_nrs, 'site')} lower, {equal} the "
        f"same, {above} higher."
        if n_nrs
        else f"Baseline NRS {case.nrs_before}: no site of the series has a baseline NRS."
    )
    eqd2_text = (
        f"EQD2 {one_decimal(e10)} Gy (α/β {dose.DEFAULT_ALPHA_BETA:g} Gy): {e_below} of "
        f"{counted(n_eq, 'site')} lower, {e_equal} the same, {e_above} higher."
    )
    return {
        "regimen": dose.regimen_label(d, n),
        "dose_per_fraction_gy": doses["dose_per_fraction_gy"],
        "eqd2_10_gy": e10,
        "eqd2_3_gy": doses["eqd2_3_gy"],
        "bed10_gy": doses["bed10_gy"],
        "n_sites": int(len(sites)),
        "nrs_before": case.nrs_before,
        "n_nrs_known": n_nrs,
        "nrs_below": below,
        "nrs_equal": equal,
        "nrs_above": above,
        "nrs_below_share": _share(below, n_nrs),
        "nrs_equal_share": _share(equal, n_nrs),
        "nrs_above_share": _share(above, n_nrs),
        "n_eqd2_known": n_eq,
        "eqd2_below": e_below,
        "eqd2_equal": e_equal,
        "eqd2_above": e_above,
        "eqd2_rank": e_below + 1,
        "eqd2_rank_of": n_eq + 1,
        "nrs_text": nrs_text,
        "eqd2_text": eqd2_text,
    }


def case_facts(case: Case) -> list[tuple[str, str]]:
    """The patient at the board as (item, value) pairs in words, for reports and slides: primary
    cancer and group ('not given' when unknown), involved muscle, intent, baseline NRS, the
    planned regimen with its dose per fraction, and its EQD2 (alpha/beta 10 Gy) to one decimal."""
    case = checked_case(case)
    d, n = float(case.dose_gy), int(case.fractions)
    return [
        ("Primary cancer", case.primary_cancer or "not given"),
        ("Primary group", case.primary_group or "not given"),
        ("Involved muscle", vocab.label(case.involved_muscle, vocab.MUSCLE_LABELS)),
        ("Intent", vocab.label(case.intent, vocab.INTENT_LABELS)),
        ("Baseline pain (NRS 0–10)", str(case.nrs_before)),
        (
            "Planned regimen",
            f"{dose.regimen_label(d, n)} ({round(dose.dose_per_fraction(d, n), 2):g} Gy per fraction)",
        ),
        ("EQD2 (α/β 10 Gy)", f"{one_decimal(dose.eqd2(d, n, dose.DEFAULT_ALPHA_BETA))} Gy"),
    ]
