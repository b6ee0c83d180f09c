"""Counting patients beside sites.

PlexRT's rates count irradiated sites, the paper's unit. Sites of one patient are not independent
(Sanuki 2022: patient 1 has two, 1.1 and 1.2), so wherever a patient has several sites in the cohort
the rate per patient is shown beside the rate per site, each naming its unit.

The per-patient rule (``PATIENT_RULE``): a patient has the outcome (responder, complete, NRS 0,
improved) when every one of their sites in the cohort that can be assessed has it, and counts in
the denominator when at least one of their sites can be assessed. "Every site" rather than "any
site" because a patient is relieved of pain only when each painful site is: a patient whose second
site still hurts has not had their pain relieved. It is also the stricter count, so it cannot make
the series look better than its sites.

Response rates have two denominators, the whole treated population (intention to treat) and the
assessable (reports following the ICPRE consensus give both), and a per-patient rate sits beside
a per-site rate of the same one (``TREATED``, ``ASSESSABLE``). Over treated patients every
patient of the cohort counts and a site without both pain scores is not a responder, as it is
over treated sites (the paper's rule); over assessable patients only their assessable sites
count. ``both_units`` names the denominator in the line itself. The line paired the rate over treated sites with the rate over assessable
patients ('65% of sites (34/52) · 97% of patients (30/31)'), which reads as one denominator and
hid that the patients' rate left out every patient without a score.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from plexrt.data.values import NOT_AVAILABLE
from plexrt.stats.proportions import Proportion, proportion

PATIENT_RULE = (
    "a patient counts when every one of their assessable sites in the cohort does (a patient with "
    "one site still in pain is not relieved)"
)
#: The denominators of a rate, per site and per patient alike.
TREATED, ASSESSABLE = "treated", "assessable"
#: The rule over each denominator, where a page, a board or an export states response rates.
RATES_PATIENT_RULE = (
    "a patient counts when every one of their sites in the cohort does (a patient with one site "
    "still in pain is not relieved): over treated patients (every patient in the cohort) a site "
    "without both pain scores is not a responder, as over treated sites; over assessable patients "
    "(those with a site that has both scores) only those sites count"
)


def several_sites(sites: pd.DataFrame) -> bool:
    """True when some patient has more than one site in the cohort (then per patient differs)."""
    if "patient_id" not in sites or not len(sites):
        return False
    return bool(sites["patient_id"].astype(str).duplicated().any())


def patient_counts(patient_ids: Any, outcome: Any, over: str = ASSESSABLE) -> tuple[int, int]:
    """(patients with the outcome, patients with an assessable site) from per-site values:
    ``outcome`` True / False per site, None / NaN where the site cannot be assessed. ``over``
    ``TREATED``: every patient counts and a site that cannot be assessed has not the outcome
    (patients with it, all patients); (0, 0) still when no site can be assessed."""
    if over not in (TREATED, ASSESSABLE):
        raise ValueError(f"over must be {TREATED!r} or {ASSESSABLE!r}, got {over!r}")
    # (a float outcome, 1 / 0 / NaN, is counted as it is: no cast of 100,000 values to objects)
    ok = (
        outcome if isinstance(outcome, pd.Series) else pd.Series(outcome, dtype=object)
    ).reset_index(drop=True)
    ids = pd.Series(patient_ids).reset_index(drop=True)
    if ids.dtype.kind not in "Oiu":  # integer codes group as their ids do; floats as text
        ids = ids.astype(str)
    known = ok.notna().to_numpy()
    if not known.any():
        return 0, 0
    counted = np.ones_like(known) if over == TREATED else known
    values = ids.to_numpy()[counted]
    # integer codes (the subgroup table factorises the ids once) are counted as they are
    integer = ids.dtype.kind in "iu" and values.min() >= 0
    patient = values.astype(np.int64) if integer else pd.factorize(values)[0]
    has = np.zeros(known.size, dtype=bool)
    has[known] = ok.to_numpy()[known].astype(bool)
    has_outcome = has[counted]
    assessable = np.bincount(patient) > 0
    missed = np.bincount(patient[~has_outcome], minlength=len(assessable)) > 0
    return int((assessable & ~missed).sum()), int(assessable.sum())


def patient_proportion(
    sites: pd.DataFrame, outcome: Any, method: str = "exact", over: str = ASSESSABLE
) -> Proportion | None:
    """The per-patient proportion of ``outcome`` (per site, aligned with ``sites``) under
    ``PATIENT_RULE``, over assessable or treated patients (``patient_counts``); None when no
    patient has an assessable site or the sites name no patient."""
    if "patient_id" not in sites:
        return None
    k, n = patient_counts(sites["patient_id"], outcome, over)
    return proportion(k, n, method)


def both_units(
    site: Proportion | None,
    patient: Proportion | None,
    over: str = TREATED,
    missing: str = NOT_AVAILABLE,
) -> str:
    """'75% of treated sites (9/12; 95% CI 43–95%) · 73% of treated patients (8/11; 95% CI
    39–94%)': the rate per site and, when given, per patient, each naming its denominator
    (``over``, the same for both); ``missing`` (why there is no rate: ``definitions.unrated``)
    without one."""
    if site is None:
        return missing
    text = site.text(unit=f"{over} sites")
    return text if patient is None else f"{text} · {patient.text(unit=f'{over} patients')}"
