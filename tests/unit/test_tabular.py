"""CSV downloads: numbers stay numbers, text a spreadsheet would execute is neutralised
(plexrt.export.tabular)."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from plexrt.export.tabular import neutralise, safe_csv


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+A1", "'+A1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=x", "'\t=x"),
        ("Ovarian cancer", "Ovarian cancer"),
        (-9, -9),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_safe_csv_keeps_numbers_and_neutralises_text():
    df = pd.DataFrame(
        {"Site": ["1.1", '=HYPERLINK("x")'], "NRS change": [-9, -2], "@col": ["a", "b"]}
    )
    back = pd.read_csv(io.BytesIO(safe_csv(df)), encoding="utf-8-sig")
    assert list(back.columns) == ["Site", "NRS change", "'@col"]
    assert back["NRS change"].tolist() == [-9, -2]
    assert back["Site"].tolist() == ["1.1", '\'=HYPERLINK("x")']
