"""The response rates in words, as every surface states them: the line of the board's key figures,
the Literature table and ``plexrt summary`` (``treated_rates``), the per-patient caption of the Pain
page (``patients_caption``) and the footnote saying how they are counted (``rates_footnote``,
``rates_note``). The figures themselves come from ``response_summary.summarise``."""

from __future__ import annotations

import pandas as pd

from plexrt.clinical.definitions import Definition, unrated
from plexrt.clinical.per_patient import (
    ASSESSABLE,
    RATES_PATIENT_RULE,
    TREATED,
    both_units,
    several_sites,
)
from plexrt.clinical.response_summary import Aggregate, ResponseSummary, summarise
from plexrt.clinical.series_words import PUBLISHED, words
from plexrt.stats.proportions import Proportion, method_sentence


def treated_rates(summary: ResponseSummary, several: bool) -> tuple[str, str]:
    """(responders, complete) as the board's key figures, the Literature table and ``plexrt
    summary`` state them: over all treated sites (a site without both pain scores is not a
    responder, the paper's rule; the forest plot counts the same) and, when a patient has
    ``several`` sites, over all treated patients beside them, each naming its denominator:
    '75% of treated sites (9/12; 95% CI 43–95%) · 73% of treated patients (8/11; 95% CI
    39–94%)'. Without a rate, why not (``definitions.unrated``)."""
    s = summary
    why = unrated(s.n_assessable, s.n_treated)
    return (
        both_units(
            s.responders_treated, s.responders_patients_treated if several else None, missing=why
        ),
        both_units(
            s.complete_treated, s.complete_patients_treated if several else None, missing=why
        ),
    )


def rates_footnote(
    summary: ResponseSummary, ci_method: str, several: bool = False, source: str = PUBLISHED
) -> str:
    """Under the response rates: the definition, both denominators with their n, the unit counted
    (per patient beside per site when a patient has ``several`` sites), the interval
    (``source``: where the series comes from, ``series_words``)."""
    if several:
        unit = f"; per patient beside them, where {RATES_PATIENT_RULE}" + (
            " (ICPRE ranges: per site only, as the analgesic aggregate is)"
            if summary.icpre_readings
            else ""
        )
    else:
        unit = "; one site per patient here"
    return (
        f"{summary.definition.footnote} Treated = every site in the cohort "
        f"(n = {summary.n_treated:,}); assessable = NRS known before and at completion "
        f"(n = {summary.n_assessable:,}). Percentages and ranges count irradiated sites "
        f"({words(source).site_unit}){unit}. {method_sentence(ci_method)}"
    )


def rates_note(
    df: pd.DataFrame,
    definition: Definition,
    source: str = PUBLISHED,
    method: str = "exact",
    all_sites: pd.DataFrame | None = None,
    aggregate: Aggregate | None = None,
) -> str:
    """``rates_footnote`` of the sites ``df``: how the rates every surface states for them (the
    pain page, the board's key figures, the literature table) are counted."""
    s = summarise(df, definition, method, all_sites, aggregate)
    return rates_footnote(s, method, several_sites(df), source)


def patients_caption(summary: ResponseSummary) -> str | None:
    """'Per patient: responders 60% of treated patients (3/5; ...), 75% of assessable patients
    (3/4; ...); complete ...': both denominators, as the per-site figures above it have them
    (None without per-patient figures)."""
    s = summary
    if s.responders_patients is None and s.responders_patients_treated is None:
        return None

    def both(treated: Proportion | None, assessable: Proportion | None) -> str:
        parts = [
            p.text(unit=f"{over} patients")
            for p, over in ((treated, TREATED), (assessable, ASSESSABLE))
            if p is not None
        ]
        return ", ".join(parts) or "n/a"

    return (
        f"Per patient: responders {both(s.responders_patients_treated, s.responders_patients)}; "
        f"complete {both(s.complete_patients_treated, s.complete_patients)}."
    )
