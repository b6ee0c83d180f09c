"""Paired pain scores: each site's NRS before RT joined to its NRS at RT completion, with medians.

Draws ``plexrt.clinical.pain_views.paired_data``; the only thing computed here is where each line
sits sideways.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from plexrt.charts import scale, style
from plexrt.charts.checks import check_flag, check_footnote, require_columns
from plexrt.charts.layout import finish, num, with_method

__all__ = ["AFTER_LABEL", "BEFORE_LABEL", "PAIRED_JITTER", "paired_figure", "site_positions"]

BEFORE_LABEL, AFTER_LABEL = "Before RT", "RT completion"
PAIRED_JITTER = 0.2  # half-width (in category units) over which sites are spread sideways

_DATA_COLUMNS = ("course_id", "patient_id", "nrs_before", "nrs_after", "regimen")


def site_positions(data: pd.DataFrame) -> pd.DataFrame:
    """``data`` with offset, x_before (0 + offset) and x_after (1 + offset): the sites spread
    evenly over ±PAIRED_JITTER in the order given (course order), so equal scores stay visible."""
    n = len(data)
    offsets = np.linspace(-PAIRED_JITTER, PAIRED_JITTER, n) if n > 1 else np.zeros(n)
    return data.assign(offset=offsets, x_before=offsets, x_after=1 + offsets)


def _lines(data: pd.DataFrame) -> tuple:
    """x, y, hover for all site lines in one trace, separated by gaps (None); no hover text per
    line when the trace is drawn with WebGL (``scale.WEBGL_ABOVE``)."""
    pos = site_positions(data)
    n = len(pos)
    if scale.uses_webgl(3 * n):  # float arrays, NaN for the gaps (fast to validate and send)
        xf, yf = np.full(3 * n, np.nan), np.full(3 * n, np.nan)
        xf[0::3], xf[1::3] = pos["x_before"].to_numpy(float), pos["x_after"].to_numpy(float)
        yf[0::3], yf[1::3] = pos["nrs_before"].to_numpy(float), pos["nrs_after"].to_numpy(float)
        return xf, yf, None
    x = np.full(3 * n, None, dtype=object)
    y = np.full(3 * n, None, dtype=object)
    x[0::3], x[1::3] = pos["x_before"].to_numpy(), pos["x_after"].to_numpy()
    y[0::3], y[1::3] = pos["nrs_before"].to_numpy(), pos["nrs_after"].to_numpy()
    hover: list = []
    for r in pos.itertuples():
        text = (
            f"Patient {r.patient_id}, site {r.course_id}<br>{r.regimen}<br>"
            f"NRS {int(r.nrs_before)} → {int(r.nrs_after)}"
        )
        hover += [text, text, None]
    return list(x), list(y), hover


def _add_medians(fig: go.Figure, medians: tuple[float, float], present: bool) -> None:
    fs = style.font_sizes(present)
    fig.add_scatter(
        x=[0.0, 1.0],
        y=list(medians),
        mode="lines+markers",
        name="Median",
        line={"color": style.BLACK, "width": 7 if present else 5},
        marker={"size": 20 if present else 15, "color": style.BLACK, "symbol": "diamond"},
        hovertemplate="Median NRS %{y}<extra></extra>",
    )
    for xpos, anchor, value in ((-0.26, "right", medians[0]), (1.26, "left", medians[1])):
        fig.add_annotation(
            text=f"<b>Median<br>{num(value)}</b>",
            x=xpos,
            y=value,
            xanchor=anchor,
            showarrow=False,
            font={"size": fs["base"], "color": style.BLACK},
            name="median label",
        )


def paired_figure(
    data: pd.DataFrame,
    *,
    footnote: str,
    present: bool = False,
    title: str | None = None,
) -> go.Figure:
    """Each site's NRS before RT joined to its NRS at RT completion (spread sideways a little),
    with the median at each time point as a thick black line and labelled markers. y axis 0-10.
    ``data``: ``pain_views.paired_data(df)`` (medians and left-out sites in its ``attrs``)."""
    require_columns(data, "data", _DATA_COLUMNS)
    if "medians" not in data.attrs:
        raise ValueError("data must come from plexrt.clinical.pain_views.paired_data")
    footnote = check_footnote(footnote)
    present = check_flag(present, "present")
    x, y, hover = _lines(data)
    fig = go.Figure()
    fig.add_trace(
        scale.scatter_trace(
            len(x),
            x=x,
            y=y,
            mode="lines+markers",
            name=f"Sites (n = {len(data):,})",
            line={"color": style.OKABE_ITO[0], "width": 3 if present else 2},
            marker={"size": 12 if present else 9, "color": style.OKABE_ITO[0]},
            opacity=0.75,
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    if data.attrs["medians"] is not None:
        _add_medians(fig, data.attrs["medians"], present)
    method = (
        "Blue: one line per site from NRS before RT to NRS at RT completion, spread sideways "
        "by course order so equal scores stay visible; black: median at each time point."
    )
    if data.attrs.get("not_assessable"):
        method += (
            f" Not plotted (an NRS score missing): {scale.id_list(data.attrs['not_assessable'])}."
        )
    method += (" " + scale.webgl_note(len(x))).rstrip()
    fig.update_layout(
        showlegend=False,
        xaxis={
            "tickvals": [0, 1],
            "ticktext": [BEFORE_LABEL, AFTER_LABEL],
            "range": [-0.95, 1.95],
            "showgrid": False,
            "zeroline": False,
        },
        yaxis={"title": {"text": "Pain score (NRS 0–10)"}, "range": [-0.5, 10.5], "dtick": 2},
    )
    return finish(
        fig,
        title=title or "Pain score before RT and at RT completion",
        footnote=with_method(footnote, method, present),
        present=present,
    )
