"""Static images of figures (PNG, SVG) and the data-source stamp they carry.

Images are drawn by the process's shared Chromium (``plexrt.export.rendering``: started once and
kept, images cached by content). When no Chromium is installed every image export (and the PPTX
pack) raises :class:`ExportUnavailable`; the HTML report needs no browser and is always available.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go

from plexrt.charts import style
from plexrt.export import rendering
from plexrt.export.renderer import (
    UNAVAILABLE_MESSAGE,
    ExportUnavailable,
    Renderer,
    browser_available,
)

__all__ = [
    "UNAVAILABLE_MESSAGE",
    "ExportUnavailable",
    "Renderer",
    "browser_available",
    "copy_figure",
    "figure_png",
    "figure_svg",
    "stamp",
]

# Plotly draws annotation lines 1.3 em apart (LINE_SPACING in plotly.js svg_text_utils).
_PLOTLY_LINE_SPACING = 1.3
# plotly.js uses a 80 px bottom margin when the layout does not set one.
_PLOTLY_DEFAULT_MARGIN_B = 80
# Widths (px) assumed when wrapping the citation: a projected 16:9 export versus the narrowest
# on-screen plot (charts.style holds that width and the glyph width).
_CITATION_WIDTH_PX = {True: 1200, False: style.ASSUMED_PLOT_WIDTH_PX}


# --------------------------------------------------------------------------------------------------
# Citation stamp


def _citation_growth(text: str, size: float) -> int:
    """Pixels the bottom margin grows to hold a citation of ``text`` at font ``size``."""
    n_lines = text.count("<br>") + 1
    return int(n_lines * (size + 6) + 4)


def copy_figure(fig: go.Figure) -> go.Figure:
    """An independent copy of ``fig``, made from its dict without validating again (the figure
    was validated when it was built): about 5x faster than ``go.Figure(fig)``."""
    return go.Figure(fig.to_dict(), _validate=False)


def stamp(fig: go.Figure, citation: str, present: bool = True) -> go.Figure:
    """A copy of ``fig`` with the data-source ``citation`` drawn bottom-right in small grey type.

    The citation gets its own row under the house-style footnote (which is kept unchanged): the
    bottom margin, and a fixed figure height if one is set, grow by that row so nothing overlaps
    or is cut off. Stamping an already stamped figure replaces the old citation.
    """
    if not isinstance(fig, go.Figure):
        raise ValueError(f"fig must be a plotly go.Figure, got {type(fig).__name__}")
    if not isinstance(citation, str) or not citation.strip():
        raise ValueError("citation must be a non-empty string naming the data source")
    if not isinstance(present, bool):
        raise ValueError("present must be True or False")

    out = copy_figure(fig)
    size = max(10, style.font_sizes(present)["footnote"] - 2)
    text = style.wrap_to_px(
        html.escape(" ".join(citation.split()), quote=False), _CITATION_WIDTH_PX[present], size
    )

    kept, old_growth = [], 0
    for ann in out.layout.annotations:
        if ann.name == "citation":
            old_growth += _citation_growth(ann.text or "", ann.font.size or size)
        else:
            kept.append(ann)
    out.layout.annotations = kept

    growth = _citation_growth(text, size)
    base_b = out.layout.margin.b
    if base_b is None:
        base_b = _PLOTLY_DEFAULT_MARGIN_B
    new_b = base_b - old_growth + growth
    out.update_layout(margin_b=new_b)
    if out.layout.height is not None:
        out.update_layout(height=out.layout.height - old_growth + growth)
    # 4 px above the bottom edge of the image; the footnote stays `growth` px higher.
    style.margin_text(
        out,
        text,
        above=False,
        right=True,
        yshift=-new_b + 4,
        size=size,
        colour=style.GREY,
        name="citation",
    )
    return out


# --------------------------------------------------------------------------------------------------
# Static images


def figure_png(fig: go.Figure, width: int = 1920, height: int = 1080, scale: float = 1) -> bytes:
    """One PNG from the shared browser (cached by content)."""
    return rendering.image(fig, "png", width, height, scale)


def figure_svg(fig: go.Figure, width: int = 1920, height: int = 1080) -> bytes:
    """One SVG from the shared browser (cached by content)."""
    return rendering.image(fig, "svg", width, height)
