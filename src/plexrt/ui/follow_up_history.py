"""The history on the 'Follow-up' page: the changes of the chosen patient (or, on request or
before a patient is chosen, of the whole series), a page of ``own_followup.HISTORY_PAGE`` lines
at a time read in SQL with their count, and 'Undo latest entry'. A registry's history is never
read whole on a rerun."""

from __future__ import annotations

import streamlit as st

from plexrt.data.access import PermissionDenied
from plexrt.data.own_validation import validate_own_series
from plexrt.data.userstore import (
    NothingToUndo,
    SeriesInvalid,
    UserDataUnavailable,
    UserStore,
    unless_unknown,
)
from plexrt.ingest import own_followup as fu
from plexrt.ui import db, writes
from plexrt.ui.safe_text import md
from plexrt.ui.tables import dataframe


def _scope(pid: str | None) -> str | None:
    """The patient whose changes are shown (None: the whole series)."""
    if pid is None:
        return None
    mine = st.toggle(
        "Only this patient's changes",
        value=True,
        key="fu_history_mine",
        help="Off: every change of the series, newest first, a page at a time.",
    )
    return pid if mine else None


def _pager(key: str, total: int, page: int) -> None:
    """The page choice, beyond one page; ``page``: the one shown (moved into range by the store,
    as a scope may hold fewer pages than the one chosen before)."""
    pages = fu.history_pages(total, fu.HISTORY_PAGE)
    if pages == 1:
        return
    if st.session_state.get(key, 1) != page:  # pages only grow, but a scope may hold fewer
        st.session_state[key] = page
    st.number_input(f"Page (of {pages:,})", 1, pages, 1, step=1, key=key)


def history(store: UserStore, sid: str, pid: str | None, can_edit: bool) -> None:
    st.header("History")
    who = db.principal()
    scope = _scope(pid)
    key = f"fu_history_page_{sid}_{scope}"
    total, page, lines = store.history_page(
        who, sid, patient_id=scope, limit=fu.HISTORY_PAGE, page=st.session_state.get(key, 1)
    )
    _pager(key, total, page)
    first = (page - 1) * fu.HISTORY_PAGE
    dataframe(fu.history_table(lines, fu.HISTORY_PAGE), hide_index=True, width="stretch")
    st.caption(md(fu.history_words(first, len(lines), total, scope)))
    latest = store.latest_undoable(who, sid) if can_edit else None
    if not can_edit or latest is None:
        st.caption("Nothing to undo: the series holds only what was imported." if can_edit else "")
        return
    _undo(store, sid, latest)


def _undo(store: UserStore, sid: str, latest: int) -> None:
    if st.session_state.get("fu_undo") != latest:
        if st.button("Undo latest entry", icon=":material/undo:", key="fu_undo_ask"):
            st.session_state["fu_undo"] = latest
            st.rerun()
        return
    st.warning(f"Undo entry {latest}? Its changes are reversed (and kept in the history).")
    a, b, _ = st.columns([1, 1, 4])
    if b.button("Cancel", key="fu_undo_cancel"):
        st.session_state.pop("fu_undo", None)
        st.rerun()
    if a.button("Yes, undo it", type="primary", key=writes.FOLLOW_UP_UNDO):
        st.session_state.pop("fu_undo", None)
        try:
            undo = store.undo_last(
                db.principal(), sid, expected_batch=latest, validate=validate_own_series
            )
        except (NothingToUndo, SeriesInvalid, PermissionDenied, UserDataUnavailable) as exc:
            st.error(f"{unless_unknown('Not undone: ', exc)}{md(exc)}", icon=":material/error:")
            return
        st.session_state["fu_flash"] = f"Entry {latest} undone (recorded as entry {undo})."
        st.rerun()
