"""Layout shared by the Pain response figures: text kept apart without a browser, one plot height.

Text placed above a plot (labels, notes, legends) is stacked in rows computed from an assumed
minimum plot width, so labels cannot overlap on screens at least that wide. Each figure appends to
the page's footnote (cohort + method) one sentence saying how the figure itself was drawn.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from plexrt.charts import style
from plexrt.data.values import NOT_STATED

__all__ = [
    "ASSUMED_PLOT_WIDTH_PX",
    "CHAR_WIDTH_EM",
    "LABEL_GAP_PX",
    "PLOT_HEIGHT_PX",
    "UNKNOWN_COLOUR",
    "centred_ranks",
    "extent",
    "finish",
    "note",
    "num",
    "palette_colour",
    "plot_height",
    "stack_rows",
    "text_px",
    "with_method",
]

ASSUMED_PLOT_WIDTH_PX = style.ASSUMED_PLOT_WIDTH_PX
CHAR_WIDTH_EM = style.CHAR_WIDTH_EM
LABEL_GAP_PX = 10
PLOT_HEIGHT_PX = {False: 320, True: 440}  # height of the plot area itself (normal, present)

UNKNOWN_COLOUR = style.GREY  # "not stated" / "unknown" is never a category colour


def with_method(footnote: str, sentence: str, present: bool) -> str:
    """The page's footnote followed by the figure's own method sentence, wrapped as wide as the
    footnote's own lines (``style.footnote_chars``; never at a hyphen: 'Clopper-Pearson' stays
    whole)."""
    sentence = style.wrap_footnote(sentence, style.footnote_chars(present), break_on_hyphens=False)
    return f"{footnote}<br>{sentence}" if footnote else sentence


def extent(values: Any) -> tuple[float, float]:
    """(min, max) of the known values, both including 0 (so an empty cohort gives (0, 0))."""
    v = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").dropna()
    return min(0.0, float(v.min())) if len(v) else 0.0, max(0.0, float(v.max())) if len(v) else 0.0


def num(x: float, digits: int = 2) -> str:
    """3.0 -> '3', 2.75 -> '2.75', 3.1667 -> '3.17'."""
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def palette_colour(value: Any, canonical: Sequence, all_values: Sequence) -> str:
    """Colour by position in the canonical order, so a category keeps its colour when filtered."""
    if value == NOT_STATED:
        return UNKNOWN_COLOUR
    full = list(canonical) + [v for v in all_values if v not in canonical]
    return style.OKABE_ITO[full.index(value) % len(style.OKABE_ITO)]


def text_px(text: str, font_px: float) -> float:
    """Estimated width of one line of text, generous so that estimates err towards more room."""
    longest = max(len(line) for line in re.sub(r"<[^>]+>", "\n", text).split("\n"))
    return longest * CHAR_WIDTH_EM * font_px


def stack_rows(intervals: Sequence[tuple[float, float]]) -> list[int]:
    """Row per horizontal interval (left, right), in px: the lowest row whose last label ends at
    least LABEL_GAP_PX before this one starts. Intervals in the same row therefore never overlap."""
    ends: list[float] = []
    rows = [0] * len(intervals)
    for i in sorted(range(len(intervals)), key=lambda j: intervals[j][0]):
        left, right = intervals[i]
        row = next((r for r, end in enumerate(ends) if end + LABEL_GAP_PX <= left), len(ends))
        if row == len(ends):
            ends.append(right)
        else:
            ends[row] = right
        rows[i] = row
    return rows


def centred_ranks(keys: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """For each item: its rank among items with an equal key, centred on 0 (-0.5, 0.5 for a
    pair; -1, 0, 1 for three), and the size of its group. Order within a group = input order."""
    codes = pd.factorize(pd.Series(list(keys), dtype=object), use_na_sentinel=False)[0]
    if not len(codes):
        return np.zeros(0), np.ones(0)
    groups = pd.Series(codes).groupby(codes, sort=False)
    sizes = groups.transform("size").to_numpy(dtype=float)
    return groups.cumcount().to_numpy(dtype=float) - (sizes - 1) / 2, sizes


def finish(
    fig: go.Figure,
    *,
    title: str,
    footnote: str,
    present: bool,
    top_px: float = 0.0,
    reconstructed: bool = False,
) -> go.Figure:
    """House style, then pin the title to the top and reserve ``top_px`` above the plot area for
    labels, notes or a legend (so they cannot collide with the title). The figure height is the
    plot area (PLOT_HEIGHT_PX) plus the margins, so a long footnote never squeezes the plot."""
    fs = style.font_sizes(present)
    style.apply(fig, title=title, footnote=footnote, present=present, reconstructed=reconstructed)
    title_px = fs["title"] + 26 if title else 10
    top = int(math.ceil(title_px + top_px + 6))
    fig.update_layout(
        title={"yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 12}},
        margin={"t": top},
        height=PLOT_HEIGHT_PX[present] + top + fig.layout.margin.b,
    )
    return fig


def plot_height(fig: go.Figure) -> float:
    m = fig.layout.margin
    return float(fig.layout.height - m.t - m.b)


def note(fig: go.Figure, text: str, row_px: float, font_px: int, name: str) -> None:
    """A line of text just above the plot area, ``row_px`` above its top edge."""
    style.margin_text(
        fig, text, above=True, yshift=row_px, size=font_px, colour=style.TEXT_COLOUR, name=name
    )


def risk_table_title(fig: go.Figure, font_px: int) -> None:
    """'Number at risk' above the risk table (the second row of a two-row subplot grid), flush
    with the left edge."""
    fig.add_annotation(
        text="Number at risk",
        xref="paper",
        x=0,
        xanchor="left",
        yref="y2 domain",
        y=1,
        yanchor="bottom",
        showarrow=False,
        font={"size": font_px},
        name="risk_table_title",
    )
