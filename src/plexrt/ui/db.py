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
