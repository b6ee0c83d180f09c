"""How tables look on screen: which columns, in what order, with which formats."""

from __future__ import annotations

import streamlit as st

from plexrt.charts.tables import COHORT_HEADERS as _H
from plexrt.charts.tables import cohort_decimals


def cohort_columns(omed_header: str) -> dict:
    """Column formats of the cohort table: the decimals of ``charts.tables.COHORT_DECIMALS`` (the
    CSV download rounds to the same), the change signed, the free text wide."""
    cols: dict = {
        header: st.column_config.NumberColumn(format=f"%.{d}f")
        for header, d in cohort_decimals(omed_header).items()
    }
    cols[_H["nrs_change"]] = st.column_config.NumberColumn(format="%+d")
    cols[_H["pain_at_presentation"]] = st.column_config.TextColumn(width="large")
    return cols
