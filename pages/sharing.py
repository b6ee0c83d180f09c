"""Series & sharing: the own series you may see, their owners and sharing; owners share them."""

import streamlit as st

from plexrt.data.userstore import UserDataUnavailable
from plexrt.ui import db, sharing_view, shell
from plexrt.ui.tables import dataframe

shell.require()

st.title("Series & sharing")
st.caption(
    "A department's own series: who owns each, and who may see it. Private series are seen by "
    "their owner (and admins) only; shared series by the people or groups named; department "
    "series by everyone signed in. Whoever may record follow-up on a series changes its name, "
    "institution and period under *Edit details*. Every change is recorded in the audit trail."
)
store = db.user_data()
if store is None:
    st.info("Own series cannot be shown now (see the notice).")
    st.stop()
who = db.principal()
sharing_view.confirmation()
try:
    listing = store.own_series(who)
    if listing.empty:
        st.info("There is no own series you can see.", icon=":material/folder_off:")
        st.stop()
    dataframe(sharing_view.overview(listing), hide_index=True)
    row = sharing_view.chosen(listing)
    if row is not None:
        sharing_view.details(store, who, row)
except UserDataUnavailable as exc:
    db.user_data_failed(exc)
