"""Whole-column versions of per-value rules used by the pages at registry scale, checked against
the per-value rule they stand for and values by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plexrt.charts.layout import centred_ranks
from plexrt.clinical.pain_scores import nrs_change
from plexrt.data.specs import Col
from plexrt.data.validation import _parsed_texts, parse_cell
from plexrt.data.values import is_missing, missing_mask, natural_key, natural_sorted
from plexrt.ui.series_state import PatientIds


@pytest.mark.parametrize(
    "values",
    [
        pd.Series([1.0, np.nan, 3.0]),
        pd.Series([1, None, 3], dtype="Int64"),
        pd.Series(["1", " ", "", None, "x"], dtype=object),
        pd.Series([True, False]),
        pd.Series([], dtype="float64"),
        pd.Series(["a", "\u2003", "\x1c", "\n\t", pd.NA, np.nan], dtype=object),
        pd.Series([True, None, False, " "], dtype=object),
        pd.Series([None, None], dtype=object),
        pd.Series(["x", " ", None], dtype="string"),
        pd.Series([1, "1", " ", 2.5, np.nan], dtype=object, index=[5, 3, 9, 1, 0]),
    ],
)
def test_missing_mask_is_is_missing_of_each_value(values):
    got = missing_mask(values)
    assert list(got) == [is_missing(v) for v in values]
    assert list(got.index) == list(values.index)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=4), st.floats(allow_nan=True))))
def test_missing_mask_agrees_with_is_missing_on_any_column(cells):
    values = pd.Series(cells, dtype=object)
    assert list(missing_mask(values)) == [is_missing(v) for v in cells]


def test_nrs_checks_over_a_column_still_refuse_a_bad_score():
    assert list(nrs_change(pd.Series([8.0, 5.0, np.nan]), pd.Series([2.0, 6.0, 1.0])))[:2] == [
        -6,
        1,
    ]
    with pytest.raises(ValueError, match="after must be a whole number"):
        nrs_change(pd.Series([8.0, 5.0]), pd.Series([2.5, 6.0]))
    with pytest.raises(ValueError, match="before must be a whole number"):
        nrs_change(pd.Series([11, 5]), pd.Series([2, 6]))


def test_natural_key_repeated_calls_agree():
    ids = ["10.1", "2.1", "C1-000010.1", "C1-000009.2", "2.1"]
    assert natural_sorted(ids) == ["2.1", "2.1", "10.1", "C1-000009.2", "C1-000010.1"]
    assert natural_key(21) == natural_key("21") == ((0, 21, ""),)


def test_centred_ranks_by_hand():
    ranks, sizes = centred_ranks(["a", "b", "a", "a", "c", "b"])
    assert list(ranks) == [-1.0, -0.5, 0.0, 1.0, 0.0, 0.5]
    assert list(sizes) == [3, 2, 3, 3, 1, 2]
    ranks, sizes = centred_ranks([])
    assert len(ranks) == 0 and len(sizes) == 0


def test_patient_ids_digest_names_the_ids_in_order():
    a, b = PatientIds(["1", "2", 3]), PatientIds(("1", "2", "3"))
    assert a == ("1", "2", "3") and a.digest == b.digest
    assert PatientIds(["2", "1", "3"]).digest != a.digest
    # the separator keeps ids apart: ("12", "3") is not ("1", "23")
    assert PatientIds(["12", "3"]).digest != PatientIds(["1", "23"]).digest


def test_patient_ids_key_a_cache_by_their_ids():
    """A cached function sees equal ids as one key and ids in another order as another, and its
    argument iterates and indexes like the tuple of ids."""
    from plexrt.ui.series_state import per_series

    calls = []

    @per_series()
    def first_and_count(ids):
        calls.append(tuple(ids))
        return ids[0], len(ids)

    first_and_count.clear()
    assert first_and_count(PatientIds(["7", "10"])) == ("7", 2)
    assert first_and_count(PatientIds(("7", "10"))) == ("7", 2)
    assert first_and_count(PatientIds(["10", "7"])) == ("10", 2)
    assert calls == [("7", "10"), ("10", "7")]
    assert list(PatientIds([3, 1])) == ["3", "1"] and PatientIds(["3"]) == PatientIds(["3"])


_TEXT_COLUMNS = [
    Col("code"),
    Col("note", required=False),
    Col("side", choices=("left", "right", "bilateral")),
    Col("side_optional", required=False, choices=("left", "right")),
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=5),
            st.sampled_from(["left", " right ", "\u2003", "", "bilateral\t", "LEFT"]),
        ),
        unique=True,
    ),
    st.sampled_from(_TEXT_COLUMNS),
)
def test_text_columns_are_parsed_as_parse_cell_parses_each_cell(texts, col):
    values, errors = _parsed_texts(texts, col)
    expected = [parse_cell(t, col) for t in texts]
    assert list(values) == [v for v, _ in expected]
    assert errors == [e for _, e in expected]


def test_lazy_tabs_by_size_and_by_the_deployment_setting():
    from plexrt.charts.scale import LAZY_TABS_ABOVE, lazy_tabs

    assert not lazy_tabs(12)
    assert not lazy_tabs(LAZY_TABS_ABOVE)
    assert lazy_tabs(LAZY_TABS_ABOVE + 1)
    assert lazy_tabs(12, "always")
    assert lazy_tabs(0, "always")
    assert lazy_tabs(LAZY_TABS_ABOVE + 1, "auto")
    with pytest.raises(ValueError, match="PLEXRT_LAZY_TABS is 'sometimes'"):
        lazy_tabs(12, "sometimes")
