"""How tables look on screen: which columns, in what order, with which formats."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from plexrt.charts.tables import COHORT_HEADERS as _H
from plexrt.charts.tables import cohort_decimals
from plexrt.export.tabular import UNKNOWN_MARK
from plexrt.ui.safe_text import md


def dataframe(data, **kwargs):
    """``st.dataframe`` with an unknown value shown as a dash, as the report, handout and pack
    show it (``export.tabular.UNKNOWN_MARK``), not as Streamlit's 'None'. Every table of the app
    is drawn through here."""
    kwargs.setdefault("placeholder", UNKNOWN_MARK)
    return st.dataframe(data, **kwargs)


def static_table(frame, **kwargs):
    """``st.table`` (a table shown whole, its text wrapped, not clipped). Its cells are Markdown,
    so every text cell, header and label is escaped (``safe_text.md``): a patient code 'P_1_2',
    or a link or image typed into a file, is shown as written. An unknown value is the dash
    ``dataframe`` shows."""
    shown = static_cells(frame)
    shown.columns = [md(c) for c in shown.columns]
    if not isinstance(shown.index, pd.RangeIndex):
        name = shown.index.name
        shown.index = pd.Index(
            [md(i) for i in shown.index], name=None if name is None else md(name)
        )
    return st.table(shown, **kwargs)


def static_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """The cells ``static_table`` shows, one type per column: a column of numbers only stays
    numbers; any other column (one with an unknown value or with text) is text throughout, its
    unknown values the dash, its text escaped (``safe_text.md``), its numbers written as Python
    writes them. A dash beside numbers in one column could not be converted to Arrow: Streamlit
    logged a conversion traceback on the server for each such table."""
    shown = frame.astype(object)
    for i in range(shown.shape[1]):
        values = shown.iloc[:, i]
        missing = frame.iloc[:, i].isna()
        if missing.any() or any(isinstance(v, str) for v in values):
            shown.isetitem(
                i,
                [
                    UNKNOWN_MARK if gone else md(v) if isinstance(v, str) else str(v)
                    for v, gone in zip(values, missing, strict=True)
                ],
            )
    return shown


def count_column(label: str):
    """A column of counts, grouped by thousands ('1,496' sites, as the rates beside them say it),
    not Streamlit's plain '1496'."""
    return st.column_config.NumberColumn(label, format="localized")


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


# Rows per page of a long table (the browser draws only these; the CSV download is whole).
PAGE_SIZE = 500


def page_bounds(n_rows: int, page: int, size: int = PAGE_SIZE) -> tuple[int, int, int]:
    """(first row, row after the last, number of pages) of page ``page`` (1-based, clamped to the
    pages there are) of ``n_rows`` rows in pages of ``size``."""
    if size < 1:
        raise ValueError(f"page size must be at least 1, got {size}")
    pages = max(1, -(-n_rows // size))
    page = min(max(1, int(page)), pages)
    return (page - 1) * size, min(page * size, n_rows), pages


def paged_dataframe(frame, key: str, size: int = PAGE_SIZE, **kwargs) -> None:
    """``st.dataframe`` of one page of ``frame`` with a page selector when it has more rows
    than ``size`` (and the rows shown stated)."""
    paged_rows(len(frame), lambda start, stop: frame.iloc[start:stop], key, size, **kwargs)


def paged_rows(n_rows: int, rows, key: str, size: int = PAGE_SIZE, **kwargs) -> None:
    """``st.dataframe`` of one page of ``n_rows`` rows, ``rows(start, stop)`` giving that page
    (a query, so that a table of millions of rows is never loaded whole), with a page selector
    when there is more than one page (and the rows shown stated)."""
    if n_rows <= size:
        dataframe(rows(0, n_rows), **kwargs)
        return
    _, _, pages = page_bounds(n_rows, 1, size)
    page = st.number_input(f"Page (of {pages:,})", 1, pages, 1, key=key)
    start, stop, _ = page_bounds(n_rows, page, size)
    st.caption(f"Rows {start + 1:,}–{stop:,} of {n_rows:,} ({size:,} per page)")
    kwargs.pop("height", None)
    dataframe(rows(start, stop), **kwargs)
