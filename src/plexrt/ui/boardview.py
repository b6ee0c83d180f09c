"""Tumour-board screens: presentation view, case results, export panel."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from plexrt.board.benchmarks import benchmark_note, literature_benchmark
from plexrt.board.case import Case
from plexrt.board.position import case_position
from plexrt.board.similarity import MAX_SCORE, SCORE_NOTE, most_similar
from plexrt.board.summary import (
    BoardInput,
    cohort_text,
    header_line,
    key_figures,
    reconstruction_note,
)
from plexrt.charts import board as marks
from plexrt.charts.dose import dose_response_figure
from plexrt.charts.tables import benchmark_table, similar_table
from plexrt.charts.waterfall import waterfall_figure
from plexrt.clinical import pain_views
from plexrt.data import vocab
from plexrt.data.userstore import UserDataBusy
from plexrt.export import images
from plexrt.export.board_pack import board_pack
from plexrt.export.report import Section, html_report
from plexrt.export.slides import Slide, report_tables
from plexrt.export.tabular import safe_csv
from plexrt.ui import db, widgets

SCREENS = {"1080": ("1920 × 1080", 860), "720": ("1280 × 720", 530)}

# Projector styling: no sidebar, larger type everywhere.
PRESENT_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"] { display: none !important; }
.block-container { padding-top: 1rem !important; max-width: 100% !important; }
html, body, [data-testid="stMarkdownContainer"] p { font-size: 20px; line-height: 1.35; }
</style>
"""


def presenting() -> bool:
    """Presentation mode is on (toggle, or the URL ?present=1 on first load); keeps the URL in step."""
    if "present_on" not in st.session_state:
        raw = st.query_params.get("present")
        if raw not in (None, "0", "1"):
            st.warning(f"Ignored URL parameter present={str(raw)[:20]!r}: use present=1.")
        st.session_state.present_on = raw == "1"
    if st.session_state.present_on:
        st.query_params["present"] = "1"
    elif "present" in st.query_params:
        del st.query_params["present"]
    return st.session_state.present_on


def presentation_toggle() -> None:
    st.toggle("Presentation mode (one chart per screen, for the projector)", key="present_on")


def _exit() -> None:
    st.session_state.present_on = False


def _slide_index(n: int) -> int:
    if "slide_i" not in st.session_state:
        raw = st.query_params.get("slide", "1")
        try:
            i = int(raw) - 1
        except ValueError:
            st.warning(f"Ignored URL parameter slide={str(raw)[:20]!r}: not a slide number.")
            i = 0
        if not 0 <= i < n:
            st.warning(f"URL parameter slide={str(raw)[:20]!r} is outside 1–{n}: showing slide 1.")
            i = 0
        st.session_state.slide_i = i
    return st.session_state.slide_i


def _move(step: int, n: int) -> None:
    st.session_state.slide_i = (st.session_state.slide_i + step) % n


def presentation_view(inp: BoardInput, slides: list[Slide]) -> None:
    st.markdown(PRESENT_CSS, unsafe_allow_html=True)
    if not slides:
        st.info("No site matches the current filters.")
        st.button("Exit presentation", on_click=_exit)
        return
    n = len(slides)
    i = _slide_index(n)
    st.query_params["slide"] = str(i + 1)
    s = slides[i]
    top = st.columns([5.2, 1.5, 1, 1, 1], vertical_alignment="center")
    top[0].markdown(f"**Slide {i + 1} of {n} · {s.title}**  \n{header_line(inp)}")
    screen = widgets.page_choice(
        "screen",
        "Screen",
        {k: v[0].replace(" × ", "×") for k, v in SCREENS.items()},
        "1080",
        container=top[1],
        label_visibility="collapsed",
    )
    top[2].button("◀ Prev", on_click=_move, args=(-1, n), key="prev_slide", width="stretch")
    top[3].button("Next ▶", on_click=_move, args=(1, n), key="next_slide", width="stretch")
    top[4].button("Exit", on_click=_exit, key="exit_present", width="stretch")
    fig = s.fig
    fig.update_layout(height=SCREENS[screen][1])
    widgets.chart(fig, f"slide_{s.key}")


def case_results(case: Case, df: pd.DataFrame, inp: BoardInput) -> None:
    pos = case_position(case, df)
    st.markdown(
        f"**Patient under discussion:** {case.primary_cancer or case.primary_group or 'primary not given'}, "
        f"{case.involved_muscle}, {vocab.label(case.intent, vocab.INTENT_LABELS)}, baseline NRS {case.nrs_before}, "
        f"planned {case.regimen}."
    )
    st.markdown(f"- {pos['nrs_text']}\n- {pos['eqd2_text']}")
    top = most_similar(case, df, db.events(), k=5)
    st.markdown("**Most similar irradiated sites** (" + SCORE_NOTE + ")")
    st.dataframe(
        similar_table(top),
        hide_index=True,
        width="stretch",
        column_config={
            "Why similar": st.column_config.TextColumn(width="large"),
            "Relief": st.column_config.TextColumn(width="medium"),
            "Score": st.column_config.NumberColumn(f"Score (of {MAX_SCORE})"),
        },
    )
    line = f"Cohort: {cohort_text(inp)}"
    a, b = st.columns(2)
    with a:
        fig = waterfall_figure(
            pain_views.waterfall_data(df, inp.definition),
            inp.definition,
            footnote=f"{line}<br>▼ = most similar sites",
        )
        marks.highlight_sites(fig, top["course_id"], "most similar to this patient")
        widgets.chart(fig, "case_chart_waterfall")
    with b:
        fig = dose_response_figure(
            pain_views.dose_response(df, 10.0), footnote=f"{line}<br>Dashed: planned regimen"
        )
        marks.mark_eqd2(fig, pos["eqd2_10_gy"], f"this patient: {case.regimen}")
        widgets.chart(fig, "case_chart_dose")
    bench = literature_benchmark(case, db.literature_all())
    st.markdown("**Published benchmark for the same population**")
    if bench.empty:
        st.info(benchmark_note(case.involved_muscle))
    else:
        st.table(benchmark_table(bench).set_index("Series"))
        st.caption(bench.attrs.get("note", ""))
    label = st.text_input("Label for this case (optional, no names)", key="case_label")
    if st.button("Save this case", key="save_case"):
        try:
            key = db.user_store().save_case(case, label)
        except UserDataBusy as exc:
            st.error(f"Not saved: {exc}")
        else:
            st.success(f"Saved as {key} in your local PlexRT data (not in the bundled series).")


def saved_cases() -> None:
    """The cases the user chose to keep: list, export, delete."""
    try:
        cases = db.user_store().cases()
    except UserDataBusy as exc:
        st.warning(str(exc), icon=":material/lock:")
        return
    with st.expander(f"Saved cases ({len(cases)})"):
        if cases.empty:
            st.caption("None saved. A case is kept only when you press Save this case.")
            return
        st.dataframe(cases, hide_index=True, width="stretch")
        c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="bottom")
        c1.download_button(
            "Download saved cases (CSV)",
            safe_csv(cases),
            "plexrt_cases.csv",
            mime="text/csv",
            key="dl_cases",
        )
        gone = c2.selectbox("Delete", list(cases["case_id"]), key="case_to_delete")
        if c3.button("Delete case", key="delete_case"):
            db.user_store().delete_case(gone)
            st.rerun()


def export_panel(inp: BoardInput, slides: list[Slide], today: str) -> None:
    if inp.sites.empty:
        widgets.empty_cohort()
        return
    can_render = images.browser_available()
    if not can_render:
        st.info(images.UNAVAILABLE_MESSAGE, icon=":material/info:")
    st.markdown("#### One chart")
    _one_chart(inp, slides, can_render)
    st.markdown("#### Report and board pack")
    c = st.columns(2)
    _html_report(c[0], inp, slides)
    _board_pack(c[1], inp, slides, today, can_render)
    st.caption("Every exported chart carries its cohort and method footnote and the data source.")
    st.download_button(
        "Download key figures (CSV)",
        safe_csv(pd.DataFrame(key_figures(inp), columns=["Figure", "Value"])),
        "plexrt_key_figures.csv",
        mime="text/csv",
        key="dl_keyfig",
    )


def _one_chart(inp: BoardInput, slides: list[Slide], can_render: bool) -> None:
    """One slide's chart, stamped with the data source, as PNG or SVG."""
    c = st.columns([3, 1, 1])
    choice = c[0].selectbox(
        "Chart", range(len(slides)), format_func=lambda i: slides[i].title, key="export_chart"
    )
    fig = images.stamp(slides[choice].fig, inp.source)
    for col, fmt in ((c[1], "png"), (c[2], "svg")):
        if col.button(f"Render {fmt.upper()}", key=f"render_{fmt}", disabled=not can_render):
            with st.spinner(f"Rendering {fmt.upper()} (a few seconds)…"):
                try:
                    data = images.figure_png(fig) if fmt == "png" else images.figure_svg(fig)
                    st.session_state[f"export_{fmt}"] = (slides[choice].key, data)
                except images.ExportUnavailable as exc:
                    st.error(str(exc))
        got = st.session_state.get(f"export_{fmt}")
        if got and got[0] == slides[choice].key:
            col.download_button(
                f"Download {fmt.upper()}",
                got[1],
                f"plexrt_{got[0]}.{fmt}",
                mime="image/png" if fmt == "png" else "image/svg+xml",
                key=f"dl_{fmt}",
            )


def _html_report(col: DeltaGenerator, inp: BoardInput, slides: list[Slide]) -> None:
    if col.button("Build HTML report (opens offline)", key="build_html"):
        with st.spinner("Building the report…"):
            st.session_state.export_html = _report(inp, slides)
    if st.session_state.get("export_html"):
        col.download_button(
            "Download HTML report",
            st.session_state.export_html,
            "plexrt_report.html",
            mime="text/html",
            key="dl_html",
        )


def _board_pack(
    col: DeltaGenerator, inp: BoardInput, slides: list[Slide], today: str, can_render: bool
) -> None:
    if col.button("Build board pack (PPTX)", key="build_pptx", disabled=not can_render):
        bar = col.progress(0.0, text="Starting the renderer…")

        def progress(i: int, n: int, label: str) -> None:
            bar.progress((i - 1) / n, text=f"Rendering chart {i} of {n}: {label}")

        try:
            st.session_state.export_pptx = board_pack(
                "PlexRT · malignant lumbosacral plexopathy",
                cohort_text(inp),
                inp.source,
                today,
                [(s.title, s.fig) for s in slides],
                key_figures(inp),
                on_progress=progress,
            )
            bar.progress(1.0, text="Board pack ready")
        except images.ExportUnavailable as exc:
            bar.empty()
            st.error(str(exc))
    if st.session_state.get("export_pptx"):
        col.download_button(
            "Download board pack (PPTX)",
            st.session_state.export_pptx,
            "plexrt_board_pack.pptx",
            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
            key="dl_pptx",
        )


_DISCREPANCY_COLUMNS = [
    "discrepancy_id",
    "topic",
    "reading_a",
    "where_a",
    "reading_b",
    "where_b",
    "resolution",
]


def _report(inp: BoardInput, slides: list[Slide]) -> str:
    checks, conflicts = db.reconstruction_report()
    notes = [header_line(inp)]
    note = reconstruction_note(inp, checks)  # issue 13: what is drawn, kept and pooled
    if note:
        notes.append(note)
    return html_report(
        "PlexRT report · radiotherapy for malignant lumbosacral plexopathy",
        inp.filter_text,
        inp.source,
        _report_sections(inp, slides, conflicts),
        notes,
    )


def _report_sections(
    inp: BoardInput, slides: list[Slide], conflicts: pd.DataFrame
) -> list[Section]:
    """Pain response, time to event, literature, provenance: the slides' figures with tables."""
    by_key = {s.key: s for s in slides}
    pain = [
        (by_key[k].title, by_key[k].fig)
        for k in ("waterfall", "paired", "time_to_max", "dose")
        if k in by_key
    ]
    tte_figs = [(s.title, s.fig) for s in slides if s.key.startswith(("km_", "cif", "swim"))]
    conflict_notes = [
        f"{k.conflict_id}: {k.description} — {k.dropped}" for k in conflicts.itertuples()
    ]
    prov = db.table("provenance")["source"].value_counts()
    disc = db.table("discrepancies")[_DISCREPANCY_COLUMNS]
    return [
        Section("Pain response", pain, report_tables(inp)),
        Section("Time to event", tte_figs, [], conflict_notes),
        Section("Literature", [(s.title, s.fig) for s in slides if s.key == "forest"]),
        Section(
            "Provenance and contradictions",
            [],
            [("Contradictions in the paper", disc)],
            [f"{v} stored values from {k}" for k, v in prov.items()],
        ),
    ]
