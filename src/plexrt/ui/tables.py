"""How tables look on screen: which columns, in what order, with which formats."""

from __future__ import annotations

import streamlit as st

COHORT_COLUMNS = {
    "Gy/fx": st.column_config.NumberColumn(format="%.1f"),
    "EQD2₁₀ (Gy)": st.column_config.NumberColumn(format="%.1f"),
    "BED₁₀ (Gy)": st.column_config.NumberColumn(format="%.1f"),
    "Baseline OMED (mg/day)": st.column_config.NumberColumn(format="%.0f"),
    "NRS change": st.column_config.NumberColumn(format="%+d"),
    "Pain at presentation": st.column_config.TextColumn(width="large"),
}


def cohort_columns(omed_header: str) -> dict:
    """COHORT_COLUMNS with the OMED column under the header that names its factor table."""
    cols = dict(COHORT_COLUMNS)
    cols[omed_header] = cols.pop("Baseline OMED (mg/day)")
    return cols
