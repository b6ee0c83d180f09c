"""Tumour-board screens: the case at the board (matcher, position, benchmark) and saved cases.
The presentation lives in ``ui.presentation``, the export panel in ``ui.board_exports``."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from plexrt.board.case import Case
from plexrt.board.similarity import scope_note
from plexrt.board.summary import BoardInput
from plexrt.charts.tables import saved_cases_table
from plexrt.data.access import PermissionDenied
from plexrt.data.userstore import SeriesInvalid, UserDataUnavailable, unless_unknown
from plexrt.data.values import is_missing
from plexrt.export.case_material import CaseMaterial, case_material
from plexrt.export.tabular import safe_csv
from plexrt.ui import db, widgets, writes
from plexrt.ui.exports import audited_download
from plexrt.ui.safe_text import md
from plexrt.ui.tables import dataframe, static_table

ALL_SEARCHED = "all sites searched"


def _search_all() -> None:
    st.session_state.match_filtered = False


def case_scope(inp: BoardInput) -> tuple[pd.DataFrame, str]:
    """The sites the matcher searches (all, unless the user asked for the filtered ones only) and
    those words for footnotes. Shows the choice only when the sidebar filter narrows the cohort."""
    n_all, n_filtered = len(inp.all_sites), len(inp.sites)
    if n_filtered == n_all or inp.sites.empty:
        st.session_state.pop("match_filtered", None)
        return inp.all_sites, ALL_SEARCHED
    restricted = st.toggle(
        f"Search only the {n_filtered} sites the sidebar filter keeps",
        key="match_filtered",
        help="By default the matcher searches every site of the series.",
    )
    note = scope_note(n_filtered, n_all, inp.filter_text, restricted)
    if restricted:
        c = st.columns([4, 1], vertical_alignment="center")
        c[0].warning(note, icon=":material/filter_alt:")
        c[1].button(f"Search all {n_all} sites", on_click=_search_all, key="search_all")
        return inp.sites, inp.filter_text
    st.caption(note)
    return inp.all_sites, ALL_SEARCHED


def material(case: Case, inp: BoardInput, present: bool = False) -> CaseMaterial:
    """The case against the searched sites, as every view and export shows it."""
    restricted = bool(st.session_state.get("match_filtered")) and len(inp.sites) < len(
        inp.all_sites
    )
    sites, searched = (inp.sites, inp.filter_text) if restricted else (inp.all_sites, ALL_SEARCHED)
    return case_material(
        case, sites, inp.definition, db.events(), inp.literature, searched, present=present
    )


def case_results(case: Case, inp: BoardInput) -> CaseMaterial:
    """The patient, the most similar patients, the case on the series' figures, the benchmark."""
    case_scope(inp)
    m = material(case, inp)
    facts = dict(m.facts)
    st.markdown(
        f"**Patient under discussion:** {_primary(case)}, {facts['Involved muscle']}, "
        f"{facts['Intent']}, baseline NRS {facts['Baseline pain (NRS 0–10)']}, planned "
        f"{facts['Planned regimen']}, EQD2 {facts['EQD2 (α/β 10 Gy)']}."
    )
    st.markdown("\n".join(f"- {line}" for line in m.position))
    st.markdown("**Most similar patients** (one row per patient, at their best-matching site)")
    # A static table: five rows whose explanations must be read whole, not clipped.
    static_table(m.matches, hide_index=True)
    widgets.footnote(*m.match_notes)
    for (label, fig), key in zip(m.figures, ("waterfall", "dose"), strict=True):
        st.markdown(f"**{label}**")
        widgets.chart(fig, f"case_chart_{key}")
    st.markdown("**Published series of the same population**")
    if m.benchmark.empty:
        st.info(m.benchmark_note)
    else:
        static_table(m.benchmark.set_index("Series"))
        st.caption(m.benchmark_note)
    _save(case)
    return m


def _primary(case: Case) -> str:
    """'Gastric cancer (gastrointestinal)', 'urological primary', or 'primary not given'."""
    if case.primary_cancer and case.primary_group:
        return f"{case.primary_cancer} ({case.primary_group})"
    if case.primary_cancer:
        return case.primary_cancer
    return f"{case.primary_group} primary" if case.primary_group else "primary not given"


def _save(case: Case) -> None:
    label = st.text_input("Label for this case (optional, no names)", key="case_label")
    if st.button("Save this case", key=writes.CASE_SAVE):
        try:
            key = db.user_store().save_case(db.principal(), case, label)
        except (UserDataUnavailable, PermissionDenied, SeriesInvalid) as exc:
            st.error(f"{unless_unknown('Not saved: ', exc)}{md(str(exc))}")
        else:
            message = f"Saved as {key} in your PlexRT data (not in the bundled series)."
            st.success(message, icon=":material/check_circle:")
            st.toast(message, icon=":material/check_circle:")


def saved_cases() -> None:
    """The cases the user chose to keep: who saved them and when; export, relabel, delete (after
    a confirmation)."""
    store = db.user_data()
    if store is None:
        return
    try:
        cases = store.cases(db.principal())
    except UserDataUnavailable as exc:
        db.user_data_failed(exc)
        return
    widgets.show_flash()
    gone = writes.pressed_for_gone(
        _CASE_DRAWN, set(cases["case_id"]), (writes.CASE_RELABEL, writes.CASE_DELETE)
    )
    with st.expander(f"Saved cases ({len(cases)})", expanded=gone is not None):
        if gone is not None:
            st.error(
                f"Not done: the case {md(gone[0])} was deleted in another session; nothing was "
                "changed.",
                icon=":material/block:",
            )
        if cases.empty:
            st.caption("None saved. A case is kept only when you press Save this case.")
            return
        shown = saved_cases_table(cases)
        dataframe(shown, hide_index=True, width="stretch")
        # A saved case describes a patient discussed at the board: its download is recorded
        # in the audit trail, as every patient-level export is.
        audited_download(
            "Download saved cases (CSV)",
            series_id=None,
            what="saved board cases",
            make=lambda: safe_csv(shown),
            rows=len(shown),
            file_name="plexrt_cases.csv",
            mime="text/csv",
            key="dl_cases",
        )
        _edit_case(cases, acting=gone is None)


# The case the relabel and delete controls were last drawn for: when it is deleted in another
# session, the list falls back to another case, which a pressed button must not change instead.
_CASE_DRAWN = "_case_drawn"


def _edit_case(cases: pd.DataFrame, acting: bool) -> None:
    names = {
        r.case_id: r.case_id if is_missing(r.label) else f"{r.case_id} · {r.label}"
        for r in cases.itertuples()
    }
    chosen = st.selectbox(
        "Change or delete", list(names), format_func=lambda k: names[k], key="case_pick"
    )
    writes.drawn(_CASE_DRAWN, chosen)
    c1, c2 = st.columns(2, vertical_alignment="bottom")
    new_label = c1.text_input("New label (no names)", key=f"relabel_{chosen}")
    if c1.button("Save label", key=writes.CASE_RELABEL) and acting:
        _run(
            lambda: db.user_store().relabel_case(db.principal(), chosen, new_label), "Label saved."
        )
    sure = c2.checkbox(f"Yes, delete case {chosen}", key=f"confirm_case_{chosen}")
    if c2.button("Delete case", key=writes.CASE_DELETE) and acting:
        if not sure:
            st.warning(f"Tick 'Yes, delete case {chosen}' first.")
            return
        _run(lambda: db.user_store().delete_case(db.principal(), chosen), f"Deleted {chosen}.")


def _run(action, done: str) -> None:
    try:
        action()
    except KeyError as exc:  # str() of a KeyError quotes its message again
        st.error(f"Not done: {md(exc.args[0] if exc.args else exc)}")
        return
    except (UserDataUnavailable, PermissionDenied, SeriesInvalid) as exc:
        st.error(f"{unless_unknown('Not done: ', exc)}{md(str(exc))}")
        return
    widgets.flash(done)
    st.rerun()
