"""The tumour board's export panel: one chart (PNG/SVG), the HTML report, the PPTX pack and the
printed handout, each with the case at the board when one was entered.

Images come from the process's shared browser (``export.rendering``), started in the background
when this panel is first shown and kept; the pack shows a progress bar while its charts are drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from plexrt.board.summary import (
    BoardInput,
    cohort_medians,
    cohort_text,
    header_line,
    key_figures,
    reconstruction_note,
)
from plexrt.charts import style
from plexrt.charts.tables import dispute_notes
from plexrt.export import handout, images, rendering
from plexrt.export.board_pack import board_pack
from plexrt.export.case_material import CaseMaterial, case_section
from plexrt.export.report import Section, html_report
from plexrt.export.slides import (
    Slide,
    key_figure_notes,
    pack_heading,
    report_tables,
    site_table_note,
)
from plexrt.export.tabular import safe_csv
from plexrt.ui import db, exports, widgets
from plexrt.ui.safe_text import md
from plexrt.ui.series_state import series_key

PACK_TITLE = "PlexRT · malignant lumbosacral plexopathy"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
CaseFor = Callable[[bool], CaseMaterial | None]


def start_renderer() -> None:
    """When the exports are drawn: start the export browser in the background, so that the first
    export does not wait for Chromium to start. With every tab drawn at once (a series of up to
    ``LAZY_TABS_ABOVE`` sites) that is on opening the board; for a registry, on opening the
    Exports tab, so that the browser's start (4.5 CPU s over the board's first three steps at
    100,000 courses, measured) does not slow the board's first filter changes on the same cores."""
    rendering.warm_up()


def built_for(inp: BoardInput, today: str) -> tuple:
    """What a built export shows: the series in view (and its last change), the filter, the
    response definition, the case at the board and the sites it is matched against, the date.
    A file built for other ones is not offered (it would give another series' patients, or
    figures the page no longer shows, under this page's download and audit)."""
    case = st.session_state.get("board_case")
    return (
        series_key(),
        inp.filter_text,
        inp.definition,
        repr(case),
        bool(st.session_state.get("match_filtered")),
        today,
    )


class Counted:
    """The key figures and how they were counted, for one run of the panel: computed when first
    asked for and then shared by the key-figures CSV, the report, the pack and the handout (each
    computed them again: the cohort's medians three times, 2 CPU s at 100,000 courses)."""

    def __init__(self, inp: BoardInput) -> None:
        self.inp = inp

    @cached_property
    def medians(self):
        return cohort_medians(self.inp)

    @cached_property
    def figures(self) -> list[tuple[str, str]]:
        return key_figures(self.inp, medians=self.medians)

    @cached_property
    def notes(self) -> list[str]:
        return key_figure_notes(self.inp, medians=self.medians)


def _keep(name: str, made_for: tuple, value: object) -> None:
    st.session_state[name] = (made_for, value)


def _kept(name: str, made_for: tuple) -> Any:
    """The export ``name`` when it was built for ``made_for``, else None."""
    got = st.session_state.get(name)
    return got[1] if got and got[0] == made_for else None


def export_panel(inp: BoardInput, slides: list[Slide], today: str, case_for: CaseFor) -> None:
    """``case_for(present)``: the case at the board drawn for screen (False) or projector (True),
    or None when no case was entered."""
    if inp.sites.empty:
        widgets.empty_cohort()
        return
    can_render = images.browser_available()  # (started by start_renderer when it is)
    if not can_render:
        st.info(images.UNAVAILABLE_MESSAGE, icon=":material/info:")
    with_case = case_for(False) is not None
    st.caption(
        "The patient at the board is included in the report, the pack and the handout."
        if with_case
        else "No patient entered: the exports describe the cohort only (enter a case in the "
        "first tab to include it)."
    )
    made_for = built_for(inp, today)
    counted = Counted(inp)
    st.markdown("## One chart")
    _one_chart(inp, slides, can_render, made_for)
    st.markdown("## Report, board pack and handout")
    c = st.columns(3)
    _html_report(c[0], counted, slides, case_for, made_for)
    _board_pack(c[1], counted, slides, today, can_render, case_for, made_for)
    _handout(c[2], counted, slides, today, can_render, case_for, made_for)
    st.caption("Every exported chart carries its cohort and method footnote and the data source.")
    exports.download(
        st,
        "Download key figures (CSV)",
        safe_csv(pd.DataFrame(counted.figures, columns=["Figure", "Value"])),
        "plexrt_key_figures.csv",
        mime="text/csv",
        what="key figures CSV",
        key="dl_keyfig",
    )


def _one_chart(inp: BoardInput, slides: list[Slide], can_render: bool, made_for: tuple) -> None:
    """One slide's chart, stamped with the data source, as PNG or SVG."""
    c = st.columns([3, 1, 1])
    choice = c[0].selectbox(
        "Chart", range(len(slides)), format_func=lambda i: slides[i].title, key="export_chart"
    )
    fig = images.stamp(slides[choice].fig, inp.source)
    for col, fmt in ((c[1], "png"), (c[2], "svg")):
        if col.button(f"Render {fmt.upper()}", key=f"render_{fmt}", disabled=not can_render):
            with col.status(f"Rendering {fmt.upper()}…") as status:
                try:
                    data = images.figure_png(fig) if fmt == "png" else images.figure_svg(fig)
                    _keep(f"export_{fmt}", made_for, (slides[choice].key, data))
                    status.update(label=f"{fmt.upper()} ready", state="complete")
                except images.ExportUnavailable as exc:
                    status.update(label=str(exc), state="error")
        got = _kept(f"export_{fmt}", made_for)
        if got and got[0] == slides[choice].key:
            exports.download(
                col,
                f"Download {fmt.upper()}",
                got[1],
                f"plexrt_{got[0]}.{fmt}",
                mime="image/png" if fmt == "png" else "image/svg+xml",
                what=f"chart {fmt.upper()}",
                key=f"dl_{fmt}",
            )


def _html_report(
    col: DeltaGenerator, counted: Counted, slides: list[Slide], case_for: CaseFor, made_for: tuple
):
    if col.button("Build HTML report (opens offline)", key="build_html"):
        with col.status("Building the report…") as status:
            _keep("export_html", made_for, _report(counted, slides, case_for(False)))
            status.update(label="Report ready", state="complete")
    page = _kept("export_html", made_for)
    if page:
        exports.download(
            col,
            "Download HTML report",
            page,
            "plexrt_report.html",
            mime="text/html",
            what="HTML report",
            key="dl_html",
        )


def _board_pack(
    col: DeltaGenerator,
    counted: Counted,
    slides: list[Slide],
    today: str,
    can_render: bool,
    case_for: CaseFor,
    made_for: tuple,
) -> None:
    if col.button("Build board pack (PPTX)", key="build_pptx", disabled=not can_render):
        bar = col.progress(0.0, text="Preparing the charts…")

        def progress(done: int, total: int) -> None:
            bar.progress(done / total, text=f"Drawn {done} of {total} charts")

        inp = counted.inp
        try:
            pack = board_pack(
                PACK_TITLE,
                cohort_text(inp),
                inp.source,
                today,
                [(pack_heading(s), s.fig) for s in slides],
                counted.figures,
                case=case_for(True),
                on_progress=progress,
                summary_notes=counted.notes,
            )
            _keep("export_pptx", made_for, pack)
            bar.progress(1.0, text="Board pack ready")
        except images.ExportUnavailable as exc:
            bar.empty()
            col.error(md(str(exc)))
    pack = _kept("export_pptx", made_for)
    if pack:
        exports.download(
            col,
            "Download board pack (PPTX)",
            pack,
            "plexrt_board_pack.pptx",
            mime=PPTX_MIME,
            what="board pack PPTX",
            key="dl_pptx",
        )


def handout_input(counted: Counted, today: str, case: CaseMaterial | None) -> handout.HandoutInput:
    inp = counted.inp
    return handout.HandoutInput(
        title="PlexRT · tumour board handout",
        date_text=today,
        cohort_text=cohort_text(inp),
        source=inp.source,
        key_figures=counted.figures,
        method_notes=counted.notes,
        case=case,
    )


def _handout(
    col: DeltaGenerator,
    counted: Counted,
    slides: list[Slide],
    today: str,
    can_render: bool,
    case_for: CaseFor,
    made_for: tuple,
) -> None:
    paper = col.radio("Paper", list(handout.PAPERS), horizontal=True, key="handout_paper")
    if col.button("Build printable handout", key="build_handout"):
        with col.status("Building the one-page handout…") as status:
            case = case_for(False)
            chart = _handout_chart(slides, case) if can_render else None
            page = handout.handout_html(handout_input(counted, today, case), paper, chart)
            _keep("export_handout", made_for, (paper, page, None))
            if can_render:
                try:
                    _keep("export_handout", made_for, (paper, page, handout.pdf(page, paper)))
                except images.ExportUnavailable as exc:
                    col.warning(md(str(exc)))
            status.update(label="Handout ready", state="complete")
    got = _kept("export_handout", made_for)
    if got:
        got_paper, page, pdf = got
        if pdf is not None:
            exports.download(
                col,
                f"Download handout (PDF, {got_paper})",
                pdf,
                f"plexrt_handout_{got_paper.lower()}.pdf",
                mime="application/pdf",
                what="handout PDF",
                key="dl_handout_pdf",
            )
        exports.download(
            col,
            f"Download handout (HTML for printing, {got_paper})",
            page,
            f"plexrt_handout_{got_paper.lower()}.html",
            mime="text/html",
            what="handout HTML",
            key="dl_handout_html",
        )


def _handout_chart(slides: list[Slide], case: CaseMaterial | None) -> tuple[str, str] | None:
    """The handout's chart: the waterfall with the best-matching sites, else the board's."""
    if case is not None:
        label, fig = case.figures[0]
    else:
        first = next((s for s in slides if s.key == "waterfall"), None)
        if first is None:
            return None
        label, fig = first.title, first.fig
    try:
        return label, handout.figure_svg(fig)
    except images.ExportUnavailable:
        return None


_DISCREPANCY_COLUMNS = [
    "discrepancy_id",
    "topic",
    "reading_a",
    "where_a",
    "reading_b",
    "where_b",
    "resolution",
]


def _report(counted: Counted, slides: list[Slide], case: CaseMaterial | None) -> str:
    inp = counted.inp
    checks, conflicts = db.reconstruction_report()
    notes = [header_line(inp), *counted.notes]
    note = reconstruction_note(inp, checks)  # what is drawn, kept and pooled
    if note:
        notes.append(note)
    sections = _report_sections(counted, slides, conflicts)
    if case is not None:
        sections.insert(0, case_section(case))
    return html_report(
        "PlexRT report · radiotherapy for malignant lumbosacral plexopathy",
        inp.filter_text,
        inp.source,
        sections,
        notes,
    )


def _report_sections(
    counted: Counted, slides: list[Slide], conflicts: pd.DataFrame
) -> list[Section]:
    """Pain response, time to event, literature, provenance: the slides' figures with tables."""
    inp = counted.inp
    by_key = {s.key: s for s in slides}
    pain = [
        (by_key[k].title, by_key[k].fig)
        for k in ("waterfall", "paired", "time_to_max", "dose")
        if k in by_key
    ]
    tte_figs = [(s.title, s.fig) for s in slides if s.key.startswith(("km_", "cif", "swim"))]
    # the methods a slide's short footnote leaves out, then the reconstruction's conflicts
    method_notes = [
        f"{s.title}: {' '.join(style.methods_of(s.fig))}"
        for s in slides
        if s.key.startswith(("km_", "cif", "swim")) and style.methods_of(s.fig)
    ]
    conflict_notes = [
        f"{k.conflict_id}: {k.description} — {k.dropped}" for k in conflicts.itertuples()
    ]
    discrepancies = db.table("discrepancies")
    disc = discrepancies[_DISCREPANCY_COLUMNS]
    return [
        Section(
            "Pain response",
            pain,
            report_tables(inp, disputes=dispute_notes(discrepancies), figures=counted.figures),
            [note] if (note := site_table_note(len(inp.sites))) else [],
        ),
        Section("Time to event", tte_figs, [], [*method_notes, *conflict_notes]),
        Section("Literature", [(s.title, s.fig) for s in slides if s.key == "forest"]),
        Section(
            "Provenance and contradictions",
            [],
            # (a series without recorded contradictions, e.g. an own series, has no such table)
            [("Contradictions in the paper", disc)] if len(disc) else [],
            [f"{n} stored values from {label}" for label, n in db.source_counts()],
        ),
    ]
