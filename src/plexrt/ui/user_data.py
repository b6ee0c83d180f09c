"""The user store as the pages reach it: opened once per database per process, and when it cannot
be used, said once per session and not tried again for ``_RETRY_S`` seconds (the pages then show
the bundled data). Kept apart from ``ui.db`` so that sign-in, which records itself in the store,
and the data access that asks who is signed in do not import each other."""

from __future__ import annotations

import time

import streamlit as st

from plexrt.ui.safe_text import md


def user_store():
    """The user store of ``$PLEXRT_USER_DB`` (one per database per process, upgraded on first
    use). Raises ``UserDataUnavailable`` when it cannot be opened."""
    from plexrt.data.userstore import default_target

    return _user_store(default_target())


@st.cache_resource(show_spinner=False, max_entries=4)
def _user_store(target: str):
    from plexrt.data.userstore import UserStore

    return UserStore(target)


_RETRY_S = 15.0  # after a failure, the user data are not tried again for this long in a session


def user_data(quiet: bool = False):
    """The user store when it can be used now, else None: the reason is shown once per session
    (pages then show the bundled data) and the store is not tried again for ``_RETRY_S`` seconds,
    so no rerun waits on a busy or broken database. ``quiet`` (the series switcher, on every page)
    remembers a failure without saying it; the pages that use the user data say it."""
    from plexrt.data.userstore import UserDataUnavailable

    failed = st.session_state.get("_user_data_failed")
    if failed and time.monotonic() - failed[0] < _RETRY_S:
        if not quiet:
            _say_once(failed[1])
        return None
    try:
        store = user_store()
        store.check()
    except UserDataUnavailable as exc:
        st.session_state["_user_data_failed"] = (time.monotonic(), str(exc))
        if not quiet:
            _say_once(str(exc))
        return None
    st.session_state.pop("_user_data_failed", None)
    return store


def user_data_failed(exc: Exception) -> None:
    """Remember a failure of the user data; say it once per session."""
    st.session_state["_user_data_failed"] = (time.monotonic(), str(exc))
    _say_once(str(exc))


def _say_once(reason: str) -> None:
    shown = st.session_state.setdefault("_user_data_notices", set())
    if reason not in shown:
        shown.add(reason)
        st.warning(f"{md(reason)} Only the bundled data are shown.", icon=":material/lock:")
