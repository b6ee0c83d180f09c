"""Published curves (reconstructed patients) beside the bundled series on Kaplan-Meier axes.

The Kaplan-Meier figure of ``charts.km`` with every published curve's legend entry and hover
saying ``reconstructed from published curve``; the number-at-risk rows keep the short labels, so
that long flags do not squeeze the plot.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from plexrt.charts.km import km_figure
from plexrt.charts.km_legend import refit_legend_name
from plexrt.data.curve_schema import CURVE_FLAG
from plexrt.stats.survival import KMResult

__all__ = ["curve_km_figure"]


def curve_km_figure(
    curves: Sequence[tuple[str, KMResult]], published: Sequence[str], **km_args: Any
) -> go.Figure:
    """``km_figure(curves, reconstructed=True, **km_args)`` with the curves named in
    ``published`` flagged in the legend and hover as reconstructed from a published curve."""
    labels = {label for label, _ in curves}
    unknown = [p for p in published if p not in labels]
    if unknown:
        raise ValueError(f"published names curves that are not drawn: {unknown}")
    fig = km_figure(curves, reconstructed=True, **km_args)
    for trace in fig.data:
        meta = trace.meta if isinstance(trace.meta, dict) else {}
        if meta.get("curve") not in published:
            continue
        label = meta["curve"]
        if meta.get("role") == "km":
            flagged = trace.name.replace(label, f"{label}: {CURVE_FLAG}", 1)
            trace.name = refit_legend_name(flagged)
        if trace.hovertemplate:
            trace.hovertemplate = trace.hovertemplate.replace(label, f"{label} ({CURVE_FLAG})", 1)
    return fig
