"""The waterfall and the swimmer plot on screen: one bar per site / one lane per patient up to
``charts.scale.SUMMARY_ABOVE``, above it the distribution (``clinical.large_views``) with a field
to draw one patient's bars or lane."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from plexrt.charts import scale
from plexrt.charts.summaries import change_distribution_figure, followup_distribution_figure
from plexrt.charts.swimmer import swimmer_figure
from plexrt.charts.waterfall import waterfall_figure
from plexrt.clinical import large_views, pain_views
from plexrt.clinical.definitions import Definition
from plexrt.ui import widgets


def _patient(key: str, what: str) -> str:
    return st.text_input(
        f"Patient ID, to draw {what}",
        key=key,
        max_chars=64,
        placeholder="e.g. C0-000123",
    ).strip()


def waterfall(
    sites: pd.DataFrame, definition: Definition, colour_by: str, percent: bool, cohort_line: str
) -> None:
    """The waterfall of the cohort's sites, or the distribution of their change when large (then
    only the change per site is computed, not the ordered bars)."""
    footnote = f"{cohort_line}<br>{definition.label}"

    def bars(d: pd.DataFrame, key: str) -> None:
        wf = pain_views.waterfall_data(d, definition, percent)
        widgets.chart(waterfall_figure(wf, definition, colour_by=colour_by, footnote=footnote), key)

    if len(sites) <= scale.SUMMARY_ABOVE:
        bars(sites, "waterfall")
        return
    x_title = "Change in NRS (%)" if percent else "Change in NRS (points, after − before)"
    counts = large_views.change_distribution(pain_views.change_values(sites, definition, percent))
    widgets.chart(
        change_distribution_figure(counts, x_title=x_title, footnote=footnote), "waterfall"
    )
    st.caption(
        scale.summary_note(
            len(sites), "sites", "one bar per site", "Enter a patient ID to draw their sites' bars."
        )
    )
    pid = _patient("wf_patient", "their sites' bars")
    if pid:
        one = large_views.one_patient(sites, pid)
        if one.empty:
            st.info("No site of that patient in the current cohort.")
        else:
            bars(one, "waterfall_one")


def swimmer(
    patients: pd.DataFrame,
    sites: pd.DataFrame,
    *,
    unit: str,
    reconstructed: bool,
    title: str,
    footnote: str,
) -> None:
    """The swimmer plot of ``endpoints.swimmer_patients`` / ``swimmer_sites``, or the follow-up
    distribution with one patient's lane on request when there are many patients."""
    if len(patients) <= scale.SUMMARY_ABOVE:
        fig = swimmer_figure(
            patients, sites, unit=unit, reconstructed=reconstructed, title=title, footnote=footnote
        )
        widgets.chart(fig, "swimmer")
        return
    counts = large_views.lane_counts(patients)
    widgets.chart(
        followup_distribution_figure(
            large_views.followup_distribution(patients, unit), unit=unit, footnote=footnote
        ),
        "swimmer",
    )
    st.caption(
        scale.summary_note(
            counts["patients"],
            "patients",
            "one lane per patient",
            "Enter a patient ID to draw their lane.",
        )
        + f" Died: {counts['died']:,}; relapse of pain: {counts['relapse']:,}"
        + (
            f" ({counts['relapse_day_unknown']:,} without a known day)."
            if counts["relapse_day_unknown"]
            else "."
        )
    )
    pid = _patient("sw_patient", "their lane")
    if pid:
        one = large_views.one_patient(patients, pid)
        if one.empty:
            st.info("No patient with that ID in the current cohort.")
            return
        fig = swimmer_figure(
            one,
            large_views.one_patient(sites, pid),
            unit=unit,
            reconstructed=reconstructed,
            title=title,
            footnote=footnote,
        )
        widgets.chart(fig, "swimmer_one")
