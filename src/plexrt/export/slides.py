"""The tumour board drawn: one figure per slide (the presentation view, the PPTX pack and the HTML
report share them) and the tables that go with them into the report.

What the figures show is computed in ``plexrt.board.summary``; this module only draws it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from plexrt.board import time_to_event
from plexrt.board.summary import (
    BoardInput,
    cohort_text,
    key_figures,
    omed_header,
    series_records,
)
from plexrt.charts.cif import cif_figure
from plexrt.charts.dose import dose_response_figure
from plexrt.charts.forest import forest_figure
from plexrt.charts.km import km_figure
from plexrt.charts.paired import paired_figure
from plexrt.charts.swimmer import swimmer_figure
from plexrt.charts.tables import cohort_table
from plexrt.charts.time_to_max import time_to_max_figure
from plexrt.charts.waterfall import waterfall_figure
from plexrt.clinical import literature_comparison, pain_views, response_summary
from plexrt.clinical.dose import DEFAULT_ALPHA_BETA
from plexrt.clinical.forest import forest_data


@dataclass(frozen=True)
class Slide:
    """One chart of the board; ``reconstructed`` when it rests on reconstructed times."""

    key: str
    title: str
    fig: go.Figure
    reconstructed: bool = False


def slides(inp: BoardInput, present: bool = True, unit: str = "months") -> list[Slide]:
    """The board's charts, one per slide, each with its cohort/method footnote."""
    if inp.sites.empty:
        return []
    out = _pain_slides(inp, present)
    if len(inp.events):
        out += _time_to_event_slides(inp, present, unit)
    forest = _forest(inp, present)
    if forest is not None:
        out.append(Slide("forest", "Response across published series", forest))
    return out


def _pain_slides(inp: BoardInput, present: bool) -> list[Slide]:
    line = f"Cohort: {cohort_text(inp)}"
    d = inp.definition
    return [
        Slide(
            "waterfall",
            "Change in pain score per site",
            waterfall_figure(
                pain_views.waterfall_data(inp.sites, d),
                d,
                footnote=f"{line}<br>{d.label}",
                present=present,
            ),
        ),
        Slide(
            "paired",
            "Pain score before RT and at completion",
            paired_figure(pain_views.paired_data(inp.sites), footnote=line, present=present),
        ),
        Slide(
            "time_to_max",
            "Weeks from RT start to maximum response",
            time_to_max_figure(pain_views.time_to_max(inp.sites), footnote=line, present=present),
        ),
        Slide(
            "dose",
            "Dose (EQD2, α/β 10 Gy) and change in pain",
            dose_response_figure(
                pain_views.dose_response(inp.sites, DEFAULT_ALPHA_BETA),
                footnote=line,
                present=present,
            ),
        ),
    ]


def _time_to_event_slides(inp: BoardInput, present: bool, unit: str) -> list[Slide]:
    """Kaplan-Meier of survival and relief, relapse with death competing, the swimmer plot: what
    they show and say comes from ``plexrt.board.time_to_event``; drawn here."""
    out = []
    for k in time_to_event.km_panels(inp, unit):
        fig = km_figure(
            k.curves,
            unit=unit,
            reconstructed=k.reconstructed,
            present=present,
            title=k.title,
            x_title=k.x_title,
            footnote=k.footnote,
        )
        out.append(Slide(k.key, k.name, fig, k.reconstructed))
    c = time_to_event.cif_panel(inp, unit)
    if c is not None:
        fig = cif_figure(
            c.cif,
            c.one_minus_km,
            unit=unit,
            reconstructed=c.reconstructed,
            present=present,
            event_name="relapse of pain",
            competing_name="death before relapse",
            title=c.title,
            x_title=c.x_title,
            footnote=c.footnote,
        )
        out.append(Slide(c.key, c.name, fig, c.reconstructed))
    w = time_to_event.swimmer_panel(inp, unit)
    fig = swimmer_figure(
        w.patients,
        w.sites,
        unit=unit,
        reconstructed=w.reconstructed,
        present=present,
        title=w.title,
        footnote=w.footnote,
    )
    out.append(Slide(w.key, w.name, fig, w.reconstructed))
    return out


def _forest(inp: BoardInput, present: bool) -> go.Figure | None:
    series = series_records(inp)
    rows = literature_comparison.forest_rows(series.records, series.labels, "responders")
    data = forest_data(rows)
    if data.empty:
        return None
    pooled = literature_comparison.pool(data)
    note = literature_comparison.pool_note(pooled)
    return forest_figure(
        data,
        pooled,
        title="Pain response across series",
        present=present,
        footnote=f"Cohort: {cohort_text(inp)}<br>Exact 95% CI per series. {note}",
    )


def report_tables(inp: BoardInput, method: str = "exact") -> list[tuple[str, pd.DataFrame]]:
    """The tables of the report's pain section: the sites, the subgroups, the key figures."""
    sub = response_summary.subgroup_table(
        inp.sites, inp.definition, method, inp.all_sites, inp.aggregate
    )
    return [
        ("Irradiated sites", cohort_table(inp.sites, omed_header=omed_header(inp))),
        ("Subgroups (descriptive; n too small for inference)", sub.drop(columns="fisher_p")),
        ("Key figures", pd.DataFrame(key_figures(inp, method), columns=["Figure", "Value"])),
    ]
