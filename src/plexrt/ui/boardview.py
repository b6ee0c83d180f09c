"""Tumour-board screens: presentation view, case results, export panel."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from plexrt import board
from plexrt.board import matcher
from plexrt.charts import board as marks
from plexrt.charts.dose import dose_response_figure
from plexrt.charts.slides import report_tables
from plexrt.charts.tables import benchmark_table, similar_table
from plexrt.charts.waterfall import waterfall_figure
from plexrt.clinical import endpoints as tte
from plexrt.clinical import pain_views
from plexrt.data.userstore import UserDataBusy
from plexrt.export import rendering as exports
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


def presentation_view(inp: board.BoardInput, slides: list) -> None:
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
    top[0].markdown(f"**Slide {i + 1} of {n} · {s.title}**  \n{board.header_line(inp)}")
    screen = widgets.page_choice(
        "screen", "Screen", {k: v[0].replace(" × ", "×") for k, v in SCREENS.items()}, "1080", container=top[1],
        label_visibility="collapsed",
    )  # fmt: skip
    top[2].button("◀ Prev", on_click=_move, args=(-1, n), key="prev_slide", width="stretch")
    top[3].button("Next ▶", on_click=_move, args=(1, n), key="next_slide", width="stretch")
    top[4].button("Exit", on_click=_exit, key="exit_present", width="stretch")
    fig = s.fig
    fig.update_layout(height=SCREENS[screen][1])
    widgets.chart(fig, f"slide_{s.key}")


def case_results(case: matcher.Case, df: pd.DataFrame, inp: board.BoardInput) -> None:
    pos = matcher.case_position(case, df)
    st.markdown(
        f"**Patient under discussion:** {case.primary_cancer or case.primary_group or 'primary not given'}, "
        f"{case.involved_muscle}, {case.intent.replace('_', ' ')}, baseline NRS {case.nrs_before}, "
        f"planned {case.regimen}."
    )
    st.markdown(f"- {pos['nrs_text']}\n- {pos['eqd2_text']}")
    top = matcher.most_similar(case, df, db.events(), k=5)
    st.markdown("**Most similar irradiated sites** (" + matcher.SCORE_NOTE + ")")
    st.dataframe(
        similar_table(top), hide_index=True, width="stretch",
        column_config={"Why similar": st.column_config.TextColumn(width="large"),
                       "Relief": st.column_config.TextColumn(width="medium"),
                       "Score": st.column_config.NumberColumn(f"Score (of {matcher.MAX_SCORE})")},
    )  # fmt: skip
    line = f"Cohort: {board.cohort_text(inp)}"
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
    bench = matcher.literature_benchmark(case, db.literature_all())
    st.markdown("**Published benchmark for the same population**")
    if bench.empty:
        st.info(matcher.benchmark_note(case.involved_muscle))
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
        c1.download_button("Download saved cases (CSV)", safe_csv(cases), "plexrt_cases.csv",
                           mime="text/csv", key="dl_cases")  # fmt: skip
        gone = c2.selectbox("Delete", list(cases["case_id"]), key="case_to_delete")
        if c3.button("Delete case", key="delete_case"):
            db.user_store().delete_case(gone)
            st.rerun()


def export_panel(inp: board.BoardInput, slides: list, today: str) -> None:
    if inp.sites.empty:
        widgets.empty_cohort()
        return
    can_render = exports.browser_available()
    if not can_render:
        st.info(exports.UNAVAILABLE_MESSAGE, icon=":material/info:")
    st.markdown("#### One chart")
    c = st.columns([3, 1, 1])
    choice = c[0].selectbox("Chart", range(len(slides)), format_func=lambda i: slides[i].title,
                            key="export_chart")  # fmt: skip
    fig = exports.stamp(slides[choice].fig, inp.source)
    for col, fmt in ((c[1], "png"), (c[2], "svg")):
        if col.button(f"Render {fmt.upper()}", key=f"render_{fmt}", disabled=not can_render):
            with st.spinner(f"Rendering {fmt.upper()} (a few seconds)…"):
                try:
                    data = exports.figure_png(fig) if fmt == "png" else exports.figure_svg(fig)
                    st.session_state[f"export_{fmt}"] = (slides[choice].key, data)
                except exports.ExportUnavailable as exc:
                    st.error(str(exc))
        got = st.session_state.get(f"export_{fmt}")
        if got and got[0] == slides[choice].key:
            col.download_button(f"Download {fmt.upper()}", got[1], f"plexrt_{got[0]}.{fmt}",
                                mime="image/png" if fmt == "png" else "image/svg+xml",
                                key=f"dl_{fmt}")  # fmt: skip
    st.markdown("#### Report and board pack")
    c = st.columns(2)
    if c[0].button("Build HTML report (opens offline)", key="build_html"):
        with st.spinner("Building the report…"):
            st.session_state.export_html = _report(inp, slides, today)
    if st.session_state.get("export_html"):
        c[0].download_button("Download HTML report", st.session_state.export_html,
                             "plexrt_report.html", mime="text/html", key="dl_html")  # fmt: skip
    if c[1].button("Build board pack (PPTX)", key="build_pptx", disabled=not can_render):
        bar = c[1].progress(0.0, text="Starting the renderer…")

        def progress(i, n, label):
            bar.progress((i - 1) / n, text=f"Rendering chart {i} of {n}: {label}")

        try:
            st.session_state.export_pptx = exports.board_pack(
                "PlexRT · malignant lumbosacral plexopathy", board.cohort_text(inp), inp.source,
                today, [(s.title, s.fig) for s in slides], board.key_figures(inp),
                on_progress=progress,
            )  # fmt: skip
            bar.progress(1.0, text="Board pack ready")
        except exports.ExportUnavailable as exc:
            bar.empty()
            st.error(str(exc))
    if st.session_state.get("export_pptx"):
        c[1].download_button(
            "Download board pack (PPTX)", st.session_state.export_pptx, "plexrt_board_pack.pptx",
            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
            key="dl_pptx",
        )  # fmt: skip
    st.caption("Every exported chart carries its cohort and method footnote and the data source.")
    st.download_button("Download key figures (CSV)",
                       safe_csv(pd.DataFrame(board.key_figures(inp), columns=["Figure", "Value"])),
                       "plexrt_key_figures.csv", mime="text/csv", key="dl_keyfig")  # fmt: skip


def _report(inp: board.BoardInput, slides, today: str) -> str:
    checks, conflicts = db.reconstruction_report()
    prov = db.table("provenance")["source"].value_counts()
    disc = db.table("discrepancies")
    by_key = {s.key: s for s in slides}
    sec = exports.Section
    sections = [
        sec(
            "Pain response",
            [
                (by_key[k].title, by_key[k].fig)
                for k in ("waterfall", "paired", "time_to_max", "dose")
                if k in by_key
            ],
            report_tables(inp),
        ),  # fmt: skip
        sec(
            "Time to event",
            [(s.title, s.fig) for s in slides if s.key.startswith(("km_", "cif", "swim"))],
            [],
            [f"{k.conflict_id}: {k.description} — {k.dropped}" for k in conflicts.itertuples()],
        ),  # fmt: skip
        sec("Literature", [(s.title, s.fig) for s in slides if s.key == "forest"]),
        sec(
            "Provenance and contradictions",
            [],
            [
                (
                    "Contradictions in the paper",
                    disc[
                        [
                            "discrepancy_id",
                            "topic",
                            "reading_a",
                            "where_a",
                            "reading_b",
                            "where_b",
                            "resolution",
                        ]
                    ],
                )
            ],
            [f"{v} stored values from {k}" for k, v in prov.items()],
        ),  # fmt: skip
    ]
    notes = [board.header_line(inp)]
    if inp.reconstructed:
        notes.append(
            "Time-to-event figures use a seeded reconstruction of unpublished per-patient times "
            "that satisfies the published aggregates; {} of {} constraints hold; conflicts are "
            "listed under Time to event.".format(*tte.checks_held(checks))
        )
    return exports.html_report(
        "PlexRT report · radiotherapy for malignant lumbosacral plexopathy",
        inp.filter_text, inp.source, sections, notes,
    )  # fmt: skip
