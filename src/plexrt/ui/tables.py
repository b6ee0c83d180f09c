"""How tables look on screen: which columns, in what order, with which formats."""

from __future__ import annotations

import streamlit as st

from plexrt.charts.tables import COHORT_HEADERS as _H

COHORT_COLUMNS = {
    _H["dose_per_fraction_gy"]: st.column_config.NumberColumn(format="%.1f"),
    _H["eqd2_10_gy"]: st.column_config.NumberColumn(format="%.1f"),
    _H["bed10_gy"]: st.column_config.NumberColumn(format="%.1f"),
    _H["baseline_omed_mg"]: st.column_config.NumberColumn(format="%.0f"),
    _H["nrs_change"]: st.column_config.NumberColumn(format="%+d"),
    _H["pain_at_presentation"]: st.column_config.TextColumn(width="large"),
}


def cohort_columns(omed_header: str) -> dict:
    """COHORT_COLUMNS with the OMED column under the header that names its factor table."""
    cols = dict(COHORT_COLUMNS)
    cols[omed_header] = cols.pop("Baseline OMED (mg/day)")
    return cols
