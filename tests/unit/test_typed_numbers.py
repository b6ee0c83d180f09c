"""One rule for a typed number (values.NUMBER_TEXT): the tumour-board form, the figures handed to a
computation and the own-series import read the same text as the same number, or all refuse it.
Python's float() also reads '1_0' as 10, '１０' and '١٠' as 10 and 'nan' / 'inf': none is a number as
a clinician types it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plexrt.board.case import CaseInputError, make_case
from plexrt.clinical.inputs import count, number
from plexrt.data.filters import Options, from_query_params, parse_range
from plexrt.data.own_cells import parse_table
from plexrt.data.own_problems import TEXT, ProblemLog
from plexrt.data.own_readers import RawTable
from plexrt.data.own_template import COURSES
from plexrt.data.values import entered_number, number_problem, parse_number
from tests.unit.board_cases import GOOD


def imported(texts: list[str], column: str) -> list[float | None]:
    """What the own-series import reads from these cells of ``column`` (None: refused)."""
    frame = pd.DataFrame({column: pd.Series(texts, dtype=TEXT)})
    raw = RawTable("courses.csv", frame, np.arange(2, len(texts) + 2))
    parsed = parse_table(raw, COURSES, ProblemLog())
    values, bad = parsed.values[column].tolist(), parsed.bad[column].tolist()
    return [None if b else float(v) for v, b in zip(values, bad, strict=True)]


def typed(text: str, *, whole: bool = False) -> float | None:
    """What a form reads from ``text`` (None: refused)."""
    try:
        return parse_number(text, whole=whole)
    except ValueError:
        return None


# Written plainly: read, by the form and the import alike (values by hand).
PLAIN = [
    ("10", 10.0),
    (" 10 ", 10.0),
    ("+10", 10.0),
    ("-0", 0.0),
    ("30.5", 30.5),
    ("3.", 3.0),
    (".5", 0.5),
    ("1e1", 10.0),
    ("2.5E1", 25.0),
]
# Read by float() until now, never meant as these numbers: refused by both.
ACCIDENTAL = ["1_0", "1_5", "3_0.0", "１０", "١٠", "१०", "١٠.٥"]
# Refused before and still: not finite, or not a number at all.
REFUSED = ["nan", "-inf", "Infinity", "1e400", "1,5", "1 0", "0x10", "−5", "ten", "½", "²"]


@pytest.mark.parametrize(("text", "value"), PLAIN)
def test_a_plain_number_is_read_by_the_form_and_the_import_alike(text, value):
    assert typed(text) == value
    assert number(text, "v") == value
    assert imported([text], "dose_gy") == [value]


@pytest.mark.parametrize("text", ACCIDENTAL + REFUSED)
def test_what_the_import_refuses_the_form_refuses(text):
    assert imported([text], "dose_gy") == [None]
    assert number_problem(text) is not None and typed(text) is None
    with pytest.raises(ValueError):
        number(text, "v")


@pytest.mark.parametrize("text", ACCIDENTAL)
def test_underscores_and_other_scripts_are_named_on_the_board_form(text):
    for name in ("nrs_before", "dose_gy", "fractions"):
        with pytest.raises(CaseInputError) as info:
            make_case(**{**GOOD, name: text})
        assert info.value.fields == [name]
        assert f"written with the digits 0-9, got {text!r}" in info.value.messages[0]
    with pytest.raises(ValueError, match="whole number written with the digits 0-9"):
        count(text, "events")


def test_the_board_form_reads_plain_numbers_as_typed():
    case = make_case(**{**GOOD, "nrs_before": " 7 ", "dose_gy": "+30.0", "fractions": "1e1"})
    assert (case.nrs_before, case.dose_gy, case.fractions) == (7, 30.0, 10)


def test_a_typed_figure_with_words_reads_only_plain_digits():
    assert entered_number("about 10 months") == (10.0, "about 10 months")
    for text in ("1_0", "about １０ months"):
        with pytest.raises(ValueError, match="digits 0-9"):
            entered_number(text)


def test_a_url_range_in_other_digits_is_ignored_and_said_so():
    with pytest.raises(ValueError, match="not a range"):
        parse_range("４５-７５")
    flt, notices = from_query_params({"age": "４５-７５"}, Options())
    assert (flt.age_min, flt.age_max) == (None, None) and notices == [
        "Ignored URL parameter age: '４５-７５' is not a range like 45-75."
    ]


CHARS = st.sampled_from(list("0123456789+-.eE_ ,") + ["１", "٠", "٣", "x", "\t", "inf", "nan"])
TEXTS = st.one_of(
    st.lists(CHARS, min_size=1, max_size=8).map("".join),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**20), 10**20).map(lambda n: f"{n:_}"),
    st.text(max_size=6),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXTS.filter(lambda t: t.strip() != ""), min_size=1, max_size=20))
def test_the_form_and_the_import_read_any_text_the_same(texts):
    assert imported(texts, "dose_gy") == [typed(t) for t in texts]
    assert imported(texts, "fractions") == [typed(t, whole=True) for t in texts]
    for text, value in zip(texts, imported(texts, "dose_gy"), strict=True):
        try:
            case = make_case(**{**GOOD, "dose_gy": text})
        except CaseInputError as exc:
            assert exc.fields == ["dose_gy"]
            # Read by both, but out of the board's range: the problem is the range, not the text.
            assert (value is not None) == exc.messages[0].startswith("dose_gy: total dose must be")
        else:
            assert case.dose_gy == value
