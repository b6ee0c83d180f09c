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
    "esc",
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
