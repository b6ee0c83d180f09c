"""Figures for a greyscale printer: no meaning by colour alone.

``for_print`` turns a house-style figure into black, greys and white, and gives every legend
entry its own fill pattern (bars), marker symbol (points) and line dash (lines), so that a
photocopied handout still tells the groups apart; the legend names them in words.
"""

from __future__ import annotations

import plotly.graph_objects as go

from plexrt.export.images import copy_figure

# From dark to light; bar fills use the lighter half so that a pattern on top stays visible.
GREYS = ("#000000", "#404040", "#737373", "#A6A6A6", "#D0D0D0")
PATTERNS = ("", "/", ".", "x", "\\", "+", "-", "|")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x", "star", "hexagon")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
TEXT = "#000000"
WHITE = "#FFFFFF"
GRID = "#E6E6E6"


def grey_of(colour: str | None) -> str:
    """The luminance of a '#RRGGBB' or 'rgba(...)' colour as a grey of the same lightness, so
    that translucent bands stay translucent; other colour names become mid grey."""
    if not isinstance(colour, str):
        return GREYS[2]
    c = colour.strip()
    if c.startswith("#") and len(c) == 7:
        r, g, b = (int(c[i : i + 2], 16) for i in (1, 3, 5))
        y = round(0.2126 * r + 0.7152 * g + 0.0722 * b)
        return f"#{y:02X}{y:02X}{y:02X}"
    if c.startswith("rgba(") and c.endswith(")"):
        red, green, blue, alpha = (float(v) for v in c[5:-1].split(","))
        y = round(0.2126 * red + 0.7152 * green + 0.0722 * blue)
        return f"rgba({y},{y},{y},{alpha:g})"
    return GREYS[2]


def _bar(trace: go.Bar, k: int) -> None:
    trace.marker.color = GREYS[2 + k % 3]
    trace.marker.pattern = {"shape": PATTERNS[k % len(PATTERNS)], "fgcolor": TEXT, "solidity": 0.4}
    trace.marker.line = {"color": TEXT, "width": 0.8}


def _scatter(trace: go.Scatter, k: int) -> None:
    mode = trace.mode or "lines+markers"
    if "markers" in mode:
        symbol = trace.marker.symbol
        # An explicit symbol (the case's triangles) already tells the group apart: keep it.
        if symbol is None or symbol == "circle":
            trace.marker.symbol = SYMBOLS[k % len(SYMBOLS)]
        trace.marker.color = TEXT if k % 2 == 0 else GREYS[2]
        if trace.marker.line is not None:
            trace.marker.line.color = TEXT
    if "lines" in mode:
        trace.line.color = TEXT
        if trace.line.dash is None:
            trace.line.dash = DASHES[k % len(DASHES)]
    if trace.fill not in (None, "none"):
        trace.fillcolor = grey_of(trace.fillcolor or "rgba(115,115,115,0.2)")
        if "lines" not in mode:
            trace.line.color = GREYS[3]


def for_print(fig: go.Figure) -> go.Figure:
    """A greyscale copy of ``fig``: each trace shown in the legend gets the next pattern, symbol or
    dash; text, axes, shapes and annotations in black and greys."""
    if not isinstance(fig, go.Figure):
        raise ValueError(f"fig must be a plotly go.Figure, got {type(fig).__name__}")
    out = copy_figure(fig)
    k = 0
    for trace in out.data:
        if isinstance(trace, go.Bar):
            _bar(trace, k)
        elif isinstance(trace, go.Scatter):
            _scatter(trace, k)
        if trace.showlegend is not False:
            k += 1
    for ann in out.layout.annotations:
        if ann.font is not None and ann.font.color is not None:
            ann.font.color = grey_of(ann.font.color)
        if ann.bgcolor is not None:
            ann.bgcolor = "rgba(255,255,255,0.85)"
    for shape in out.layout.shapes:
        if shape.line is not None and shape.line.color is not None:
            shape.line.color = grey_of(shape.line.color)
        if shape.fillcolor is not None:
            shape.fillcolor = grey_of(shape.fillcolor)
    axes = {
        "gridcolor": GRID,
        "zerolinecolor": GREYS[3],
        "linecolor": GREYS[2],
        "tickcolor": GREYS[2],
        "tickfont_color": TEXT,
        "title_font_color": TEXT,
    }
    out.update_xaxes(**axes)
    out.update_yaxes(**axes)
    out.update_layout(
        colorway=list(GREYS),
        font_color=TEXT,
        legend_font_color=TEXT,
        title_font_color=TEXT,
        paper_bgcolor=WHITE,
        plot_bgcolor=WHITE,
    )
    return out
