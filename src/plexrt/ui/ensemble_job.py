"""The reconstruction ensemble drawn in the background on the time-to-event page: a progress bar
and a Cancel button while it runs (polled by a fragment), the page drawn when it is complete.

The ensemble is shared by every session of this process (one per series and store file): the
first session to need it starts it; a session that cancels it sees a button to start it again.
Other pages that need it (the board) draw it while they wait, as before (``db.ensemble_events``).
"""

from __future__ import annotations

import threading

import pandas as pd
import streamlit as st

from plexrt.data.paths import default_db_path
from plexrt.ingest.background import CANCELLED, DONE, FAILED, BackgroundJob
from plexrt.reconstruct.ensemble import ENSEMBLE_SIZE
from plexrt.ui import series_state

_LOCK = threading.Lock()
_JOBS: dict[tuple, BackgroundJob] = {}
_DONE: dict[tuple, list[pd.DataFrame]] = {}
_CANCELLED = "_ensemble_cancelled"  # session state: the key this session cancelled
POLL_S = 0.5
# How long a page waits for the ensemble before it shows the progress bar instead (most series
# draw theirs in about a second); $PLEXRT_ENSEMBLE_WAIT_S overrides it (the tests wait to the end).
WAIT_S = 1.5


def _wait_s() -> float:
    import os

    try:
        return max(0.0, float(os.environ.get("PLEXRT_ENSEMBLE_WAIT_S", WAIT_S)))
    except ValueError:
        return WAIT_S


def _key() -> tuple:
    path = default_db_path()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return (*series_state.series_key(), str(path), stamp)


def finished() -> list[pd.DataFrame] | None:
    """The draws of the series in view when they are complete in this process, else None."""
    key = _key()
    with _LOCK:
        if key in _DONE:
            return _DONE[key]
        job = _JOBS.get(key)
    if job is not None and job.state == DONE:
        with _LOCK:
            _DONE[key] = job.result()
            _JOBS.pop(key, None)
            return _DONE[key]
    return None


def draws_now(con) -> list[pd.DataFrame]:
    """The draws, drawn here and now when no background job has them (a page that waits)."""
    from plexrt.ingest.ensemble import reconstruction_draws

    done = finished()
    if done is not None:
        return done
    draws = reconstruction_draws(con)
    with _LOCK:
        _DONE[_key()] = draws
    return draws


def _start(con) -> BackgroundJob:
    from plexrt.ingest.ensemble import reconstruction_draws

    cursor = con.cursor()  # a connection of its own for the thread

    def work(progress, cancelled):
        try:
            return reconstruction_draws(cursor, progress=progress, cancelled=cancelled)
        finally:
            cursor.close()

    return BackgroundJob(work, name="plexrt-ensemble")


def ready(con) -> bool:
    """True when the ensemble is complete; otherwise shows its progress (starting it unless this
    session cancelled it) and returns False: the caller stops the page there."""
    if finished() is not None:
        return True
    key = _key()
    if st.session_state.get(_CANCELLED) == key:
        st.info(
            f"Drawing the {ENSEMBLE_SIZE} reconstructions was cancelled. The curves, medians and "
            "rates of this page are pooled over them, so they are not shown.",
            icon=":material/cancel:",
        )
        if st.button("Draw the reconstructions", key="ensemble_restart"):
            st.session_state.pop(_CANCELLED, None)
            st.rerun()
        return False
    with _LOCK:
        job = _JOBS.get(key)
        if job is None or job.state in (CANCELLED, FAILED):
            if job is not None and job.state == FAILED:
                _JOBS.pop(key)
                st.error(f"Drawing the reconstructions failed: {job.error}")
                return False
            job = _JOBS[key] = _start(con)
    if job.wait(_wait_s()) and finished() is not None:
        return True
    _progress(key)
    return False


def _cancel(key: tuple) -> None:
    with _LOCK:
        job = _JOBS.get(key)
    if job is not None:
        job.cancel()
    st.session_state[_CANCELLED] = key


@st.fragment(run_every=POLL_S)
def _progress(key: tuple) -> None:
    with _LOCK:
        job = _JOBS.get(key)
    if job is None or job.state != "running":
        st.rerun(scope="app")
    done, total = job.progress
    total = total or ENSEMBLE_SIZE
    st.progress(
        done / total,
        text=f"Drawing reconstructions of the unpublished times: {done} of {total}…",
    )
    st.button("Cancel", key="ensemble_cancel", on_click=_cancel, args=(key,))
