"""PlexRT entry point: page config, sign-in gate, shared sidebar filters, navigation."""

import streamlit as st

from plexrt.data.series_param import SeriesChoice
from plexrt.ui import compare, db, guide, runlog, series, shell, sidebar, signin, widgets, writes
from plexrt.ui.errors import guarded

# Each run is timed for the run log when PLEXRT_RUN_LOG names a file (plexrt.ui.runlog).
with runlog.timed() as run:
    st.set_page_config(
        page_title="PlexRT · RT for malignant lumbosacral plexopathy",
        page_icon=":material/radiology:",
        layout="wide",
        initial_sidebar_state="expanded",
    )
    widgets.readable_labels()

    PAGES = {
        "Explore": [
            st.Page("pages/cohort.py", title="Cohort", icon=":material/groups:", default=True),
            st.Page("pages/pain.py", title="Pain response", icon=":material/monitor_heart:"),
            st.Page("pages/time_to_event.py", title="Time to event", icon=":material/timeline:"),
            st.Page(
                "pages/literature.py", title="Literature comparison", icon=":material/compare:"
            ),
            st.Page("pages/board.py", title="Tumour board", icon=":material/co_present:"),
            st.Page("pages/data.py", title="Data & provenance", icon=":material/menu_book:"),
        ],
        "Your data": [
            st.Page("pages/own_import.py", title="Import a series", icon=":material/upload_file:"),
            st.Page("pages/follow_up.py", title="Follow-up", icon=":material/edit_calendar:"),
            st.Page("pages/sharing.py", title="Series & sharing", icon=":material/share:"),
        ],
    }
    AUDIT = st.Page("pages/audit.py", title="Audit trail", icon=":material/policy:")

    # Sign-in (when configured): nothing below is drawn until the person is let in.
    who = shell.gate([*PAGES["Explore"], *PAGES["Your data"], AUDIT])
    # The audit trail is listed for admins (the store refuses it to anyone else, whatever the
    # address).
    if who.role == "admin":
        PAGES["Your data"].append(AUDIT)

    DATA_ENTRY = {p.url_path for p in PAGES["Your data"]}
    page = st.navigation(PAGES)
    run.page = page.url_path or "cohort"
    signin.sidebar(who)
    guide.help_button()
    choice = SeriesChoice()
    with guarded("the series switcher"):
        choice = series.render()
    if choice.is_compare and page.url_path not in DATA_ENTRY:
        # Compare mode shows the comparison in place of a page that shows a series (each series
        # whole, no filters); importing, follow-up, sharing and the audit trail stay themselves.
        run.page = "compare"
        with guarded("the comparison"):
            compare.render()
        st.stop()
    with guarded("the cohort filters"):
        flt = sidebar.render()
        # Presentation mode exists on the board page only; the cohort banner is for the pages that
        # show the cohort (not the pages that enter or manage data).
        if (
            not (page.url_path == "board" and sidebar.presenting())
            and page.url_path not in DATA_ENTRY
        ):
            sidebar.banner(flt)
    # A save pressed just as the user data stopped being usable: say it was not written.
    writes.say_unwritten(lambda: db.user_data(quiet=True) is not None)
    shell.enter()
    try:
        with guarded(page.title):
            page.run()
    finally:
        shell.leave()
