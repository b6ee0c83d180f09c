"""The "Audit trail" page (admins): whether the hash chain holds, the entries filtered by person,
series and kind, a page at a time, and the filtered trail as CSV (the export is itself recorded).

The store refuses every read of the trail to anyone but an admin, whatever the page or address.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from plexrt.data.access import Principal
from plexrt.data.userstore import UserStore
from plexrt.data.userstore.audit import ACTIONS
from plexrt.ui.tables import dataframe

PAGE_SIZE = 50
ALL = "(all)"
ACTION_WORDS = {
    "sign_in": "sign-in",
    "sign_out": "sign-out",
    "import": "import",
    "follow_up": "follow-up entry",
    "edit": "edit",
    "undo": "undo",
    "create": "create",
    "delete": "delete",
    "sharing": "sharing change",
    "export": "export",
}


def chain_status(store: UserStore) -> None:
    check = store.verify_audit()
    if check.ok:
        st.success(check.message(), icon=":material/verified:")
    else:
        st.error(
            check.message() + " Someone changed the trail outside PlexRT: keep the database as it "
            "is and compare it with the last backup.",
            icon=":material/gpp_bad:",
        )


def filters(store: UserStore, who: Principal) -> dict[str, str | None]:
    """The three filters (None = all), from the choices the trail and the listing offer."""
    names = store.audit_series(who)  # deleted series too: their trail is kept
    c1, c2, c3 = st.columns(3)
    actor = c1.selectbox("Person", [ALL, *store.audit_actors(who)], key="audit_actor")
    sid = c2.selectbox(
        "Series affected",
        [ALL, *names],
        format_func=lambda s: names.get(s, s),
        key="audit_series",
    )
    action = c3.selectbox(
        "Kind",
        [ALL, *ACTIONS],
        format_func=lambda a: ACTION_WORDS.get(a, a),
        key="audit_action",
    )
    return {
        "actor": None if actor == ALL else actor,
        "series_id": None if sid == ALL else sid,
        "action": None if action == ALL else action,
    }


def page_of(store: UserStore, who: Principal, chosen: dict[str, str | None]) -> None:
    total = store.audit_count(who, **chosen)
    if total == 0:
        st.info("No entry matches these filters.")
        return
    pages = math.ceil(total / PAGE_SIZE)
    number = int(
        st.number_input(
            f"Page (of {pages})", min_value=1, max_value=pages, value=1, step=1, key="audit_page"
        )
    )
    first = (number - 1) * PAGE_SIZE
    log = store.audit_log(who, limit=PAGE_SIZE, offset=first, **chosen)
    st.caption(f"Entries {first + 1}–{first + len(log)} of {total}, newest first. Times in UTC.")
    shown = log.drop(columns=["prev_hash", "hash"]).assign(
        action=[ACTION_WORDS.get(a, a) for a in log["action"]]
    )
    names = store.audit_series(who)  # deleted series too, as the filter names them
    shown.insert(
        shown.columns.get_loc("series_id"),
        "series_name",
        [names.get(s, s) if isinstance(s, str) else None for s in log["series_id"]],
    )
    dataframe(
        shown.rename(
            columns={
                "seq": "#",
                "at_utc": "When (UTC)",
                "actor": "Who",
                "action": "What",
                "series_name": "Series",
                "series_id": "Series id",
                "patient_id": "Patient",
                "detail": "Detail",
            }
        ),
        hide_index=True,
    )


def csv_button(store: UserStore, who: Principal, chosen: dict[str, str | None]) -> None:
    """The filtered trail as CSV, made (and recorded in the trail) when the button is pressed."""
    from plexrt.export.tabular import safe_csv

    def make() -> bytes:
        return safe_csv(pd.DataFrame(store.export_audit(who, **chosen)))

    st.download_button(
        "Download these entries (CSV)",
        data=make,
        file_name="plexrt_audit_trail.csv",
        mime="text/csv",
        on_click="ignore",
        key="audit_csv",
        help="The download is recorded in the trail (who, when, which filter, how many rows).",
    )
