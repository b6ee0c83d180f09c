"""The series in view (set by ``plexrt.ui.series`` from the URL at the start of every run) and the
cache decorator that keys every query of ``plexrt.ui.db`` by it."""

from __future__ import annotations

import functools

import streamlit as st

from plexrt.data.series_param import SeriesChoice

SERIES_STATE = "series_choice"
VERSIONS = "series_versions"  # {own series id: last change} of the series the principal may read


def series_choice() -> SeriesChoice:
    """The choice of this run (the bundled series unless the switcher chose another)."""
    return st.session_state.get(SERIES_STATE, SeriesChoice())


def series_key() -> tuple[str, str]:
    """What the cached queries of the series in view are keyed by: its id and, for an own
    series, its last change (so a follow-up entry shows at once). Compare mode reads the
    bundled store, so it shares the bundled key."""
    choice = series_choice()
    if choice.is_own and choice.own_id:
        return choice.own_id, str(st.session_state.get(VERSIONS, {}).get(choice.own_id, ""))
    return "bundled", ""


def per_series(resource: bool = False, **cache_kw):
    """``st.cache_data`` (or ``cache_resource``) with the series in view as part of the key, so
    one cached query never answers for another series. The wrapped function reads
    ``db.connection()``, which is the store of that same series."""

    def wrap(fn):
        # (not '_key': streamlit leaves parameters named with a leading underscore out of the key)
        def keyed(series: tuple[str, str], *args, **kwargs):
            return fn(*args, **kwargs)

        # The cache tells functions apart by module and qualified name.
        keyed.__module__, keyed.__qualname__ = fn.__module__, f"{fn.__qualname__}[series]"
        cached = (st.cache_resource if resource else st.cache_data)(**cache_kw)(keyed)

        @functools.wraps(fn)
        def call(*args, **kwargs):
            return cached(series_key(), *args, **kwargs)

        call.clear = cached.clear  # type: ignore[attr-defined]
        return call

    return wrap
