"""The number-at-risk table under a Kaplan-Meier plot (row 2 of the figure): one text row per
curve with its number at risk (``plexrt.stats.at_risk``) under each x tick, the curve labels in
their colours at the left."""

from __future__ import annotations

import plotly.graph_objects as go

from plexrt.charts import style
from plexrt.charts.axes import unit_abbrev
from plexrt.charts.layout import risk_table_title
from plexrt.stats.at_risk import numbers_at_risk
from plexrt.stats.survival import KMResult

__all__ = ["add_risk_rows", "style_risk_table"]


def add_risk_rows(
    fig: go.Figure,
    items: list[tuple[str, KMResult]],
    colours: list[str],
    ticks: list[float],
    ticks_days: list[float],
    unit: str,
    fs: dict,
) -> None:
    """One text row per curve: its number at risk (``stats.at_risk``) under each x tick."""
    abbrev = unit_abbrev(unit)
    for i, ((label, res), colour) in enumerate(zip(items, colours, strict=True)):
        counts = numbers_at_risk(res, ticks_days)
        fig.add_trace(
            go.Scatter(
                x=ticks,
                y=[i] * len(ticks),
                mode="text",
                text=[f"{c:,}" for c in counts],
                textfont={"color": colour, "size": fs["tick"]},
                # the count under the first tick starts there and reads rightwards, so that a
                # registry's 5-digit count is neither cut at the plot's edge nor over the labels
                textposition=["middle right"] + ["middle center"] * (len(ticks) - 1),
                cliponaxis=False,
                showlegend=False,
                name=f"{label} at risk",
                hovertemplate=f"{label}: %{{text}} at risk at %{{x:.1f}} {abbrev}<extra></extra>",
                meta={"role": "risk_table", "curve": label},
            ),
            row=2,
            col=1,
        )


def style_risk_table(fig: go.Figure, labels: list[str], colours: list[str], fs: dict) -> None:
    """Curve labels in their colours left of the rows (in the margin ``label_margin`` gives,
    set with the house style), a title above."""
    n_rows = len(labels)
    fig.update_xaxes(showticklabels=False, showline=False, row=2, col=1)
    fig.update_yaxes(
        tickvals=list(range(n_rows)),
        ticktext=[
            f'<span style="color:{c}">{lab}</span>' for lab, c in zip(labels, colours, strict=True)
        ],
        range=[n_rows - 0.5, -0.5],
        showgrid=False,
        zeroline=False,
        showline=False,
        ticks="",
        fixedrange=True,
        row=2,
        col=1,
    )
    risk_table_title(fig, fs["base"])


def label_margin(labels: list[str], fs: dict) -> int:
    """The left margin that holds the longest curve label left of its row (px)."""
    longest = max(len(lab) for lab in labels)
    return max(style.MARGIN_LEFT_PX, int(14 + 0.62 * fs["tick"] * longest))
