"""The shared data rules (plexrt.data.values, plexrt.data.specs, plexrt.data.literature): missing
values and their words, natural order of ids, which tables are traced and how their rows are named,
the median columns of the literature table."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plexrt.data import specs
from plexrt.data.literature import MEDIAN_COLUMNS
from plexrt.data.values import (
    NOT_AVAILABLE,
    NOT_REPORTED,
    NOT_STATED,
    counted,
    is_missing,
    natural_key,
    natural_order,
    natural_sorted,
    utc_shown,
)


@pytest.mark.parametrize("value", [None, pd.NA, pd.NaT, math.nan, "", "   "])
def test_missing_values(value):
    assert is_missing(value)


@pytest.mark.parametrize("value", [0, 0.0, "0", "x", False])
def test_zero_and_text_are_not_missing(value):
    assert not is_missing(value)


def test_words_for_unknown_values():
    assert (NOT_STATED, NOT_REPORTED, NOT_AVAILABLE) == (
        "not stated",
        "not reported",
        "not available",
    )


def test_natural_sorted_compares_digit_runs_as_numbers():
    assert natural_sorted(["10.1", "2.1", "1.2", "1.1"]) == ["1.1", "1.2", "2.1", "10.1"]
    assert natural_sorted(["X10", "X2", "D14", "D9"]) == ["D9", "D14", "X2", "X10"]


def test_natural_order_of_rows_keeps_ties_and_resets_the_index():
    df = pd.DataFrame(
        {"patient_id": ["10", "2", "2", "1"], "course_no": [1, 2, 1, 1], "tag": list("abcd")},
        index=[7, 8, 9, 10],
    )
    out = natural_order(df, ["patient_id", "course_no"])
    assert list(out["tag"]) == ["d", "c", "b", "a"]  # 1, 2 (course 1), 2 (course 2), 10
    assert list(out.index) == [0, 1, 2, 3]
    ties = natural_order(df.assign(patient_id="1"), ["patient_id"])
    assert list(ties["tag"]) == ["a", "b", "c", "d"]  # equal ids keep their order


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["1", "2", "10", "1.2", "P 9", "P10", "a", ""]), st.integers(1, 3)
        ),
        max_size=25,
    ),
    st.booleans(),
)
def test_natural_order_is_a_stable_sort_by_natural_keys(rows, presorted):
    """Against Python's stable sort of the records by their keys (an already ordered frame takes
    the path that copies nothing, and must give the same)."""
    if presorted:
        rows = sorted(rows, key=lambda r: (natural_key(r[0]), natural_key(r[1])))
    df = pd.DataFrame(
        {"pid": [r[0] for r in rows], "no": [r[1] for r in rows], "k": range(len(rows))},
        index=range(100, 100 + len(rows)),
    )
    expected = sorted(
        range(len(rows)), key=lambda i: (natural_key(rows[i][0]), natural_key(rows[i][1]))
    )
    out = natural_order(df, ["pid", "no"])
    assert list(out["k"]) == expected
    assert list(out.index) == list(range(len(rows)))
    one = sorted(range(len(rows)), key=lambda i: natural_key(rows[i][0]))
    assert list(natural_order(df, ["pid"])["k"]) == one


def test_traced_tables_and_their_row_keys():
    # Every cell of these tables must have a provenance rule; a row is named within its series.
    assert specs.TRACED_TABLES == (
        "series",
        "patients",
        "courses",
        "analgesics",
        "toxicities",
        "case_details",
    )
    assert specs.ROW_KEYS == {
        "series": ("series_id",),
        "patients": ("patient_id",),
        "courses": ("course_id",),
        "analgesics": ("course_id", "timepoint", "drug"),
        "toxicities": ("toxicity_id",),
        "case_details": ("detail_id",),
    }


def test_series_tables_start_with_series_id_and_are_keyed_within_the_series():
    for spec in specs.SERIES_FILES:
        if spec is specs.PROVENANCE_RULES:
            continue
        assert spec.names[0] == "series_id", spec.table
        assert spec.key[0] == "series_id", spec.table
        assert spec.filename == f"{spec.table}.csv"
    stored = [s.table for s in specs.STORED_FILES]
    assert "provenance_rules" not in stored and stored[-1] == "opioid_factors"
    assert stored[:4] == ["series", "patients", "courses", "analgesics"]  # references first


def test_median_columns_of_the_literature_table():
    assert MEDIAN_COLUMNS == (
        "median_relief_months",
        "median_followup_months",
        "median_survival_months",
    )


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("2026-12-04T07:58:19.209927Z", "2026-12-04 07:58:19"),
        ("2026-12-04T07:58:19+00:00", "2026-12-04 07:58:19"),
        ("2026-12-04T08:58:19+01:00", "2026-12-04 07:58:19"),  # to UTC
        ("not a time", "not a time"),
        (None, ""),
    ],
)
def test_stored_utc_times_are_shown_to_the_second(stored, shown):
    assert utc_shown([stored]) == [shown]


@pytest.mark.parametrize(
    ("n", "noun", "plural", "shown"),
    [
        (0, "problem", None, "0 problems"),
        (1, "problem", None, "1 problem"),
        (2, "site", None, "2 sites"),
        (1, "patient", "patients", "1 patient"),
        (3, "analysis", "analyses", "3 analyses"),
    ],
)
def test_a_count_has_its_noun_in_the_right_number(n, noun, plural, shown):
    assert counted(n, noun, plural) == shown


def test_natural_order_takes_any_text():
    """'²' is a digit to str.isdigit but not a number to int(): it sorts as text, no ValueError.
    Arabic-Indic digits are numbers."""
    assert natural_sorted(["S1²", "²", "S10", "S2", "\u0661\u0662", "\u0665"]) == [
        "\u0665",
        "\u0661\u0662",
        "S1²",
        "S2",
        "S10",
        "²",
    ]


@given(st.lists(st.text(max_size=12), max_size=8))
def test_any_codes_sort_naturally_without_error(codes):
    ordered = natural_sorted(codes)
    assert sorted(ordered) == sorted(codes)
