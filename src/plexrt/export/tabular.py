"""Exports of what is on screen."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from plexrt.data.values import half_up, is_missing, missing_mask

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection, OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would execute with a single quote; other values unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# Decimals kept for a number with no precision of its own: enough for any clinical figure,
# few enough that binary float noise (58.410000000000004) does not reach the file.
NOISE_DECIMALS = 10


def safe_csv(df: pd.DataFrame, decimals: Mapping[str, int] | None = None) -> bytes:
    """CSV (UTF-8 with BOM so spreadsheets read accents, CRLF line ends) of exactly ``df`` with
    text neutralised.

    Numbers stay numbers: a negative NRS change is written as -9, not as text. Float columns are
    rounded to ``decimals[header]`` (the precision shown on screen, e.g.
    ``charts.tables.COHORT_DECIMALS``) or else to NOISE_DECIMALS, so no float noise is written.
    """
    out = df.copy()
    decimals = decimals or {}
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            shown = decimals.get(str(col))  # as on screen: halves up (values.half_up)
            out[col] = (
                out[col].round(NOISE_DECIMALS)
                if shown is None
                else pd.Series(half_up(out[col], shown), index=out.index)
            )
        elif _holds_text(out[col]):
            cells = pd.Series(out[col].to_numpy(dtype=object), index=out.index)
            out[col] = cells.map(_rounded).map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    # CRLF line ends (RFC 4180): the csv writer then quotes a cell holding a bare CR, which would
    # otherwise end the row there and start a new one with the rest of the cell (a formula).
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def with_decimals(df: pd.DataFrame, decimals: Mapping[str, int]) -> pd.DataFrame:
    """``df`` with each float column named in ``decimals`` written as text of that many decimals,
    rounded as ``safe_csv`` rounds (a table of the report reads as the page's CSV); an unknown
    stays unknown (None: ``html_table`` shows it as a dash)."""
    out = df.copy()
    for col, d in decimals.items():
        if col in out and pd.api.types.is_float_dtype(out[col]):
            out[col] = [None if is_missing(v) else f"{v:.{d}f}" for v in half_up(out[col], d)]
    return out


def _holds_text(col: pd.Series) -> bool:
    """Whether a column can hold a cell a spreadsheet reads as text, whatever its dtype: a
    formula opens as readily from a categorical, sparse or Arrow column as from an object one."""
    if col.dtype == object or pd.api.types.is_string_dtype(col):
        return True
    return any(isinstance(v, str) for v in col.to_numpy(dtype=object))


def _rounded(value: object) -> object:
    """A float inside a text column (mixed types) rounded as a float column is."""
    if isinstance(value, float):
        return round(value, NOISE_DECIMALS)
    return value


# An unknown value in a table of the HTML report, the handout or the PPTX pack: a dash, never
# 'None', '<NA>', 'nan' or 0 (in a CSV an unknown is an empty cell).
UNKNOWN_MARK = "—"


def shown_cell(value: object) -> str:
    """One table cell as an export shows it (``UNKNOWN_MARK`` when unknown)."""
    return UNKNOWN_MARK if is_missing(value) else str(value)


def html_table(df: pd.DataFrame, **kw: object) -> str:
    """``df`` as an escaped HTML table, every unknown as ``UNKNOWN_MARK``. pandas' ``na_rep``
    reaches only float NaN: None in a text column was written 'None', a missing whole number or
    NRS '<NA>' (an own series with values not recorded)."""
    out = df.copy()
    for col in out.columns:
        if not pd.api.types.is_float_dtype(out[col]):  # (a float column keeps its format)
            missing = missing_mask(out[col])
            if missing.any():
                out[col] = out[col].astype(object).mask(missing, UNKNOWN_MARK)
    return out.to_html(index=False, escape=True, na_rep=UNKNOWN_MARK, border=0, **kw)
