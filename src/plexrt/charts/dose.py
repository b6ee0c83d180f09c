"""Dose view: change in NRS against EQD2, one point per site, one colour and label per regimen.

Draws ``plexrt.clinical.pain_views.dose_response`` (EQD2 from ``plexrt.clinical.dose``); the only
things computed here are label rows and where coincident points sit sideways. Above
``charts.scale.SUMMARY_ABOVE`` sites, one dot per regimen and change in NRS
(``clinical.large_views.dose_counts``), its area by its sites: a point per site would be a
solid block, and slow for a browser to draw (seconds per picture at 100,000 sites).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from plexrt.charts import scale, style
from plexrt.charts.checks import check_flag, check_footnote
from plexrt.charts.layout import (
    ASSUMED_PLOT_WIDTH_PX,
    centred_ranks,
    extent,
    finish,
    num,
    stack_rows,
    text_px,
    with_method,
)
from plexrt.clinical.large_views import dose_counts
from plexrt.clinical.pain_views import DoseResponse

__all__ = ["DOSE_JITTER_FRACTION", "dose_response_figure", "point_positions"]

DOSE_JITTER_FRACTION = 0.025  # sideways step between coincident points, as a share of the EQD2 span
# More rows of regimen labels than this above the plot would squeeze it (a registry's dozen
# regimens between 20 and 60 Gy EQD2 need ten rows): the regimens are then named in a legend.
MAX_LABEL_ROWS = 4


def point_positions(sites: pd.DataFrame) -> np.ndarray:
    """x of each point: its EQD2, spread sideways where sites coincide in EQD2 and change
    (deterministic, in the order given)."""
    span = max(float(np.ptp(sites["eqd2"])) if len(sites) else 0.0, 10.0)
    keys = [f"{e:.6f}|{c}" for e, c in zip(sites["eqd2"], sites["change"], strict=True)]
    ranks = centred_ranks(keys)[0]
    return sites["eqd2"].to_numpy(dtype=float) + ranks * DOSE_JITTER_FRACTION * span


def _hover(r: Any, alpha_beta: float) -> str:
    return (
        f"Patient {r.patient_id}, site {r.course_id}<br>{r.regimen}: EQD2 {num(r.eqd2)} Gy "
        f"(α/β {num(alpha_beta)} Gy)<br>NRS {int(r.nrs_before)} → {int(r.nrs_after)} "
        f"(change {int(r.change):+d})"
    )


def _regimen_labels(sites: pd.DataFrame, counts: dict[str, int]) -> pd.DataFrame:
    """One label per distinct EQD2 (regimens with the same EQD2 share it): eqd2, text, regimens."""
    rows = []
    for e, grp in sites.groupby(sites["eqd2"].round(6), sort=True):
        regs = list(dict.fromkeys(grp["regimen"]))
        text = " + ".join(f"{r} (n = {counts[r]:,})" for r in regs)
        rows.append((float(e), text, regs))
    return pd.DataFrame(rows, columns=["eqd2", "text", "regimens"])


def _x_range(labels: pd.DataFrame, widths: list[float]) -> tuple[float, float]:
    """EQD2 axis range padded so the outermost centred labels fit inside the assumed width."""
    lo, hi = float(labels["eqd2"].min()), float(labels["eqd2"].max())
    span = max(hi - lo, 10.0)
    half_l, half_r = widths[0] / 2 + 8, widths[-1] / 2 + 8
    usable = max(ASSUMED_PLOT_WIDTH_PX - half_l - half_r, ASSUMED_PLOT_WIDTH_PX / 3)
    px_per_gy = usable / span
    centre_pad = (span - (hi - lo)) / 2
    return lo - centre_pad - half_l / px_per_gy, hi + centre_pad + half_r / px_per_gy


def _add_regimen_labels(
    fig: go.Figure, labels: pd.DataFrame, colours: dict[str, str], font_px: int
) -> int:
    """One label per distinct EQD2 above the plot, stacked in rows so that no two labels overlap
    on a plot at least ASSUMED_PLOT_WIDTH_PX wide, plus a dotted guide down to its points. Sets
    the x range; returns the number of label rows, 0 when more than ``MAX_LABEL_ROWS`` would be
    needed: then only the guides are drawn and the regimens are left to the legend."""
    if not len(labels):
        return 0
    widths = [text_px(t, font_px) for t in labels["text"]]
    x_lo, x_hi = _x_range(labels, widths)
    px_per_gy = ASSUMED_PLOT_WIDTH_PX / (x_hi - x_lo)
    centres = [(e - x_lo) * px_per_gy for e in labels["eqd2"]]
    rows = stack_rows([(c - w / 2, c + w / 2) for c, w in zip(centres, widths, strict=True)])
    labelled = max(rows) < MAX_LABEL_ROWS
    for r, row in zip(labels.itertuples(), rows, strict=True):
        colour = colours[r.regimens[0]]
        fig.add_shape(  # a vertical line over the plot height (add_vline copies the figure)
            type="line",
            x0=r.eqd2,
            x1=r.eqd2,
            xref="x",
            y0=0,
            y1=1,
            yref="y domain",
            line={"dash": "dot", "color": colour, "width": 1},
            name="regimen guide",
        )
        if not labelled:
            continue
        fig.add_annotation(
            text=r.text,
            x=r.eqd2,
            xref="x",
            y=1,
            yref="paper",
            xanchor="center",
            yanchor="bottom",
            yshift=4 + row * (font_px + 8),
            showarrow=False,
            font={"size": font_px, "color": colour},
            name="regimen label",
        )
    if not labelled:  # no label to fit: the points' own span
        lo, hi = float(labels["eqd2"].min()), float(labels["eqd2"].max())
        pad = max(hi - lo, 10.0) * 0.08
        x_lo, x_hi = lo - pad, hi + pad
    fig.update_xaxes(range=[x_lo, x_hi])
    return max(rows) + 1 if labelled else 0


_LEGEND_SYMBOL_PX = 40  # a legend entry's symbol and the gaps around it


def _legend_grid(names: list[str], font_px: int) -> tuple[int, int]:
    """(text width of every entry, rows) of a legend laid out in equal columns across a plot
    ASSUMED_PLOT_WIDTH_PX wide: the rows reserved above the plot for it."""
    entry_px = max(text_px(name, font_px) for name in names)
    per_row = max(1, int(ASSUMED_PLOT_WIDTH_PX // (entry_px + _LEGEND_SYMBOL_PX)))
    return int(math.ceil(entry_px)), -(-len(names) // per_row)


def _add_points(
    fig: go.Figure,
    sites: pd.DataFrame,
    regimens: list[str],
    colours: dict[str, str],
    counts: dict[str, int],
    ab: float,
    present: bool,
) -> None:
    """One point per site, one trace per regimen, coincident points spread sideways."""
    x = point_positions(sites)
    for i, reg in enumerate(regimens):
        mine = (sites["regimen"] == reg).to_numpy()
        sub = sites[mine]
        fig.add_trace(
            go.Scatter(
                x=x[mine],
                y=sub["change"].to_numpy(dtype=float),
                customdata=sub["eqd2"].to_numpy(dtype=float),
                mode="markers",
                name=f"{reg} (n = {counts[reg]:,})",
                marker={
                    "size": 16 if present else 12,
                    "color": colours[reg],
                    "symbol": style.nth(style.SYMBOLS, i),  # not by colour alone
                    "line": {"width": 1},
                },
                hovertext=[_hover(r, ab) for r in sub.itertuples()],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )


def _add_counts(
    fig: go.Figure,
    sites: pd.DataFrame,
    regimens: list[str],
    colours: dict[str, str],
    counts: dict[str, int],
    ab: float,
) -> str:
    """Above ``scale.SUMMARY_ABOVE`` sites: one dot per regimen and change in NRS at the
    regimen's EQD2, its area in proportion to its sites (``large_views.dose_counts``); returns
    the sentence of the method that says so."""
    table = dose_counts(sites)
    most = int(table["n_sites"].max()) if len(table) else 1
    for i, reg in enumerate(regimens):
        sub = table[table["regimen"] == reg]
        fig.add_trace(
            go.Scatter(
                x=sub["eqd2"].to_numpy(dtype=float),
                y=sub["change"].to_numpy(dtype=float),
                mode="markers",
                name=f"{reg} (n = {counts[reg]:,})",
                marker={
                    "size": sub["n_sites"].to_numpy(dtype=float),
                    "sizemode": "area",
                    "sizeref": most / scale.COUNT_DOT_MAX**2,
                    "sizemin": 3,
                    "color": colours[reg],
                    "symbol": style.nth(style.SYMBOLS, i),  # not by colour alone
                    "line": {"width": 1},
                },
                hovertext=[
                    f"{reg}: EQD2 {num(e)} Gy (α/β {num(ab)} Gy)<br>change {int(c):+d}: "
                    f"{int(n):,} sites"
                    for e, c, n in zip(sub["eqd2"], sub["change"], sub["n_sites"], strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    return (
        scale.summary_note(len(sites), "sites", "one point per site", "").rstrip()
        + f" One dot per regimen and change in NRS at the regimen's EQD2 ({len(table):,} dots), "
        f"its area in proportion to its sites (n = {most:,} the largest); hover for n."
    )


def dose_response_figure(
    view: DoseResponse,
    *,
    footnote: str,
    present: bool = False,
    title: str | None = None,
) -> go.Figure:
    """NRS change against EQD2 at the view's alpha/beta, one point per site, one trace and colour
    per regimen (named "39 Gy/13 (n = 3)"). Each distinct EQD2 gets one label above the plot
    (regimens with equal EQD2 share it), stacked in rows so labels never overlap; a dotted guide
    in the regimen's colour joins label and points. When the labels would need more than
    ``MAX_LABEL_ROWS`` rows, a legend beside the plot names the regimens instead. Coincident points are spread sideways; the
    exact EQD2 is in ``customdata`` and the hover. Above ``scale.SUMMARY_ABOVE`` sites, one dot
    per regimen and change at the regimen's EQD2, its area by its sites, the footnote giving n and
    the hover each dot's n. ``view``: ``pain_views.dose_response``."""
    if not isinstance(view, DoseResponse):
        raise ValueError("view must be a DoseResponse from plexrt.clinical.pain_views")
    footnote = check_footnote(footnote)
    present = check_flag(present, "present")
    ab, sites = view.alpha_beta, view.sites
    counts = dict(zip(view.regimens["regimen"], view.regimens["n_sites"], strict=True))
    fs = style.font_sizes(present)
    regimens = list(dict.fromkeys(sites.sort_values(["eqd2", "regimen"])["regimen"]))
    colours = style.colour_map(regimens)
    fig = go.Figure()
    # labels and guides first: plotly copies the figure on each vertical line it adds
    n_rows = _add_regimen_labels(fig, _regimen_labels(sites, counts), colours, fs["tick"])
    if len(sites) > scale.SUMMARY_ABOVE:
        drawn = _add_counts(fig, sites, regimens, colours, counts, ab)
    else:
        _add_points(fig, sites, regimens, colours, counts, ab, present)
        drawn = (
            "one point per site; coincident points are spread sideways (exact EQD2 in the hover)."
        )
    bottom, top = extent(sites["change"])
    y_lo, y_hi = min(-10.0, bottom) - 0.5, max(2.0, top) + 0.5
    # the regimens named above the plot by their guides, or (too many rows) in a legend there,
    # entries side by side in rows, by EQD2
    legend = n_rows == 0 and bool(regimens)
    if legend:
        names = [str(trace.name) for trace in fig.data]
        entry_px, n_rows = _legend_grid(names, fs["tick"])
        fig.update_layout(
            legend={
                "orientation": "h",
                "x": 0,
                "xanchor": "left",
                "y": 1,
                "yanchor": "bottom",
                "font": {"size": fs["tick"]},
                "itemsizing": "constant",  # a dot's size is its sites, not its regimen's
                "entrywidthmode": "pixels",
                "entrywidth": entry_px,
            }
        )
    fig.update_layout(
        showlegend=legend,
        xaxis={"title": {"text": f"EQD2 (Gy), α/β = {num(ab)} Gy"}, "zeroline": False},
        yaxis={"title": {"text": "Change in NRS (points)"}, "range": [y_lo, y_hi]},
    )
    method = f"EQD2 = D (d + α/β) / (2 + α/β), linear-quadratic model, α/β = {num(ab)} Gy; {drawn}"
    return finish(
        fig,
        title=title or "Pain change by dose (EQD2)",
        footnote=with_method(footnote, method, present),
        present=present,
        top_px=n_rows * (fs["tick"] + 8) + 6,
    )
