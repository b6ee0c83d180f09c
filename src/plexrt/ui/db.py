"""One cached DuckDB connection per process and cached query wrappers keyed by the frozen filter."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from plexrt import store
from plexrt.filters import CohortFilter, Options


@st.cache_resource(show_spinner="Opening the PlexRT database…")
def connection():
    """The process-wide connection; builds the store from data/ first if it does not exist yet."""
    path = store.default_db_path()
    if not path.exists():
        store.build_db(store.DEFAULT_DATA_DIR, path)
    return store.connect(path)


@st.cache_data(show_spinner=False)
def cohort(flt: CohortFilter) -> pd.DataFrame:
    return store.cohort(connection(), flt)


@st.cache_data(show_spinner=False)
def all_sites() -> pd.DataFrame:
    return store.cohort(connection(), CohortFilter())


@st.cache_data(show_spinner=False)
def options() -> Options:
    return store.options(connection())


@st.cache_data(show_spinner=False)
def ranges() -> dict:
    return store.ranges(connection())


@st.cache_data(show_spinner=False)
def analgesics(flt: CohortFilter) -> pd.DataFrame:
    return store.analgesics(connection(), flt)


@st.cache_data(show_spinner=False)
def table(name: str) -> pd.DataFrame:
    """Small reference tables: series, provenance, discrepancies, case_details, toxicities, factors."""
    getter = {
        "series": store.series,
        "provenance": store.provenance,
        "discrepancies": store.discrepancies,
        "case_details": store.case_details,
        "toxicities": store.toxicities,
        "opioid_factors": store.opioid_factors,
    }[name]
    return getter(connection())


@st.cache_data(show_spinner=False)
def analgesic_aggregate():
    """The published after-RT analgesic change counts, or None when the series has none."""
    from plexrt.outcomes import Aggregate

    s = store.series(connection()).iloc[0]
    vals = (s.analgesic_reduced, s.analgesic_unchanged, s.analgesic_increased)
    if any(pd.isna(v) for v in vals):
        return None
    return Aggregate(*(int(v) for v in vals))


@st.cache_resource(show_spinner=False)
def user_store():
    from plexrt.userdata import UserStore

    return UserStore()


@st.cache_data(show_spinner=False)
def literature_bundled() -> pd.DataFrame:
    return store.literature(connection())


def literature_all() -> pd.DataFrame:
    """Bundled series plus the user's own (read fresh: another session may have added one)."""
    user = user_store().series().drop(columns=["created_at", "updated_at"])
    bundled = literature_bundled()
    if user.empty:
        return bundled.assign(origin="bundled")
    return pd.concat(
        [bundled.assign(origin="bundled"), user.assign(origin="user")], ignore_index=True
    )


@st.cache_data(show_spinner=False)
def events() -> pd.DataFrame:
    return store.events(connection())


@st.cache_data(show_spinner=False)
def course_events() -> pd.DataFrame:
    return store.course_events(connection())


@st.cache_data(show_spinner=False)
def reconstruction_report() -> tuple[pd.DataFrame, pd.DataFrame]:
    con = connection()
    return store.reconstruction_checks(con), store.reconstruction_conflicts(con)


@st.cache_data(show_spinner="Drawing 200 reconstructions of the unpublished times…")
def ensemble_events(n: int = 200) -> list[pd.DataFrame]:
    """Per-patient event frames of ``n`` seeded reconstructions (seeds 0..n-1; draw 0 is the
    stored default). Empty when the series has real times (nothing to reconstruct)."""
    from plexrt import reconstruct

    con = connection()
    published = store.published_times(con)
    if published.empty:
        return []
    cons = [reconstruct.constraint_from_record(r) for r in published.to_dict("records")]
    sites = all_sites()
    patients = sites.drop_duplicates("patient_id")[["patient_id", "age", "sex", "primary_cancer"]]
    draws = reconstruct.ensemble(sites, patients, cons, n=n, seed=store.DEFAULT_SEED)
    return [d.patients for d in draws]


@st.cache_data(show_spinner=False)
def plexrt_medians(flt: CohortFilter):
    from plexrt.timetoevent import series_medians

    return series_medians(events(), cohort(flt)["patient_id"].unique())
