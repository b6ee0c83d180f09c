"""A chart in words: the text alternative shown beside every figure (screen readers, and anyone
who cannot tell the marks apart). Read from the figure itself, so the words always say what is
drawn: title, what the axes measure, and each series (its legend entry, which carries the key
figure: n, median with CI, response rate) with the range of its values."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import numpy as np
import plotly.graph_objects as go

MAX_SERIES = 10
_TAG = re.compile(r"<[^>]+>")


def plain(text: object) -> str:
    """Plotly label text as plain words: tags dropped, entities decoded, spaces collapsed."""
    if text is None:
        return ""
    words = html.unescape(_TAG.sub(" ", str(text)))
    return " ".join(words.split())


def _axis_title(axis) -> str:
    return plain(axis.title.text) if axis is not None and axis.title is not None else ""


def _numbers(values: Iterable) -> np.ndarray:
    if values is None:
        return np.array([])
    arr = np.asarray(list(values), dtype=object)
    out = []
    for v in arr:
        try:
            x = float(v)
        except (TypeError, ValueError):
            continue
        if np.isfinite(x):
            out.append(x)
    return np.asarray(out)


def _fmt(x: float) -> str:
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.2g}" if abs(x) < 1 else f"{x:.1f}"


def _series_line(trace) -> str | None:
    """'<legend name>: 6 bars from -9 to -2' for a bar trace; the legend name for a line."""
    name = plain(trace.name)
    if not name or trace.showlegend is False:
        return None
    if trace.type == "bar":
        ys = _numbers(trace.y if trace.orientation != "h" else trace.x)
        if ys.size:
            count = "bar" if ys.size == 1 else "bars"
            return f"{name}: {ys.size} {count}, values {_fmt(ys.min())} to {_fmt(ys.max())}"
    return name


def describe(fig: go.Figure) -> str:
    """The figure in a few sentences (no statistic is computed here: every figure is one the
    chart itself shows)."""
    layout = fig.layout
    parts = []
    title = plain(layout.title.text) if layout.title is not None else ""
    if title:
        parts.append(f"{title}.")
    x, y = _axis_title(layout.xaxis), _axis_title(layout.yaxis)
    if x or y:
        axes = [f"horizontal axis: {x}" if x else "", f"vertical axis: {y}" if y else ""]
        joined = "; ".join(a for a in axes if a)
        parts.append(joined[0].upper() + joined[1:] + ".")
    lines = [line for t in fig.data if (line := _series_line(t))]
    shown = list(dict.fromkeys(lines))[:MAX_SERIES]
    if shown:
        parts.append("Shown: " + "; ".join(shown) + ".")
    if len(lines) > MAX_SERIES:
        parts.append(f"And {len(lines) - MAX_SERIES} more series.")
    return " ".join(parts)
