"""Marks that put the patient under discussion onto the series' figures."""

from __future__ import annotations

import plotly.graph_objects as go

from plexrt.charts import style

CASE_COLOUR = style.OKABE_ITO[5]  # vermillion


def mark_eqd2(fig: go.Figure, eqd2_gy: float, label: str, present: bool = False) -> go.Figure:
    """A dashed vertical line at the planned regimen's EQD2 on the dose view."""
    fs = style.font_sizes(present)
    fig.add_vline(
        x=eqd2_gy,
        line={"color": CASE_COLOUR, "dash": "dash", "width": 3 if present else 2},
        annotation={
            "text": f"<b>{label}</b>",
            "font": {"color": CASE_COLOUR, "size": fs["base"]},
            "bgcolor": style.backdrop(0.85),
        },
        annotation_position="bottom right",
        name="case",
    )
    return fig


def highlight_sites(fig: go.Figure, course_ids, label: str, present: bool = False) -> go.Figure:
    """Triangles above the waterfall bars of the most similar sites (categorical x = site label)."""
    ids = [str(c) for c in course_ids]
    if not ids:
        return fig
    legend = fig.layout.legend
    if legend.orientation == "h" and legend.yanchor == "bottom" and (legend.y or 0) > 1:
        # The legend above the plot gets one more entry: one more row of room, plot kept.
        row = style.font_sizes(present)["base"] + 12
        m = fig.layout.margin
        fig.update_layout(margin_t=(m.t or 0) + row, height=(fig.layout.height or 450) + row)
    fig.add_trace(
        go.Scatter(
            x=ids,
            y=[1.0] * len(ids),
            mode="markers",
            marker={"symbol": "triangle-down", "size": 18 if present else 13, "color": CASE_COLOUR},
            name=label,
            hovertemplate="%{x}: " + label + "<extra></extra>",
            meta={"role": "case_match"},
        )
    )
    return fig
