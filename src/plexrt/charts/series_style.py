"""How the literature figures tell the PlexRT series apart from published series.

The PlexRT series is always drawn apart: highlighted in vermillion, and never part of the pooled
diamond (pooling it with the series it is compared against would compare it with itself).
"""

from __future__ import annotations

import html
from typing import Any

import plotly.graph_objects as go

from plexrt.charts import style

__all__ = [
    "OTHER_COLOURS",
    "PLEXRT_COLOUR",
    "POOLED_COLOUR",
    "SERIES_COLOUR",
    "WARNING_COLOUR",
    "apply_style",
    "ci_trace",
    "empty_note",
    "esc",
    "row_rule",
    "row_text",
]

PLEXRT_COLOUR = style.OKABE_ITO[5]  # vermillion
SERIES_COLOUR = style.OKABE_ITO[0]  # blue
POOLED_COLOUR = style.OKABE_ITO[7]  # black
WARNING_COLOUR = style.OKABE_ITO[1]  # orange
# Published series in the duration plot: palette without vermillion (PlexRT) and yellow (too pale
# on white).
OTHER_COLOURS = tuple(c for c in style.OKABE_ITO if c not in (PLEXRT_COLOUR, "#F0E442"))


def esc(text: Any) -> str:
    """Plain text made safe for plotly's HTML-like labels."""
    return html.escape(str(text), quote=False)


def apply_style(fig: go.Figure, **kwargs: Any) -> None:
    """``style.apply`` plus room under the x axis title in presentation mode.

    With the larger presentation type the axis title and a one-line footnote touch, so the bottom
    margin grows and the footnote moves down by the same amount.
    """
    style.apply(fig, **kwargs)
    if kwargs.get("present") and kwargs.get("footnote"):
        extra = 24
        fig.update_layout(margin={"b": int(fig.layout.margin.b) + extra})
        for ann in fig.layout.annotations:
            if ann.name == "footnote":
                ann.yshift = float(ann.yshift or 0) - extra


# ----------------------------------------------------------------------------------------------
# Drawing steps shared by the literature figures (forest plot, durations): one row per series or
# measure on a y axis of row numbers.
# ----------------------------------------------------------------------------------------------


def ci_trace(
    low: float,
    high: float,
    y: float,
    *,
    colour: str,
    label: str,
    present: bool,
    meta: dict[str, Any] | None = None,
    dash: str = "solid",
    **hover: Any,
) -> go.Scatter:
    """A 95% interval as a horizontal line at row ``y`` (meta role ``ci``); ``hover`` holds
    ``hoverinfo`` or ``hovertemplate``."""
    return go.Scatter(
        x=[low, high],
        y=[y, y],
        mode="lines",
        line={"color": colour, "width": 3.0 if present else 2.0, "dash": dash},
        name=f"{label}: 95% CI",
        meta={"role": "ci", "label": label, **(meta or {})},
        showlegend=False,
        cliponaxis=False,
        **hover,
    )


def row_text(
    fig: go.Figure,
    y: float,
    text: str,
    *,
    size: int,
    colour: str,
    name: str,
    x: float = 0,
    xshift: float | None = None,
) -> None:
    """Left-aligned text at row ``y``, from ``x`` (0 = left edge, 1 = right edge of the plot)."""
    fig.add_annotation(
        x=x,
        xref="paper",
        xanchor="left",
        xshift=xshift,
        y=y,
        yref="y",
        text=text,
        showarrow=False,
        align="left",
        font={"size": size, "color": colour},
        name=name,
    )


def row_rule(fig: go.Figure, y: float) -> None:
    """A light rule across the plot between rows (at ``y`` on the row axis)."""
    fig.add_shape(
        type="line",
        xref="paper",
        x0=0,
        x1=1,
        yref="y",
        y0=y,
        y1=y,
        line={"color": style.LIGHT_GREY, "width": 1},
    )


def empty_note(fig: go.Figure, text: str, fs: dict, *, y: float = 0.5, yref: str = "paper") -> None:
    """The message a figure shows instead of rows when there is nothing to draw."""
    fig.add_annotation(
        x=0.5,
        xref="paper",
        y=y,
        yref=yref,
        text=text,
        showarrow=False,
        font={"size": fs["base"], "color": style.GREY},
        name="empty",
    )
