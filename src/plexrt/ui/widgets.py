"""Small shared pieces of page layout: footnotes, figure display, safe error display."""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from plexrt.clinical import cohort_summary
from plexrt.data import page_params
from plexrt.data.filters import CohortFilter
from plexrt.data.values import NOT_AVAILABLE, counted
from plexrt.ui.safe_text import md

PLOTLY_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}

# Streamlit cuts a long metric label, metric delta or widget label to one line ending in "…"; at
# 1280x720 the words cut are the ones saying what the number is. They wrap onto a second line.
# (A style-only st.html takes no room on the page.)
READABLE_CSS = """
<style>
[data-testid="stMetricLabel"] .stMarkdownEllipsis,
[data-testid="stMetricLabel"] .stMarkdownEllipsis p,
[data-testid="stMetricDelta"] .stMarkdownEllipsis,
[data-testid="stMetricDelta"] .stMarkdownEllipsis p,
[data-testid="stWidgetLabel"] .stMarkdownEllipsis,
[data-testid="stWidgetLabel"] .stMarkdownEllipsis p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
/* A label of one line keeps the room of two, bottom-aligned: the numbers of a row of metrics
   stay on one line when some labels wrap and others do not. */
[data-testid="stMetricLabel"] {
  min-height: 2.8em; display: flex !important; align-items: flex-end !important;
}
/* A section heading inside a tab is an h2 (headings go down one level at a time) in the size of
   a subheader: the tab already says where the reader is. */
[role="tabpanel"] h2 { font-size: 1.5rem !important; }
</style>
"""


def readable_labels() -> None:
    """Every page: labels wrap instead of being cut (READABLE_CSS; takes no room on the page)."""
    st.html(READABLE_CSS)


def counted_metric(container, label: str, value: str, n: str | None, help: str | None = None):
    """A big figure with what it counts under it ('n = 12 sites', 'k/n · 95% CI'), in grey and
    without an arrow (it is not a change)."""
    container.metric(label, value, delta=n, delta_color="off", delta_arrow="off", help=help)


def proportion_metric(container, label: str, prop, help: str | None = None, unit: str = "sites"):
    """A big percentage with 'k/n · 95% CI' under it; 'not available' when n = 0."""
    if prop is None:
        container.metric(label, NOT_AVAILABLE, help=help)
        return
    counted_metric(container, label, prop.pct(), prop.detail(unit), help=help)


# Streamlit's data grid: header and rows 35 px each, a 2 px border, and room kept under the last
# row for the horizontal scroll bar of a table wider than the page (measured in Chromium: without
# it the last row of the 12-site cohort table was hidden at 1280x720).
_ROW_PX, _FRAME_PX, _SCROLLBAR_PX = 35, 38, 26


def table_height(n_rows: int) -> int:
    """Pixel height that shows every row (no inner scroll: the whole table is on the projector)."""
    return _FRAME_PX + _ROW_PX * max(n_rows, 1) + _SCROLLBAR_PX


def footnote(*lines: str) -> None:
    """Cohort and method under a chart or table, in small type (plain text: a cancer, series or
    citation in a line is shown as written)."""
    st.caption("  \n".join(md(line) for line in lines if line))


def cohort_line(flt: CohortFilter, df: pd.DataFrame) -> str:
    """'Cohort: n = 12 sites, 11 patients · all sites' for the filtered sites ``df``."""
    return f"Cohort: {cohort_summary.cohort_text(df, flt.describe())}"


def chart(fig, key: str) -> None:
    """The figure, and under it the figure in words (its text alternative)."""
    from plexrt.charts.alt_text import describe
    from plexrt.charts.markup import safe_figure

    safe = safe_figure(fig)  # a user's '<a href=...>' is words in both, never a tag
    st.plotly_chart(safe, key=key, config=PLOTLY_CONFIG)
    with st.expander("This chart in words", icon=":material/description:"):
        st.markdown(md(describe(safe)))


def empty_cohort() -> bool:
    """Say which part of the sidebar filter emptied the cohort, with a button that removes it
    (``data.filter_undo``); returns True."""
    from plexrt.data.filter_undo import emptying_parts
    from plexrt.ui import db, sidebar

    undos = emptying_parts(sidebar.current_filter(), lambda f: len(db.cohort(f)))
    if not undos:
        st.warning(
            "**No site matches the current filters.** No single filter is to blame: it is their "
            "combination. Press **Reset filters** above, or widen them one by one.",
            icon=":material/filter_alt_off:",
        )
        return True
    named = "; ".join(f"**{u.words}**" for u in undos)
    st.warning(
        f"**No site matches the current filters.** Removing one of these brings sites back: "
        f"{named}.",
        icon=":material/filter_alt_off:",
    )
    _undo_buttons(undos, "undo")
    return True


def _undo_buttons(undos, prefix: str) -> None:
    """One 'Remove <filter part> (n sites)' button per ``data.filter_undo.Undo``."""
    from plexrt.ui import sidebar

    for u in undos:
        st.button(
            f"Remove {u.words} ({u.n_sites} sites)",
            key=f"{prefix}_{u.part}",
            on_click=sidebar.clear_part,
            args=(u.part,),
            icon=":material/undo:",
        )


def narrowed_by_filter(what: str, key: str) -> None:
    """``what`` (Markdown) cannot be compared in the filtered cohort: say so, and offer to remove
    each active part of the sidebar filter, with the sites it would bring back (``data.
    filter_undo.active_parts``). Without an active filter there is nothing to undo: it says so."""
    from dataclasses import replace

    from plexrt.data.filter_undo import active_parts
    from plexrt.ui import db, sidebar

    flt = sidebar.current_filter()
    undos = [replace(u, n_sites=len(db.cohort(u.without))) for u in active_parts(flt)]
    n = len(db.cohort(flt))
    tail = (
        f"The filters leave {counted(n, 'site')}; removing one of them widens the cohort."
        if undos
        else "No filter is applied: the series itself has no other group."
    )
    st.warning(f"{what} {tail}", icon=":material/filter_alt:")
    _undo_buttons(undos, f"widen_{key}")


def too_small(groups: list[str], param: str, default: str, what: str, key: str) -> None:
    """Name the groups too small to compare, with a button that takes the grouping away
    (``param``: the page_choice holding it, back to ``default``)."""
    st.warning(
        f"**Groups too small to compare** ({'; '.join(groups)}). The {what} describe these few "
        "patients; they cannot show that a difference exists or not.",
        icon=":material/warning:",
    )
    st.button(
        "Show without grouping",
        key=f"ungroup_{key}",
        on_click=lambda: st.session_state.update({f"pp_{param}": default}),
        icon=":material/undo:",
    )


_FLASH = "flash_messages"


def flash(message: str) -> None:
    """Confirm a save or delete on the next run (a message written just before ``st.rerun``
    would be wiped by it): ``show_flash`` shows it once, as a toast and in the page. The message
    is Markdown: user text in it is escaped first (``safe_text.md``)."""
    st.session_state.setdefault(_FLASH, []).append(message)


def show_flash() -> None:
    for message in st.session_state.pop(_FLASH, []):
        st.success(message, icon=":material/check_circle:")
        st.toast(message, icon=":material/check_circle:")


def page_choice(param: str, label: str, options: dict, default, *, container=None, **kw):
    """A selectbox whose value lives in the URL (?param=key); a bad value falls back with a notice."""
    import streamlit as st

    container = container or st
    key = f"pp_{param}"
    if key not in st.session_state:
        value, note = page_params.read_choice(param, st.query_params.get(param), options, default)
        if note:
            st.session_state.setdefault("url_notices", []).append(note)
            st.warning(md(note), icon=":material/warning:")
        st.session_state[key] = value
    value = container.selectbox(label, list(options), format_func=options.get, key=key, **kw)
    if value == default:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value
    return value


def scenario_table(bounds):
    """Best- and worst-case allocations of the aggregate analgesic changes, one row per site."""
    rows = []
    for cid in bounds.best_case.categories:
        rows.append(
            {
                "Site": cid,
                "Best case: analgesic change": bounds.best_case.labels.get(cid),
                "Best case: ICPRE": bounds.best_case.categories.get(cid),
                "Worst case: analgesic change": bounds.worst_case.labels.get(cid),
                "Worst case: ICPRE": bounds.worst_case.categories.get(cid),
                "Possible from the pain score alone": ", ".join(
                    sorted(bounds.possible.get(cid, ()))
                ),
            }
        )
    return pd.DataFrame(rows)


def view_tabs(labels: list[str], key: str) -> list:
    """``st.tabs``; for a series of more than ``LAZY_TABS_ABOVE`` sites (at every size with
    ``$PLEXRT_LAZY_TABS=always``) only the open tab's content is computed (``shows``), so a filter
    change at registry scale pays for one view."""
    from plexrt.charts.scale import lazy_tabs
    from plexrt.ui import db

    if lazy_tabs(len(db.options().course_ids), _lazy_setting()):
        return list(st.tabs(labels, key=key, on_change="rerun"))
    return list(st.tabs(labels))


def _lazy_setting() -> str:
    """The deployment's ``$PLEXRT_LAZY_TABS``; a value that is not a setting is named in the
    server's log once and read as the default."""
    import os

    from plexrt.charts.scale import LAZY_TABS_ENV, LAZY_TABS_SETTINGS, lazy_tabs

    setting = os.environ.get(LAZY_TABS_ENV, "").strip().lower() or "auto"
    try:
        lazy_tabs(0, setting)
    except ValueError as exc:
        if setting not in _WARNED:
            _WARNED.add(setting)
            _log.warning("%s; read as %r", exc, LAZY_TABS_SETTINGS[0])
        return LAZY_TABS_SETTINGS[0]
    return setting


_WARNED: set[str] = set()
_log = logging.getLogger("plexrt")


def shows(tab) -> bool:
    """Whether a tab of ``view_tabs`` is to be computed: the open one, or every one when the
    tabs are not lazy (Streamlit's ``open`` is None then)."""
    return tab.open is not False


def two_readings(title: str, left: str, right: str, verdict: str) -> None:
    """A bordered box: a title, two readings side by side, and what PlexRT does (Markdown)."""
    with st.container(border=True):
        st.markdown(title)
        a, b = st.columns(2)
        a.markdown(left)
        b.markdown(right)
        st.markdown(f":material/gavel: {verdict}")
