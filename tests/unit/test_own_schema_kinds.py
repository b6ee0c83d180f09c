"""``as_kind``: one column in the pandas dtype of its stored kind, shared by ``conform`` (the
import and the store) and the bulk writer. Unknown stays unknown; a value that cannot be held
raises; a column already in its dtype comes back with the same values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plexrt.data.own_schema import as_kind


def test_text_keeps_values_and_turns_every_missing_kind_into_none():
    s = pd.Series(["a", np.nan, pd.NA, None, "b"], index=[5, 6, 7, 8, 9], dtype=object)
    out = as_kind(s, "text")
    assert out.dtype == object
    assert out.tolist() == ["a", None, None, None, "b"]
    assert list(out.index) == [0, 1, 2, 3, 4]
    assert s.iloc[1] is np.nan  # the caller's column is not changed


def test_arrow_text_becomes_object_text():
    out = as_kind(pd.Series(["x", None], dtype="string[pyarrow]"), "text")
    assert out.dtype == object and out.tolist() == ["x", None]


def test_text_without_missing_values_is_kept():
    s = pd.Series(["P1", "P2"], dtype=object)
    out = as_kind(s, "text")
    assert out.tolist() == ["P1", "P2"] and out.dtype == object


@pytest.mark.parametrize(
    ("values", "kind", "dtype", "want"),
    [
        ([1.0, np.nan, 3.0], "integer", "Int64", [1, pd.NA, 3]),
        (["2", None], "integer", "Int64", [2, pd.NA]),
        ([1, 2], "number", "float64", [1.0, 2.0]),
        ([True, None], "boolean", "boolean", [True, pd.NA]),
    ],
)
def test_numbers_and_booleans_take_their_nullable_dtype(values, kind, dtype, want):
    out = as_kind(pd.Series(values), kind)
    assert str(out.dtype) == dtype
    assert [None if v is pd.NA else v for v in out.tolist()] == [
        None if v is pd.NA else v for v in want
    ]


def test_a_column_already_in_its_dtype_is_returned_with_its_values():
    s = pd.Series([1, None, 4], dtype="Int64", index=[3, 4, 5])
    out = as_kind(s, "integer")
    assert str(out.dtype) == "Int64" and list(out.index) == [0, 1, 2]
    assert out.tolist() == [1, pd.NA, 4]


@pytest.mark.parametrize(("values", "kind"), [([1.5], "integer"), (["x"], "number")])
def test_a_value_its_kind_cannot_hold_raises(values, kind):
    with pytest.raises((ValueError, TypeError)):
        as_kind(pd.Series(values, dtype=object), kind)
