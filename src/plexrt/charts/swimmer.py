"""Swimmer plot: one lane per patient from the first RT start to death or last contact.

Times going in are **days** from the first RT start; ``unit`` only changes the x axis. Traces carry
``meta = {"role": ..., "kind": ..., "reconstructed": bool}`` with roles ``lane``, ``rt``,
``max_response``, ``relapse``, ``death``, ``alive`` and kinds ``published`` (published or imported:
filled markers, solid lines), ``derived`` (computed by a rule from published values: outlined
markers with a centre dot, dashed lanes, lighter RT bars) and ``reconstructed`` (not published:
hollow markers, dotted lines).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from plexrt.charts import style
from plexrt.charts.axes import check_unit, time_ticks, unit_abbrev
from plexrt.charts.checks import check_flag, check_footnote
from plexrt.charts.swimmer_input import KINDS, Course, Patients, read_patients, read_sites
from plexrt.stats.timescale import to_unit

__all__ = ["swimmer_figure"]

# How each kind of time (``KINDS``) is drawn: marker symbol suffix, line dash, legend suffix.
_SYMBOL = {"published": "", "derived": "-open-dot", "reconstructed": "-open"}
_DASH = {"published": "solid", "derived": "dash", "reconstructed": "dot"}
_MARKER_SUFFIX = {
    "published": "",
    "derived": " (derived by a rule)",
    "reconstructed": " (reconstructed time)",
}


def _segments(
    fig: go.Figure,
    lanes: list[str],
    x0: list,
    x1: list,
    unit: str,
    name: str,
    role: str,
    kind: str,
    line: dict,
) -> None:
    """Horizontal segments (one per lane) in one trace, separated by gaps."""
    xs: list = []
    ys: list = []
    for lane, a, b in zip(lanes, x0, x1, strict=True):
        xs += [to_unit(a, unit), to_unit(b, unit), None]
        ys += [lane, lane, None]
    meta = {"role": role, "kind": kind, "reconstructed": kind == "reconstructed"}
    line = {"dash": _DASH[kind], **line}
    fig.add_scatter(x=xs, y=ys, mode="lines", line=line, name=name, hoverinfo="skip", meta=meta)


_LANE_NAMES = {
    "published": "Follow-up",
    "derived": "Follow-up (derived by a rule)",
    "reconstructed": "Follow-up (reconstructed)",
}
_COURSE_NAMES = {
    "published": "RT course",
    "derived": "RT course (end derived: five fractions a week)",
    "reconstructed": "RT course (reconstructed dates)",
}


def _add_lanes(fig: go.Figure, p: Patients, unit: str, present: bool) -> None:
    """Follow-up lanes (thin grey) from 0 to death / last contact; dashed where the end is
    derived, dotted where it is reconstructed."""
    for kind in KINDS:
        sel = [i for i in range(p.n) if p.kind("last_day", i) == kind]
        if sel:
            lanes = [p.lane[i] for i in sel]
            line = {"color": style.GREY, "width": 2.5 if present else 1.5}
            ends = [p.last[i] for i in sel]
            _segments(
                fig, lanes, [0.0] * len(sel), ends, unit, _LANE_NAMES[kind], "lane", kind, line
            )


def _add_courses(fig: go.Figure, courses: list[Course], unit: str, present: bool) -> None:
    """RT courses as thick bars on the lanes; lighter where the end is derived from the number of
    fractions (a dashed bar would read as several courses), dotted where the dates are
    reconstructed."""
    for kind in KINDS:
        sel = [c for c in courses if c.kind == kind]
        if sel:
            line = {"color": style.OKABE_ITO[0], "width": 14 if present else 9}
            if kind == "derived":
                line.update(color=style.rgba(style.OKABE_ITO[0], 0.45), dash="solid")
            lanes = [c.lane for c in sel]
            starts, ends = [c.start for c in sel], [c.end for c in sel]
            _segments(fig, lanes, starts, ends, unit, _COURSE_NAMES[kind], "rt", kind, line)


@dataclass(frozen=True)
class _Marker:
    role: str
    name: str
    symbol: str
    colour: str
    what: str  # in the hover: "<lane>: <what> at <time>"


_MARKERS = (
    _Marker("max_response", "Maximum response", "star", style.OKABE_ITO[2], "maximum response"),
    _Marker("relapse", "Relapse", "square", style.OKABE_ITO[5], "relapse"),
    _Marker("death", "Death", "x", style.BLACK, "death"),
    _Marker(
        "alive", "Alive at last contact", "triangle-right", style.GREY, "alive at last contact"
    ),
)


def _when(days: float, unit: str) -> str:
    if unit == "days":
        return f"day {days:g}"
    return f"{to_unit(days, unit):.1f} {unit_abbrev(unit)} (day {days:g})"


def _marker_rows(p: Patients, role: str, kind: str) -> tuple[list[int], np.ndarray]:
    """The lanes carrying a marker of ``role`` whose time is of ``kind``, and its days."""
    if role == "max_response":
        keep = np.isfinite(p.resp)
        field, days = "max_response_day", p.resp
    elif role == "relapse":
        keep = p.relapse & np.isfinite(p.rel_day)
        field, days = "relapse_day", p.rel_day
    else:
        keep = p.death if role == "death" else ~p.death
        field, days = "last_day", p.last
    return [int(i) for i in np.flatnonzero(keep) if p.kind(field, int(i)) == kind], days


def _add_markers(fig: go.Figure, p: Patients, unit: str, present: bool) -> None:
    """Maximum response, relapse, death, alive: filled where published, outlined with a dot where
    derived by a rule, hollow where reconstructed."""
    size = 16 if present else 11
    for kind in KINDS:
        for m in _MARKERS:
            idx, days = _marker_rows(p, m.role, kind)
            if not idx:
                continue
            text = [
                f"{p.lane[i]}: {m.what} at {_when(days[i], unit)}"
                + ("" if kind == "published" else f" — {kind}")
                for i in idx
            ]
            fig.add_scatter(
                x=[to_unit(days[i], unit) for i in idx],
                y=[p.lane[i] for i in idx],
                mode="markers",
                marker={
                    "symbol": f"{m.symbol}{_SYMBOL[kind]}",
                    "size": size,
                    "color": m.colour,
                    "line": {"width": 2, "color": m.colour},
                },
                name=f"{m.name}{_MARKER_SUFFIX[kind]}",
                text=text,
                hovertemplate="%{text}<extra></extra>",
                meta={"role": m.role, "kind": kind, "reconstructed": kind == "reconstructed"},
            )


def _undrawn_note(p: Patients) -> str | None:
    """A relapse whose day is unknown cannot be placed; say so under the plot rather than guess."""
    undrawn = [p.lane[i] for i in range(p.n) if p.relapse[i] and not np.isfinite(p.rel_day[i])]
    if not undrawn:
        return None
    return f"Relapse with no known day (not drawn): {', '.join(undrawn)}."


def _style_axes(fig: go.Figure, p: Patients, unit: str, x_title: str | None) -> None:
    ticks = time_ticks(float(p.last.max()), unit)
    axis_max = ticks[-1]
    fig.update_xaxes(
        range=[-0.01 * axis_max, axis_max * 1.04],
        tickvals=ticks,
        title_text=x_title or f"Time from first RT start ({unit})",
        zeroline=False,
    )
    # Longest follow-up at the top: plotly puts the first category at the bottom.
    order_top_down = sorted(range(p.n), key=lambda i: -p.last[i])
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=[p.lane[i] for i in reversed(order_top_down)],
        showgrid=False,
        title_text=None,
    )


def swimmer_figure(
    patients: pd.DataFrame,
    sites: pd.DataFrame | None = None,
    unit: str = "months",
    *,
    footnote: str,
    present: bool = False,
    reconstructed: bool = False,
    title: str | None = None,
    x_title: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """One lane per patient from first RT start to death or last contact, longest at the top.

    ``patients`` columns (days from the first RT start): ``patient_id``, ``last_day`` (death or
    last contact), ``death`` (bool); optional ``max_response_day`` (NaN = not known / no marker),
    ``relapse`` (bool), ``relapse_day`` (NaN if none or not known), ``reconstructed`` (bool: this
    patient's times are reconstructed). Per-field flags ``last_day_reconstructed``,
    ``max_response_day_reconstructed``, ``relapse_day_reconstructed`` override ``reconstructed``
    for that field; ``<field>_derived`` (or a row-wide ``derived``) marks a time derived by a rule
    from published values. ``sites``: ``patient_id, course_id, rt_start_day, rt_end_day``
    (optional ``reconstructed``, ``derived``), drawn as thick bars. Lanes are labelled
    "Pt <patient_id>". Reconstructed parts are dotted (lanes, RT bars) or hollow (markers), derived
    parts dashed (lanes), lighter (RT bars) or outlined with a centre dot (markers), each kind a
    separate legend entry; a relapse
    without a known day is not drawn and is named in a line added to the footnote.
    """
    unit = check_unit(unit)
    footnote = check_footnote(footnote)
    present = check_flag(present, "present")
    reconstructed = check_flag(reconstructed, "reconstructed")
    p = read_patients(patients)
    courses = read_sites(sites, p)

    fig = go.Figure()
    _add_lanes(fig, p, unit, present)
    _add_courses(fig, courses, unit, present)
    _add_markers(fig, p, unit, present)
    note = _undrawn_note(p)
    if note:
        footnote = f"{footnote}<br>{note}"
    if height is None:
        fs = style.font_sizes(present)
        lanes_px = (48 if present else 32) * p.n
        legend_px = (fs["base"] + 12) * sum(1 for tr in fig.data if tr.showlegend is not False)
        height = 160 + max(lanes_px, legend_px)
    style.apply(
        fig,
        title=title,
        footnote=footnote,
        present=present,
        height=height,
        reconstructed=reconstructed,
    )
    _style_axes(fig, p, unit, x_title)
    return fig
