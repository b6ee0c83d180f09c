"""Kaplan-Meier figure: step curves with censor ticks and CI bands, the reconstruction envelope,
labelled reference lines and the number-at-risk table under the plot.

All times going in are **days** (``KMResult`` tables must have been computed on days); ``unit`` only
changes what the axes show. Traces carry ``meta = {"role": ..., "curve": label}`` with roles ``km``,
``km_band``, ``censor``, ``envelope``, ``risk_table`` so pages and tests can find them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from plexrt.charts import style
from plexrt.charts.axes import (
    PROPORTION_AXIS,
    check_unit,
    curve_width,
    time_axis_range,
    time_axis_title,
    time_ticks,
    unit_abbrev,
)
from plexrt.charts.checks import check_flag, check_footnote
from plexrt.charts.km_inputs import (
    check_curves,
    check_envelope,
    check_reference_lines,
    envelope_name,
)
from plexrt.charts.km_legend import km_legend_name
from plexrt.charts.km_risk_table import add_risk_rows, label_margin, style_risk_table
from plexrt.charts.scale import CENSOR_TICKS_MAX, censor_note, censor_ticks
from plexrt.charts.series_style import esc
from plexrt.charts.steps import band_trace, step_band, thin_steps
from plexrt.stats.survival import KMResult
from plexrt.stats.timescale import UNITS, to_unit

__all__ = ["km_figure"]

_ENVELOPE_FILL = style.rgba(style.GREY, 0.25)


@dataclass(frozen=True)
class _Axis:
    unit: str
    ticks: list[float]  # in unit
    ticks_days: list[float]

    @property
    def top(self) -> float:
        return self.ticks[-1]


# ----------------------------------------------------------------------------------------------
# Layout
# ----------------------------------------------------------------------------------------------


def _axis(
    items: list[tuple[str, KMResult]],
    env: pd.DataFrame | None,
    refs: list[tuple[float, str]],
    unit: str,
) -> _Axis:
    """Ticks covering the longest curve, the envelope and every reference line."""
    max_days = max(float(res.table["time"].max()) for _, res in items)
    if env is not None:
        max_days = max(max_days, float(env["time_days"].max()))
    if refs:
        max_days = max(max_days, max(v for v, _ in refs))
    ticks = time_ticks(max_days, unit)
    return _Axis(unit, ticks, [t * UNITS[unit] for t in ticks])


def _canvas(
    n_rows: int, show_risk_table: bool, height: int, title: str | None, footnote: str, fs: dict
) -> go.Figure:
    """Plot above, risk table below on the same x axis; the gap leaves room for the x title."""
    if not show_risk_table:
        return make_subplots(rows=1, cols=1)
    n_foot = footnote.count("<br>") + 1
    plot_px = height - (70 if title else 30) - (60 + n_foot * (fs["footnote"] + 6))
    gap_px = fs["tick"] + 2 * fs["base"] + 40
    table_frac = min(0.4, max(0.22, 0.08 * n_rows))
    return make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[1 - table_frac, table_frac],
        vertical_spacing=min(0.3, gap_px / max(plot_px, 1)),
    )


# ----------------------------------------------------------------------------------------------
# Traces
# ----------------------------------------------------------------------------------------------


def _add_envelope(fig: go.Figure, env: pd.DataFrame, unit: str, label: str) -> None:
    ex, ey = step_band(
        to_unit(env["time_days"].to_numpy(), unit), env["low"].to_numpy(), env["high"].to_numpy()
    )
    fig.add_trace(
        go.Scatter(
            x=ex,
            y=ey,
            mode="lines",
            fill="toself",
            fillcolor=_ENVELOPE_FILL,
            line={"width": 0},
            name=label,
            hoverinfo="skip",
            meta={"role": "envelope"},
        ),
        row=1,
        col=1,
    )


def _censor_trace(
    label: str,
    colour: str,
    t_u: np.ndarray,
    surv: np.ndarray,
    censored: np.ndarray,
    unit: str,
    present: bool,
) -> go.Scatter:
    """ "|" ticks at the censoring times, at the height of the curve (grouped above
    ``CENSOR_TICKS_MAX`` times: ``scale.censor_ticks``)."""
    x, y, patients, first, last = censor_ticks(t_u, surv, censored)
    abbrev = unit_abbrev(unit)
    grouped = len(x) < int((censored > 0).sum())
    hover = (
        f"{label}: %{{customdata[0]}} censored from %{{customdata[1]:.1f}} to "
        f"%{{customdata[2]:.1f}} {abbrev}<extra></extra>"
        if grouped
        else f"{label}: %{{customdata[0]}} censored at %{{x:.1f}} {abbrev}<extra></extra>"
    )
    return go.Scatter(
        x=x,
        y=y,
        mode="markers",
        marker={
            "symbol": "line-ns-open",
            "size": 14 if present else 10,
            "color": colour,
            "line": {"width": 3 if present else 2, "color": colour},
        },
        customdata=np.column_stack([patients, first, last]),
        hovertemplate=hover,
        legendgroup=label,
        showlegend=False,
        name=f"{label} censored",
        meta={"role": "censor", "curve": label, "grouped": grouped},
    )


def _add_curve(
    fig: go.Figure,
    label: str,
    res: KMResult,
    colour: str,
    unit: str,
    band: bool,
    present: bool,
    dash: str = "solid",
    own_median: bool = False,
) -> None:
    """CI band (behind), step line, censor ticks of one curve."""
    tab = res.table
    t_u = to_unit(tab["time"].to_numpy(dtype=float), unit)
    surv = tab["survival"].to_numpy(dtype=float)
    if band:
        meta = {"role": "km_band", "curve": label}
        ci = band_trace(t_u, tab, colour, label, f"{label} {100 * (1 - res.alpha):g}% CI", meta)
        if ci is not None:
            fig.add_trace(ci, row=1, col=1)
    sx, sy = thin_steps(t_u, surv)
    abbrev = unit_abbrev(unit)
    fig.add_trace(
        go.Scatter(
            x=sx,
            y=sy,
            mode="lines",
            line_shape="hv",
            line={"color": colour, "width": curve_width(present), "dash": dash},
            name=km_legend_name(label, res, unit, own_median),
            legendgroup=label,
            hovertemplate=f"{label}<br>%{{x:.1f}} {abbrev}: %{{y:.2f}}<extra></extra>",
            meta={"role": "km", "curve": label},
        ),
        row=1,
        col=1,
    )
    censored = tab["censored"].to_numpy()
    if (censored > 0).any():
        fig.add_trace(
            _censor_trace(label, colour, t_u, surv, censored, unit, present), row=1, col=1
        )


def _add_reference_lines(
    fig: go.Figure, refs: list[tuple[float, str]], axis: _Axis, fs: dict
) -> None:
    """Dashed vertical lines on the main plot, each labelled (labels staggered downwards)."""
    for i, (value_days, label) in enumerate(refs):
        x = to_unit(value_days, axis.unit)
        fig.add_shape(
            type="line",
            x0=x,
            x1=x,
            xref="x",
            y0=0,
            y1=1,
            yref="y domain",
            line={"color": style.GREY, "dash": "dash", "width": 1.5},
            name=f"reference: {label}",
        )
        right = x > 0.6 * axis.top
        fig.add_annotation(
            text=label,
            x=x,
            xref="x",
            y=1 - 0.08 * i,
            yref="y domain",
            xanchor="right" if right else "left",
            yanchor="top",
            xshift=-4 if right else 4,
            showarrow=False,
            font={"size": fs["footnote"] + 1, "color": style.GREY},
            bgcolor=style.backdrop(0.8),
            name=f"reference: {label}",
        )


# ----------------------------------------------------------------------------------------------
# Axes and the risk table's frame
# ----------------------------------------------------------------------------------------------


def _style_axes(
    fig: go.Figure, axis: _Axis, x_title: str | None, y_title: str, low_legend: bool = False
) -> None:
    fig.update_xaxes(range=time_axis_range(axis.ticks), tickvals=axis.ticks, showgrid=True)
    fig.update_xaxes(
        title_text=x_title or time_axis_title(axis.unit), showticklabels=True, row=1, col=1
    )
    fig.update_yaxes(**PROPORTION_AXIS, title_text=y_title, row=1, col=1)
    # Survival curves fall to the right, so the top right of the plot is usually free; curves that
    # stay high (relief that mostly lasts) leave the bottom right free instead (``_low_legend``).
    domain = fig.layout.yaxis.domain
    if low_legend:
        legend = {**style.legend_box(right=True, y=domain[0] + 0.01, alpha=0.85)}
        legend["yanchor"] = "bottom"
    else:
        legend = style.legend_box(right=True, y=domain[1] - 0.01, alpha=0.85)
    fig.update_layout(legend=legend)


# The legend's corner, in proportion units: the top right box reaches down to about TOP_BOX, the
# bottom right one up to about LOW_BOX (a few legend rows on a projector-sized plot).
TOP_BOX, LOW_BOX = 0.6, 0.35


def _low_legend(items: list[tuple[str, KMResult]], band: bool, top: float) -> bool:
    """True when the curves (with their bands, if drawn) fill the top right of the plot over its
    right half but keep clear of the bottom: the legend then goes to the bottom right."""
    high_right, low_anywhere = 0.0, 1.0
    for _, res in items:
        t = res.table
        hi = t["upper"].fillna(t["survival"]) if band else t["survival"]
        lo = t["lower"].fillna(t["survival"]) if band else t["survival"]
        right = t["time"] >= top / 2
        high_right = max(high_right, float(hi[right].max()) if right.any() else 0.0)
        low_anywhere = min(low_anywhere, float(lo.min()))
    return high_right > TOP_BOX and low_anywhere > LOW_BOX


def _no_axis_room_below(fig: go.Figure, present: bool) -> None:
    """With the risk table the x tick labels and axis title sit between plot and table, so the
    bottom margin needs no room for them (``style.apply`` keeps it): it shrinks to the footnote,
    which moves down with it, and the plot gets the pixels (at 1280x720 they were a blank band)."""
    spare = style.axis_room_px(present) - 20
    fig.layout.margin.b = max(0, (fig.layout.margin.b or 0) - spare)
    for ann in fig.layout.annotations:
        if ann.name == "footnote" and ann.yshift is not None:
            ann.yshift = ann.yshift + spare


# ----------------------------------------------------------------------------------------------
# The figure
# ----------------------------------------------------------------------------------------------


# Over 60 lines only by its 15 documented parameters; the body is a list of named steps.
def km_figure(
    curves: Sequence[tuple[str, KMResult]],
    unit: str = "months",
    band: bool = True,
    envelope: pd.DataFrame | None = None,
    reference_lines: Any = (),
    show_risk_table: bool = True,
    *,
    footnote: str,
    present: bool = False,
    reconstructed: bool = False,
    title: str | None = None,
    y_title: str = "Proportion",
    x_title: str | None = None,
    envelope_label: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """Kaplan-Meier curves with censor ticks, CI bands, optional envelope, number-at-risk table.

    ``curves``: list of ``(label, KMResult)`` computed on days. Each curve is a right-continuous
    step line from (0, 1) to its last follow-up time, with "|" ticks at censoring times (at the
    curve's height) and, if ``band``, its pointwise CI as a shaded band; the i-th curve has the
    i-th dash as well as colour. ``envelope``: DataFrame
    ``time_days, low, high`` (see ``plexrt.stats.envelope``) drawn as a grey band behind the
    curves; it implies a reconstructed chart, so the reconstructed label is shown. The legend
    gives each curve's median with its CI in ``unit``. ``reference_lines``: ``(value_days,
    label)`` pairs drawn as labelled dashed vertical lines. The number-at-risk table (numbers from
    ``plexrt.stats.at_risk`` at the x ticks) sits under the plot on the same x axis.
    """
    # a curve's label may be a user's text (an own series' name, a recorded primary cancer):
    # drawn as written, its '<b>' never read as bold
    items = [(esc(label), res) for label, res in check_curves(curves)]
    unit = check_unit(unit)
    footnote = check_footnote(footnote)
    band = check_flag(band, "band")
    show_risk_table = check_flag(show_risk_table, "show_risk_table")
    present = check_flag(present, "present")
    reconstructed = check_flag(reconstructed, "reconstructed")
    refs = check_reference_lines(reference_lines)
    env = None if envelope is None else check_envelope(envelope)

    fs = style.font_sizes(present)
    colours = [style.OKABE_ITO[i] for i in range(len(items))]
    axis = _axis(items, env, refs, unit)
    many = [int((res.table["censored"] > 0).sum()) > CENSOR_TICKS_MAX for _, res in items]
    footnote = f"{footnote} {censor_note(True)}" if any(many) else footnote
    if height is None:
        table_px = len(items) * (34 if present else 24) if show_risk_table else 0
        height = (720 if present else 600) + table_px
    fig = _canvas(len(items), show_risk_table, height, title, footnote, fs)
    if env is not None:  # first, so that it sits behind the curves
        _add_envelope(fig, env, unit, envelope_name(envelope, envelope_label))
    for i, ((label, res), colour) in enumerate(zip(items, colours, strict=True)):
        dash = style.nth(style.DASHES, i)
        _add_curve(fig, label, res, colour, unit, band, present, dash, reconstructed)
    if show_risk_table:
        add_risk_rows(fig, items, colours, axis.ticks, axis.ticks_days, axis.unit, fs)
    style.apply(
        fig,
        title=title,
        footnote=footnote,
        present=present,
        height=height,
        reconstructed=reconstructed or env is not None,
        margin_left=label_margin([lab for lab, _ in items], fs)
        if show_risk_table
        else style.MARGIN_LEFT_PX,
    )
    top_days = axis.ticks_days[-1]
    _style_axes(fig, axis, x_title, y_title, _low_legend(items, band, top_days))
    if show_risk_table:
        style_risk_table(fig, [lab for lab, _ in items], colours, fs)
        _no_axis_room_below(fig, present)
    _add_reference_lines(fig, refs, axis, fs)
    return fig
