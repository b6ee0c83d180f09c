"""Everything the tumour board sees, built once: the slide figures (presentation view, PPTX pack,
HTML report share them), the key figures for the summary slide and the report sections."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from plexrt.charts.cif import cif_figure
from plexrt.charts.dose import dose_response_figure
from plexrt.charts.forest import forest_figure
from plexrt.charts.km import km_figure
from plexrt.charts.paired import paired_figure
from plexrt.charts.swimmer import swimmer_figure
from plexrt.charts.tables import cohort_table
from plexrt.charts.time_to_max import time_to_max_figure
from plexrt.charts.waterfall import waterfall_figure
from plexrt.clinical import comparison, outcomes, pain_views
from plexrt.clinical import endpoints as tte
from plexrt.clinical.forest import forest_data
from plexrt.clinical.response import Definition
from plexrt.stats import survival

SHORT_SOURCE = "Data: Sanuki et al., Cureus 2022;14(1):e20939 (CC-BY 4.0), via PlexRT"


@dataclass(frozen=True)
class BoardInput:
    sites: pd.DataFrame  # the filtered cohort (course_summary rows)
    all_sites: pd.DataFrame
    events: pd.DataFrame
    course_events: pd.DataFrame
    literature: pd.DataFrame
    filter_text: str
    definition: Definition
    aggregate: outcomes.Aggregate | None
    source: str = SHORT_SOURCE

    @property
    def patient_ids(self) -> list[str]:
        return sorted(self.sites["patient_id"].unique(), key=lambda p: (len(p), p))

    @property
    def reconstructed(self) -> bool:
        return bool(len(self.events)) and tte.is_reconstructed(self.events)


@dataclass(frozen=True)
class Slide:
    key: str
    title: str
    fig: go.Figure
    reconstructed: bool = False


def cohort_text(inp: BoardInput) -> str:
    n_s, n_p = len(inp.sites), inp.sites["patient_id"].nunique()
    return f"n = {n_s} site{'s' if n_s != 1 else ''}, {n_p} patient{'s' if n_p != 1 else ''} · {inp.filter_text}"


def header_line(inp: BoardInput) -> str:
    """Cohort in words, data source, and whether anything shown is reconstructed."""
    rec = (
        "Time-to-event figures rest on reconstructed times (not published per patient)."
        if inp.reconstructed
        else "No reconstructed values."
    )
    return f"Cohort: {cohort_text(inp)} · {inp.source} · {rec}"


def slides(inp: BoardInput, present: bool = True, unit: str = "months") -> list[Slide]:
    """The board's charts, one per slide, each with its cohort/method footnote."""
    if inp.sites.empty:
        return []
    line = f"Cohort: {cohort_text(inp)}"
    d = inp.definition
    out = [
        Slide("waterfall", "Change in pain score per site",
              waterfall_figure(pain_views.waterfall_data(inp.sites, d), d, footnote=f"{line}<br>{d.label}", present=present)),
        Slide("paired", "Pain score before RT and at completion",
              paired_figure(pain_views.paired_data(inp.sites), footnote=line, present=present)),
        Slide("time_to_max", "Weeks from RT start to maximum response",
              time_to_max_figure(pain_views.time_to_max(inp.sites), footnote=line, present=present)),
        Slide("dose", "Dose (EQD2, α/β 10 Gy) and change in pain",
              dose_response_figure(pain_views.dose_response(inp.sites, 10.0), footnote=line, present=present)),
    ]  # fmt: skip
    pids = inp.patient_ids
    rec = inp.reconstructed
    if len(inp.events):
        for endpoint in ("survival", "relief"):
            data = tte.endpoint_data(inp.events, pids, endpoint, "completion")
            if data.empty:
                continue
            curves = tte.curves(data, None)
            zero = "maximum response" if endpoint == "relief" else "RT completion"
            fig = km_figure(
                curves, unit=unit, reconstructed=rec, present=present,
                title=f"{tte.ENDPOINTS[endpoint]} (from {zero})",
                x_title=f"{unit.capitalize()} from {zero}",
                footnote=f"{line} · n = {len(data)} patients, {int(data['event'].sum())} events<br>"
                f"{curves[0][1].method_note}",
            )  # fmt: skip
            out.append(Slide(f"km_{endpoint}", tte.ENDPOINTS[endpoint], fig, rec))
        rd = tte.relief_data(inp.events, pids)
        if len(rd):
            cif = survival.cumulative_incidence(rd["duration_days"], rd["code"], 1)
            omk = survival.one_minus_km(rd["duration_days"], rd["code"], 1)
            fig = cif_figure(
                cif, omk, unit=unit, reconstructed=rec, present=present,
                event_name="relapse of pain", competing_name="death before relapse",
                title="Pain relapse with death as a competing event",
                x_title=f"{unit.capitalize()} from maximum response",
                footnote=f"{line} · n = {len(rd)} assessable patients<br>{cif.method_note}",
            )  # fmt: skip
            out.append(Slide("cif", "Pain relapse (competing risks)", fig, rec))
        fig = swimmer_figure(
            tte.swimmer_patients(inp.events, pids), tte.swimmer_sites(inp.course_events, pids),
            unit=unit, reconstructed=rec, present=present, title="Each patient from the start of RT",
            footnote=f"{line}<br>Hollow markers and dotted lanes: reconstructed times.",
        )  # fmt: skip
        out.append(Slide("swimmer", "Swimmer plot", fig, rec))
    forest = _forest(inp, present)
    if forest is not None:
        out.append(Slide("forest", "Response across published series", forest))
    return out


def _records(inp: BoardInput):
    med = tte.series_medians(inp.events, inp.patient_ids)
    plexrt = comparison.plexrt_series(
        inp.sites, inp.definition, med.values, inp.filter_text, med.cis, med.reconstructed
    )
    lit = inp.literature[inp.literature["population"].isin(comparison.DEFAULT_POPULATIONS)]
    records = [plexrt, *lit.to_dict("records")]
    labels = comparison.series_labels(records)
    return records, labels, med


def _forest(inp: BoardInput, present: bool) -> go.Figure | None:
    records, labels, _ = _records(inp)
    data = forest_data(comparison.forest_rows(records, labels, "responders"))
    if data.empty:
        return None
    pooled = comparison.pool(data)
    note = (
        "Pooled: random effects (DerSimonian–Laird) on the logit scale over the published series "
        "only; 0.5 added to 0%/100% cells. Method in full in the HTML report."
        if pooled
        else "No published series to pool."
    )
    return forest_figure(
        data, pooled, title="Pain response across series", present=present,
        footnote=f"Cohort: {cohort_text(inp)}<br>Exact 95% CI per series. {note}",
    )  # fmt: skip


def key_figures(inp: BoardInput, method: str = "exact") -> list[tuple[str, str]]:
    """The summary slide: key figures with their intervals and n."""
    s = outcomes.summarise(inp.sites, inp.definition, method, inp.all_sites, inp.aggregate)
    rows = [("Cohort", cohort_text(inp)), ("Response definition", inp.definition.label)]
    if s.icpre_bounds is not None:
        b = s.icpre_bounds
        rows.append(
            (
                "Responders (ICPRE, range)",
                f"{b.responders_min}–{b.responders_max} of {b.n_sites} sites",
            )
        )
    else:
        rows.append(
            ("Responders", s.responders_treated.text() if s.responders_treated else "not available")
        )
        rows.append(
            (
                "Complete response",
                s.complete_treated.text() if s.complete_treated else "not available",
            )
        )
    weeks = inp.sites["weeks_to_max_response"].dropna()
    if len(weeks):
        rows.append((
            "Weeks to maximum response",
            f"mean {weeks.mean():.1f} (range {weeks.min():g}–{weeks.max():g}; n = {len(weeks)} sites)",
        ))  # fmt: skip
    _, _, med = _records(inp)
    flag = " (reconstructed times)" if med.reconstructed else ""
    for col, label in (
        ("median_survival_months", "Median survival after RT"),
        ("median_relief_months", "Median duration of relief"),
    ):
        if col in med.values:
            rows.append(
                (label, comparison.median_display(med.values[col], med.cis.get(col), False) + flag)
            )
    return rows


def report_tables(inp: BoardInput, method: str = "exact") -> list[tuple[str, pd.DataFrame]]:
    sub = outcomes.subgroup_table(inp.sites, inp.definition, method, inp.all_sites, inp.aggregate)
    return [
        ("Irradiated sites", cohort_table(inp.sites)),
        ("Subgroups (descriptive; n too small for inference)", sub.drop(columns="fisher_p")),
        ("Key figures", pd.DataFrame(key_figures(inp, method), columns=["Figure", "Value"])),
    ]
