"""The store's text checks run whole-column for plain values and value by value for the rest
(``plexrt.data.userstore.checks``): the two must agree with ``value_problem`` on every value, so the
fast path can never let a date, a blank, a NUL, an over-long or an unknown coded value through."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plexrt.data.own_schema import ASSESSMENT_COLUMNS, COURSE_COLUMNS
from plexrt.data.userstore.checks import MAX_TEXT, _surely_fine, _value_problems, value_problem

FREE = next(c for c in COURSE_COLUMNS if c.name == "patient_id")
CODED = next(c for c in COURSE_COLUMNS if c.name == "involved_muscle")
DRUG = next(c for c in ASSESSMENT_COLUMNS if c.name == "opioid_drug")

# Characters that sit on either side of the whole-column shortcut: separators of dates, ASCII and
# other digits, blanks that str.strip removes (\x1c-\x1f, NBSP, ideographic space), NUL, letters.
EDGE = "0123456789-/. _,:'+PQxé\x00\x1c\x1f\t\n\xa0\u3000٢٠١٣"
VALUE = st.one_of(
    st.text(alphabet=EDGE, max_size=14),
    st.text(max_size=8),
    st.from_regex(r"P?(19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}x?", fullmatch=True),
    st.from_regex(r"\d{1,2}[-/.]\d{1,2}[-/.](19|20)\d\d", fullmatch=True),
    st.sampled_from(["psoas", "iliacus", "Psoas", "psoas ", "x" * MAX_TEXT, "x" * (MAX_TEXT + 1)]),
)


def _one_by_one(values: list[str], col) -> dict[str, set[int]]:
    """The reference: ``value_problem`` on every value, rows grouped by message."""
    out: dict[str, set[int]] = {}
    for i, v in enumerate(values):
        message = value_problem(v, col)
        if message:
            out.setdefault(message, set()).add(i)
    return out


def _whole_column(values: list[str], col) -> dict[str, set[int]]:
    found = _value_problems(pd.Series(values, dtype=object), col)
    return {m: set(where.to_numpy().nonzero()[0]) for m, where in found.items() if where.any()}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(VALUE, min_size=1, max_size=12), st.sampled_from([FREE, CODED, DRUG]))
def test_the_whole_column_path_finds_what_value_by_value_finds(values, col):
    assert _whole_column(values, col) == _one_by_one(values, col)


@pytest.mark.parametrize(
    "value",
    [
        "2021-03-04",
        "P7 04/03/2021",
        "1999.12.31",
        "\x1c",  # str.strip removes it: blank
        "\u3000",
        "a\x00b",
        "x" * (MAX_TEXT + 1),
        "   ",
    ],
)
def test_values_value_problem_refuses_are_never_passed_whole_column(value):
    assert value_problem(value, FREE) is not None
    assert not _surely_fine(pd.Series([value], dtype=object), FREE)[0]


def test_plain_codes_and_known_choices_are_passed_whole_column():
    plain = pd.Series(["P00123", "centre 3/P12", "x" * MAX_TEXT], dtype=object)
    assert _surely_fine(plain, FREE).all()
    coded = pd.Series(["psoas", "Psoas"], dtype=object)
    assert _surely_fine(coded, CODED).tolist() == [True, False]
    assert value_problem("Psoas", CODED) is not None


def test_a_nul_after_the_same_text_is_still_found():
    # pandas' string hashing stops at a NUL: pd.unique(['a', 'a\x00b']) gives ['a'] alone.
    found = _whole_column(["a", "a\x00b", "", "\x00"], FREE)
    assert found == {
        "contains a NUL character": {1, 3},
        "is empty text (leave the cell empty for unknown)": {2},
    }
    coded = _whole_column(["psoas", "psoas\x00"], CODED)
    assert coded == {"contains a NUL character": {1}}
