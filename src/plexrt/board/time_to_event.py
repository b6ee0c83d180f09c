"""What the board's time-to-event charts show and say: the curves, titles and footnotes of the
Kaplan-Meier, competing-risks and swimmer slides. ``plexrt.export.slides`` only draws them.

A slide's footnote is short (cohort, the key figure, the method named, where the methods are):
a projector at 1280x720 has room for three or four lines under the chart. The methods in full
(``methods``) go to the PPTX speaker notes, the HTML report and under the chart in presentation
mode.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from plexrt.board.summary import RECONSTRUCTED_FLAG, BoardInput, cohort_text, relapse_curves
from plexrt.clinical import endpoints as tte
from plexrt.clinical import tte_estimates as te
from plexrt.clinical import tte_rates
from plexrt.data.values import counted
from plexrt.stats import survival, timescale

# Every time-to-event slide counts survival from RT completion, as the paper does.
TIME_ZERO = "completion"
# The footnote's last words: where the methods it leaves out are (see the module docstring).
METHODS_POINTER = "Methods in full: speaker notes and report."


def _flag(inp: BoardInput) -> str:
    """What a slide's name (its heading in the PPTX and the report) adds when the times are
    reconstructed. The chart's own title does not repeat it: the chart carries the
    RECONSTRUCTED TIMES line (``charts.style.RECONSTRUCTED_LABEL``) under its title."""
    return RECONSTRUCTED_FLAG if inp.reconstructed else ""


def footnote(*parts: str) -> str:
    """Footnote lines joined for a chart; empty parts are left out."""
    return "<br>".join(p for p in parts if p)


@dataclass(frozen=True)
class KMPanel:
    """One Kaplan-Meier slide."""

    key: str
    name: str
    title: str
    x_title: str
    curves: list[tuple[str, survival.KMResult]]
    footnote: str
    reconstructed: bool
    methods: tuple[str, ...] = ()


@dataclass(frozen=True)
class CIFPanel:
    """The competing-risks slide: relapse of pain with death before relapse competing."""

    key: str
    name: str
    title: str
    x_title: str
    cif: survival.CIFResult
    one_minus_km: pd.DataFrame
    footnote: str
    reconstructed: bool
    methods: tuple[str, ...] = ()


@dataclass(frozen=True)
class SwimmerPanel:
    """The swimmer slide: every patient from the start of RT."""

    key: str
    name: str
    title: str
    patients: pd.DataFrame
    sites: pd.DataFrame
    footnote: str
    reconstructed: bool


# The time-to-event slides' names (their headings in the PPTX and the report).
CIF_NAME = "Pain relapse (competing risks)"
SWIMMER_NAME = "Swimmer plot"
KM_ENDPOINTS = ("survival", "relief")


def km_panels(inp: BoardInput, unit: str = "months") -> list[KMPanel]:
    """Survival after RT and duration of relief (when any patient can be assessed for it)."""
    return [p for e in KM_ENDPOINTS if (p := km_panel(inp, e, unit)) is not None]


def km_panel(inp: BoardInput, endpoint: str, unit: str = "months") -> KMPanel | None:
    """The Kaplan-Meier slide of ``endpoint`` (survival or relief); None when no patient of the
    cohort can be assessed for it."""
    data = tte.endpoint_data(inp.events, inp.patient_ids, endpoint, TIME_ZERO)
    if data.empty:
        return None
    line = f"Cohort: {cohort_text(inp)}"
    curves, pooled, medians, short = pooled_curves(inp, data, endpoint, unit)
    zero = "maximum response" if endpoint == "relief" else "RT completion"
    n, n_events = tte.event_counts(data)
    note = footnote(
        f"{line} · n = {counted(n, 'patient')}, {counted(n_events, 'event')}",
        short,
        _method_line("Kaplan–Meier with 95% CI (log-log)", unit),
    )
    return KMPanel(
        key=f"km_{endpoint}",
        name=tte.ENDPOINTS[endpoint] + _flag(inp),
        title=f"{tte.ENDPOINTS[endpoint]} (from {zero})",
        x_title=f"{unit.capitalize()} from {zero}",
        curves=curves,
        footnote=note,
        reconstructed=inp.reconstructed,
        methods=_left_out(
            note,
            medians,
            curves[0][1].method_note,
            te.reconstruction_short(pooled) if pooled else "",
            timescale.unit_note(unit),
        ),
    )


def panel_names(inp: BoardInput) -> list[tuple[str, str]]:
    """(key, name) of the time-to-event slides, in the order drawn, without computing a curve:
    a Kaplan-Meier slide per endpoint some patient is assessable for, the relapse slide when
    someone is assessable for relief (``cif_panel`` is None otherwise), the swimmer plot; none
    without events."""
    if not len(inp.events):
        return []
    shown = [
        e
        for e in KM_ENDPOINTS
        if not tte.endpoint_data(inp.events, inp.patient_ids, e, TIME_ZERO).empty
    ]
    out = [(f"km_{e}", tte.ENDPOINTS[e] + _flag(inp)) for e in shown]
    if "relief" in shown:
        out.append(("cif", CIF_NAME + _flag(inp)))
    return [*out, ("swimmer", SWIMMER_NAME + _flag(inp))]


def _left_out(note: str, *parts: str) -> tuple[str, ...]:
    """The methods lines a slide's footnote ``note`` leaves out: the speaker notes, the report
    and presentation mode give the footnote and then these, so a line the footnote already
    states (the relapse rate of real times, the month's length) is not given twice."""
    return tuple(p for p in parts if p and p not in note)


def _method_line(method: str, unit: str) -> str:
    """'Kaplan–Meier with 95% CI (log-log); months of 365.25/12 = 30.44 days. Methods in full:
    speaker notes and report.'"""
    note = timescale.unit_note(unit)
    return f"{method}{'; ' + note if note else ''}. {METHODS_POINTER}"


def pooled_curves(
    inp: BoardInput, data: pd.DataFrame, endpoint: str, unit: str = "months"
) -> tuple[list[tuple[str, survival.KMResult]], int, str, str]:
    """The curve drawn (the stored times; its legend gives where it crosses 0.5), how many
    reconstructions were pooled (0: none), and the pooled medians in words: in full for the
    methods, and short for the footnote ('All patients: pooled median 5.4 mo (95% CI 1.0 mo to
    not reached) over 200 reconstructions; the curve drawn is one of them.'). Both '' for real
    times, whose legend carries median and CI."""
    curves = tte.curves(data, None)
    ests = te.group_medians(inp.events, inp.draws, inp.patient_ids, endpoint, TIME_ZERO, None)
    pooled = max((e.m for e in ests.values()), default=0)
    if not pooled:  # real times: the legend's median and CI are the estimate
        return curves, 0, "", ""
    words = "; ".join(f"{k}: pooled median {e.text(unit)}" for k, e in ests.items())
    short = []
    for k, e in ests.items():
        median = e.median_text(unit)
        ci = survival.interval_words(*e.ci_limits(unit), median)
        short.append(f"{k}: pooled median {median} (95% CI {ci}) over {e.m} reconstructions")
    return curves, pooled, words + ".", "; ".join(short) + "; the curve drawn is one of them."


def cif_panel(inp: BoardInput, unit: str = "months") -> CIFPanel | None:
    """Relapse of pain with death before relapse as the competing event, or None when no patient
    of the cohort is assessable for relief."""
    relapse = relapse_curves(inp)
    if relapse is None:
        return None
    at, at_short = relapse_at(inp)
    note = footnote(
        f"Cohort: {cohort_text(inp)} · n = {counted(relapse.n_patients, 'assessable patient')}",
        at_short,
        _method_line("Aalen–Johansen with 95% CI (log-log)", unit),
    )
    return CIFPanel(
        key="cif",
        name=CIF_NAME + _flag(inp),
        title="Pain relapse with death as a competing event",
        x_title=f"{unit.capitalize()} from maximum response",
        cif=relapse.cif,
        one_minus_km=relapse.one_minus_km,
        footnote=note,
        reconstructed=inp.reconstructed,
        methods=_left_out(note, relapse.cif.method_note, at, timescale.unit_note(unit)),
    )


def swimmer_panel(inp: BoardInput, unit: str = "months") -> SwimmerPanel:
    """Every line style is explained in the footnote itself: no methods left for the notes."""
    return SwimmerPanel(
        key="swimmer",
        name=SWIMMER_NAME + _flag(inp),
        title="Each patient from the start of RT",
        patients=tte.swimmer_patients(inp.events, inp.patient_ids),
        sites=tte.swimmer_sites(inp.course_events, inp.patient_ids),
        footnote=footnote(
            f"Cohort: {cohort_text(inp)}",
            inp.words.swimmer_note,
            timescale.unit_note(unit),
        ),
        reconstructed=inp.reconstructed,
    )


def relapse_at(inp: BoardInput, months: float = 6) -> tuple[str, str]:
    """In full and short: 'Relapse by 6 months: 22% (95% CI 3–51%), pooled over 200
    reconstructions by Rubin's rules (their own values 22–22%); the curve drawn is one
    reconstruction.' and 'Relapse by 6 months: 22% (95% CI 3–51%), pooled over 200
    reconstructions.' -- both the plain figure for real times; ('', '') when nobody is assessable.
    An interval that cannot be computed is said so ('100% (CI not estimable)', ``rate_text``)."""
    rows = tte_rates.relapse_incidence_at(inp.events, inp.draws, inp.patient_ids, (months,))
    if rows.empty:
        return "", ""
    r = rows.iloc[0]
    rate = tte_rates.rate_text(r["estimate"], r["low"], r["high"], bool(r["beyond_follow_up"]))
    head = f"Relapse by {months:g} months: {rate}"
    if pd.isna(r["member_low"]):
        return head + ".", head + "."
    m = rows.attrs["m"]
    full = (
        f"{head}, pooled over {m} reconstructions by Rubin's rules (their own values "
        f"{100 * r['member_low']:.0f}–{100 * r['member_high']:.0f}%); the curve drawn is one "
        "reconstruction."
    )
    return full, f"{head}, pooled over {m} reconstructions."
