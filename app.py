"""PlexRT entry point: page config, shared sidebar filters, navigation."""

import streamlit as st

from plexrt.ui import sidebar
from plexrt.ui.errors import guarded

st.set_page_config(
    page_title="PlexRT · RT for malignant lumbosacral plexopathy",
    page_icon="🎯",
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = [
    st.Page("pages/cohort.py", title="Cohort", icon="👥", default=True),
    st.Page("pages/data.py", title="Data & provenance", icon="📚"),
]

with guarded("the cohort filters"):
    page = st.navigation(PAGES)
    flt = sidebar.render()
    st.markdown("### PlexRT · radiotherapy for malignant lumbosacral plexopathy")
    sidebar.banner(flt)
page.run()
