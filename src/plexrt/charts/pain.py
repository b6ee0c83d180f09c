"""Figures for the Pain response page: waterfall, paired before/after, time to maximum response,
dose-response.

Every figure is a value: a site-level DataFrame (``plexrt.store.cohort``) in, a ``go.Figure`` out.
Each figure takes the page's ``footnote`` (cohort + method) and appends one sentence saying how
the figure itself was drawn. Text placed above a plot (labels, notes, legends) is stacked in rows
computed from an assumed minimum plot width, so labels cannot overlap on screens at least that wide.
"""

from __future__ import annotations

import math
import numbers
import re
import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from plexrt.charts import style
from plexrt.clinical import definitions as response
from plexrt.clinical import dose, pain_scores
from plexrt.data.vocab import INTENTS, MUSCLES, PRIMARY_GROUPS

# --- layout assumptions used to keep text labels apart ---------------------------------------
ASSUMED_PLOT_WIDTH_PX = 560  # narrowest plot area we design for (Streamlit centred layout)
CHAR_WIDTH_EM = 0.6  # generous average glyph width of a sans-serif font, in em
LABEL_GAP_PX = 10
PLOT_HEIGHT_PX = {False: 320, True: 440}  # height of the plot area itself (normal, present)

NOT_STATED = "not stated"
UNKNOWN_COLOUR = style.GREY  # "unknown" (ICPRE without OMED after RT) is not a response colour

# Response colours: green = complete, sky blue = improved/partial, orange = no change,
# vermillion = worse (Okabe-Ito, colour-blind safe).
RESPONSE_COLOURS = {
    "complete": style.OKABE_ITO[2],
    "improved": style.OKABE_ITO[4],
    "partial": style.OKABE_ITO[4],
    "stable": style.OKABE_ITO[1],
    "indeterminate": style.OKABE_ITO[1],
    "progression": style.OKABE_ITO[5],
    response.UNKNOWN: UNKNOWN_COLOUR,
}

# colour_by / group_by option -> (column, canonical category order)
COLOUR_BY = {
    "response": ("category", None),
    "muscle": ("involved_muscle", MUSCLES),
    "intent": ("intent", INTENTS),
    "primary_group": ("primary_group", PRIMARY_GROUPS),
}
GROUP_BY = {
    None: (None, ("all",)),
    "involved_muscle": ("involved_muscle", MUSCLES),
    "intent": ("intent", INTENTS),
    "primary_group": ("primary_group", PRIMARY_GROUPS),
}
LEGEND_TITLES = {
    "response": "Response",
    "muscle": "Involved muscle",
    "intent": "Intent",
    "primary_group": "Primary",
}

BEFORE_LABEL, AFTER_LABEL = "Before RT", "RT completion"
PAIRED_JITTER = 0.2  # half-width (in category units) over which sites are spread sideways
STRIP_STEP = 0.08  # sideways step between sites with equal weeks, in category units
STRIP_MAX_HALF = 0.3
DOSE_JITTER_FRACTION = 0.025  # sideways step between coincident points, as a share of the EQD2 span


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _require(df: pd.DataFrame, cols: Sequence[str]) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"df lacks column(s): {', '.join(missing)}")


def _check_bool(v, name: str) -> bool:
    if not isinstance(v, bool | np.bool_):
        raise ValueError(f"{name} must be True or False, got {v!r}")
    return bool(v)


def _check_footnote(footnote) -> str:
    if not isinstance(footnote, str):
        raise ValueError(f"footnote must be a string (cohort and method text), got {footnote!r}")
    return footnote


def _check_definition(definition) -> response.Definition:
    if not isinstance(definition, response.Definition):
        raise ValueError(f"definition must be a plexrt.response.Definition, got {definition!r}")
    return definition


def _wrap(text: str, present: bool) -> str:
    """Break a method sentence into lines that fit the assumed plot width (<br> kept)."""
    chars = int(ASSUMED_PLOT_WIDTH_PX / (CHAR_WIDTH_EM * style.font_sizes(present)["footnote"]))
    return "<br>".join(
        "<br>".join(textwrap.wrap(part, chars, break_on_hyphens=False))
        for part in text.split("<br>")
    )


def _with_method(footnote: str, sentence: str, present: bool) -> str:
    sentence = _wrap(sentence, present)
    return f"{footnote}<br>{sentence}" if footnote else sentence


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float | np.floating) and math.isnan(v))


def _extent(values) -> tuple[float, float]:
    """(min, max) of the known values, both including 0 (so an empty cohort gives (0, 0))."""
    v = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").dropna()
    return min(0.0, float(v.min())) if len(v) else 0.0, max(0.0, float(v.max())) if len(v) else 0.0


def _num(x: float, digits: int = 2) -> str:
    """3.0 -> '3', 2.75 -> '2.75', 3.1667 -> '3.17'."""
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _pretty(v) -> str:
    if _missing(v):
        return NOT_STATED
    text = str(v).replace("_", " ")
    return text[:1].upper() + text[1:]


def _course_key(course_id) -> tuple:
    """Natural order of course ids: '2.1' < '10.1'; '1.2' after '1.1'."""
    parts = [p for p in re.split(r"(\d+)", str(course_id)) if p]
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def _course_order(df: pd.DataFrame) -> pd.DataFrame:
    keys = [_course_key(c) for c in df["course_id"]]
    order = sorted(range(len(df)), key=lambda i: keys[i])
    return df.iloc[order].reset_index(drop=True)


def _regimen(dose_gy, fractions) -> str:
    if _missing(dose_gy) or _missing(fractions):
        return "regimen not stated"
    return dose.regimen_label(float(dose_gy), int(fractions))


def _score(v) -> str:
    return "not recorded" if _missing(v) else str(int(v))


def _category_order(values, canonical: Sequence) -> list:
    """Canonical categories first (stable across filters), then any others sorted, 'not stated' last."""
    present = {NOT_STATED if _missing(v) else v for v in values}
    extra = sorted(str(v) for v in present if v not in canonical and v != NOT_STATED)
    tail = [NOT_STATED] if NOT_STATED in present else []
    return [c for c in canonical if c in present] + extra + tail


def _palette_colour(value, canonical: Sequence, all_values: Sequence) -> str:
    """Colour by position in the canonical order, so a category keeps its colour when filtered."""
    if value == NOT_STATED:
        return UNKNOWN_COLOUR
    full = list(canonical) + [v for v in all_values if v not in canonical]
    return style.OKABE_ITO[full.index(value) % len(style.OKABE_ITO)]


def _text_px(text: str, font_px: float) -> float:
    """Estimated width of one line of text, generous so that estimates err towards more room."""
    longest = max(len(line) for line in re.sub(r"<[^>]+>", "\n", text).split("\n"))
    return longest * CHAR_WIDTH_EM * font_px


def _stack_rows(intervals: Sequence[tuple[float, float]]) -> list[int]:
    """Row per horizontal interval (left, right), in px: the lowest row whose last label ends at
    least LABEL_GAP_PX before this one starts. Intervals in the same row therefore never overlap."""
    ends: list[float] = []
    rows = [0] * len(intervals)
    for i in sorted(range(len(intervals)), key=lambda j: intervals[j][0]):
        left, right = intervals[i]
        row = next((r for r, end in enumerate(ends) if end + LABEL_GAP_PX <= left), len(ends))
        if row == len(ends):
            ends.append(right)
        else:
            ends[row] = right
        rows[i] = row
    return rows


def _finish(
    fig: go.Figure,
    *,
    title: str,
    footnote: str,
    present: bool,
    top_px: float = 0.0,
) -> go.Figure:
    """House style, then pin the title to the top and reserve ``top_px`` above the plot area for
    labels, notes or a legend (so they cannot collide with the title). The figure height is the
    plot area (PLOT_HEIGHT_PX) plus the margins, so a long footnote never squeezes the plot."""
    fs = style.font_sizes(present)
    style.apply(fig, title=title, footnote=footnote, present=present)
    title_px = fs["title"] + 26 if title else 10
    top = int(math.ceil(title_px + top_px + 6))
    fig.update_layout(
        title={"yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 12}},
        margin={"t": top},
        height=PLOT_HEIGHT_PX[present] + top + fig.layout.margin.b,
    )
    return fig


def _plot_height(fig: go.Figure) -> float:
    m = fig.layout.margin
    return float(fig.layout.height - m.t - m.b)


def _note(fig: go.Figure, text: str, row_px: float, font_px: int, name: str) -> None:
    """A line of text just above the plot area, ``row_px`` above its top edge."""
    fig.add_annotation(
        text=text,
        xref="paper",
        yref="paper",
        x=0,
        y=1,
        xanchor="left",
        yanchor="bottom",
        yshift=row_px,
        showarrow=False,
        align="left",
        font={"size": font_px, "color": "#1A1A1A"},
        name=name,
    )


# ---------------------------------------------------------------------------------------------
# 1. Waterfall
# ---------------------------------------------------------------------------------------------

WATERFALL_COLUMNS = ("course_id", "patient_id", "nrs_before", "nrs_after", "dose_gy", "fractions")


def _waterfall_hover(r, pct) -> str:
    chg = (
        "not computable"
        if _missing(r.nrs_before) or _missing(r.nrs_after)
        else f"{int(r.nrs_after) - int(r.nrs_before):+d} points"
    )
    pct_text = "" if _missing(pct) else f" ({pct:+.1f}%)"
    return (
        f"Patient {r.patient_id}, site {r.course_id}<br>{_regimen(r.dose_gy, r.fractions)}<br>"
        f"NRS before RT {_score(r.nrs_before)}, at RT completion {_score(r.nrs_after)}<br>"
        f"Change {chg}{pct_text}"
    )


def waterfall_data(
    df: pd.DataFrame, definition: response.Definition, percent: bool = False
) -> pd.DataFrame:
    """One row per site for the waterfall, largest fall first (ties in course order).

    Columns: course_id, patient_id, label, nrs_before, nrs_after, change (points, after - before),
    percent_change, value (change or percent_change), category (``response.classify_frame``),
    regimen, hover, excluded (None, "NRS 0 before RT" in percent mode, or "NRS missing"), plus
    involved_muscle / intent / primary_group when present. Sites with no value sort last.
    ``attrs["undefined"]`` lists the course ids with NRS 0 before RT whose percent change is
    undefined (percent mode only); ``attrs["not_assessable"]`` those missing a score.
    """
    _require(df, WATERFALL_COLUMNS)
    _check_definition(definition)
    percent = _check_bool(percent, "percent")
    d = _course_order(df)
    change = pain_scores.nrs_change(d["nrs_before"], d["nrs_after"]).astype("float64")
    pct = pain_scores.percent_change(d["nrs_before"], d["nrs_after"])
    missing = d["nrs_before"].isna() | d["nrs_after"].isna()
    zero = ~missing & (d["nrs_before"] == 0)
    out = pd.DataFrame(
        {
            "course_id": d["course_id"],
            "patient_id": d["patient_id"],
            "label": d["course_id"].astype(str),
            "nrs_before": d["nrs_before"],
            "nrs_after": d["nrs_after"],
            "change": change,
            "percent_change": pct,
            "value": pct if percent else change,
            "category": response.classify_frame(d, definition),
            "regimen": [_regimen(a, b) for a, b in zip(d["dose_gy"], d["fractions"], strict=True)],
            "hover": [_waterfall_hover(r, p) for r, p in zip(d.itertuples(), pct, strict=True)],
        }
    )
    out["excluded"] = None
    out.loc[zero & percent, "excluded"] = "NRS 0 before RT"
    out.loc[missing, "excluded"] = "NRS missing"
    for col in ("involved_muscle", "intent", "primary_group"):
        if col in d.columns:
            out[col] = d[col]
    # Stable sort keeps course order among equal values.
    out = out.sort_values("value", kind="stable", na_position="last").reset_index(drop=True)
    out.attrs["undefined"] = list(out.loc[out["excluded"] == "NRS 0 before RT", "course_id"])
    out.attrs["not_assessable"] = list(out.loc[out["excluded"] == "NRS missing", "course_id"])
    out.attrs["percent"] = percent
    return out


def _colour_groups(
    shown: pd.DataFrame, colour_by: str, definition: response.Definition
) -> list[tuple[str, str, pd.DataFrame]]:
    """(legend name, colour, rows) per colour group in a stable order."""
    col, canonical = COLOUR_BY[colour_by]
    if col not in shown.columns:
        raise ValueError(f"colour_by={colour_by!r} needs column {col!r} in df")
    values = shown[col].map(lambda v: NOT_STATED if _missing(v) else v)
    if colour_by == "response":
        canonical = (*definition.categories, response.UNKNOWN)
    order = _category_order(values, canonical)
    groups = []
    for value in order:
        rows = shown[values == value]
        if colour_by == "response":
            colour = RESPONSE_COLOURS.get(value, UNKNOWN_COLOUR)
        else:
            colour = _palette_colour(value, canonical, order)
        groups.append((f"{_pretty(value)} (n = {len(rows)})", colour, rows))
    return groups


def _excluded_notes(data: pd.DataFrame) -> list[str]:
    notes = []
    for key, what in (
        ("undefined", "with NRS 0 before RT: percent change undefined, not plotted"),
        ("not_assessable", "without both NRS scores: not plotted"),
    ):
        ids = data.attrs[key]
        if ids:
            s = "" if len(ids) == 1 else "s"
            notes.append(f"{len(ids)} site{s} {what} ({', '.join(map(str, ids))})")
    return notes


def _legend_rows(names: Sequence[str], legend_title: str, font_px: int) -> int:
    """Rows a horizontal legend needs on the assumed plot width (symbol + text per entry)."""
    widths = [_text_px(legend_title, font_px) + 12] + [_text_px(n, font_px) + 50 for n in names]
    rows, used = 1, 0.0
    for w in widths:
        if used and used + w > ASSUMED_PLOT_WIDTH_PX:
            rows, used = rows + 1, 0.0
        used += w
    return rows


def _threshold_lines(fig: go.Figure, definition: response.Definition, font_px: int) -> None:
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


def _waterfall_reference(
    fig: go.Figure, definition: response.Definition, percent: bool, values: pd.Series, fs: dict
) -> tuple[str, list[float], str]:
    """Reference lines; returns the y-axis title, y range and the method sentence."""
    bottom, top = _extent(values)
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


def _waterfall_top(fig: go.Figure, notes: list[str], legend_title: str, fs: dict) -> None:
    """Exclusion notes just above the plot, the horizontal legend above them (the top margin was
    reserved for both by ``_finish``)."""
    note_line = fs["footnote"] + 8
    for i, text in enumerate(notes):
        _note(fig, text, 4 + i * note_line, fs["footnote"] + 1, "excluded sites")
    fig.update_layout(
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1 + (len(notes) * note_line + 6) / _plot_height(fig),
            "yanchor": "bottom",
            "title": {"text": f"{legend_title}: "},
            "traceorder": "normal",
        }
    )


def waterfall_figure(
    df: pd.DataFrame,
    definition: response.Definition,
    colour_by: str = "response",
    percent: bool = False,
    *,
    footnote: str,
    present: bool = False,
    title: str | None = None,
) -> go.Figure:
    """Waterfall: one bar per site (x = site label, largest fall first), coloured by ``colour_by``
    ("response", "muscle", "intent", "primary_group"); one trace (legend entry) per colour group.

    Points mode draws dashed lines at -k (improvement threshold of ``definition``; -2 for the
    paper) and +2 (progression). Percent mode (``percent=True``) draws only the 0 line -- there is
    no published percent threshold for this series -- and leaves out sites with NRS 0 before RT
    (percent change undefined), saying so in a visible note above the plot.
    """
    if colour_by not in COLOUR_BY:
        raise ValueError(f"colour_by must be one of {', '.join(COLOUR_BY)}, got {colour_by!r}")
    footnote = _check_footnote(footnote)
    present = _check_bool(present, "present")
    data = waterfall_data(df, definition, percent)
    shown = data[data["excluded"].isna()]
    fs = style.font_sizes(present)
    fig = go.Figure()
    groups = _colour_groups(shown, colour_by, definition)
    for name, colour, rows in groups:
        fig.add_bar(
            x=list(rows["label"]),
            y=rows["value"].to_numpy(dtype=float),
            name=name,
            marker={"color": colour, "line": {"color": "#FFFFFF", "width": 0.5}},
            hovertext=list(rows["hover"]),
            hovertemplate="%{hovertext}<extra></extra>",
        )
    y_title, y_range, method = _waterfall_reference(fig, definition, percent, shown["value"], fs)
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
    _finish(
        fig,
        title=title or "Change in pain score per irradiated site",
        footnote=_with_method(footnote, method, present),
        present=present,
        top_px=len(notes) * (fs["footnote"] + 8) + n_legend_rows * (fs["base"] + 12) + 6,
    )
    # Room on the right for the threshold labels.
    fig.update_layout(margin={"r": int(_text_px("rise ≥10", fs["tick"]) + 24)})
    _waterfall_top(fig, notes, legend_title, fs)
    return fig


# ---------------------------------------------------------------------------------------------
# 2. Paired before / after
# ---------------------------------------------------------------------------------------------


def paired_data(df: pd.DataFrame) -> pd.DataFrame:
    """One row per site with both NRS scores known, in course order: course_id, patient_id,
    label, nrs_before, nrs_after, regimen, offset, x_before (0 + offset), x_after (1 + offset),
    hover. Offsets spread the sites evenly over ±0.2 (deterministic, by course order) so sites
    with equal scores stay visible. ``attrs["not_assessable"]`` lists sites left out."""
    _require(df, WATERFALL_COLUMNS)
    d = _course_order(df)
    keep = d["nrs_before"].notna() & d["nrs_after"].notna()
    left_out = list(d.loc[~keep, "course_id"])
    d = d[keep].reset_index(drop=True)
    n = len(d)
    offsets = np.linspace(-PAIRED_JITTER, PAIRED_JITTER, n) if n > 1 else np.zeros(n)
    out = pd.DataFrame(
        {
            "course_id": d["course_id"],
            "patient_id": d["patient_id"],
            "label": d["course_id"].astype(str),
            "nrs_before": d["nrs_before"].astype(float),
            "nrs_after": d["nrs_after"].astype(float),
            "regimen": [_regimen(a, b) for a, b in zip(d["dose_gy"], d["fractions"], strict=True)],
            "offset": offsets,
            "x_before": offsets,
            "x_after": 1 + offsets,
        }
    )
    out["hover"] = [
        f"Patient {r.patient_id}, site {r.course_id}<br>{r.regimen}<br>"
        f"NRS {int(r.nrs_before)} → {int(r.nrs_after)}"
        for r in out.itertuples()
    ]
    out.attrs["not_assessable"] = left_out
    return out


def _paired_lines(data: pd.DataFrame) -> tuple[list, list, list]:
    """x, y, hover for all site lines in one trace, separated by gaps (None)."""
    x, y, hover = [], [], []
    for r in data.itertuples():
        x += [r.x_before, r.x_after, None]
        y += [r.nrs_before, r.nrs_after, None]
        hover += [r.hover, r.hover, None]
    return x, y, hover


def paired_figure(
    df: pd.DataFrame,
    *,
    footnote: str,
    present: bool = False,
    title: str | None = None,
) -> go.Figure:
    """Each site's NRS before RT joined to its NRS at RT completion (spread sideways a little),
    with the median at each time point as a thick black line and labelled markers. y axis 0-10."""
    footnote = _check_footnote(footnote)
    present = _check_bool(present, "present")
    data = paired_data(df)
    fs = style.font_sizes(present)
    x, y, hover = _paired_lines(data)
    fig = go.Figure()
    fig.add_scatter(
        x=x,
        y=y,
        mode="lines+markers",
        name=f"Sites (n = {len(data)})",
        line={"color": style.OKABE_ITO[0], "width": 3 if present else 2},
        marker={"size": 12 if present else 9, "color": style.OKABE_ITO[0]},
        opacity=0.75,
        hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
    )
    if len(data):
        medians = [float(data["nrs_before"].median()), float(data["nrs_after"].median())]
        fig.add_scatter(
            x=[0.0, 1.0],
            y=medians,
            mode="lines+markers",
            name="Median",
            line={"color": "#000000", "width": 7 if present else 5},
            marker={"size": 20 if present else 15, "color": "#000000", "symbol": "diamond"},
            hovertemplate="Median NRS %{y}<extra></extra>",
        )
        for xpos, anchor, value in ((-0.26, "right", medians[0]), (1.26, "left", medians[1])):
            fig.add_annotation(
                text=f"<b>Median<br>{_num(value)}</b>",
                x=xpos,
                y=value,
                xanchor=anchor,
                showarrow=False,
                font={"size": fs["base"], "color": "#000000"},
                name="median label",
            )
    method = (
        "Blue: one line per site from NRS before RT to NRS at RT completion, spread sideways "
        "by course order so equal scores stay visible; black: median at each time point."
    )
    if data.attrs["not_assessable"]:
        ids = ", ".join(map(str, data.attrs["not_assessable"]))
        method += f" Not plotted (an NRS score missing): {ids}."
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
    return _finish(
        fig,
        title=title or "Pain score before RT and at RT completion",
        footnote=_with_method(footnote, method, present),
        present=present,
    )


# ---------------------------------------------------------------------------------------------
# 3. Weeks to maximum response
# ---------------------------------------------------------------------------------------------


def _check_group_by(group_by) -> tuple[str | None, tuple]:
    if group_by not in GROUP_BY:
        opts = ", ".join(repr(k) for k in GROUP_BY)
        raise ValueError(f"group_by must be one of {opts}, got {group_by!r}")
    return GROUP_BY[group_by]


def _group_values(d: pd.DataFrame, col: str | None) -> pd.Series:
    if col is None:
        return pd.Series("all", index=d.index)
    return d[col].map(lambda v: NOT_STATED if _missing(v) else v)


def time_to_max_summary(df: pd.DataFrame, group_by: str | None = None) -> pd.DataFrame:
    """Weeks from the start of RT to maximum response, per group: group, label, n (sites with a
    known value), mean, median, min, max. ``group_by``: None (all sites), "involved_muscle",
    "intent" or "primary_group". Groups in a stable order; statistics NaN when n = 0."""
    col, canonical = _check_group_by(group_by)
    _require(df, ["weeks_to_max_response"] + ([col] if col else []))
    groups = _group_values(df, col)
    rows = []
    for g in _category_order(groups, canonical):
        w = pd.to_numeric(df.loc[groups == g, "weeks_to_max_response"], errors="coerce").dropna()
        stats = (w.mean(), w.median(), w.min(), w.max()) if len(w) else (np.nan,) * 4
        label = "All sites" if col is None else _pretty(g)
        rows.append((g, label, len(w), *(float(s) for s in stats)))
    return pd.DataFrame(rows, columns=["group", "label", "n", "mean", "median", "min", "max"])


def _centred_ranks(keys: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """For each item: its rank among items with an equal key, centred on 0 (-0.5, 0.5 for a
    pair; -1, 0, 1 for three), and the size of its group. Order within a group = input order."""
    keys = list(keys)
    ranks, sizes = np.zeros(len(keys)), np.ones(len(keys))
    for k in dict.fromkeys(keys):
        idx = [i for i, x in enumerate(keys) if x == k]
        for j, i in enumerate(idx):
            ranks[i], sizes[i] = j - (len(idx) - 1) / 2, len(idx)
    return ranks, sizes


def _stack_offsets(values: Sequence[float]) -> np.ndarray:
    """Sideways offsets that spread equal values symmetrically around the group centre, at most
    STRIP_MAX_HALF either side."""
    ranks, sizes = _centred_ranks(values)
    step = np.minimum(STRIP_STEP, 2 * STRIP_MAX_HALF / np.maximum(sizes - 1, 1))
    return ranks * step


def _summary_text(r) -> str:
    if r.n == 0:
        return f"{r.label}: n = 0"
    return (
        f"{r.label}: n = {r.n}, mean {_num(r.mean)}, median {_num(r.median)}, "
        f"range {_num(r.min)}–{_num(r.max)} weeks"
    )


def _add_strip_group(
    fig: go.Figure, i: int, r, sub: pd.DataFrame, colour: str, present: bool
) -> None:
    """Median bar (behind), one dot per site, mean diamond (on top) for group ``r`` at x = i."""
    weeks = sub["weeks_to_max_response"].astype(float).to_numpy()
    text = _summary_text(r)
    if r.n:
        fig.add_scatter(
            x=[i - 0.36, i + 0.36],
            y=[r.median, r.median],
            mode="lines",
            name=f"{r.label} median",
            line={"color": "#000000", "width": 6 if present else 4},
            hovertext=[text, text],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    fig.add_scatter(
        x=i + _stack_offsets(weeks),
        y=weeks,
        mode="markers",
        name=r.label,
        marker={"size": 15 if present else 11, "color": colour, "line": {"width": 1}},
        hovertext=[
            f"Patient {p}, site {c}: {_num(w)} weeks<br>{text}"
            for p, c, w in zip(sub["patient_id"], sub["course_id"], weeks, strict=True)
        ],
        hovertemplate="%{hovertext}<extra></extra>",
    )
    if r.n:
        fig.add_scatter(
            x=[float(i)],
            y=[r.mean],
            mode="markers",
            name=f"{r.label} mean",
            marker={
                "symbol": "diamond-open",
                "size": 22 if present else 17,
                "color": "#000000",
                "line": {"width": 3},
            },
            hovertext=[text],
            hovertemplate="%{hovertext}<extra></extra>",
        )


def time_to_max_figure(
    df: pd.DataFrame,
    group_by: str | None = None,
    *,
    footnote: str,
    present: bool = False,
    title: str | None = None,
) -> go.Figure:
    """Dot plot of weeks to maximum response, one dot per site (equal values spread sideways),
    per group, with the mean (open diamond) and median (black bar). The footnote gains one line
    per group: "n = k, mean x, median y, range a–b weeks"; the same text is in the hover.
    Traces per group, in order: "<group> median", "<group>" (the sites), "<group> mean"."""
    footnote = _check_footnote(footnote)
    present = _check_bool(present, "present")
    col, canonical = _check_group_by(group_by)
    summary = time_to_max_summary(df, group_by)
    d = _course_order(df)
    d = d[pd.to_numeric(d["weeks_to_max_response"], errors="coerce").notna()]
    groups = _group_values(d, col)
    order = list(summary["group"])
    fig = go.Figure()
    for i, r in enumerate(summary.itertuples()):
        colour = style.OKABE_ITO[0] if col is None else _palette_colour(r.group, canonical, order)
        _add_strip_group(fig, i, r, d[groups == r.group], colour, present)
    y_max = _extent(summary["max"])[1]
    fig.update_layout(
        showlegend=False,
        xaxis={
            "tickvals": list(range(len(summary))),
            "ticktext": [f"{r.label}<br>n = {r.n}" for r in summary.itertuples()],
            "range": [-0.6, len(summary) - 0.4],
            "showgrid": False,
            "zeroline": False,
        },
        yaxis={
            "title": {"text": "Weeks to maximum response"},
            "range": [0, max(y_max, 4.0) + 1],
        },
    )
    method = (
        "One dot per site (equal values spread sideways); open diamond = mean, bar = median. "
        "Maximum response = lowest NRS, recorded weekly from the start of RT.<br>"
        + "<br>".join(_summary_text(r) for r in summary.itertuples())
    )
    return _finish(
        fig,
        title=title or "Time to maximum pain response",
        footnote=_with_method(footnote, method, present),
        present=present,
    )


# ---------------------------------------------------------------------------------------------
# 4. Dose-response
# ---------------------------------------------------------------------------------------------


def _check_alpha_beta(alpha_beta) -> float:
    if (
        isinstance(alpha_beta, bool)
        or not isinstance(alpha_beta, numbers.Real)
        or not math.isfinite(alpha_beta)
        or alpha_beta <= 0
    ):
        raise ValueError(f"alpha_beta must be a positive number of Gy, got {alpha_beta!r}")
    return float(alpha_beta)


def regimen_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Sites per regimen: regimen ("39 Gy/13"), dose_gy, fractions, n_sites; ordered by total
    dose, then fractions. Sites without dose or fractions are not counted."""
    _require(df, ("dose_gy", "fractions"))
    d = df[df["dose_gy"].notna() & df["fractions"].notna()]
    counts = (
        d.assign(dose_gy=d["dose_gy"].astype(float), fractions=d["fractions"].astype(int))
        .groupby(["dose_gy", "fractions"], as_index=False)
        .size()
        .rename(columns={"size": "n_sites"})
        .sort_values(["dose_gy", "fractions"])
        .reset_index(drop=True)
    )
    counts.insert(
        0,
        "regimen",
        [_regimen(a, b) for a, b in zip(counts.dose_gy, counts.fractions, strict=True)],
    )
    return counts


def dose_response_data(df: pd.DataFrame, alpha_beta: float = 10.0) -> pd.DataFrame:
    """One row per site with dose, fractions and both NRS scores: course_id, patient_id, regimen,
    eqd2 (``plexrt.dose.eqd2`` at ``alpha_beta``), change (NRS after - before), x (eqd2 spread
    sideways where sites coincide in EQD2 and change; deterministic, by course order), hover."""
    ab = _check_alpha_beta(alpha_beta)
    _require(df, WATERFALL_COLUMNS)
    d = _course_order(df)
    keep = d[["dose_gy", "fractions", "nrs_before", "nrs_after"]].notna().all(axis=1)
    d = d[keep].reset_index(drop=True)
    eqd2 = [
        dose.eqd2(float(a), int(b), ab) for a, b in zip(d["dose_gy"], d["fractions"], strict=True)
    ]
    out = pd.DataFrame(
        {
            "course_id": d["course_id"],
            "patient_id": d["patient_id"],
            "regimen": [_regimen(a, b) for a, b in zip(d["dose_gy"], d["fractions"], strict=True)],
            "eqd2": np.asarray(eqd2, dtype=float),
            "change": pain_scores.nrs_change(d["nrs_before"], d["nrs_after"]).astype(float),
        }
    )
    span = max(float(np.ptp(out["eqd2"])) if len(out) else 0.0, 10.0)
    keys = [f"{e:.6f}|{c}" for e, c in zip(out["eqd2"], out["change"], strict=True)]
    out["x"] = out["eqd2"] + _centred_ranks(keys)[0] * DOSE_JITTER_FRACTION * span
    out["hover"] = [
        f"Patient {r.patient_id}, site {r.course_id}<br>{r.regimen}: EQD2 {_num(r.eqd2)} Gy "
        f"(α/β {_num(ab)} Gy)<br>NRS {int(b)} → {int(a)} (change {int(r.change):+d})"
        for r, b, a in zip(out.itertuples(), d["nrs_before"], d["nrs_after"], strict=True)
    ]
    return out


def _regimen_labels(data: pd.DataFrame, counts: dict[str, int]) -> pd.DataFrame:
    """One label per distinct EQD2 (regimens with the same EQD2 share it): eqd2, text, regimens."""
    rows = []
    for e, grp in data.groupby(data["eqd2"].round(6), sort=True):
        regs = list(dict.fromkeys(grp["regimen"]))
        text = " + ".join(f"{r} (n = {counts[r]})" for r in regs)
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
    the x range; returns the number of label rows."""
    if not len(labels):
        return 0
    widths = [_text_px(t, font_px) for t in labels["text"]]
    x_lo, x_hi = _x_range(labels, widths)
    px_per_gy = ASSUMED_PLOT_WIDTH_PX / (x_hi - x_lo)
    centres = [(e - x_lo) * px_per_gy for e in labels["eqd2"]]
    rows = _stack_rows([(c - w / 2, c + w / 2) for c, w in zip(centres, widths, strict=True)])
    for r, row in zip(labels.itertuples(), rows, strict=True):
        colour = colours[r.regimens[0]]
        fig.add_vline(
            x=r.eqd2, line={"dash": "dot", "color": colour, "width": 1}, name="regimen guide"
        )
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
    fig.update_xaxes(range=[x_lo, x_hi])
    return max(rows) + 1


def dose_response_figure(
    df: pd.DataFrame,
    alpha_beta: float = 10.0,
    *,
    footnote: str,
    present: bool = False,
    title: str | None = None,
) -> go.Figure:
    """NRS change against EQD2 at the chosen alpha/beta, one point per site, one trace and colour
    per regimen (named "39 Gy/13 (n = 3)"). Each distinct EQD2 gets one label above the plot
    (regimens with equal EQD2 share it), stacked in rows so labels never overlap; a dotted guide
    in the regimen's colour joins label and points. Coincident points are spread sideways; the
    exact EQD2 is in ``customdata`` and the hover."""
    footnote = _check_footnote(footnote)
    present = _check_bool(present, "present")
    ab = _check_alpha_beta(alpha_beta)
    data = dose_response_data(df, ab)
    counts = dict(zip(*(regimen_counts(df)[c] for c in ("regimen", "n_sites")), strict=True))
    fs = style.font_sizes(present)
    regimens = list(dict.fromkeys(data.sort_values(["eqd2", "regimen"])["regimen"]))
    colours = style.colour_map(regimens)
    fig = go.Figure()
    for reg in regimens:
        sub = data[data["regimen"] == reg]
        fig.add_scatter(
            x=sub["x"].to_numpy(dtype=float),
            y=sub["change"].to_numpy(dtype=float),
            customdata=sub["eqd2"].to_numpy(dtype=float),
            mode="markers",
            name=f"{reg} (n = {counts[reg]})",
            marker={"size": 16 if present else 12, "color": colours[reg], "line": {"width": 1}},
            hovertext=list(sub["hover"]),
            hovertemplate="%{hovertext}<extra></extra>",
        )
    n_rows = _add_regimen_labels(fig, _regimen_labels(data, counts), colours, fs["tick"])
    bottom, top = _extent(data["change"])
    y_lo, y_hi = min(-10.0, bottom) - 0.5, max(2.0, top) + 0.5
    fig.update_layout(
        showlegend=False,
        xaxis={"title": {"text": f"EQD2 (Gy), α/β = {_num(ab)} Gy"}, "zeroline": False},
        yaxis={"title": {"text": "Change in NRS (points)"}, "range": [y_lo, y_hi]},
    )
    method = (
        f"EQD2 = D (d + α/β) / (2 + α/β), linear-quadratic model, α/β = {_num(ab)} Gy; "
        "one point per site; coincident points are spread sideways (exact EQD2 in the hover)."
    )
    return _finish(
        fig,
        title=title or "Pain change by dose (EQD2)",
        footnote=_with_method(footnote, method, present),
        present=present,
        top_px=n_rows * (fs["tick"] + 8) + 6,
    )
