"""The buttons that write to the user data: one home for their keys and for what each writes.

A click reaches the server as a rerun of the page. When the user data cannot be used on that
rerun (the team's database server down, the file held by another program), the page shows the
bundled data only and does not draw the form the button belongs to, so the click would be dropped
without a word. ``say_unwritten`` (once per run, before the page) says instead that nothing was
written and what it was.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

import streamlit as st

from plexrt.ui.safe_text import md

SERIES_ADD = "w_series_add"
SERIES_SAVE = "w_series_save"
SERIES_DELETE = "w_series_delete"
CURVE_SAVE = "w_curve_save"
IMPORT_COMMIT = "oi_commit"
FOLLOW_UP_SAVE = "fu_save"
FOLLOW_UP_UNDO = "fu_undo_yes"
SHARING_SAVE = "w_sharing_save"
SHARING_GRANT = "w_sharing_grant"
SHARING_REVOKE = "w_sharing_revoke"
SHARING_TRANSFER = "w_sharing_transfer"
SERIES_DETAILS = "w_series_details"
CASE_SAVE = "save_case"
CASE_RELABEL = "relabel_case"
CASE_DELETE = "delete_case"

WRITES = {
    SERIES_ADD: "the new published series",
    SERIES_SAVE: "the changes to the published series",
    SERIES_DELETE: "the deletion of the published series",
    CURVE_SAVE: "the curve series",
    IMPORT_COMMIT: "the import",
    FOLLOW_UP_SAVE: "the follow-up entry",
    FOLLOW_UP_UNDO: "the undoing of the latest follow-up entry",
    SHARING_SAVE: "the sharing setting",
    SHARING_GRANT: "the new share",
    SHARING_REVOKE: "the end of the share",
    SHARING_TRANSFER: "the transfer of the series",
    SERIES_DETAILS: "the series' new name, institution and period",
    CASE_SAVE: "the case",
    CASE_RELABEL: "the case's new label",
    CASE_DELETE: "the deletion of the case",
}


def pressed(state) -> str | None:
    """What the write button pressed on this run would write (None when none was pressed);
    ``state`` is the session state, where a pressed button is True for the run it caused."""
    return next((what for key, what in WRITES.items() if state.get(key)), None)


def say_unwritten(available: Callable[[], bool]) -> None:
    """When a write button was pressed on this run and the user data cannot be used
    (``available()`` is False), say that nothing was written."""
    what = pressed(st.session_state)
    if what is None or available():
        return
    st.error(
        f"Not saved: {md(what)} could not be written, because your own data cannot be used now "
        "(see the notice below). Nothing was written; do it again once they can be used.",
        icon=":material/block:",
    )


def drawn(slot: str, ident: str | None, name: str = "") -> None:
    """Remember what the page drew its write controls for on this run (``ident`` None: nothing
    stored, such as 'a new series')."""
    st.session_state[slot] = None if ident is None else (ident, name)


def pressed_for_gone(
    slot: str, listed: Collection[str], keys: Iterable[str]
) -> tuple[str, str] | None:
    """(id, name) of what a write button among ``keys`` was pressed for, when it is no longer
    among ``listed``. Another session deleted, gave away or unshared it, and the choice the page
    draws fell back to another item, which the press must not change instead. ``slot`` holds what
    the controls were drawn for on the run before (``drawn``)."""
    was = st.session_state.get(slot)
    pressed = any(st.session_state.get(key) for key in keys)
    return was if pressed and was is not None and was[0] not in listed else None
