"""Figures for the literature comparison: a forest plot of response proportions and a dot plot of
published median durations (relief, follow-up, survival) beside the PlexRT series.

The PlexRT series is always drawn apart from the published series: highlighted, and never part of
the pooled diamond (pooling it with the series it is compared against would compare it with itself).
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from plexrt.charts import style
from plexrt.data.literature import POPULATIONS
from plexrt.stats.meta import PooledResult
from plexrt.stats.proportions import METHODS, proportion_ci

__all__ = [
    "MEASURE_NAMES",
    "duration_figure",
    "forest_data",
    "forest_figure",
]

#: Duration measures in display order (top to bottom) with their names in words.
MEASURE_NAMES: dict[str, str] = {
    "median_relief_months": "Median duration of pain relief",
    "median_followup_months": "Median follow-up",
    "median_survival_months": "Median survival",
}

RECONSTRUCTED_NOTE = "PlexRT values rest on reconstructed times (hollow markers)"

PLEXRT_COLOUR = style.OKABE_ITO[5]  # vermillion
SERIES_COLOUR = style.OKABE_ITO[0]  # blue
POOLED_COLOUR = style.OKABE_ITO[7]  # black
WARNING_COLOUR = style.OKABE_ITO[1]  # orange
# Published series in the duration plot: palette without vermillion (PlexRT) and yellow (too pale
# on white).
_OTHER_COLOURS = tuple(c for c in style.OKABE_ITO if c not in (PLEXRT_COLOUR, "#F0E442"))

_FOREST_COLUMNS = ("label", "events", "total", "is_plexrt")
_DURATION_COLUMNS = ("label", "measure", "value", "is_plexrt")


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(isinstance(value, float | np.floating) and math.isnan(value))
    except TypeError:
        return False


def _whole(value: Any, column: str, label: str) -> int:
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"rows: {column} of {label!r} must be a whole number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"rows: {column} of {label!r} must be a whole number, got {value!r}"
        ) from None
    if not math.isfinite(number) or number != int(number):
        raise ValueError(f"rows: {column} of {label!r} must be a whole number, got {value!r}")
    return int(number)


def _flag(value: Any, column: str, label: str) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer) and value in (0, 1):
        return bool(value)
    raise ValueError(f"rows: {column} of {label!r} must be True or False, got {value!r}")


def _number(value: Any, column: str, label: str) -> float | None:
    if _missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"rows: {column} of {label!r} must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"rows: {column} of {label!r} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"rows: {column} of {label!r} must be a finite number, got {value!r}")
    return number


def _check_frame(df: Any, name: str, required: tuple[str, ...]) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ValueError(f"{name} is missing column(s): {', '.join(missing)}")


def _check_footnote(footnote: Any) -> None:
    # Every chart states its cohort and method; an empty footnote would hide both.
    if not isinstance(footnote, str) or not footnote.strip():
        raise ValueError("footnote must be a non-empty string stating cohort and method")


def _esc(text: Any) -> str:
    """Plain text made safe for plotly's HTML-like labels."""
    return html.escape(str(text), quote=False)


def _pct(p: float) -> str:
    # Same rounding as plexrt.stats.Proportion.text, so the figure agrees with the tables.
    return f"{100 * p:.0f}"


def _display(k: int, n: int, low: float, high: float) -> str:
    return f"{k}/{n} = {_pct(k / n)}% ({_pct(low)}–{_pct(high)}%)"


def _apply_style(fig: go.Figure, **kwargs: Any) -> None:
    """``style.apply`` plus room under the x axis title in presentation mode.

    With the larger presentation type the axis title and a one-line footnote touch, so the bottom
    margin grows and the footnote moves down by the same amount.
    """
    style.apply(fig, **kwargs)
    if kwargs.get("present") and kwargs.get("footnote"):
        extra = 24
        fig.update_layout(margin={"b": int(fig.layout.margin.b) + extra})
        for ann in fig.layout.annotations:
            if ann.name == "footnote":
                ann.yshift = float(ann.yshift or 0) - extra


# --------------------------------------------------------------------------------------------
# forest plot
# --------------------------------------------------------------------------------------------


def forest_data(rows: pd.DataFrame, method: str = "exact") -> pd.DataFrame:
    """Per-series proportion events/total with its 95% interval, ready for ``forest_figure``.

    ``rows`` has columns label, events, total, is_plexrt (bool) and usually population. Adds
    proportion, low, high (``plexrt.stats.proportion_ci``, exact Clopper-Pearson by default) and
    display ("3/4 = 75% (19–99%)"). Rows whose events or total is missing are dropped; their labels
    are listed in ``result.attrs["dropped"]`` (the page shows them as "not reported"). Raises
    ValueError for a missing column, an unknown method, duplicate labels, non-whole counts,
    total <= 0, events < 0 or events > total.
    """
    if method not in METHODS:
        raise ValueError(f"unknown interval method {method!r}; choose one of {', '.join(METHODS)}")
    _check_frame(rows, "rows", _FOREST_COLUMNS)
    labels = [str(v) for v in rows["label"]]
    if any(_missing(v) for v in rows["label"]):
        raise ValueError("rows: every row needs a label")
    duplicated = sorted({lab for lab in labels if labels.count(lab) > 1})
    if duplicated:
        raise ValueError(f"rows: duplicate label(s): {', '.join(duplicated)}")

    kept: list[dict[str, Any]] = []
    dropped: list[str] = []
    for record, label in zip(rows.to_dict("records"), labels, strict=True):
        # A count that is not reported stays unknown: the series is left out, never shown as 0%.
        if _missing(record["events"]) or _missing(record["total"]):
            dropped.append(label)
            continue
        k = _whole(record["events"], "events", label)
        n = _whole(record["total"], "total", label)
        if n <= 0:
            raise ValueError(f"rows: total of {label!r} must be positive, got {n}")
        if k < 0:
            raise ValueError(f"rows: events of {label!r} must not be negative, got {k}")
        if k > n:
            raise ValueError(f"rows: events of {label!r} ({k}) cannot exceed total ({n})")
        low, high = proportion_ci(k, n, method=method)
        out = dict(record)
        out.update(
            label=label,
            events=k,
            total=n,
            is_plexrt=_flag(record["is_plexrt"], "is_plexrt", label),
            proportion=k / n,
            low=low,
            high=high,
            display=_display(k, n, low, high),
        )
        kept.append(out)

    columns = list(rows.columns) + [
        c for c in ("proportion", "low", "high", "display") if c not in rows.columns
    ]
    df = pd.DataFrame(kept, columns=columns)
    if not kept:
        df = df.astype({"proportion": float, "low": float, "high": float})
    df.attrs["dropped"] = dropped
    df.attrs["method"] = method
    return df


def _square_size(n: int, present: bool) -> float:
    # Area grows with n (size ~ sqrt n) so large series look heavier, capped so one big
    # comparator does not swamp the plot.
    smallest, largest = (11.0, 30.0) if present else (8.0, 22.0)
    return float(min(largest, smallest + 1.6 * math.sqrt(n) * (1.3 if present else 1.0)))


def forest_figure(
    data: pd.DataFrame,
    pooled: PooledResult | None = None,
    title: str | None = "Pain response across published series",
    *,
    footnote: str,
    present: bool = False,
) -> go.Figure:
    """Horizontal forest plot: one row per series (top to bottom in ``data`` order).

    ``data`` comes from ``forest_data``. Each row shows the proportion (square sized by n, capped)
    with its 95% interval as a horizontal line, and "k/n = x% (a–b%)" in a column in the right
    margin. The PlexRT row is drawn in vermillion with a bold label marked "(not pooled)". When
    ``pooled`` is given, a diamond (estimate and interval) sits at the bottom with the prediction
    interval as a thin line through it when available, the heterogeneity line under it and
    ``pooled.warning`` in orange when set. x axis: 0-100 %.
    """
    _check_frame(data, "data", (*_FOREST_COLUMNS, "proportion", "low", "high", "display"))
    if pooled is not None and not isinstance(pooled, PooledResult):
        raise ValueError(f"pooled must be a PooledResult or None, got {type(pooled).__name__}")
    if title is not None and not isinstance(title, str):
        raise ValueError(f"title must be a string or None, got {type(title).__name__}")
    _check_footnote(footnote)

    fs = style.font_sizes(present)
    line_w = 3.0 if present else 2.0
    fig = go.Figure()
    n_rows = len(data)
    labels = [str(v) for v in data["label"]]
    plexrt = [bool(v) for v in data["is_plexrt"]]

    # Confidence interval lines, one trace per series (drawn first, under the squares).
    for i, row in enumerate(data.itertuples(index=False)):
        colour = PLEXRT_COLOUR if plexrt[i] else SERIES_COLOUR
        fig.add_trace(
            go.Scatter(
                x=[100 * float(row.low), 100 * float(row.high)],
                y=[i, i],
                mode="lines",
                line={"color": colour, "width": line_w},
                name=f"{labels[i]}: 95% CI",
                meta={"role": "ci", "label": labels[i]},
                hoverinfo="skip",
                showlegend=False,
                cliponaxis=False,
            )
        )

    def _hover(i: int) -> str:
        row = data.iloc[i]
        parts = [f"<b>{_esc(labels[i])}</b>", _esc(row["display"])]
        population = row.get("population") if "population" in data.columns else None
        if not _missing(population) and population is not None:
            parts.append(_esc(POPULATIONS.get(str(population), str(population))))
        if plexrt[i]:
            parts.append("PlexRT series: not pooled")
        return "<br>".join(parts)

    for is_p, name, colour in (
        (False, "Published series", SERIES_COLOUR),
        (True, "PlexRT series", PLEXRT_COLOUR),
    ):
        idx = [i for i in range(n_rows) if plexrt[i] is is_p]
        if not idx:
            continue
        fig.add_trace(
            go.Scatter(
                x=[100 * float(data["proportion"].iloc[i]) for i in idx],
                y=idx,
                mode="markers",
                marker={
                    "symbol": "square",
                    "size": [_square_size(int(data["total"].iloc[i]), present) for i in idx],
                    "color": colour,
                    "line": {"color": "white", "width": 1},
                },
                name=name,
                meta={"role": "plexrt" if is_p else "series"},
                text=[_hover(i) for i in idx],
                hovertemplate="%{text}<extra></extra>",
                showlegend=False,
                cliponaxis=False,
            )
        )

    ticktext = []
    for i, label in enumerate(labels):
        if plexrt[i]:
            ticktext.append(
                f'<span style="color:{PLEXRT_COLOUR}"><b>{_esc(label)}</b> (not pooled)</span>'
            )
        else:
            ticktext.append(_esc(label))
    tickvals: list[float] = list(range(n_rows))

    # Right-margin column: text anchored just right of the plot area, so it never overlaps a line.
    def _column_text(y: float, text: str, colour: str, name: str, bold: bool = False) -> None:
        fig.add_annotation(
            x=1,
            xref="paper",
            y=y,
            yref="y",
            xanchor="left",
            xshift=18,
            text=f"<b>{text}</b>" if bold else text,
            showarrow=False,
            align="left",
            font={"size": fs["tick"], "color": colour},
            name=name,
        )

    column_texts = list(data["display"])
    for i in range(n_rows):
        _column_text(
            i, _esc(column_texts[i]), PLEXRT_COLOUR if plexrt[i] else "#1A1A1A", "row_text"
        )
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

    bottom = n_rows - 0.5
    if pooled is not None:
        y_d = n_rows + 0.4
        half_h = 0.3
        # Separator between the series and the pooled estimate.
        fig.add_shape(
            type="line",
            xref="paper",
            x0=0,
            x1=1,
            yref="y",
            y0=n_rows - 0.4,
            y1=n_rows - 0.4,
            line={"color": style.LIGHT_GREY, "width": 1},
        )
        if pooled.prediction is not None:
            p_lo, p_hi = pooled.prediction
            fig.add_trace(
                go.Scatter(
                    x=[100 * p_lo, 100 * p_hi],
                    y=[y_d, y_d],
                    mode="lines",
                    line={"color": POOLED_COLOUR, "width": 1},
                    name="95% prediction interval",
                    meta={"role": "prediction"},
                    hovertemplate=(
                        f"95% prediction interval for a new series: {_pct(p_lo)}–{_pct(p_hi)}%"
                        "<extra></extra>"
                    ),
                    showlegend=False,
                    cliponaxis=False,
                )
            )
        est, lo, hi = 100 * pooled.estimate, 100 * pooled.low, 100 * pooled.high
        fig.add_trace(
            go.Scatter(
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
                    f"Pooled (random effects, k = {pooled.k}): {_pct(pooled.estimate)}% "
                    f"({_pct(pooled.low)}–{_pct(pooled.high)}%)"
                ),
                hoverinfo="text",
                showlegend=False,
                cliponaxis=False,
            )
        )
        tickvals.append(y_d)
        ticktext.append("<b>Pooled (random effects)</b>")
        _column_text(
            y_d,
            f"{_pct(pooled.estimate)}% ({_pct(pooled.low)}–{_pct(pooled.high)}%)",
            POOLED_COLOUR,
            "pooled_text",
            bold=True,
        )

        i2 = "not estimable" if pooled.i2 is None else f"= {pooled.i2:.0f}%"
        summary = f"Random effects (DL, logit), k = {pooled.k}, I² {i2}, τ² = {pooled.tau2:.3g}"
        if pooled.prediction is not None:
            summary += (
                f"; thin line: 95% prediction interval {_pct(pooled.prediction[0])}–"
                f"{_pct(pooled.prediction[1])}%"
            )
        y_text = y_d + half_h + 0.55
        fig.add_annotation(
            x=0,
            xref="paper",
            y=y_text,
            yref="y",
            xanchor="left",
            text=summary,
            showarrow=False,
            align="left",
            font={"size": fs["footnote"] + 1, "color": "#1A1A1A"},
            name="pooled_summary",
        )
        bottom = y_text + 0.4
        if pooled.warning:
            y_warn = y_text + 0.65
            fig.add_annotation(
                x=0,
                xref="paper",
                y=y_warn,
                yref="y",
                xanchor="left",
                text=f"<b>{_esc(pooled.warning)}</b>",
                showarrow=False,
                align="left",
                font={"size": fs["footnote"] + 1, "color": WARNING_COLOUR},
                name="pooled_warning",
            )
            bottom = y_warn + 0.4
    elif n_rows == 0:
        fig.add_annotation(
            x=0.5,
            xref="paper",
            y=0,
            yref="y",
            text="No series with reported counts",
            showarrow=False,
            font={"size": fs["base"], "color": style.GREY},
            name="empty",
        )
        bottom = 0.5

    top = -0.6
    fig.update_xaxes(
        range=[0, 100],
        tickvals=[0, 20, 40, 60, 80, 100],
        title_text="Proportion responding (%)",
        zeroline=False,
    )
    fig.update_yaxes(
        range=[bottom, top],  # reversed: first row at the top
        tickvals=tickvals,
        ticktext=ticktext,
        showgrid=False,
        zeroline=False,
        automargin=True,
    )
    row_px = 52 if present else 38
    _apply_style(fig, title=title, footnote=footnote, present=present)
    longest = max([len(t) for t in column_texts] + [18])
    margin = fig.layout.margin
    right = int(24 + 0.6 * fs["tick"] * longest)
    plot_px = int(row_px * (bottom - top))
    fig.update_layout(
        margin={"r": right},
        height=plot_px + int(margin.t) + int(margin.b),
        showlegend=False,
    )
    return fig


# --------------------------------------------------------------------------------------------
# median durations
# --------------------------------------------------------------------------------------------


def duration_figure(
    rows: pd.DataFrame,
    title: str | None = "Published median durations",
    *,
    footnote: str,
    present: bool = False,
) -> go.Figure:
    """Dot plot of median durations in months: one row per measure, one marker per series.

    ``rows`` has columns label, measure (a key of MEASURE_NAMES), value (months; missing = not
    reported, and then simply not drawn), is_plexrt, and optionally low, high (95% CI, drawn as a
    line; a lower bound without an upper one means "upper limit not reached" and is drawn dashed
    to the edge) and reconstructed (values resting on reconstructed times, drawn hollow with a
    visible note). Series keep a fixed vertical slot within each measure row so equal values do not
    hide each other. Raises ValueError for missing columns, unknown measures, negative values,
    a CI not containing its value, or a label repeated within one measure.
    """
    _check_frame(rows, "rows", _DURATION_COLUMNS)
    if title is not None and not isinstance(title, str):
        raise ValueError(f"title must be a string or None, got {type(title).__name__}")
    _check_footnote(footnote)

    points: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for record in rows.to_dict("records"):
        if _missing(record["label"]):
            raise ValueError("rows: every row needs a label")
        label = str(record["label"])
        measure = record["measure"]
        if measure not in MEASURE_NAMES:
            raise ValueError(
                f"rows: unknown measure {measure!r} for {label!r}; use one of "
                f"{', '.join(MEASURE_NAMES)}"
            )
        if (label, measure) in seen:
            raise ValueError(f"rows: {label!r} has more than one {measure} row")
        seen.add((label, measure))
        value = _number(record["value"], "value", label)
        low = _number(record.get("low"), "low", label)
        high = _number(record.get("high"), "high", label)
        is_plexrt = _flag(record["is_plexrt"], "is_plexrt", label)
        reconstructed = record.get("reconstructed", False)
        reconstructed = False if _missing(reconstructed) else reconstructed
        reconstructed = _flag(reconstructed, "reconstructed", label)
        if value is not None and value < 0:
            raise ValueError(f"rows: value of {label!r} ({measure}) must not be negative")
        if value is not None and (
            (low is not None and low > value) or (high is not None and high < value)
        ):
            raise ValueError(
                f"rows: the interval of {label!r} ({measure}) must contain its value {value:g}"
            )
        if value is None and (low is not None or high is not None):
            raise ValueError(f"rows: {label!r} ({measure}) has an interval but no value")
        points.append(
            {
                "label": label,
                "measure": measure,
                "value": value,
                "low": low,
                "high": high,
                "is_plexrt": is_plexrt,
                "reconstructed": reconstructed,
            }
        )

    measures = [m for m in MEASURE_NAMES if any(p["measure"] == m for p in points)]
    m_index = {m: i for i, m in enumerate(measures)}
    series = list(dict.fromkeys(p["label"] for p in points))
    plexrt_labels = {p["label"] for p in points if p["is_plexrt"]}
    # One fixed offset per series within each measure row (dodging).
    step = min(0.18, 0.6 / max(1, len(series)))
    offset = {s: (j - (len(series) - 1) / 2) * step for j, s in enumerate(series)}
    drawn = [p for p in points if p["value"] is not None]
    x_max = max(
        [p["value"] for p in drawn] + [p["high"] for p in drawn if p["high"] is not None] + [1.0]
    )
    x_end = 1.08 * x_max

    fs = style.font_sizes(present)
    fig = go.Figure()
    colours: dict[str, str] = {}
    other = 0
    for s in series:
        if s in plexrt_labels:
            colours[s] = PLEXRT_COLOUR
        else:
            colours[s] = _OTHER_COLOURS[other % len(_OTHER_COLOURS)]
            other += 1

    # Interval lines first, under the markers.
    for p in drawn:
        if p["low"] is None:
            continue
        y = m_index[p["measure"]] + offset[p["label"]]
        open_ended = p["high"] is None
        hi = x_end if open_ended else p["high"]
        fig.add_trace(
            go.Scatter(
                x=[p["low"], hi],
                y=[y, y],
                mode="lines",
                line={
                    "color": colours[p["label"]],
                    "width": 3.0 if present else 2.0,
                    "dash": "dash" if open_ended else "solid",
                },
                name=f"{p['label']}: 95% CI",
                meta={"role": "ci", "label": p["label"], "measure": p["measure"]},
                hovertemplate=(
                    f"{_esc(p['label'])}: 95% CI {p['low']:.1f}–"
                    + ("upper limit not reached" if open_ended else f"{p['high']:.1f}")
                    + " months<extra></extra>"
                ),
                showlegend=False,
            )
        )

    size = 16 if present else 11
    for s in series:
        pts = [p for p in drawn if p["label"] == s]
        if not pts:
            continue  # nothing reported for this series: no marker, never a 0
        is_p = s in plexrt_labels
        hover = []
        for p in pts:
            text = f"<b>{_esc(s)}</b><br>{MEASURE_NAMES[p['measure']]}: {p['value']:.1f} months"
            if p["low"] is not None:
                upper = "not reached" if p["high"] is None else f"{p['high']:.1f}"
                text += f"<br>95% CI {p['low']:.1f}–{upper}"
            if p["reconstructed"]:
                text += "<br>rests on reconstructed times"
            hover.append(text)
        fig.add_trace(
            go.Scatter(
                x=[p["value"] for p in pts],
                y=[m_index[p["measure"]] + offset[s] for p in pts],
                mode="markers",
                marker={
                    "symbol": [
                        ("diamond" if is_p else "circle") + ("-open" if p["reconstructed"] else "")
                        for p in pts
                    ],
                    "size": size + (3 if is_p else 0),
                    "color": colours[s],
                    "line": {"width": 2.5 if present else 2, "color": colours[s]},
                },
                name=f"<b>{_esc(s)}</b>" if is_p else _esc(s),
                meta={"role": "plexrt" if is_p else "series", "label": s},
                text=hover,
                hovertemplate="%{text}<extra></extra>",
                cliponaxis=False,
            )
        )

    # Empty measure rows (present in the data but with no value at all) say so.
    for m in measures:
        if not any(p["measure"] == m for p in drawn):
            fig.add_annotation(
                x=0,
                xref="paper",
                xanchor="left",
                xshift=8,
                y=m_index[m],
                yref="y",
                text="not reported",
                showarrow=False,
                font={"size": fs["tick"], "color": style.GREY},
                name="not_reported",
            )
    # Light separators between measure rows.
    for i in range(len(measures) - 1):
        fig.add_shape(
            type="line",
            xref="paper",
            x0=0,
            x1=1,
            yref="y",
            y0=i + 0.5,
            y1=i + 0.5,
            line={"color": style.LIGHT_GREY, "width": 1},
        )

    any_reconstructed = any(p["reconstructed"] for p in drawn)
    plexrt_reconstructed = any(p["reconstructed"] and p["is_plexrt"] for p in drawn)
    fig.update_xaxes(range=[0, x_end], title_text="Months", zeroline=False)
    n_m = max(1, len(measures))
    fig.update_yaxes(
        range=[n_m - 0.5, -0.5],  # reversed: first measure at the top
        tickvals=list(range(len(measures))),
        ticktext=[MEASURE_NAMES[m] for m in measures],
        showgrid=False,
        zeroline=False,
        automargin=True,
    )
    if not drawn:
        fig.add_annotation(
            x=0.5,
            xref="paper",
            y=0.5,
            yref="paper",
            text="No median durations reported",
            showarrow=False,
            font={"size": fs["base"], "color": style.GREY},
            name="empty",
        )
    _apply_style(
        fig, title=title, footnote=footnote, present=present, reconstructed=any_reconstructed
    )
    margin = fig.layout.margin
    top = int(margin.t)
    if plexrt_reconstructed:
        fig.add_annotation(
            x=1,
            xref="paper",
            y=1,
            yref="paper",
            xanchor="right",
            yanchor="bottom",
            yshift=fs["footnote"] + 10,
            text=f"<b>{RECONSTRUCTED_NOTE}</b>",
            showarrow=False,
            font={"size": fs["footnote"] + 1, "color": PLEXRT_COLOUR},
            bgcolor="rgba(255,255,255,0.85)",
            name="reconstructed_note",
        )
        top += fs["footnote"] + 14
    row_px = 130 if present else 100
    fig.update_layout(
        margin={"t": top},
        height=row_px * n_m + top + int(margin.b) + 40,
    )
    return fig
