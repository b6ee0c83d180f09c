"""What the tumour board is about: the cohort under discussion (BoardInput), its header line, the
series it is compared with and the key figures for the summary slide. The figures and report
tables drawn from it are in ``plexrt.charts.slides``."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from plexrt.clinical import comparison, outcomes
from plexrt.clinical import endpoints as tte
from plexrt.clinical.response import Definition

SHORT_SOURCE = "Data: Sanuki et al., Cureus 2022;14(1):e20939 (CC-BY 4.0), via PlexRT"


@dataclass(frozen=True)
class BoardInput:
    sites: pd.DataFrame  # the filtered cohort (course_summary rows)
    all_sites: pd.DataFrame
    events: pd.DataFrame
    course_events: pd.DataFrame
    literature: pd.DataFrame
    filter_text: str
    definition: Definition
    aggregate: outcomes.Aggregate | None
    source: str = SHORT_SOURCE

    @property
    def patient_ids(self) -> list[str]:
        return sorted(self.sites["patient_id"].unique(), key=lambda p: (len(p), p))

    @property
    def reconstructed(self) -> bool:
        return bool(len(self.events)) and tte.is_reconstructed(self.events)


def cohort_text(inp: BoardInput) -> str:
    n_s, n_p = len(inp.sites), inp.sites["patient_id"].nunique()
    return f"n = {n_s} site{'s' if n_s != 1 else ''}, {n_p} patient{'s' if n_p != 1 else ''} · {inp.filter_text}"


def header_line(inp: BoardInput) -> str:
    """Cohort in words, data source, and whether anything shown is reconstructed."""
    rec = (
        "Time-to-event figures rest on reconstructed times (not published per patient)."
        if inp.reconstructed
        else "No reconstructed values."
    )
    return f"Cohort: {cohort_text(inp)} · {inp.source} · {rec}"


def series_records(inp: BoardInput):
    """The PlexRT series (as filtered) and the published series of the same populations, with
    their labels and the cohort's Kaplan-Meier medians."""
    med = tte.series_medians(inp.events, inp.patient_ids)
    plexrt = comparison.plexrt_series(
        inp.sites, inp.definition, med.values, inp.filter_text, med.cis, med.reconstructed
    )
    lit = inp.literature[inp.literature["population"].isin(comparison.DEFAULT_POPULATIONS)]
    records = [plexrt, *lit.to_dict("records")]
    labels = comparison.series_labels(records)
    return records, labels, med


def key_figures(inp: BoardInput, method: str = "exact") -> list[tuple[str, str]]:
    """The summary slide: key figures with their intervals and n."""
    s = outcomes.summarise(inp.sites, inp.definition, method, inp.all_sites, inp.aggregate)
    rows = [("Cohort", cohort_text(inp)), ("Response definition", inp.definition.label)]
    if s.icpre_bounds is not None:
        b = s.icpre_bounds
        rows.append(
            (
                "Responders (ICPRE, range)",
                f"{b.responders_min}–{b.responders_max} of {b.n_sites} sites",
            )
        )
    else:
        rows.append(
            ("Responders", s.responders_treated.text() if s.responders_treated else "not available")
        )
        rows.append(
            (
                "Complete response",
                s.complete_treated.text() if s.complete_treated else "not available",
            )
        )
    weeks = inp.sites["weeks_to_max_response"].dropna()
    if len(weeks):
        rows.append((
            "Weeks to maximum response",
            f"mean {weeks.mean():.1f} (range {weeks.min():g}–{weeks.max():g}; n = {len(weeks)} sites)",
        ))  # fmt: skip
    _, _, med = series_records(inp)
    flag = " (reconstructed times)" if med.reconstructed else ""
    for col, label in (
        ("median_survival_months", "Median survival after RT"),
        ("median_relief_months", "Median duration of relief"),
    ):
        if col in med.values:
            rows.append(
                (label, comparison.median_display(med.values[col], med.cis.get(col), False) + flag)
            )
    return rows
