"""PlexRT entry point: page config, shared sidebar filters, navigation."""

import streamlit as st

from plexrt.ui import shell, sidebar, signin
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

SHARING = st.Page("pages/sharing.py", title="Series & sharing", icon=":material/share:")
AUDIT = st.Page("pages/audit.py", title="Audit trail", icon=":material/policy:")

# Sign-in (when configured): nothing below is drawn until the person is let in.
who = shell.gate([*PAGES, SHARING, AUDIT])
# Own series' sharing for everyone; the audit trail for admins (the store refuses it to anyone
# else, whatever the address).
PAGES += [SHARING, AUDIT] if who.role == "admin" else [SHARING]

page = st.navigation(PAGES)
signin.sidebar(who)
with guarded("the cohort filters"):
    flt = sidebar.render()
    # Presentation mode exists on the board page only; elsewhere the banner always shows.
    if not (page.url_path == "board" and sidebar.presenting()):
        sidebar.banner(flt)
shell.enter()
try:
    with guarded(page.title):
        page.run()
finally:
    shell.leave()
