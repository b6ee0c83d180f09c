"""The patient the Follow-up page shows: one choice listing every code for a series of fewer than
``own_followup.PICK_LIST_LIMIT`` patients; in a larger one (a registry of 81,000 patients) the
study code is typed, and what it starts with lists the first matches, with their count."""

from __future__ import annotations

import streamlit as st

from plexrt.ingest import own_followup as fu
from plexrt.ui import db
from plexrt.ui.safe_text import md


def pick_patient(store, row: dict, column) -> str | None:
    """The code of the patient chosen in the series ``row`` (None when none is chosen yet, or
    the series holds no patient); the widgets in ``column``, the matches below it."""
    sid = str(row["series_id"])
    codes = db.own_patient_codes(store, sid)
    if not len(codes):
        st.info("This series holds no patient.")
        return None
    if len(codes) < fu.PICK_LIST_LIMIT:
        return str(column.selectbox("Patient", list(codes.codes), key=f"fu_patient_{sid}"))
    typed = column.text_input(
        "Patient (study code)",
        key=f"fu_code_{sid}",
        placeholder="e.g. " + codes.codes[0],
        help=f"The series holds {len(codes):,} patients: type the code, or its first characters "
        f"to list the first {fu.MATCHES_SHOWN} codes that start with them (case aside).",
    )
    found = fu.find_patient(codes, typed)
    if found.exact is not None:
        return found.exact
    if not found.typed:
        st.caption(f"{len(codes):,} patients: type a study code to show one.")
        return None
    if not found.total:
        st.warning(md(fu.found_words(found)), icon=":material/search_off:")
        return None
    chosen = st.selectbox(
        f"Matching patients ({fu.found_words(found)})", list(found.shown), key=f"fu_match_{sid}"
    )
    return None if chosen is None else str(chosen)
