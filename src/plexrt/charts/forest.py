"""Forest plot of response proportions across series, with the pooled diamond of published series.

Draws the rows of ``plexrt.clinical.forest.forest_data`` (proportion and interval per series) and a
``PooledResult`` (``plexrt.stats.meta.pool_proportions``); computes nothing but positions.
Traces carry ``meta = {"role": ...}``: ``ci``, ``series``, ``plexrt``, ``prediction``, ``pooled``.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from plexrt.charts import style
from plexrt.charts.checks import check_footnote, check_title, require_columns
from plexrt.charts.series_style import (
    PLEXRT_COLOUR,
    POOLED_COLOUR,
    SERIES_COLOUR,
    WARNING_COLOUR,
    apply_style,
    ci_trace,
    empty_note,
    esc,
    row_rule,
    row_text,
)
from plexrt.clinical.forest import FOREST_COLUMNS, FOREST_ROW_COLUMNS, pct_text
from plexrt.data.literature import POPULATIONS
from plexrt.data.values import is_missing
from plexrt.stats.meta import PooledResult

__all__ = ["forest_figure"]

_DIAMOND_HALF_HEIGHT = 0.3


def _square_size(n: int, present: bool) -> float:
    # Area grows with n (size ~ sqrt n) so large series look heavier, capped so one big
    # comparator does not swamp the plot.
    smallest, largest = (11.0, 30.0) if present else (8.0, 22.0)
    return float(min(largest, smallest + 1.6 * math.sqrt(n) * (1.3 if present else 1.0)))


def _hover(data: pd.DataFrame, i: int) -> str:
    row = data.iloc[i]
    parts = [f"<b>{esc(row['label'])}</b>", esc(row["display"])]
    population = row.get("population") if "population" in data.columns else None
    if not is_missing(population) and population is not None:
        parts.append(esc(POPULATIONS.get(str(population), str(population))))
    if bool(row["is_plexrt"]):
        parts.append("PlexRT series: not pooled")
    return "<br>".join(parts)


def _add_ci_lines(fig: go.Figure, data: pd.DataFrame, plexrt: list[bool], present: bool) -> None:
    """Confidence interval lines, one trace per series (drawn first, under the squares)."""
    for i, row in enumerate(data.itertuples(index=False)):
        fig.add_trace(
            ci_trace(
                100 * float(row.low),
                100 * float(row.high),
                i,
                colour=PLEXRT_COLOUR if plexrt[i] else SERIES_COLOUR,
                label=str(row.label),
                present=present,
                hoverinfo="skip",
            )
        )


def _add_squares(fig: go.Figure, data: pd.DataFrame, plexrt: list[bool], present: bool) -> None:
    """One square per series sized by n: published series in blue, PlexRT in vermillion."""
    for is_p, name, colour in (
        (False, "Published series", SERIES_COLOUR),
        (True, "PlexRT series", PLEXRT_COLOUR),
    ):
        idx = [i for i in range(len(data)) if plexrt[i] is is_p]
        if not idx:
            continue
        fig.add_scatter(
            x=[100 * float(data["proportion"].iloc[i]) for i in idx],
            y=idx,
            mode="markers",
            marker={
                "symbol": "square",
                "size": [_square_size(int(data["total"].iloc[i]), present) for i in idx],
                "color": colour,
                "line": {"color": style.WHITE, "width": 1},
            },
            name=name,
            meta={"role": "plexrt" if is_p else "series"},
            text=[_hover(data, i) for i in idx],
            hovertemplate="%{text}<extra></extra>",
            showlegend=False,
            cliponaxis=False,
        )


def _column_text(
    fig: go.Figure, y: float, text: str, colour: str, name: str, fs: dict, bold: bool = False
) -> None:
    """Right-margin column: text anchored just right of the plot area, never over a line."""
    text = f"<b>{text}</b>" if bold else text
    row_text(fig, y, text, size=fs["tick"], colour=colour, name=name, x=1, xshift=18)


def _add_row_texts(fig: go.Figure, data: pd.DataFrame, plexrt: list[bool], fs: dict) -> None:
    for i, text in enumerate(data["display"]):
        colour = PLEXRT_COLOUR if plexrt[i] else style.TEXT_COLOUR
        _column_text(fig, i, esc(text), colour, "row_text", fs)
    fig.add_annotation(
        x=1,
        xref="paper",
        y=1,
        yref="paper",
        xanchor="left",
        yanchor="bottom",
        xshift=18,
        text="<b>k/n = % (95% CI)</b>",
        showarrow=False,
        font={"size": fs["tick"], "color": style.GREY},
        name="column_header",
    )


def _ticktext(labels: list[str], plexrt: list[bool]) -> list[str]:
    return [
        f'<span style="color:{PLEXRT_COLOUR}"><b>{esc(label)}</b> (not pooled)</span>'
        if is_p
        else esc(label)
        for label, is_p in zip(labels, plexrt, strict=True)
    ]


def _add_diamond(fig: go.Figure, pooled: PooledResult, y_d: float, n_rows: int) -> None:
    """Separator, prediction interval (thin line) and the pooled diamond at height ``y_d``."""
    row_rule(fig, n_rows - 0.4)
    if pooled.prediction is not None:
        p_lo, p_hi = pooled.prediction
        fig.add_scatter(
            x=[100 * p_lo, 100 * p_hi],
            y=[y_d, y_d],
            mode="lines",
            line={"color": POOLED_COLOUR, "width": 1},
            name="95% prediction interval",
            meta={"role": "prediction"},
            hovertemplate=(
                f"95% prediction interval for a new series: {pct_text(p_lo)}–{pct_text(p_hi)}%"
                "<extra></extra>"
            ),
            showlegend=False,
            cliponaxis=False,
        )
    est, lo, hi = 100 * pooled.estimate, 100 * pooled.low, 100 * pooled.high
    half_h = _DIAMOND_HALF_HEIGHT
    fig.add_scatter(
        x=[lo, est, hi, est, lo],
        y=[y_d, y_d - half_h, y_d, y_d + half_h, y_d],
        mode="lines",
        fill="toself",
        fillcolor=POOLED_COLOUR,
        line={"color": POOLED_COLOUR, "width": 1},
        name="Pooled (random effects)",
        meta={"role": "pooled"},
        hoveron="fills",
        text=(
            f"Pooled (random effects, k = {pooled.k}): {pct_text(pooled.estimate)}% "
            f"({pct_text(pooled.low)}–{pct_text(pooled.high)}%)"
        ),
        hoverinfo="text",
        showlegend=False,
        cliponaxis=False,
    )


def _summary_line(pooled: PooledResult) -> str:
    summary = pooled.summary  # method, k, n behind the pooled figure, I², τ² (stats.meta)
    if pooled.prediction is not None:
        summary += (
            f"; thin line: 95% prediction interval {pct_text(pooled.prediction[0])}–"
            f"{pct_text(pooled.prediction[1])}%"
        )
    return summary


def _pooled_note(fig: go.Figure, y: float, text: str, colour: str, name: str, fs: dict) -> None:
    row_text(fig, y, text, size=fs["footnote"] + 1, colour=colour, name=name)


def _add_pooled(
    fig: go.Figure, pooled: PooledResult, n_rows: int, fs: dict, ticks: tuple[list, list]
) -> float:
    """The pooled diamond under the series with its text, summary line and warning; returns the
    lowest y used (the bottom of the reversed y axis)."""
    y_d = n_rows + 0.4
    _add_diamond(fig, pooled, y_d, n_rows)
    ticks[0].append(y_d)
    ticks[1].append("<b>Pooled (random effects)</b>")
    text = (
        f"{pct_text(pooled.estimate)}% ({pct_text(pooled.low)}–{pct_text(pooled.high)}%), "
        f"n = {pooled.n_total:,}"
    )
    _column_text(fig, y_d, text, POOLED_COLOUR, "pooled_text", fs, bold=True)
    y_text = y_d + _DIAMOND_HALF_HEIGHT + 0.55
    _pooled_note(fig, y_text, _summary_line(pooled), style.TEXT_COLOUR, "pooled_summary", fs)
    if not pooled.warning:
        return y_text + 0.4
    y_warn = y_text + 0.65
    warning = f"<b>{esc(pooled.warning)}</b>"
    _pooled_note(fig, y_warn, warning, WARNING_COLOUR, "pooled_warning", fs)
    return y_warn + 0.4


def _add_empty(fig: go.Figure, fs: dict) -> float:
    empty_note(fig, "No series with reported counts", fs, y=0, yref="y")
    return 0.5


def _size(fig: go.Figure, bottom: float, column_texts: list[str], fs: dict, present: bool) -> None:
    """Right margin wide enough for the text column; height from a fixed height per row."""
    top = -0.6
    longest = max([len(t) for t in column_texts] + [18])
    margin = fig.layout.margin
    row_px = 52 if present else 38
    fig.update_layout(
        margin={"r": int(24 + style.CHAR_WIDTH_EM * fs["tick"] * longest)},
        height=int(row_px * (bottom - top)) + int(margin.t) + int(margin.b),
        showlegend=False,
    )


def forest_figure(
    data: pd.DataFrame,
    pooled: PooledResult | None = None,
    title: str | None = "Pain response across published series",
    *,
    footnote: str,
    present: bool = False,
) -> go.Figure:
    """Horizontal forest plot: one row per series (top to bottom in ``data`` order).

    ``data`` comes from ``plexrt.clinical.forest.forest_data``. Each row shows the proportion
    (square sized by n, capped) with its 95% interval as a horizontal line, and "k/n = x% (a–b%)"
    in a column in the right margin. The PlexRT row is drawn in vermillion with a bold label
    marked "(not pooled)". When ``pooled`` is given, a diamond (estimate and interval) sits at the
    bottom with the prediction interval as a thin line through it when available, the
    heterogeneity line under it and ``pooled.warning`` in orange when set. x axis: 0-100 %.
    """
    require_columns(data, "data", (*FOREST_ROW_COLUMNS, *FOREST_COLUMNS))
    if pooled is not None and not isinstance(pooled, PooledResult):
        raise ValueError(f"pooled must be a PooledResult or None, got {type(pooled).__name__}")
    check_title(title)
    check_footnote(footnote)

    fs = style.font_sizes(present)
    fig = go.Figure()
    n_rows = len(data)
    plexrt = [bool(v) for v in data["is_plexrt"]]
    _add_ci_lines(fig, data, plexrt, present)
    _add_squares(fig, data, plexrt, present)
    ticks: tuple[list, list] = (
        list(range(n_rows)),
        _ticktext([str(v) for v in data["label"]], plexrt),
    )
    _add_row_texts(fig, data, plexrt, fs)
    bottom = n_rows - 0.5
    if pooled is not None:
        bottom = _add_pooled(fig, pooled, n_rows, fs, ticks)
    elif n_rows == 0:
        bottom = _add_empty(fig, fs)
    fig.update_xaxes(
        range=[0, 100],
        tickvals=[0, 20, 40, 60, 80, 100],
        title_text="Proportion responding (%)",
        zeroline=False,
    )
    fig.update_yaxes(
        range=[bottom, -0.6],  # reversed: first row at the top
        tickvals=ticks[0],
        ticktext=ticks[1],
        showgrid=False,
        zeroline=False,
        automargin=True,
    )
    apply_style(fig, title=title, footnote=footnote, present=present)
    _size(fig, bottom, list(data["display"]), fs, present)
    return fig
