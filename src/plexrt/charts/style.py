"""One look for every PlexRT figure: colour-blind-safe palette, readable type, a footnote band.

Figures are values (``go.Figure``); pages only display them. ``present=True`` gives the tumour-board
variant: larger type and thicker marks for a projector.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

# Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
BLACK = OKABE_ITO[7]
WHITE = "#FFFFFF"
TEXT_COLOUR = "#1A1A1A"  # near-black body text
GREY = "#6B6B6B"
LIGHT_GREY = "#D9D9D9"
RECONSTRUCTED_LABEL = "RECONSTRUCTED TIMES — not published per patient; see Data & provenance"

FONT_FAMILY = "Source Sans Pro, Arial, sans-serif"

# plotly's "plotly_white", with the trace defaults of only the trace types PlexRT draws: plotly
# deep-copies a figure's template into it, and the full one carries defaults for 24 trace types
# (17 ms a figure against 6 ms). Figures look the same: their traces are all of these types.
DRAWN_TRACE_TYPES = ("scatter", "scattergl", "bar")
_WHITE = pio.templates["plotly_white"]
TEMPLATE = go.layout.Template(
    layout=_WHITE.layout, data={kind: _WHITE.data[kind] for kind in DRAWN_TRACE_TYPES}
)

# Plotly does not wrap text and no browser measures it here, so widths are estimated: a glyph is
# taken as CHAR_WIDTH_EM wide (generous for a sans-serif font, so estimates err towards more room),
# and figures are designed for a plot area at least ASSUMED_PLOT_WIDTH_PX wide (Streamlit's centred
# layout).
CHAR_WIDTH_EM = 0.6
ASSUMED_PLOT_WIDTH_PX = 560


def font_sizes(present: bool = False) -> dict[str, int]:
    return (
        {"base": 22, "title": 28, "tick": 20, "footnote": 16}
        if present
        else {"base": 15, "title": 19, "tick": 14, "footnote": 14}
    )


# A footnote line holds what fits the figure's width, found in Chromium at 1280x720: 120 characters
# at 12 px on a page, 95 at 16 px on a slide. The count goes down as the type gets larger.
_FOOTNOTE_LINE_CHAR_PX = {False: 120 * 12, True: 95 * 16}


# The plot area's left margin (room for the y tick labels and title); wider only for long labels.
MARGIN_LEFT_PX = 70


def footnote_chars(present: bool = False, narrower_px: float = 0) -> int:
    """Characters per footnote line at the footnote size of a page (or a slide); ``narrower_px``:
    how much wider than MARGIN_LEFT_PX the figure's left margin is (the footnote starts at the
    plot area's left edge, so it has that much less room)."""
    size = font_sizes(present)["footnote"]
    fewer = int(max(0.0, narrower_px) / (CHAR_WIDTH_EM * size))
    return max(40, _FOOTNOTE_LINE_CHAR_PX[present] // size - fewer)


def rgba(hex_colour: str, alpha: float) -> str:
    """A palette colour made translucent: '#6B6B6B', 0.25 -> 'rgba(107,107,107,0.25)'."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def backdrop(alpha: float) -> str:
    """Translucent white behind text placed over a plot (legends, labels)."""
    return rgba(WHITE, alpha)


def legend_box(*, right: bool, y: float, alpha: float) -> dict:
    """A legend inside the plot, in its top left or top right corner, on a translucent backdrop."""
    return {
        "x": 0.99 if right else 0.01,
        "y": y,
        "xanchor": "right" if right else "left",
        "yanchor": "top",
        "bgcolor": backdrop(alpha),
    }


# Colour is never the only carrier of meaning (colour-blind viewers, greyscale print): the i-th
# group also gets the i-th line dash, marker symbol and bar fill pattern.
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
SYMBOLS = ("circle", "square", "triangle-up", "diamond", "x", "triangle-down", "star", "cross")
PATTERNS = ("", "/", ".", "x", "\\", "+", "-", "|")


def nth(options: tuple[str, ...], i: int) -> str:
    """The i-th of a cycle of styles (dash, symbol, pattern), wrapping round."""
    return options[i % len(options)]


def colour_map(values) -> dict:
    """Stable colour per category in order of first appearance."""
    out: dict = {}
    for v in values:
        if v not in out:
            out[v] = OKABE_ITO[len(out) % len(OKABE_ITO)]
    return out


def axis_room_px(present: bool) -> int:
    """Room under the plot area for x tick labels and the axis title (above the footnote)."""
    return 100 if present else 70


def apply(
    fig: go.Figure,
    *,
    title: str | None = None,
    footnote: str | None = None,
    present: bool = False,
    height: int | None = None,
    reconstructed: bool = False,
    margin_left: int = MARGIN_LEFT_PX,
) -> go.Figure:
    """House style in place: fonts, margins, white background, footnote under the plot area.

    ``footnote`` states the cohort and method; ``reconstructed`` adds a visible label on the plot;
    ``margin_left``: a wider left margin (long row labels), the footnote wrapped to the room left.
    """
    fs = font_sizes(present)
    if footnote:
        footnote = wrap_footnote(footnote, footnote_chars(present, margin_left - MARGIN_LEFT_PX))
    n_foot_lines = footnote.count("<br>") + 1 if footnote else 0
    # room for tick labels and the axis title, then the footnote lines
    bottom = axis_room_px(present) + n_foot_lines * (fs["footnote"] + 6)
    fig.update_layout(
        template=TEMPLATE,
        font={"family": FONT_FAMILY, "size": fs["base"], "color": TEXT_COLOUR},
        title={"text": title, "font": {"size": fs["title"]}, "x": 0, "xanchor": "left"}
        if title
        else None,
        margin={"l": margin_left, "r": 30, "t": 70 if title else 30, "b": bottom},
        height=height,
        legend={"font": {"size": fs["base"]}},
        hoverlabel={"font": {"size": fs["base"]}},
    )
    fig.update_xaxes(
        tickfont={"size": fs["tick"]},
        title_font={"size": fs["base"]},
        showline=True,
        linecolor=GREY,
    )
    fig.update_yaxes(
        tickfont={"size": fs["tick"]},
        title_font={"size": fs["base"]},
        showline=True,
        linecolor=GREY,
    )
    if footnote:
        _add_footnote(fig, footnote, bottom, fs)
    if reconstructed:
        _add_reconstructed_label(fig, fs)
    return fig


def margin_text(
    fig: go.Figure,
    text: str,
    *,
    above: bool,
    size: int,
    colour: str,
    name: str,
    right: bool = False,
    yshift: float | None = None,
    bgcolor: str | None = None,
) -> None:
    """Text in the margin just above (``above``) or below the plot area, from its left edge (or
    ending at its right edge): the one way footnotes, citations, labels and notes are placed."""
    fig.add_annotation(
        text=text,
        xref="paper",
        yref="paper",
        x=1 if right else 0,
        y=1 if above else 0,
        yshift=yshift,
        xanchor="right" if right else "left",
        yanchor="bottom",
        align="right" if right else "left",
        showarrow=False,
        font={"size": size, "color": colour},
        bgcolor=bgcolor,
        name=name,
    )


def _add_footnote(fig: go.Figure, footnote: str, bottom: int, fs: dict[str, int]) -> None:
    """The cohort and method under the plot area, in the bottom margin."""
    margin_text(
        fig,
        footnote,
        above=False,
        yshift=-bottom + 8,
        size=fs["footnote"],
        colour=GREY,
        name="footnote",
    )


def _add_reconstructed_label(fig: go.Figure, fs: dict[str, int]) -> None:
    """The visible warning that a figure rests on reconstructed (unpublished) times."""
    margin_text(
        fig,
        f"<b>{RECONSTRUCTED_LABEL}</b>",
        above=True,
        size=fs["footnote"] + 1,
        colour=OKABE_ITO[5],
        bgcolor=backdrop(0.85),
        name="reconstructed",
    )


def wrap_footnote(text: str, width: int, *, break_on_hyphens: bool = True) -> str:
    """Break long footnote lines at ``width`` characters (plotly does not wrap annotation
    text); existing <br> breaks are kept."""
    import textwrap

    lines = []
    for segment in text.split("<br>"):
        lines.extend(textwrap.wrap(segment, width, break_on_hyphens=break_on_hyphens) or [""])
    return "<br>".join(lines)


def wrap_to_px(text: str, width_px: float, font_px: float, *, break_on_hyphens: bool = True) -> str:
    """``wrap_footnote`` at as many characters as fit ``width_px`` at ``font_px`` (CHAR_WIDTH_EM)."""
    chars = int(width_px / (CHAR_WIDTH_EM * font_px))
    return wrap_footnote(text, chars, break_on_hyphens=break_on_hyphens)


def footnote_text(fig: go.Figure) -> str | None:
    """The footnote drawn on a figure (for tests and exports)."""
    for ann in fig.layout.annotations:
        if ann.name == "footnote":
            return ann.text
    return None


def set_methods(fig: go.Figure, lines: tuple[str, ...] | list[str]) -> go.Figure:
    """Keep the methods in full with the figure (``layout.meta``, not drawn): a slide's footnote
    is short, and the speaker notes and the report print these lines. Returns ``fig``."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    fig.update_layout(meta={**meta, "methods": [str(line) for line in lines]})
    return fig


def methods_of(fig: go.Figure) -> list[str]:
    """The lines ``set_methods`` kept with ``fig`` ([] when none)."""
    meta = fig.layout.meta
    return list(meta.get("methods", [])) if isinstance(meta, dict) else []
