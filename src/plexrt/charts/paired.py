"""Paired pain scores: each site's NRS before RT joined to its NRS at RT completion, with medians.

Draws ``plexrt.clinical.pain_views.paired_data``; the only thing computed here is where each line
sits sideways. Above ``charts.scale.SUMMARY_ABOVE`` sites, one line per pair of scores
(``clinical.large_views.score_pairs``), as wide as its share of the sites: a line per site would be
a solid block, and a chart that a browser draws slowly (60 s and more as a picture at 100,000).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from plexrt.charts import scale, style
from plexrt.charts.checks import check_flag, check_footnote, require_columns
from plexrt.charts.layout import finish, num, with_method
from plexrt.clinical.large_views import score_pairs

__all__ = ["AFTER_LABEL", "BEFORE_LABEL", "PAIRED_JITTER", "paired_figure", "site_positions"]

BEFORE_LABEL, AFTER_LABEL = "Before RT", "RT completion"
PAIRED_JITTER = 0.2  # half-width (in category units) over which sites are spread sideways

_DATA_COLUMNS = ("course_id", "patient_id", "nrs_before", "nrs_after", "regimen")
#: The widest line (px) of the summary, drawn for the pair of scores with the most sites.
PAIR_WIDTH_MAX = 16


def _add_pairs(fig: go.Figure, data: pd.DataFrame, present: bool) -> str:
    """One line per pair of scores, its width in proportion to its sites (at least 1 px);
    returns the method sentence."""
    pairs = score_pairs(data)
    most = int(pairs["n_sites"].max()) if len(pairs) else 1
    for r in pairs.itertuples():
        text = f"NRS {int(r.nrs_before)} → {int(r.nrs_after)}: {int(r.n_sites):,} sites"
        fig.add_scatter(
            x=[0.0, 1.0],
            y=[r.nrs_before, r.nrs_after],
            mode="lines+markers",
            name=text,
            line={
                "color": style.OKABE_ITO[0],
                "width": max(1.0, PAIR_WIDTH_MAX * r.n_sites / most),
            },
            marker={"size": 12 if present else 9, "color": style.OKABE_ITO[0]},
            opacity=0.75,
            hovertext=[text, text],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    return (
        scale.summary_note(len(data), "sites", "one line per site", "").rstrip()
        + f" Blue: one line per pair of scores before RT and at RT completion ({len(pairs):,} "
        f"pairs), its width in proportion to its sites ({most:,} the widest); hover for n. "
        "Black: median at each time point."
    )


def site_positions(data: pd.DataFrame) -> pd.DataFrame:
    """``data`` with offset, x_before (0 + offset) and x_after (1 + offset): the sites spread
    evenly over ±PAIRED_JITTER in the order given (course order), so equal scores stay visible."""
    n = len(data)
    offsets = np.linspace(-PAIRED_JITTER, PAIRED_JITTER, n) if n > 1 else np.zeros(n)
    return data.assign(offset=offsets, x_before=offsets, x_after=1 + offsets)


def _lines(data: pd.DataFrame) -> tuple:
    """x, y, hover for all site lines in one trace, separated by gaps (None)."""
    pos = site_positions(data)
    n = len(pos)
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


def _add_site_lines(fig: go.Figure, data: pd.DataFrame, present: bool) -> str:
    """One line per site (one trace); returns the method sentence."""
    x, y, hover = _lines(data)
    fig.add_trace(
        go.Scatter(
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
    method = (
        "Blue: one line per site from NRS before RT to NRS at RT completion, spread sideways "
        "by course order so equal scores stay visible; black: median at each time point."
    )
    return method


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
    fig = go.Figure()
    if len(data) > scale.SUMMARY_ABOVE:
        method = _add_pairs(fig, data, present)
    else:
        method = _add_site_lines(fig, data, present)
    if data.attrs["medians"] is not None:
        _add_medians(fig, data.attrs["medians"], present)
    if data.attrs.get("not_assessable"):
        method += (
            f" Not plotted (an NRS score missing): {scale.id_list(data.attrs['not_assessable'])}."
        )
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
