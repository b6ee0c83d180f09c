"""Summary figures drawn in place of the waterfall and the swimmer plot when the cohort is larger
than ``plexrt.charts.scale.SUMMARY_ABOVE``: counts from ``plexrt.clinical.large_views``, one bar
trace per response category or status (stacked). Charts compute nothing."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from plexrt.charts import style
from plexrt.charts.checks import check_footnote, require_columns
from plexrt.charts.layout import finish, with_method
from plexrt.clinical.large_views import CHANGE_COLUMNS, FOLLOWUP_COLUMNS

__all__ = ["change_distribution_figure", "followup_distribution_figure"]


def _stacked(counts: pd.DataFrame, by: str, n_col: str, unit: str, order: list[str]) -> go.Figure:
    fig = go.Figure()
    labels = list(dict.fromkeys(counts["bin_label"]))
    for i, name in enumerate(order):
        rows = counts[counts[by] == name]
        if rows.empty:
            continue
        pattern = {"shape": style.nth(style.PATTERNS, i), "fillmode": "overlay", "size": 7}
        fig.add_bar(
            x=list(rows["bin_label"]),
            y=rows[n_col].to_numpy(dtype=float),
            name=f"{name} (n = {int(rows[n_col].sum()):,})",
            marker={"color": style.nth(style.OKABE_ITO, i), "pattern": pattern},
            hovertemplate=f"%{{x}}: %{{y:,}} {unit} ({name})<extra></extra>",
        )
    fig.update_layout(
        barmode="stack",
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": labels},
        yaxis={"title": {"text": f"Number of {unit}"}},
    )
    return fig


def change_distribution_figure(
    counts: pd.DataFrame, *, x_title: str, footnote: str, present: bool = False
) -> go.Figure:
    """Sites per bin of change in pain score, stacked by response category
    (``large_views.change_distribution``)."""
    require_columns(counts, "counts", CHANGE_COLUMNS)
    order = list(dict.fromkeys(counts["category"].astype(str)))
    fig = _stacked(counts.astype({"category": str}), "category", "n_sites", "sites", order)
    fig.update_layout(xaxis={"title": {"text": x_title}})
    method = "Bars: number of sites per change in pain score, stacked by response category."
    return finish(
        fig,
        title="Change in pain score: distribution over the sites",
        footnote=with_method(check_footnote(footnote), method, present),
        present=present,
    )


def followup_distribution_figure(
    counts: pd.DataFrame,
    *,
    unit: str,
    footnote: str,
    present: bool = False,
    reconstructed: bool = False,
    title: str = "Follow-up of the patients: distribution",
) -> go.Figure:
    """Patients per bin of follow-up from the start of RT, stacked by status
    (``large_views.followup_distribution``)."""
    require_columns(counts, "counts", FOLLOWUP_COLUMNS)
    order = list(dict.fromkeys(counts["status"]))
    fig = _stacked(counts, "status", "n_patients", "patients", order)
    fig.update_layout(xaxis={"title": {"text": f"Follow-up from the start of RT ({unit})"}})
    method = "Bars: number of patients per span of follow-up (to death or last contact)."
    return finish(
        fig,
        title=title,
        footnote=with_method(check_footnote(footnote), method, present),
        present=present,
        reconstructed=reconstructed,
    )
