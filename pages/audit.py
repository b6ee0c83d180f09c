"""Audit trail (admins): every sign-in, import, follow-up entry, sharing change and export."""

import streamlit as st

from plexrt.data.access import PermissionDenied
from plexrt.data.userstore import UserDataUnavailable
from plexrt.ui import audit_view, db, shell
from plexrt.ui.safe_text import md

shell.require()

st.title("Audit trail")
store = db.user_data()
if store is None:
    st.info("The audit trail cannot be shown now (see the notice).")
    st.stop()
who = db.principal()
try:
    store.audit_count(who)  # the store refuses the trail to anyone but an admin
    st.caption(
        "Append-only: PlexRT only ever adds entries. Each entry carries a hash chained to the one "
        "before, so an entry altered or removed outside PlexRT is found here and by "
        "`plexrt audit verify`."
    )
    audit_view.chain_status(store)
    chosen = audit_view.filters(store, who)
    audit_view.csv_button(store, who, chosen)
    audit_view.page_of(store, who, chosen)
except PermissionDenied as exc:
    st.error(f"{md(str(exc))} The audit trail is for admins.", icon=":material/block:")
except UserDataUnavailable as exc:
    db.user_data_failed(exc)
