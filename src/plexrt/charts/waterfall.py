"""Waterfall of the change in pain score per irradiated site, coloured by response or a grouping.

Draws the rows of ``plexrt.clinical.pain_views.waterfall_data`` (already sorted, largest fall
first); computes nothing but positions, colours and text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from plexrt.charts import style
from plexrt.charts.checks import check_flag, check_footnote, require_columns
from plexrt.charts.layout import (
    ASSUMED_PLOT_WIDTH_PX,
    UNKNOWN_COLOUR,
    extent,
    finish,
    note,
    palette_colour,
    plot_height,
    text_px,
    with_method,
)
from plexrt.clinical import definitions, pain_scores
from plexrt.clinical.cohort_summary import GROUPINGS
from plexrt.clinical.pain_views import (
    GROUP_BY,
    NOT_STATED,
    category_label,
    category_order,
)
from plexrt.data.values import counted, is_missing

__all__ = ["COLOUR_BY", "COLOUR_BY_CHOICES", "RESPONSE_COLOURS", "waterfall_figure"]

# Response colours: green = complete, sky blue = improved/partial, orange = no change,
# vermillion = worse (Okabe-Ito, colour-blind safe); "unknown" (ICPRE without OMED after RT) grey.
RESPONSE_COLOURS = {
    "complete": style.OKABE_ITO[2],
    "improved": style.OKABE_ITO[4],
    "partial": style.OKABE_ITO[4],
    "stable": style.OKABE_ITO[1],
    "indeterminate": style.OKABE_ITO[1],
    "progression": style.OKABE_ITO[5],
    definitions.UNKNOWN: UNKNOWN_COLOUR,
}

# colour_by option -> (column, canonical category order, words for the codes)
COLOUR_BY: dict[str, tuple[str | None, tuple[str, ...], dict[str, str]]] = {
    "response": ("category", (), {}),
    "muscle": GROUP_BY["involved_muscle"],
    "intent": GROUP_BY["intent"],
    "primary_group": GROUP_BY["primary_group"],
}
# The colour_by options in words, for a page's choice.
COLOUR_BY_CHOICES = {
    "response": "response category",
    "muscle": GROUPINGS["involved_muscle"],
    "intent": GROUPINGS["intent"],
    "primary_group": GROUPINGS["primary_group"],
}
LEGEND_TITLES = {
    "response": "Response",
    "muscle": "Involved muscle",
    "intent": "Intent",
    "primary_group": "Primary",
}
_DATA_COLUMNS = ("label", "value", "change", "percent_change", "nrs_before", "nrs_after")


def _score(v: Any) -> str:
    return "not recorded" if is_missing(v) else str(int(v))


def _hover(r: Any) -> str:
    chg = "not computable" if is_missing(r.change) else f"{int(r.change):+d} points"
    pct_text = "" if is_missing(r.percent_change) else f" ({r.percent_change:+.1f}%)"
    return (
        f"Patient {r.patient_id}, site {r.course_id}<br>{r.regimen}<br>"
        f"NRS before RT {_score(r.nrs_before)}, at RT completion {_score(r.nrs_after)}<br>"
        f"Change {chg}{pct_text}"
    )


def _colour_groups(
    shown: pd.DataFrame, colour_by: str, definition: definitions.Definition
) -> list[tuple[str, str, pd.DataFrame]]:
    """(legend name, colour, rows) per colour group in a stable order."""
    col, canonical, labels = COLOUR_BY[colour_by]
    if col not in shown.columns:
        raise ValueError(f"colour_by={colour_by!r} needs column {col!r} in df")
    values = shown[col].map(lambda v: NOT_STATED if is_missing(v) else v)
    if colour_by == "response":
        canonical = (*definition.categories, definitions.UNKNOWN)
    order = category_order(values, canonical)
    groups = []
    for value in order:
        rows = shown[values == value]
        if colour_by == "response":
            colour = RESPONSE_COLOURS.get(value, UNKNOWN_COLOUR)
        else:
            colour = palette_colour(value, canonical, order)
        groups.append((f"{category_label(value, labels)} (n = {len(rows):,})", colour, rows))
    return groups


def _excluded_notes(data: pd.DataFrame) -> list[str]:
    notes = []
    for key, what in (
        ("undefined", "with NRS 0 before RT: percent change undefined, not plotted"),
        ("not_assessable", "without both NRS scores: not plotted"),
    ):
        ids = data.attrs[key]
        if ids:
            notes.append(f"{counted(len(ids), 'site')} {what} ({', '.join(map(str, ids))})")
    return notes


def _legend_rows(names: Sequence[str], legend_title: str, font_px: int) -> int:
    """Rows a horizontal legend needs on the assumed plot width (symbol + text per entry)."""
    widths = [text_px(legend_title, font_px) + 12] + [text_px(n, font_px) + 50 for n in names]
    rows, used = 1, 0.0
    for w in widths:
        if used and used + w > ASSUMED_PLOT_WIDTH_PX:
            rows, used = rows + 1, 0.0
        used += w
    return rows


def _threshold_lines(fig: go.Figure, definition: definitions.Definition, font_px: int) -> None:
    for y, text, name in (
        (-definition.k, f"fall ≥{definition.k}", "improvement threshold"),
        (
            pain_scores.PROGRESSION_RISE,
            f"rise ≥{pain_scores.PROGRESSION_RISE}",
            "progression threshold",
        ),
    ):
        fig.add_hline(y=y, line={"dash": "dash", "color": style.GREY, "width": 1.5}, name=name)
        fig.add_annotation(
            text=text,
            xref="paper",
            yref="y",
            x=1,
            y=y,
            xanchor="left",
            xshift=6,
            showarrow=False,
            font={"size": font_px, "color": style.GREY},
            name=name,
        )


def _reference(
    fig: go.Figure, definition: definitions.Definition, percent: bool, values: pd.Series, fs: dict
) -> tuple[str, list[float], str]:
    """Reference lines; returns the y-axis title, y range and the method sentence."""
    bottom, top = extent(values)
    if percent:
        # No percent threshold is published for this series, so none is drawn.
        fig.add_hline(y=0, line={"color": style.GREY, "width": 1.5}, name="zero line")
        method = (
            "Bars: percent change = 100 × (NRS at RT completion − NRS before RT) / NRS before RT, "
            "largest fall first. Only the 0 line is drawn: no percent threshold is defined for "
            "this series."
        )
        return "Change in NRS (%)", [-105.0, max(10.0, top * 1.05 + 5)], method
    _threshold_lines(fig, definition, fs["tick"])
    lo = min(-10.0, bottom) - 0.5
    method = (
        "Bars: NRS at RT completion − NRS before RT, largest fall first. Dashed lines: "
        f"fall of {definition.k} points (improvement) and rise of "
        f"{pain_scores.PROGRESSION_RISE} (progression)."
    )
    y_range = [lo, max(float(pain_scores.PROGRESSION_RISE), top) + 1]
    return "Change in NRS (points)", y_range, method


def _top(fig: go.Figure, notes: list[str], legend_title: str, fs: dict) -> None:
    """Exclusion notes just above the plot, the horizontal legend above them (the top margin was
    reserved for both by ``finish``)."""
    note_line = fs["footnote"] + 8
    for i, text in enumerate(notes):
        note(fig, text, 4 + i * note_line, fs["footnote"] + 1, "excluded sites")
    fig.update_layout(
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1 + (len(notes) * note_line + 6) / plot_height(fig),
            "yanchor": "bottom",
            "title": {"text": f"{legend_title}: "},
            "traceorder": "normal",
        }
    )


def _add_bars(fig: go.Figure, groups: list[tuple[str, str, pd.DataFrame]]) -> None:
    """One bar trace (legend entry) per colour group; each group also has its own fill pattern
    (readable in greyscale and without colour vision)."""
    for i, (name, colour, rows) in enumerate(groups):
        pattern = {"shape": style.nth(style.PATTERNS, i), "fillmode": "overlay", "size": 7}
        pattern |= {"fgcolor": style.TEXT_COLOUR, "fgopacity": 0.5, "solidity": 0.3}
        fig.add_bar(
            x=list(rows["label"]),
            y=rows["value"].to_numpy(dtype=float),
            name=name,
            marker={
                "color": colour,
                "line": {"color": style.TEXT_COLOUR, "width": 0.8},
                "pattern": pattern,
            },
            hovertext=[_hover(r) for r in rows.itertuples()],
            hovertemplate="%{hovertext}<extra></extra>",
        )


def _check_data(data: Any, definition: Any, colour_by: Any) -> pd.DataFrame:
    if colour_by not in COLOUR_BY:
        raise ValueError(f"colour_by must be one of {', '.join(COLOUR_BY)}, got {colour_by!r}")
    if not isinstance(definition, definitions.Definition):
        raise ValueError(f"definition must be a plexrt.definitions.Definition, got {definition!r}")
    require_columns(data, "data", _DATA_COLUMNS)
    if "percent" not in data.attrs:
        raise ValueError("data must come from plexrt.clinical.pain_views.waterfall_data")
    return data


def waterfall_figure(
    data: pd.DataFrame,
    definition: definitions.Definition,
    colour_by: str = "response",
    *,
    footnote: str,
    present: bool = False,
    title: str | None = None,
) -> go.Figure:
    """Waterfall: one bar per site (x = site label, largest fall first), coloured by ``colour_by``
    ("response", "muscle", "intent", "primary_group"); one trace (legend entry) per colour group.

    ``data``: ``pain_views.waterfall_data(df, definition, percent)``. Points mode draws dashed
    lines at -k (improvement threshold of ``definition``; -2 for the paper) and +2 (progression).
    Percent mode draws only the 0 line -- there is no published percent threshold for this series
    -- and leaves out sites with NRS 0 before RT (percent change undefined), saying so in a
    visible note above the plot.
    """
    _check_data(data, definition, colour_by)
    footnote = check_footnote(footnote)
    present = check_flag(present, "present")
    percent = bool(data.attrs["percent"])
    shown = data[data["excluded"].isna()]
    fs = style.font_sizes(present)
    fig = go.Figure()
    groups = _colour_groups(shown, colour_by, definition)
    _add_bars(fig, groups)
    y_title, y_range, method = _reference(fig, definition, percent, shown["value"], fs)
    fig.update_layout(
        barmode="relative",
        bargap=0.25,
        showlegend=True,
        xaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": list(shown["label"]),
            "title": {"text": "Irradiated site (patient.course)"},
        },
        yaxis={"title": {"text": y_title}, "range": y_range, "zeroline": True},
    )
    notes = _excluded_notes(data)
    legend_title = LEGEND_TITLES[colour_by]
    n_legend_rows = _legend_rows([g[0] for g in groups], legend_title, fs["base"])
    finish(
        fig,
        title=title or "Change in pain score per irradiated site",
        footnote=with_method(footnote, method, present),
        present=present,
        top_px=len(notes) * (fs["footnote"] + 8) + n_legend_rows * (fs["base"] + 12) + 6,
    )
    # Room on the right for the threshold labels.
    fig.update_layout(margin={"r": int(text_px("rise ≥10", fs["tick"]) + 24)})
    _top(fig, notes, legend_title, fs)
    return fig
