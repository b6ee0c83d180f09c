"""The board's waterfall and swimmer slides for a large cohort: above
``charts.scale.SUMMARY_ABOVE`` sites or patients the distribution (as on the pages), since a bar
or lane per item would be thinner than a pixel."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from plexrt.charts import scale
from plexrt.charts.summaries import change_distribution_figure, followup_distribution_figure
from plexrt.charts.swimmer import swimmer_figure
from plexrt.charts.waterfall import waterfall_figure
from plexrt.clinical import large_views, pain_views
from plexrt.clinical.definitions import Definition


def waterfall_slide(
    sites: pd.DataFrame, d: Definition, *, footnote: str, present: bool
) -> go.Figure:
    """The waterfall of the cohort's ``sites`` (``pain_views.waterfall_data``), or when large the
    distribution of their change, as the Pain page draws it: then only the change per site is
    worked out (``pain_views.change_values``), not the bars in order, which it does not show."""
    if len(sites) <= scale.SUMMARY_ABOVE:
        wf = pain_views.waterfall_data(sites, d)
        return waterfall_figure(wf, d, footnote=footnote, present=present)
    note = scale.summary_note(len(sites), "sites", "one bar per site", "")
    return change_distribution_figure(
        large_views.change_distribution(pain_views.change_values(sites, d)),
        x_title="Change in NRS (points, after − before)",
        footnote=f"{footnote}<br>{note}",
        present=present,
    )


def swimmer_slide(w, *, unit: str, present: bool, height: int | None) -> go.Figure:
    """The swimmer plot of a ``board.time_to_event`` swimmer panel, or the follow-up
    distribution when it has more than ``SUMMARY_ABOVE`` patients."""
    if len(w.patients) <= scale.SUMMARY_ABOVE:
        return swimmer_figure(
            w.patients,
            w.sites,
            unit=unit,
            reconstructed=w.reconstructed,
            present=present,
            title=w.title,
            footnote=w.footnote,
            height=height,
        )
    note = scale.summary_note(len(w.patients), "patients", "one lane per patient", "")
    return followup_distribution_figure(
        large_views.followup_distribution(w.patients, unit),
        unit=unit,
        footnote=f"{w.footnote}<br>{note}",
        present=present,
        reconstructed=w.reconstructed,
        title=w.title,
    )
