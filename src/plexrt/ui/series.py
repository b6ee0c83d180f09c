"""The series switcher in the sidebar: the bundled series, each own series the user may read, and
'compare'; kept in the URL (``plexrt.data.series_param``) and drawn before the filters, whose
choices depend on the series in view."""

from __future__ import annotations

import duckdb
import streamlit as st

from plexrt.clinical import own_overview
from plexrt.clinical.series_words import bundled_label, bundled_name
from plexrt.data import store
from plexrt.data.series_param import (
    BUNDLED,
    COMPARE,
    PARAMS,
    SeriesChoice,
    choose,
)
from plexrt.ui import db, series_state
from plexrt.ui.safe_text import md

_APPLIED = "series_url_applied"
_NOTICES = "series_notices"
_WIDGET, _VS_WIDGET = "series_pick", "series_vs"


def _bundled_labels() -> tuple[str, str]:
    """What the bundled store holds, named from its own series table, and the compare choice
    beside it. A store that cannot be read is reported where the pages read it; the switcher
    still offers the own series."""
    from plexrt.ingest.ensure import StoreUnavailable

    try:
        series = store.series(db.bundled_connection())
    except (StoreUnavailable, OSError, duckdb.Error):
        return "Bundled data (not available)", "Compare: an own series beside the bundled data"
    return bundled_label(series), f"Compare: an own series beside {bundled_name(series)}"


def _readable() -> dict[str, str]:
    """{own series id: name} of the series the principal may read ({} without user data); their
    last changes go to the session for the cache keys of ``plexrt.ui.db``."""
    from plexrt.data.userstore import UserDataUnavailable

    user = db.user_data(quiet=True)
    listing = None
    if user is not None:
        try:
            listing = user.own_series(db.principal())
        except UserDataUnavailable as exc:
            db.user_data_failed(exc)
    if listing is None or listing.empty:
        st.session_state[series_state.VERSIONS] = {}
        return {}
    ids = listing["series_id"].astype(str)
    st.session_state[series_state.VERSIONS] = dict(
        zip(ids, listing["updated_at"].astype(str), strict=True)
    )
    return own_overview.series_labels(listing)


def _set(choice: SeriesChoice) -> None:
    previous = st.session_state.get(series_state.SERIES_STATE)
    if previous is not None and previous.url_value() != choice.url_value():
        # Another series has other cancers, sites and ranges: start its filters afresh.
        from plexrt.ui import sidebar

        sidebar.reset_filters()
    st.session_state[series_state.SERIES_STATE] = choice


def _from_url(readable: dict[str, str]) -> SeriesChoice:
    choice, notices = choose(st.query_params.to_dict(), readable, _bundled_labels()[0])
    st.session_state[_NOTICES] = notices
    st.session_state[_WIDGET] = COMPARE if choice.is_compare else (choice.own_id or BUNDLED)
    if choice.own_id:
        st.session_state[_VS_WIDGET] = choice.own_id
    return choice


def _from_widgets(readable: dict[str, str]) -> SeriesChoice:
    picked = st.session_state.get(_WIDGET, BUNDLED)
    if picked == COMPARE and readable:
        vs = st.session_state.get(_VS_WIDGET)
        return SeriesChoice(COMPARE, vs if vs in readable else next(iter(readable)))
    if picked in readable:
        return SeriesChoice("own", picked)
    if picked not in (BUNDLED, COMPARE):  # unshared or deleted since it was chosen
        st.session_state[_NOTICES] = [
            "The series shown before is no longer available to you. "
            f"Showing {_bundled_labels()[0]}."
        ]
    st.session_state[_WIDGET] = BUNDLED
    return SeriesChoice()


def render() -> SeriesChoice:
    """Draw the switcher, keep the URL in step, and return the series in view."""
    readable = _readable()
    if not st.session_state.get(_APPLIED):
        choice = _from_url(readable)
        st.session_state[_APPLIED] = True
    else:
        choice = _from_widgets(readable)
    _set(choice)
    options = [BUNDLED, *readable, *([COMPARE] if readable else [])]
    bundled, compare = _bundled_labels()
    words = {BUNDLED: bundled, COMPARE: compare, **readable}
    sb = st.sidebar
    sb.selectbox(
        "Series",
        options,
        key=_WIDGET,
        format_func=lambda k: words.get(k, k),
        help="The published series, one of your own (imported) series, or both compared",
    )
    if choice.is_compare:
        sb.selectbox(
            "Own series to compare",
            list(readable),
            key=_VS_WIDGET,
            format_func=lambda k: readable.get(k, k),
        )
    _sync_url(choice)
    for note in st.session_state.get(_NOTICES, []):
        st.warning(md(note), icon=":material/warning:")
    return choice


def _sync_url(choice: SeriesChoice) -> None:
    wanted = choice.query_params()
    for k in PARAMS:
        if k in st.query_params and k not in wanted:
            del st.query_params[k]
    for k, v in wanted.items():
        if st.query_params.get(k) != v:
            st.query_params[k] = v
