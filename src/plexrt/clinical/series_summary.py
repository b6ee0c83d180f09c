"""A series in a few numbers, for scripts and checks (``plexrt summary``): patients, courses, deaths,
median survival after RT, median duration of relief and median follow-up (reverse Kaplan-Meier)
with their intervals, and responders under the paper's definition.

One function call summarises any series: ``series_summary(name, sites, events, draws)``. A series
with real per-patient times (an imported one) passes no ``draws`` and gets the ordinary Kaplan-Meier
intervals; a series whose times are reconstructed passes the ensemble of reconstructions and gets
intervals pooled over it, with the reconstructions' own 5th-95th percentile beside
(``tte_estimates``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from plexrt.clinical import endpoints as tte
from plexrt.clinical import tte_estimates as te
from plexrt.clinical.definitions import DEFINITIONS, response_counts
from plexrt.clinical.per_patient import RATES_PATIENT_RULE, several_sites
from plexrt.clinical.response_summary import summarise
from plexrt.clinical.response_words import treated_rates
from plexrt.clinical.series_words import PUBLISHED, words
from plexrt.stats.proportions import method_sentence

# Survival after RT is counted from RT completion, as the paper (and issue 12) count it: of the
# last course in the published series, of the first in an own series (``series_words``).
TIME_ZERO = "completion"


def _median(
    events: pd.DataFrame,
    draws: Sequence[pd.DataFrame],
    pids: list[str],
    endpoint: str,
    origin: str,
) -> dict[str, Any]:
    """The median with its interval, and ``time_origin``: where the times count from, in words
    (days in every series count from the start of each patient's first course)."""
    est = te.median_estimate(events, draws, pids, endpoint, TIME_ZERO)
    if est is None:  # no patient can be assessed: null alone would read 'not reached'
        return {"time_origin": origin, "not_available": te.NO_PATIENT}
    return {"time_origin": origin, **est.as_dict()}


def response_figures(sites: pd.DataFrame) -> dict[str, Any]:
    """Responders under the paper's definition (NRS fall of 2 or more, or NRS 0), counted per
    irradiated site (``evaluable`` = sites with both pain scores) and per patient
    (``per_patient.PATIENT_RULE``)."""
    paper = DEFINITIONS["paper"]
    counts = response_counts(sites, paper)
    s = summarise(sites, paper)
    resp, comp = s.responders_patients, s.complete_patients
    resp_t, comp_t = s.responders_patients_treated, s.complete_patients_treated
    responders_text, complete_text = treated_rates(s, several_sites(sites))
    return {
        "definition": paper.label,
        "unit": "sites",
        "responders": counts["responders"],
        "evaluable": counts["n_classified"],
        "treated": counts["n_treated"],
        "complete": counts["complete"],
        # the rates as the board and the literature table state them: over all treated sites
        # (a site without both scores is not a responder) and all treated patients, with the
        # exact interval (response_words.treated_rates)
        "responders_text": responders_text,
        "complete_text": complete_text,
        "interval": method_sentence("exact"),
        "per_patient": {
            "rule": RATES_PATIENT_RULE,
            # over patients with an assessable site ('evaluable'): none when no site is (as
            # compare mode counts)
            "responders": None if resp is None else resp.k,
            "complete": None if comp is None else comp.k,
            "evaluable": (0 if not counts["n_assessable"] else None) if resp is None else resp.n,
            # over all treated patients (a site without both scores is not a responder)
            "responders_of_treated": None if resp_t is None else resp_t.k,
            "complete_of_treated": None if comp_t is None else comp_t.k,
            "treated": len(tte.cohort_patients(sites)) if len(sites) else 0,
        },
    }


def series_summary(
    name: str,
    sites: pd.DataFrame,
    events: pd.DataFrame,
    draws: Sequence[pd.DataFrame] = (),
    source: str = PUBLISHED,
) -> dict[str, Any]:
    """The summary of one series as a JSON-ready dict (days for times, None = not reached).

    ``sites``: one row per irradiated site (``store.cohort``); ``events``: one row per patient
    (``store.events``; may be empty); ``draws``: the ensemble of reconstructions when the times are
    reconstructed; ``source``: 'published' or 'own' (``series_words``), which decides where
    survival after RT counts from (the last course's completion, or the first course's) and so
    the ``time_origin`` stated beside each median.
    """
    w = words(source)
    pids = tte.cohort_patients(sites) if len(sites) else []
    has_times = len(events) > 0 and bool(pids)
    reconstructed = has_times and tte.is_reconstructed(events)
    in_cohort = events[events["patient_id"].astype(str).isin(pids)] if has_times else events
    return {
        "series": name,
        "patients": len(pids),
        "courses": len(sites),
        "deaths": int(in_cohort["death"].astype(bool).sum()) if has_times else None,
        "times": "reconstructed" if reconstructed else ("real" if has_times else "none"),
        "survival_after_rt": (
            _median(events, draws, pids, "survival", w.survival_origin) if has_times else None
        ),
        "relief": _median(events, draws, pids, "relief", w.relief_origin) if has_times else None,
        # reverse Kaplan-Meier, from the same time zero as survival; 'not_available' says why
        # there is none (every patient died: follow-up complete; no follow-up recorded)
        "followup": (
            _median(events, draws, pids, "followup", w.followup_origin) if has_times else None
        ),
        "response": response_figures(sites),
    }
