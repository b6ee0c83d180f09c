"""Exports of what is on screen."""

from __future__ import annotations

import pandas as pd

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection, OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would execute with a single quote; other values unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_csv(df: pd.DataFrame) -> bytes:
    """CSV (UTF-8 with BOM so spreadsheets read accents, CRLF line ends) of exactly ``df`` with
    text neutralised.

    Numbers stay numbers: a negative NRS change is written as -9, not as text.
    """
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    # CRLF line ends (RFC 4180): the csv writer then quotes a cell holding a bare CR, which would
    # otherwise end the row there and start a new one with the rest of the cell (a formula).
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
