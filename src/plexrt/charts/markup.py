"""Text in a figure is drawn as written: plotly reads its labels, titles, legends, hover texts and
footnotes as a small HTML subset (links, styles, line breaks, bold), and a series name, a
primary cancer or a patient code recorded as ``<a href=...>`` would be drawn as a live link.

PlexRT's own chart text uses only the tags in ``OWN_TAGS``. Every other ``<`` in a figure is
escaped (``&lt;``) on the way out (``safe_figure``: the page, the HTML report and every image),
wherever the text came from; text escaped where it was written (``series_style.esc``) is left as
it is. A user's text that is exactly one of PlexRT's own tags (``<br>``, ``<b>``) is still drawn as
that tag: it can break a line or make text bold, never link, load or restyle anything.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import plotly.graph_objects as go

# The tags PlexRT writes into chart text: line breaks, bold / italic, super- and subscripts,
# the hover box's <extra>, and coloured labels (a six-digit colour of the chart's palette).
OWN_TAGS = (
    "<br>",
    "<b>",
    "</b>",
    "<i>",
    "</i>",
    "<sup>",
    "</sup>",
    "<sub>",
    "</sub>",
    "<extra>",
    "</extra>",
    '<span style="color:#RRGGBB">',
    "</span>",
)
_OWN = re.compile(
    r"<(?!(?:br|/?(?:b|i|sup|sub|extra)|/span|span style=\"color:#[0-9A-Fa-f]{6}\")>)"
)


def safe_markup(text: str) -> str:
    """``text`` with every ``<`` that does not open one of ``OWN_TAGS`` escaped."""
    return _OWN.sub("&lt;", text) if "<" in text else text


_NESTED = (dict, list, tuple, np.ndarray)


def _clean(value: Any) -> tuple[Any, bool]:
    """``value`` (a figure's dict or any part of it) made safe, and whether anything changed."""
    if isinstance(value, str):
        safe = safe_markup(value)
        return safe, safe != value
    if isinstance(value, dict):
        pairs = {k: _clean(v) for k, v in value.items()}
        if any(changed for _, changed in pairs.values()):
            return {k: v for k, (v, _) in pairs.items()}, True
        return value, False
    if isinstance(value, (list, tuple)):
        # a column of numbers or plain labels, in one pass
        if not any((isinstance(v, str) and "<" in v) or isinstance(v, _NESTED) for v in value):
            return value, False
        items = [_clean(v) for v in value]
        if any(changed for _, changed in items):
            return type(value)(v for v, _ in items), True
        return value, False
    if isinstance(value, np.ndarray) and value.dtype == object:
        flat, changed = _clean(value.ravel().tolist())
        return (
            (np.array(flat, dtype=object).reshape(value.shape), True) if changed else (value, False)
        )
    return value, False


def safe_spec(fig: go.Figure) -> dict[str, Any]:
    """The figure's dict (``fig.to_dict()``, a copy) with every ``<`` outside ``OWN_TAGS``
    escaped."""
    spec, _ = _clean(fig.to_dict())
    return spec


def safe_figure(fig: go.Figure) -> go.Figure:
    """``fig`` itself when its text holds nothing but PlexRT's own tags; else a copy with every
    other ``<`` escaped (the figure given is never changed: it may be cached and shared)."""
    spec, changed = _clean(fig.to_dict())
    return go.Figure(spec) if changed else fig
