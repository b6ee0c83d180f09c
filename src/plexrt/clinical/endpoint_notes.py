"""The words around the time-to-event figures: time zero, footnotes with their counts, the
log-rank sentence and the published median drawn as a reference line.

Counts come from the frames and results of ``plexrt.clinical.endpoints`` and
``plexrt.stats.survival``; nothing here computes a statistic.
"""

from __future__ import annotations

import pandas as pd

from plexrt.clinical.endpoints import TIME_ZERO, event_counts, literature_reference
from plexrt.clinical.series_words import PUBLISHED, words
from plexrt.data.values import counted
from plexrt.stats.survival import CIFResult, LogRankResult

__all__ = [
    "RELIEF_REFERENCE",
    "cif_footnote",
    "km_footnote",
    "logrank_text",
    "relief_reference_lines",
    "time_zero_text",
]

# The published median duration of relief drawn on the relief curve: Gerontopoulos 2020, as
# quoted in Sanuki 2022 (series key in data/literature.csv, column, words on the line).
RELIEF_REFERENCE = (
    "gerontopoulos2020",
    "median_relief_months",
    "Gerontopoulos 2020 median relief",
)


def relief_reference_lines(literature: pd.DataFrame) -> list[tuple[float, str]]:
    """[(days, label)] of the published median relief; [] when the series or figure is absent."""
    return literature_reference(literature, *RELIEF_REFERENCE)


def time_zero_text(endpoint: str, time_zero: str, source: str = PUBLISHED) -> str:
    """Where an endpoint's clock starts, in words, for a series of ``source``
    (``series_words``): relief always runs from maximum response."""
    if time_zero not in TIME_ZERO:
        raise ValueError(f"time_zero must be one of {', '.join(TIME_ZERO)}, got {time_zero!r}")
    return "maximum response" if endpoint == "relief" else words(source).time_zero[time_zero]


def km_footnote(data: pd.DataFrame, method_note: str) -> str:
    """Patients and events of a Kaplan-Meier figure, then its method (after a line break)."""
    n, n_events = event_counts(data)
    return (
        f"n = {counted(n, 'patient')}, {counted(n_events, 'event')}<br>"
        f"{method_note} Numbers at risk = patients still followed at each tick."
    )


def logrank_text(test: LogRankResult, which: str = "") -> str:
    """'Log-rank test: χ² = 0.52 on 1 df, p = 0.47 (Psoas n = 7, Piriformis n = 4).'"""
    sizes = ", ".join(f"{r.group} n = {r.n:,}" for r in test.table.itertuples())
    return (
        f"Log-rank test{which}: χ² = {test.statistic:.2f} on {test.df} df, "
        f"p = {test.p_value:.2f} ({sizes})."
    )


def cif_footnote(cif: CIFResult) -> str:
    """Patients, relapses and competing deaths of the cumulative incidence figure, then its
    method (after a line break)."""
    return (
        f"n = {counted(cif.n, 'assessable patient')}, {counted(cif.n_events, 'relapse')}, "
        f"{counted(cif.n_competing, 'death')} before relapse<br>{cif.method_note}"
    )


# The quantity each time-to-event chart shows, and what its y axis counts. Survival counts deaths
# (follow-up, which counts observation time, is a different figure and never drawn as a curve).
QUANTITY = {"survival": "Overall survival", "relief": "Duration of pain relief"}
Y_TITLES = {"survival": "Proportion alive", "relief": "Proportion still relieved (no relapse)"}
_ZERO_SHORT = {"completion": "RT completion", "start": "RT start"}


def chart_title(endpoint: str, time_zero: str, source: str, reconstructed: bool) -> str:
    """'Overall survival from RT completion — Sanuki 2022, reconstructed times': the quantity,
    where its clock starts and where the times come from."""
    zero = "maximum response" if endpoint == "relief" else _ZERO_SHORT[time_zero]
    times = "reconstructed times" if reconstructed else "patient times"
    return f"{QUANTITY[endpoint]} from {zero} — {source}, {times}"
