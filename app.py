"""PlexRT entry point: page config, shared sidebar filters, navigation."""

import streamlit as st

from plexrt.ui import guide, shell, sidebar
from plexrt.ui.errors import guarded

st.set_page_config(
    page_title="PlexRT · RT for malignant lumbosacral plexopathy",
    page_icon=":material/radiology:",
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = [
    st.Page("pages/cohort.py", title="Cohort", icon=":material/groups:", default=True),
    st.Page("pages/pain.py", title="Pain response", icon=":material/monitor_heart:"),
    st.Page("pages/time_to_event.py", title="Time to event", icon=":material/timeline:"),
    st.Page("pages/literature.py", title="Literature comparison", icon=":material/compare:"),
    st.Page("pages/board.py", title="Tumour board", icon=":material/co_present:"),
    st.Page("pages/data.py", title="Data & provenance", icon=":material/menu_book:"),
]

page = st.navigation(PAGES)
with guarded("the cohort filters"):
    flt = sidebar.render()
    guide.help_button()
    # Presentation mode exists on the board page only; elsewhere the banner always shows.
    if not (page.url_path == "board" and sidebar.presenting()):
        sidebar.banner(flt)
shell.enter()
try:
    with guarded(page.title):
        page.run()
finally:
    shell.leave()
