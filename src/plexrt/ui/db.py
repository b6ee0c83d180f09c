"""One cached DuckDB connection per process and cached wrappers keyed by the frozen filter.

Thin on purpose: every query is defined once in ``plexrt.data.store`` (or the user store), every
computation in its domain package; this module only caches them for the pages.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from plexrt.clinical import cohort_summary, series_words
from plexrt.data import store
from plexrt.data.filters import CohortFilter, Options
from plexrt.data.paths import default_data_dir, default_db_path
from plexrt.ui import series_state
from plexrt.ui.user_data import user_data, user_data_failed, user_store

_SEEN: dict[str, tuple] = {}
_OPEN: dict[str, list[duckdb.DuckDBPyConnection]] = {}
_NOTICES: dict[str, str | None] = {}


def _stamp(path: Path) -> tuple:
    try:
        st_ = path.stat()
    except OSError:
        return ()
    return (st_.st_ino, st_.st_mtime_ns)


def bundled_connection() -> duckdb.DuckDBPyConnection:
    """The process-wide connection to the bundled store as it is now on disk."""
    path = default_db_path()
    return _connection(str(path), _stamp(path))


def connection() -> duckdb.DuckDBPyConnection:
    """The store of the series in view: the bundled store, or an own series' in-memory store
    (``plexrt.ingest.own_store``; the same schema, so every query of ``plexrt.data.store`` runs
    on it unchanged). Compare mode reads the bundled store here (see ``own_connection``)."""
    choice = series_choice()
    if choice.is_own and choice.own_id:
        return own_connection(choice.own_id)
    return bundled_connection()


# The series in view and the per-series cache key live in plexrt.ui.series_state.
_VERSIONS = series_state.VERSIONS
series_choice, _per_series = series_state.series_choice, series_state.per_series


def words() -> series_words.SeriesWords:
    """The footnotes and labels of the series in view (``plexrt.clinical.series_words``): for
    the bundled store, and beside it in compare mode, the paper's only when it holds the
    published series."""
    source = series_words.source_of(series_choice().mode)
    if source == series_words.PUBLISHED:
        source = series_words.bundled_source(table("series"))
    if source == series_words.COMPARE:  # compare mode reads the bundled store here
        return series_words.compare_words(table("series"))
    return series_words.words(source)


def own_connection(series_id: str) -> duckdb.DuckDBPyConnection:
    """The in-memory store of an own series the principal may read (``UserDataUnavailable``
    when the user data cannot be used; ``PermissionDenied`` for a series not readable)."""
    from plexrt.data.access import PermissionDenied

    versions = st.session_state.get(_VERSIONS, {})
    if series_id not in versions:  # never listed for this principal: not theirs to read
        raise PermissionDenied(principal(), "read this series")
    return _own_connection(series_id, str(versions[series_id]), principal())


# Keyed by the series' version as listed on this run: a write from this session or another
# (another app process, on a team server) gives a new version, so no cache needs clearing.
@st.cache_resource(show_spinner="Loading your series…", max_entries=4)
def _own_connection(series_id: str, version: str, _principal) -> duckdb.DuckDBPyConnection:
    from plexrt.ingest.own_store import own_connection as build

    store_ = user_store()
    listing = store_.own_series(_principal)
    record = listing[listing["series_id"] == series_id].iloc[0].to_dict()
    frames = store_.series_frames(_principal, series_id)
    bundled = bundled_connection()
    return build(record, frames, store.opioid_factors(bundled), store.literature(bundled))


def own_patient_codes(store_, series_id: str):
    """The patient codes of an own series the principal may read (``ingest.own_followup.
    PatientCodes``), read again only when the series' patients may have changed: the cache is
    keyed by the last change that could add or remove one (``patient_codes_version``, asked on
    every run, so a patient added or removed in another session shows on the next run), not by
    each follow-up entry (saving one re-read 81,000 codes)."""
    who = principal()
    version = store_.patient_codes_version(who, series_id)
    return _own_patient_codes(store_.where, series_id, version, who.user_id, store_, who)


@st.cache_resource(show_spinner=False, max_entries=8)
def _own_patient_codes(where: str, series_id: str, version: int, user_id: str, _store, _who):
    from plexrt.ingest.own_followup import PatientCodes

    return PatientCodes.of(_store.patient_codes(_who, series_id))


def own_overview(store_, record: dict):
    """What the Data page shows of an own series' rows (``own_overview.series_facts`` and
    ``respelled_codes``), from the counts and the few candidate codes the store works out in SQL
    (``UserStore.series_counts``; no row of the series is read), once per version of the series
    (its last change, as listed on this run, with every field of its record shown: a change in
    another session gives a new version), not on every rerun."""
    who = principal()
    sid, version = str(record["series_id"]), repr(sorted(record.items()))
    return _own_overview(store_.where, sid, version, who.user_id, store_, who, record)


@st.cache_resource(show_spinner=False, max_entries=8)
def _own_overview(where: str, sid: str, version: str, user_id: str, _store, _who, _record):
    from plexrt.clinical import own_overview as ov

    counted = _store.series_counts(_who, sid)
    return ov.series_facts(_record, counted), ov.respelled_codes(counted.candidates)


def check_rebuilt() -> None:
    """Called at the start of every script run: when `plexrt build-db` has replaced the file
    since the last run, close the old connection (DuckDB would otherwise keep serving the old file
    to every new connection of this process) and drop every cached query result."""
    path = default_db_path()
    stamp = _stamp(path)
    if _SEEN.get(str(path), stamp) != stamp:
        for con in _OPEN.pop(str(path), []):
            with contextlib.suppress(Exception):
                con.close()
        _connection.clear()
        st.cache_data.clear()
    _SEEN[str(path)] = stamp


@st.cache_resource(show_spinner="Opening the PlexRT database…", max_entries=4)
def _connection(path: str, stamp: tuple) -> duckdb.DuckDBPyConnection:
    from plexrt.ingest.ensure import ensure_store

    # Missing or out of date: rebuilt from the data folder it was built from, never from another
    # one; a good older store is served when a rebuild is not possible (ensure_store says why).
    ready = ensure_store(Path(path), default_data_dir())
    _NOTICES[path] = ready.notice
    con = store.connect(ready.path)
    _OPEN.setdefault(path, []).append(con)
    return con


def store_notice() -> None:
    """Say once per session why the store shown is not one built from the data folder as it is
    now (an older store kept because the data are invalid, or one built from another folder)."""
    bundled_connection()
    notice = _NOTICES.get(str(default_db_path()))
    shown = st.session_state.setdefault("_store_notices", set())
    if notice and notice not in shown:
        shown.add(notice)
        st.warning(notice, icon=":material/database:")


@_per_series(frame=True, show_spinner=False, max_entries=32)
def cohort(flt: CohortFilter) -> pd.DataFrame:
    if flt.is_empty:
        return store.cohort(connection(), flt)
    # cut from the cached whole series by the filter's own SQL (a new filter costs a scan)
    return store.filter_sites(all_sites(), flt)


@_per_series(show_spinner=False, max_entries=32)
def cohort_size(flt: CohortFilter) -> tuple[int, int]:
    """(sites, patients) of the cohort, for the banner of every page without copying the
    cohort's frame on each rerun."""
    return cohort_summary.cohort_size(cohort(flt))


def all_sites() -> pd.DataFrame:
    """Every site (the cached unfiltered cohort)."""
    return cohort(CohortFilter())


@_per_series(show_spinner=False)
def options() -> Options:
    return store.options(connection())


@_per_series(show_spinner=False)
def ranges() -> dict:
    return store.ranges(connection())


@_per_series(frame=True, show_spinner=False, max_entries=32)
def analgesics(flt: CohortFilter) -> pd.DataFrame:
    return store.analgesics(connection(), flt)


@_per_series(frame=True, show_spinner=False)
def table(name: str) -> pd.DataFrame:
    """Small reference tables: series, discrepancies, case_details, toxicities,
    not_published, opioid_factors, patient_facts."""
    getter = {
        "series": store.series,
        "discrepancies": store.discrepancies,
        "case_details": store.case_details,
        "toxicities": store.toxicities,
        "not_published": store.not_published,
        "opioid_factors": store.opioid_factors,
        "patient_facts": store.patient_facts,
    }[name]
    return getter(connection())


def series_name() -> str:
    """The short name of the series in view ('Sanuki 2022', or an own series' name)."""
    return series_words.series_names(table("series"))


@_per_series(show_spinner=False)
def citation() -> str:
    """The citation of the bundled series (from the ``series`` table), for footnotes."""
    return store.citations(connection())


@_per_series(show_spinner=False)
def source_counts() -> list[tuple[str, int]]:
    return store.source_counts(connection())


@_per_series(show_spinner=False)
def provenance_tables() -> list[str]:
    return store.provenance_tables(connection())


@_per_series(show_spinner=False, max_entries=64)
def provenance_count(tables: tuple[str, ...], sources: tuple[str, ...]) -> int:
    return store.provenance_count(connection(), tables, sources)


@_per_series(frame=True, show_spinner=False, max_entries=64)
def provenance_page(
    tables: tuple[str, ...], sources: tuple[str, ...], start: int, stop: int
) -> pd.DataFrame:
    """One page of the provenance rows (a registry has millions: never all loaded)."""
    return store.provenance_page(connection(), tables, sources, start, stop)


@_per_series(show_spinner=False)
def analgesic_aggregate():
    """The published after-RT analgesic change counts, or None when the series has none."""
    from plexrt.clinical.response_summary import Aggregate

    counts = store.analgesic_change_counts(connection())
    return None if counts is None else Aggregate(*counts)


def principal():
    """The person using the app, for every call of the user store.

    With sign-in configured (``[auth]`` in the secrets): the signed-in person, with the role the
    roles file gives them (``plexrt.ui.signin`` -> ``plexrt.data.identity`` ->
    ``plexrt.data.access.resolve_role``). Local single-user mode: the operating-system account,
    role admin.
    """
    from plexrt.ui import signin

    return signin.principal()


def using_user_data(needs: str, use) -> None:
    """``use(store, principal)`` on the user's data; when it cannot be used now, a caption saying
    that ``needs`` ('Adding series') needs it (the notice says why)."""
    from plexrt.data.userstore import UserDataUnavailable

    store = user_data()
    if store is None:
        st.caption(f"{needs} needs your own data, which cannot be used now (see the notice).")
        return
    try:
        use(store, principal())
    except UserDataUnavailable as exc:
        user_data_failed(exc)


@st.cache_data(show_spinner=False)
def literature_bundled() -> pd.DataFrame:
    return store.literature(bundled_connection())


def literature_all() -> pd.DataFrame:
    """Bundled series plus the user's own (read fresh: another session may have added one).
    When the user's data cannot be used, the bundled series are shown with one notice."""
    from plexrt.data.userstore import UserDataUnavailable

    bundled = literature_bundled().assign(origin="bundled")
    store = user_data()
    if store is None:
        return bundled
    try:
        user = store.series(principal()).drop(columns=["created_at", "updated_at"])
    except UserDataUnavailable as exc:
        user_data_failed(exc)
        return bundled
    if user.empty:
        return bundled
    return pd.concat([bundled, user.assign(origin="user")], ignore_index=True)


@_per_series(frame=True, show_spinner=False)
def events() -> pd.DataFrame:
    return store.events(connection())


@_per_series(show_spinner=False)
def times_reconstructed() -> bool:
    """Whether the series in view has per-patient times and any of them is reconstructed
    (``endpoints.is_reconstructed``: a scan of every provenance column, once per series)."""
    from plexrt.clinical.endpoints import is_reconstructed

    ev = events()
    return not ev.empty and is_reconstructed(ev)


@_per_series(frame=True, show_spinner=False)
def course_events() -> pd.DataFrame:
    return store.course_events(connection())


@_per_series(show_spinner=False)
def reconstruction_report() -> tuple[pd.DataFrame, pd.DataFrame]:
    con = connection()
    return store.reconstruction_checks(con), store.reconstruction_conflicts(con)


# A resource, not data: the frames are shared read-only instead of unpickled on every run.
@_per_series(resource=True, show_spinner="Drawing reconstructions of the unpublished times…")
def ensemble_events() -> list[pd.DataFrame]:
    """Per-patient event frames of the seeded reconstructions (``reconstruct.ensemble.
    ENSEMBLE_SIZE`` of them; draw 0 is the stored default). Empty when the series has real times
    (nothing to reconstruct)."""
    from plexrt.ui import ensemble_job  # the time-to-event page draws it in the background

    return ensemble_job.draws_now(connection())
