"""How values handed to a computation or a figure are read (plexrt.clinical.inputs)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plexrt.clinical.inputs import count, flag, number, require_columns, yes_no


def test_flag_accepts_only_true_or_false():
    assert flag(True, "present") is True and flag(np.bool_(False), "present") is False
    for bad in (1, 0, "yes", None):
        with pytest.raises(ValueError, match="present must be True or False"):
            flag(bad, "present")


def test_yes_no_cells_also_take_one_and_zero():
    assert yes_no(1, "x") is True and yes_no(np.int64(0), "x") is False and yes_no(True, "x")
    for bad in (2, 0.5, "true", None):
        with pytest.raises(ValueError, match="rows: is_plexrt of 'A' must be True or False"):
            yes_no(bad, "rows: is_plexrt of 'A'")


def test_number_cells_missing_is_none_never_zero():
    assert number(None, "v") is None and number(np.nan, "v") is None and number("", "v") is None
    assert number(3, "v") == 3.0 and number("2.5", "v") == 2.5
    with pytest.raises(ValueError, match="rows: value of 'A' must be a number"):
        number("three", "rows: value of 'A'")
    with pytest.raises(ValueError, match="finite"):
        number(float("inf"), "v")


def test_count_cells_are_whole_numbers():
    assert count(12, "n") == 12 and count(12.0, "n") == 12 and count(np.int64(4), "n") == 4
    for bad in (1.5, True, "x"):
        with pytest.raises(ValueError, match="whole number"):
            count(bad, "rows: events of 'A'")


def test_require_columns_names_what_is_missing():
    df = pd.DataFrame({"a": [1]})
    assert require_columns(df, "rows", ["a"]) is df
    with pytest.raises(ValueError, match="rows is missing column\\(s\\): b, c"):
        require_columns(df, "rows", ["a", "b", "c"])
    with pytest.raises(ValueError, match="rows must be a pandas DataFrame"):
        require_columns([1], "rows", ["a"])
    with pytest.raises(
        ValueError, match=r"^events must be a pandas DataFrame \(store.events\), got list$"
    ):
        require_columns([1], "events", ["a"], "store.events")
