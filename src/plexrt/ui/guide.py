"""First contact: what PlexRT is and where to start (top of the landing page), and the one-screen
"How to read these charts" help, opened from the sidebar of every page."""

from __future__ import annotations

import streamlit as st

from plexrt.charts.scale import CENSOR_TICKS_MAX

# The pages a first-time user is pointed to, in the order of a tumour-board preparation.
START_PAGES = (
    ("pages/pain.py", "Pain response", ":material/monitor_heart:"),
    ("pages/time_to_event.py", "Time to event", ":material/timeline:"),
    ("pages/literature.py", "Literature comparison", ":material/compare:"),
    ("pages/board.py", "Tumour board", ":material/co_present:"),
    ("pages/data.py", "Data & provenance", ":material/menu_book:"),
)

HELP_TITLE = "How to read these charts"

HELP_TEXT = """
- **Kaplan–Meier curve** (survival, duration of relief): the step line is the share of patients
  still alive (or still relieved) at each time. It starts at 1 (everyone) and steps down at each
  event. **Time zero** is named on the axis: for survival RT completion unless you choose RT
  start; for duration of relief the maximum response.
- **Censoring ticks** ( | ) mark a patient who left observation without the event (alive at last
  contact, or died while still relieved). After a tick the curve rests on fewer patients. A curve
  of a large series groups its ticks (at most {ticks} per curve, as its footnote says): hover over
  one for how many patients it marks and when.
- **Number at risk** under the plot: how many patients are still followed at each time. With 2 or
  3 at risk, a step is one patient: read the right end of a curve with care.
- **95% CI band / interval**: the range of values compatible with the data. With 12 sites it is
  wide; a median (or a limit) "not reached" means the curve (or that limit) stayed above 0.5
  to the end of follow-up, which ended with a patient censored: more follow-up could reach it.
  "Not estimable" means it cannot be computed: the curve fell to 0 (the last patient followed
  had the event, so the interval is undefined there and no further follow-up exists), as for a
  curve of one patient, or there is no follow-up at all.
- **Reconstructed times**: the paper (Sanuki 2022) gives no per-patient dates, only aggregates.
  PlexRT generates individual times that satisfy every published figure; the curve drawn is one
  such reconstruction, medians and rates are pooled over many. Treat them as illustrations of
  what the paper allows, not as measured data.
- **Survival vs follow-up**: survival counts deaths; *median follow-up* is how long patients were
  observed (deaths censored). They are different numbers. When every patient died, follow-up is
  complete and there is no censored time to estimate it from: median follow-up reads "not
  available (every patient died; follow-up complete)", not "not reached".
- **Waterfall**: one bar per irradiated site, the change in pain score (NRS 0–10) from before RT
  to RT completion, sorted; bars below zero are less pain. Fill pattern and colour both show the
  response category.
- **Forest plot**: one row per series, a square at its response rate and a line for its exact 95%
  CI; the diamond is the random-effects pool of the published series (PlexRT never pooled).
  Definitions of response differ between series: read the definition row first.
- **Units**: counts say *sites* or *patients*; times say *months* (365.25/12 days), *weeks* or
  *days*.
- **Response rates, treated and assessable**: a rate over *treated* sites or patients counts
  everyone treated, a site without a pain score both before and after RT as not responding; a rate
  over *assessable* ones counts only those with both scores. A patient responds when every one of
  their sites does. The board and the Literature table give the treated rates, per site and per
  patient, each line naming its denominator.
"""


def landing() -> None:
    """Three lines: what PlexRT is, what data it holds, where to start (links to the pages).
    On a department's own series the data line speaks of that series (its times are real)."""
    from plexrt.ui.series_state import series_choice

    own = series_choice().is_own
    data = (
        "**Data:** your own series, chosen in the sidebar: its times are the recorded days, used "
        "as they are. The published series (Sanuki 2022) is one choice away in the same list."
        if own
        else "**Data:** one published series, Sanuki 2022 — 12 irradiated sites in 11 patients; "
        "the per-patient times are *reconstructed* from the paper's aggregates (it publishes "
        "none). A department's own series can be imported (*Your data › Import a series*) and "
        "chosen in the sidebar."
    )
    st.markdown(
        "**PlexRT** helps radiation oncologists weigh palliative radiotherapy for malignant "
        "lumbosacral plexopathy (malignant psoas syndrome): pain response, duration of relief, "
        "survival, and how a cohort compares with published series.  \n" + data
    )
    # a row that wraps on a narrow window instead of clipping the links
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    row.markdown("**Start here:**", width="content")
    for path, label, icon in START_PAGES:
        row.page_link(path, label=label, icon=icon, width="content")


@st.dialog(HELP_TITLE, width="large")
def _help_dialog() -> None:
    st.markdown(HELP_TEXT.format(ticks=CENSOR_TICKS_MAX))


def help_button() -> None:
    """The sidebar button that opens the help (on every page; the sidebar is shared)."""
    if st.sidebar.button(HELP_TITLE, icon=":material/help:", key="help_open", width="stretch"):
        _help_dialog()
