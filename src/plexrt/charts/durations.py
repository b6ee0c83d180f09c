"""Dot plot of median durations (relief, follow-up, survival) of published series beside PlexRT.

Draws the rows of ``plexrt.clinical.literature_comparison.duration_rows``: one row per measure, one marker per
series; a value that is not reported is not drawn (never a 0). Traces carry ``meta`` roles ``ci``,
``series``, ``plexrt``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from plexrt.charts import style
from plexrt.charts.checks import check_footnote, check_title, require_columns
from plexrt.charts.series_style import (
    OTHER_COLOURS,
    PLEXRT_COLOUR,
    apply_style,
    ci_trace,
    empty_note,
    esc,
    row_rule,
    row_text,
)
from plexrt.clinical.inputs import number, yes_no
from plexrt.data.literature import MEDIAN_COLUMNS
from plexrt.data.values import NOT_REPORTED, is_missing
from plexrt.stats.survival import NOT_REACHED, interval_words

__all__ = ["MEASURE_NAMES", "RECONSTRUCTED_NOTE", "duration_figure"]

#: Duration measures in display order (top to bottom) with their names in words.
MEASURE_NAMES: dict[str, str] = dict(
    zip(
        MEDIAN_COLUMNS,
        ("Median duration of pain relief", "Median follow-up", "Median survival"),
        strict=True,
    )
)

RECONSTRUCTED_NOTE = "PlexRT values rest on reconstructed times (hollow markers)"

_DURATION_COLUMNS = ("label", "measure", "value", "is_plexrt")


@dataclass(frozen=True)
class _Point:
    label: str
    measure: str
    value: float | None
    low: float | None
    high: float | None
    high_missing: str  # the words of a missing upper limit (not reached / not estimable)
    is_plexrt: bool
    reconstructed: bool


# ----------------------------------------------------------------------------------------------
# Reading the rows
# ----------------------------------------------------------------------------------------------


def _check_interval(p: _Point) -> None:
    if p.value is not None and p.value < 0:
        raise ValueError(f"rows: value of {p.label!r} ({p.measure}) must not be negative")
    if p.value is not None and (
        (p.low is not None and p.low > p.value) or (p.high is not None and p.high < p.value)
    ):
        raise ValueError(
            f"rows: the interval of {p.label!r} ({p.measure}) must contain its value {p.value:g}"
        )
    if p.value is None and (p.low is not None or p.high is not None):
        raise ValueError(f"rows: {p.label!r} ({p.measure}) has an interval but no value")


def _point(record: dict[str, Any]) -> _Point:
    if is_missing(record["label"]):
        raise ValueError("rows: every row needs a label")
    label = str(record["label"])
    measure = record["measure"]
    if measure not in MEASURE_NAMES:
        raise ValueError(
            f"rows: unknown measure {measure!r} for {label!r}; use one of "
            f"{', '.join(MEASURE_NAMES)}"
        )
    reconstructed = record.get("reconstructed", False)
    p = _Point(
        label=label,
        measure=measure,
        value=number(record["value"], f"rows: value of {label!r}"),
        low=number(record.get("low"), f"rows: low of {label!r}"),
        high=number(record.get("high"), f"rows: high of {label!r}"),
        high_missing=_words(record.get("high_missing")),
        is_plexrt=yes_no(record["is_plexrt"], f"rows: is_plexrt of {label!r}"),
        reconstructed=False
        if is_missing(reconstructed)
        else yes_no(reconstructed, f"rows: reconstructed of {label!r}"),
    )
    _check_interval(p)
    return p


def _words(value: Any) -> str:
    """The given words of a missing upper limit; 'not reached' where none are given."""
    return NOT_REACHED if is_missing(value) else str(value)


def _read_rows(rows: pd.DataFrame) -> list[_Point]:
    points = []
    seen: set[tuple[str, str]] = set()
    for record in rows.to_dict("records"):
        p = _point(record)
        if (p.label, p.measure) in seen:
            raise ValueError(f"rows: {p.label!r} has more than one {p.measure} row")
        seen.add((p.label, p.measure))
        points.append(p)
    return points


# ----------------------------------------------------------------------------------------------
# Layout and drawing
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    measures: list[str]  # rows, top to bottom
    series: list[str]
    plexrt: set[str]  # labels of the PlexRT series
    offset: dict[str, float]  # fixed vertical slot of a series within each measure row
    colours: dict[str, str]
    x_end: float

    def y(self, p: _Point) -> float:
        return self.measures.index(p.measure) + self.offset[p.label]


def _layout(points: list[_Point]) -> _Layout:
    measures = [m for m in MEASURE_NAMES if any(p.measure == m for p in points)]
    series = list(dict.fromkeys(p.label for p in points))
    plexrt_labels = {p.label for p in points if p.is_plexrt}
    # One fixed offset per series within each measure row (dodging).
    step = min(0.18, 0.6 / max(1, len(series)))
    offset = {s: (j - (len(series) - 1) / 2) * step for j, s in enumerate(series)}
    drawn = [p for p in points if p.value is not None]
    x_max = max(
        [p.value for p in drawn if p.value is not None]
        + [p.high for p in drawn if p.high is not None]
        + [1.0]
    )
    colours: dict[str, str] = {}
    other = 0
    for s in series:
        if s in plexrt_labels:
            colours[s] = PLEXRT_COLOUR
        else:
            colours[s] = OTHER_COLOURS[other % len(OTHER_COLOURS)]
            other += 1
    return _Layout(measures, series, plexrt_labels, offset, colours, 1.08 * x_max)


def _add_ci_lines(fig: go.Figure, drawn: list[_Point], lay: _Layout, present: bool) -> None:
    """Interval lines first, under the markers; an open upper limit is dashed to the edge."""
    for p in drawn:
        if p.low is None:
            continue
        y = lay.y(p)
        hi = lay.x_end if p.high is None else p.high
        fig.add_trace(
            ci_trace(
                p.low,
                hi,
                y,
                colour=lay.colours[p.label],
                label=p.label,
                present=present,
                meta={"measure": p.measure},
                dash="dash" if p.high is None else "solid",
                hovertemplate=(
                    f"{esc(p.label)}: median {p.value:.1f} months, {_ci_words(p)}<extra></extra>"
                ),
            )
        )


def _ci_words(p: _Point) -> str:
    """'95% CI 1.3 to 6.0', '95% CI 1.3 to not reached': a median's interval in the words every
    surface gives it (``interval_words``); the point has a value and a lower limit."""
    upper = p.high_missing if p.high is None else f"{p.high:.1f}"
    return f"95% CI {interval_words(f'{p.low:.1f}', upper, f'{p.value:.1f}')}"


def _hover(p: _Point) -> str:
    text = f"<b>{esc(p.label)}</b><br>{MEASURE_NAMES[p.measure]}: {p.value:.1f} months"
    if p.low is not None:
        text += f"<br>{_ci_words(p)}"
    if p.reconstructed:
        text += "<br>rests on reconstructed times"
    return text


def _add_markers(fig: go.Figure, drawn: list[_Point], lay: _Layout, present: bool) -> None:
    """One trace per series: circles (PlexRT: larger diamonds), hollow where reconstructed."""
    size = 16 if present else 11
    for s in lay.series:
        pts = [p for p in drawn if p.label == s]
        if not pts:
            continue  # nothing reported for this series: no marker, never a 0
        is_p = s in lay.plexrt
        fig.add_scatter(
            x=[p.value for p in pts],
            y=[lay.y(p) for p in pts],
            mode="markers",
            marker={
                "symbol": [
                    ("diamond" if is_p else "circle") + ("-open" if p.reconstructed else "")
                    for p in pts
                ],
                "size": size + (3 if is_p else 0),
                "color": lay.colours[s],
                "line": {"width": 2.5 if present else 2, "color": lay.colours[s]},
            },
            name=f"<b>{esc(s)}</b>" if is_p else esc(s),
            meta={"role": "plexrt" if is_p else "series", "label": s},
            text=[_hover(p) for p in pts],
            hovertemplate="%{text}<extra></extra>",
            cliponaxis=False,
        )


def _add_row_marks(fig: go.Figure, drawn: list[_Point], lay: _Layout, fs: dict) -> None:
    """'not reported' in measure rows without any value; light separators between rows."""
    for i, m in enumerate(lay.measures):
        if not any(p.measure == m for p in drawn):
            row_text(
                fig,
                i,
                NOT_REPORTED,
                size=fs["tick"],
                colour=style.GREY,
                name="not_reported",
                xshift=8,
            )
    for i in range(len(lay.measures) - 1):
        row_rule(fig, i + 0.5)


def _add_reconstructed_note(fig: go.Figure, fs: dict) -> int:
    """A note above the plot that PlexRT values are reconstructed; returns the room it takes."""
    style.margin_text(
        fig,
        f"<b>{RECONSTRUCTED_NOTE}</b>",
        above=True,
        right=True,
        yshift=fs["footnote"] + 10,
        size=fs["footnote"] + 1,
        colour=PLEXRT_COLOUR,
        bgcolor=style.backdrop(0.85),
        name="reconstructed_note",
    )
    return fs["footnote"] + 14


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
    line; a lower bound without an upper one is drawn dashed to the edge, its hover saying
    "95% CI 1.3 to not reached" or, as the optional column high_missing gives it, "1.3 to not
    estimable": the interval in the words of every surface, ``interval_words``) and reconstructed (values resting on reconstructed times, drawn hollow with a
    visible note). Series keep a fixed vertical slot within each measure row so equal values do not
    hide each other. Raises ValueError for missing columns, unknown measures, negative values,
    a CI not containing its value, or a label repeated within one measure.
    """
    require_columns(rows, "rows", _DURATION_COLUMNS)
    check_title(title)
    check_footnote(footnote)
    points = _read_rows(rows)
    lay = _layout(points)
    drawn = [p for p in points if p.value is not None]
    fs = style.font_sizes(present)
    fig = go.Figure()
    _add_ci_lines(fig, drawn, lay, present)
    _add_markers(fig, drawn, lay, present)
    _add_row_marks(fig, drawn, lay, fs)
    fig.update_xaxes(range=[0, lay.x_end], title_text="Months", zeroline=False)
    n_m = max(1, len(lay.measures))
    fig.update_yaxes(
        range=[n_m - 0.5, -0.5],  # reversed: first measure at the top
        tickvals=list(range(len(lay.measures))),
        ticktext=[MEASURE_NAMES[m] for m in lay.measures],
        showgrid=False,
        zeroline=False,
        automargin=True,
    )
    if not drawn:
        empty_note(fig, "No median durations reported", fs)
    any_reconstructed = any(p.reconstructed for p in drawn)
    apply_style(
        fig, title=title, footnote=footnote, present=present, reconstructed=any_reconstructed
    )
    margin = fig.layout.margin
    top = int(margin.t)
    if any(p.reconstructed and p.is_plexrt for p in drawn):
        top += _add_reconstructed_note(fig, fs)
    row_px = 130 if present else 100
    fig.update_layout(margin={"t": top}, height=row_px * n_m + top + int(margin.b) + 40)
    return fig
