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


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(["=1+1", "ok"], dtype="category"),
        pd.Series(["=1+1", 2], dtype="category"),  # mixed categories: not a 'string' dtype
        pd.Series(["=1+1", "ok"], dtype="string"),
        pd.Series(pd.arrays.SparseArray(["=1+1", "ok"], fill_value="ok")),
        pd.Series(["=1+1", "ok"], dtype="string[pyarrow]"),
        pd.Series(["=1+1", "ok"], dtype="category").astype(
            pd.CategoricalDtype(["=1+1", "ok", 3.5])
        ),
    ],
    ids=["category", "mixed-category", "string", "sparse", "arrow-string", "category-float"],
)
def test_safe_csv_neutralises_text_whatever_the_column_dtype(column):
    back = pd.read_csv(io.BytesIO(safe_csv(pd.DataFrame({"t": column}))), encoding="utf-8-sig")
    assert back["t"].tolist()[0] == "'=1+1"


def test_safe_csv_leaves_dates_and_whole_numbers_as_they_were():
    df = pd.DataFrame(
        {"d": pd.to_datetime(["2024-01-02", None]), "n": pd.array([1, None], dtype="Int64")}
    )
    assert safe_csv(df).decode("utf-8-sig") == "d,n\r\n2024-01-02,1\r\n,\r\n"
