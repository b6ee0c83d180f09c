"""What the tumour board states about the cohort: its inputs, the cohort and data-source lines,
the series compared with the literature, the relapse curves and the key figures.

The figures drawn from these live one layer up (``plexrt.export.slides``): the board computes,
export draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from plexrt.clinical import (
    analgesics,
    cohort_summary,
    literature_comparison,
    per_patient,
    response_summary,
    response_words,
    series_medians,
)
from plexrt.clinical import endpoints as tte
from plexrt.clinical.definitions import Definition
from plexrt.clinical.series_words import PUBLISHED, SeriesWords, cohort_label, words
from plexrt.data.values import counted, is_missing, natural_sorted
from plexrt.stats import survival, timescale


@dataclass(frozen=True)
class BoardInput:
    """Everything the board shows for one filter and response definition."""

    sites: pd.DataFrame  # the filtered cohort (course_summary rows)
    all_sites: pd.DataFrame
    events: pd.DataFrame
    course_events: pd.DataFrame
    literature: pd.DataFrame
    filter_text: str
    definition: Definition
    aggregate: response_summary.Aggregate | None
    source: str  # the data-source line, from the series table (``source_line``)
    # the ensemble of reconstructions (event frames) figures from reconstructed times are pooled
    # over; empty for real times
    draws: Sequence[pd.DataFrame] = ()
    # the opioid conversion tables (data/opioid_factors.csv), to name the one behind every OMED
    factors: pd.DataFrame | None = None
    # the footnotes that depend on where the series comes from (published or own)
    words: SeriesWords = words(PUBLISHED)
    # the series in view by its short name (``series_words.series_names``), as its forest row and
    # the literature record name it
    name: str = "Sanuki 2022"

    # Both are asked for by every slide: worked out once per input (a registry has 100,000 rows).
    @cached_property
    def patient_ids(self) -> list[str]:
        return natural_sorted(self.sites["patient_id"].unique())

    @cached_property
    def reconstructed(self) -> bool:
        return bool(len(self.events)) and tte.is_reconstructed(self.events)


def source_line(series: Mapping[str, Any] | pd.Series) -> str:
    """The data-source line of one row of the ``series`` table, as every export and slide states it:
    'Data: Sanuki 2022, doi:10.7759/cureus.20939 (CC-BY 4.0), via PlexRT'. A missing doi or
    licence is left out, never invented."""
    return f"Data: {_source(series)}, via PlexRT"


_NAMED_SOURCES = 3  # a registry's series named in the line; the rest counted


def sources_line(series: pd.DataFrame) -> str:
    """The data-source line of a store's whole ``series`` table: one series as ``source_line``; a
    registry of several names each up to ``_NAMED_SOURCES`` and counts the rest ('Data: centre 1;
    centre 2; centre 3 and 1 more series, via PlexRT'), never one centre for all."""
    rows = [row for _, row in series.iterrows()]
    if not rows:
        return "Data: no series recorded, via PlexRT"
    named = "; ".join(_source(r) for r in rows[:_NAMED_SOURCES])
    rest = len(rows) - _NAMED_SOURCES
    more = f" and {counted(rest, 'more series', 'more series')}" if rest > 0 else ""
    return f"Data: {named}{more}, via PlexRT"


def _source(series: Mapping[str, Any] | pd.Series) -> str:
    text = str(series["short_name"])
    if not is_missing(series.get("doi")):
        text += f", doi:{series['doi']}"
    if not is_missing(series.get("licence")):
        text += f" ({series['licence']})"
    return text


def omed_header(inp: BoardInput) -> str:
    """The header of the stored baseline OMED, naming its factor table (computed at build with
    the default table)."""
    if inp.factors is None:
        return f"Baseline OMED (mg/day, {analgesics.DEFAULT_FACTOR_TABLE} factors)"
    return analgesics.omed_header(inp.factors, analgesics.DEFAULT_FACTOR_TABLE)


def cohort_text(inp: BoardInput) -> str:
    """'n = 12 sites, 11 patients · all sites'."""
    return cohort_summary.cohort_text(inp.sites, inp.filter_text)


def header_line(inp: BoardInput) -> str:
    """Cohort in words, data source, and whether anything shown is reconstructed."""
    rec = (
        "Time-to-event figures rest on reconstructed times (not published per patient)."
        if inp.reconstructed
        else (
            "Times are the recorded per-patient times."
            if len(inp.events)
            else "No time-to-event data."
        )
    )
    return f"Cohort: {cohort_text(inp)} · {inp.source} · {rec}"


@dataclass(frozen=True)
class SeriesRecords:
    """This cohort as one series beside the published series of the same populations."""

    records: list[dict[str, Any]]  # PlexRT's cohort first, then the literature rows
    labels: list[str]  # one unique short label per record
    medians: series_medians.SeriesMedians  # the cohort's median survival and relief, with intervals


def cohort_medians(inp: BoardInput) -> series_medians.SeriesMedians:
    """The cohort's median survival and relief with their intervals (what the key figures and
    their notes state; computed once per export by ``ui.board_exports``: 0.7 s at 100,000)."""
    return series_medians.series_medians(inp.events, inp.patient_ids, inp.draws)


def series_records(inp: BoardInput) -> SeriesRecords:
    """The cohort as a series (its response and Kaplan-Meier medians, pooled over the
    reconstructions when the times are reconstructed) and the published series of malignant psoas
    syndrome and lumbosacral plexopathy, labelled for the forest plot."""
    med = cohort_medians(inp)
    plexrt = literature_comparison.plexrt_series(
        inp.sites,
        inp.definition,
        med.values,
        inp.filter_text,
        med.cis,
        med.reconstructed,
        med.ranges,
        med.m,
        not_available=med.not_available,
        median_missing=med.missing,
        name=inp.name,
    )
    records, labels = _with_literature(inp, plexrt)
    return SeriesRecords(records, labels, med)


def forest_records(inp: BoardInput) -> tuple[list[dict[str, Any]], list[str]]:
    """``series_records``' records and labels without the cohort's medians, which the forest
    plot does not show (its counts: responders of the sites or patients): the medians take most
    of a second at 100,000 courses."""
    plexrt = literature_comparison.plexrt_series(
        inp.sites, inp.definition, None, inp.filter_text, name=inp.name
    )
    return _with_literature(inp, plexrt)


def _with_literature(
    inp: BoardInput, plexrt: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[str]]:
    lit = inp.literature[
        inp.literature["population"].isin(literature_comparison.DEFAULT_POPULATIONS)
    ]
    records = [plexrt, *lit.to_dict("records")]
    first = (cohort_label(inp.name, inp.words.source),)
    return records, literature_comparison.series_labels(records, first)


@dataclass(frozen=True)
class RelapseCurves:
    """Relapse of pain with death before relapse as the competing event, from maximum response."""

    n_patients: int  # patients assessable for the duration of relief
    cif: survival.CIFResult  # Aalen-Johansen cumulative incidence of relapse
    one_minus_km: pd.DataFrame  # 1 - KM with death censored (overstates relapse; drawn to show it)


def relapse_curves(inp: BoardInput) -> RelapseCurves | None:
    """The cohort's relapse curves (the Time to event page's, from plexrt.clinical.endpoints), or
    None when no patient is assessable for relief."""
    risks = tte.relapse_competing_risks(inp.events, inp.patient_ids)
    if risks is None:
        return None
    cif, omk = risks
    return RelapseCurves(cif.n, cif, omk)


def key_figures(
    inp: BoardInput,
    method: str = "exact",
    medians: series_medians.SeriesMedians | None = None,
) -> list[tuple[str, str]]:
    """The summary slide: key figures with their intervals and n. ``medians``: the cohort's
    ``cohort_medians`` when already computed."""
    s = response_summary.summarise(inp.sites, inp.definition, method, inp.all_sites, inp.aggregate)
    rows = [("Cohort", cohort_text(inp)), ("Response definition", inp.definition.label)]
    if s.icpre_readings is not None:
        rows.append(
            (
                "Responders (ICPRE)",
                f"{s.icpre_readings.headline()}; {s.icpre_readings.range_text()} of the "
                "analgesic aggregate",
            )
        )
    else:
        # per treated site (the paper's unit), and per treated patient beside it when a patient
        # has several sites
        responders, complete = response_words.treated_rates(s, per_patient.several_sites(inp.sites))
        rows.append(("Responders", responders))
        rows.append(("Complete response", complete))
    weeks = cohort_summary.weeks_to_max_text(inp.sites["weeks_to_max_response"])
    rows.append(("Weeks to maximum response", weeks or cohort_summary.NO_WEEKS))
    med = medians if medians is not None else cohort_medians(inp)
    for col, label in (
        ("median_survival_months", "Median survival after RT"),
        ("median_relief_months", "Median duration of relief"),
    ):
        if col in med.values:
            rows.append((label, median_figure(med, col)))
        elif col in med.not_available:  # in the words of the literature table
            rows.append((label, med.not_available[col]))
    return rows


# What a figure or a slide's name adds when the times are reconstructed.
RECONSTRUCTED_FLAG = " (reconstructed times)"


def median_figure(med: series_medians.SeriesMedians, col: str) -> str:
    """A median as the board states it: with its interval, pooled over the reconstructions and
    with their range when the times are reconstructed, and the month named."""
    text = literature_comparison.median_display(
        med.values[col],
        med.cis.get(col),
        med.reconstructed,
        med.ranges.get(col),
        med.m,
        med.missing.get(col, survival.ALL_NOT_REACHED),
    )
    # Unpooled, the interval's own words already say "reconstructed times".
    flag = RECONSTRUCTED_FLAG if med.reconstructed and med.m else ""
    return f"{text}{flag}; {timescale.MONTH_NOTE}"


def reconstruction_note(inp: BoardInput, checks: pd.DataFrame) -> str | None:
    """The report's sentence on reconstructed times (None for real times): what is drawn, what it
    satisfies and what is pooled."""
    if not inp.reconstructed:
        return None
    held, total = tte.checks_held(checks)
    pooled = (
        f" Medians and their intervals are pooled over the {len(inp.draws)} reconstructions "
        "(Rubin's rules), so they carry the uncertainty of the unpublished times."
        if len(inp.draws) >= 2
        else ""
    )
    return (
        "Time-to-event figures draw one seeded reconstruction of per-patient times the paper does "
        f"not publish. It satisfies every published figure PlexRT keeps: {held} of {total} "
        "constraints and rules hold; the others were dropped or relaxed in the conflicts listed "
        f"under Time to event.{pooled}"
    )
