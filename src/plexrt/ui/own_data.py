"""The Data page of an own series: what the series is (institution, period, counts) and its import
and follow-up history. The bundled series' provenance tabs do not apply: nothing was reconstructed
or read from a paper."""

from __future__ import annotations

import streamlit as st

from plexrt.clinical import own_overview
from plexrt.clinical.own_series import __doc__ as RULES
from plexrt.ui import db, safe_text, widgets
from plexrt.ui.tables import dataframe


def render(series_id: str) -> None:
    from plexrt.data.userstore import UserDataUnavailable

    store = db.user_data()
    if store is None:
        st.info("Your own data cannot be used now (see the notice).")
        return
    try:
        listing = store.own_series(db.principal())
        rows = listing[listing["series_id"] == series_id]
        if rows.empty:
            st.info("This series is no longer available to you.")
            return
        record = rows.iloc[0].to_dict()
        facts, twice = db.own_overview(store, record)
        history = store.history_batches(db.principal(), series_id)
    except UserDataUnavailable as exc:
        db.user_data_failed(exc)
        return
    st.markdown(
        "A department's own series, imported from its records: every time is a real whole number "
        "of days from the patient's first RT start (no calendar date is stored), and every "
        "figure uses these times as recorded."
    )
    if twice:
        st.warning(
            "Patient codes written two ways (another case, full-width or compatibility characters), "
            "stored "
            "before PlexRT refused this: each pair counts as two patients in every figure until "
            "the series is imported again with one spelling.\n\n" + safe_text.bullets(twice)
        )
    tab_what, tab_history, tab_rules = st.tabs(
        ["What this series is", "Import and follow-up history", "How the figures are computed"]
    )
    with tab_what:
        # every fact in view: no inner scroll hiding the last rows
        dataframe(facts, hide_index=True, width="stretch", height=widgets.table_height(len(facts)))
    with tab_history:
        dataframe(own_overview.batches(history), hide_index=True, width="stretch")
        st.caption("Newest first; each import, follow-up entry or undo is one change.")
    with tab_rules:
        st.markdown(RULES.split("Clinical rules", 1)[-1].split(":", 1)[-1])
