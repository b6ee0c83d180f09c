"""Weeks from the start of RT to maximum pain response: one dot per site, mean and median per group.

Draws ``plexrt.clinical.pain_views.time_to_max`` (sites and per-group summary); the only thing
computed here is where equal values sit sideways.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from plexrt.charts import scale, style
from plexrt.charts.checks import check_flag, check_footnote
from plexrt.charts.layout import centred_ranks, extent, finish, num, palette_colour, with_method
from plexrt.clinical.large_views import weeks_counts
from plexrt.clinical.pain_views import GROUP_BY, TimeToMax

__all__ = ["STRIP_MAX_HALF", "STRIP_STEP", "time_to_max_figure"]

STRIP_STEP = 0.08  # sideways step between sites with equal weeks, in category units
STRIP_MAX_HALF = 0.3


def _stack_offsets(values: Sequence[float]) -> np.ndarray:
    """Sideways offsets that spread equal values symmetrically around the group centre, at most
    STRIP_MAX_HALF either side."""
    ranks, sizes = centred_ranks(values)
    step = np.minimum(STRIP_STEP, 2 * STRIP_MAX_HALF / np.maximum(sizes - 1, 1))
    return ranks * step


def _summary_text(r: Any) -> str:
    if r.n == 0:
        return f"{r.label}: n = 0"
    return (
        f"{r.label}: n = {r.n:,}, mean {num(r.mean)}, median {num(r.median)}, "
        f"range {num(r.min)}–{num(r.max)} weeks"
    )


def _add_group(
    fig: go.Figure, i: int, r: Any, sub: pd.DataFrame, colour: str, present: bool, most: int
):
    """Median bar (behind), one dot per site, mean diamond (on top) for group ``r`` at x = i;
    ``most``: the largest count of any dot of every summarised group (one scale of areas)."""
    text = _summary_text(r)
    if r.n:
        fig.add_scatter(
            x=[i - 0.36, i + 0.36],
            y=[r.median, r.median],
            mode="lines",
            name=f"{r.label} median",
            line={"color": style.BLACK, "width": 6 if present else 4},
            hovertext=[text, text],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    if len(sub) > scale.SUMMARY_ABOVE:
        _add_counts(fig, i, r, weeks_counts(sub["weeks_to_max_response"]), colour, most)
    else:
        _add_dots(fig, i, r, sub, colour, present)
    if r.n:
        fig.add_scatter(
            x=[float(i)],
            y=[r.mean],
            mode="markers",
            name=f"{r.label} mean",
            marker={
                "symbol": "diamond-open",
                "size": 22 if present else 17,
                "color": style.BLACK,
                "line": {"width": 3},
            },
            hovertext=[text],
            hovertemplate="%{hovertext}<extra></extra>",
        )


def _add_dots(fig: go.Figure, i: int, r: Any, sub: pd.DataFrame, colour: str, present: bool):
    """One dot per site, equal values spread sideways."""
    weeks = sub["weeks_to_max_response"].astype(float).to_numpy()
    text = _summary_text(r)
    fig.add_scatter(
        x=i + _stack_offsets(weeks),
        y=weeks,
        mode="markers",
        name=r.label,
        marker={"size": 15 if present else 11, "color": colour, "line": {"width": 1}},
        hovertext=[
            f"Patient {p}, site {c}: {num(w)} weeks<br>{text}"
            for p, c, w in zip(sub["patient_id"], sub["course_id"], weeks, strict=True)
        ],
        hovertemplate="%{hovertext}<extra></extra>",
    )


def _add_counts(fig: go.Figure, i: int, r: Any, counts: pd.DataFrame, colour: str, most: int):
    """Above ``scale.SUMMARY_ABOVE`` sites: one dot per value of weeks, its area in proportion
    to its sites (``clinical.large_views.weeks_counts``), on the scale of the largest dot of every
    group (``most`` sites), so that areas compare across groups."""
    text = _summary_text(r)
    fig.add_scatter(
        x=[float(i)] * len(counts),
        y=counts["weeks"].to_numpy(float),
        mode="markers",
        name=r.label,
        marker={
            "size": counts["n_sites"].to_numpy(float),
            "sizemode": "area",
            "sizeref": max(most, 1) / scale.COUNT_DOT_MAX**2,
            "sizemin": 3,
            "color": colour,
            "line": {"width": 1},
        },
        hovertext=[
            f"{num(w)} weeks: {int(k):,} sites<br>{text}" for w, k in counts.itertuples(index=False)
        ],
        hovertemplate="%{hovertext}<extra></extra>",
    )


def time_to_max_figure(
    view: TimeToMax,
    *,
    footnote: str,
    present: bool = False,
    title: str | None = None,
) -> go.Figure:
    """Dot plot of weeks to maximum response, one dot per site (equal values spread sideways),
    per group, with the mean (open diamond) and median (black bar). The footnote gains one line
    per group: "n = k, mean x, median y, range a–b weeks"; the same text is in the hover.
    Traces per group, in order: "<group> median", "<group>" (the sites), "<group> mean".
    ``view``: ``pain_views.time_to_max(df, group_by)``."""
    if not isinstance(view, TimeToMax):
        raise ValueError("view must be a TimeToMax from plexrt.clinical.pain_views.time_to_max")
    footnote = check_footnote(footnote)
    present = check_flag(present, "present")
    col, canonical, _ = GROUP_BY[view.group_by]
    summary, sites = view.summary, view.sites
    order = list(summary["group"])
    fig = go.Figure()
    groups = [sites[sites["group"] == g] for g in order]
    most = max(
        (
            int(weeks_counts(g["weeks_to_max_response"])["n_sites"].max())
            for g in groups
            if len(g) > scale.SUMMARY_ABOVE
        ),
        default=1,
    )
    for i, (r, sub) in enumerate(zip(summary.itertuples(), groups, strict=True)):
        colour = style.OKABE_ITO[0] if col is None else palette_colour(r.group, canonical, order)
        _add_group(fig, i, r, sub, colour, present, most)
    y_max = extent(summary["max"])[1]
    fig.update_layout(
        showlegend=False,
        xaxis={
            "tickvals": list(range(len(summary))),
            "ticktext": [f"{r.label}<br>n = {r.n:,}" for r in summary.itertuples()],
            "range": [-0.6, len(summary) - 0.4],
            "showgrid": False,
            "zeroline": False,
        },
        yaxis={
            "title": {"text": "Weeks to maximum response"},
            "range": [0, max(y_max, 4.0) + 1],
        },
    )
    largest = int(summary["n"].max()) if len(summary) else 0
    dots = (
        "One dot per site (equal values spread sideways)"
        if largest <= scale.SUMMARY_ABOVE
        else f"A group of more than {scale.SUMMARY_ABOVE:,} sites (the largest: n = {largest:,}): "
        "one dot per value of weeks, its area in proportion to its sites (hover for n), instead "
        "of one dot per site; a smaller group: one dot per site (equal values spread sideways)"
    )
    method = (
        f"{dots}; open diamond = mean, bar = median. "
        "Maximum response = lowest NRS, recorded weekly from the start of RT."
        + "<br>"
        + "<br>".join(_summary_text(r) for r in summary.itertuples())
    )
    return finish(
        fig,
        title=title or "Time to maximum pain response",
        footnote=with_method(footnote, method, present),
        present=present,
    )
