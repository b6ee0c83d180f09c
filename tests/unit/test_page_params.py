"""The page-owned URL parameters (?present=, ?slide=, ?resp= and the other view choices): any
text in the address bar gives a value in range, or the default with a notice naming it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from plexrt.data.page_params import read_choice, read_present, read_slide

DEFINITIONS = {"paper": "As in the paper", "icpre": "ICPRE 2012", "strict": "Strict"}
ANY_VALUE = st.one_of(st.none(), st.text(max_size=60), st.integers().map(str))


@given(ANY_VALUE, st.integers(min_value=1, max_value=40))
def test_any_slide_parameter_gives_a_slide_in_range(raw, n):
    i, notice = read_slide(raw, n)
    assert 0 <= i < n
    if notice is not None:
        assert i == 0 and "slide=" in notice and notice.isprintable()
        assert len(notice) < 120  # the value is quoted clipped, whatever its length


@given(st.integers(min_value=1, max_value=40), st.data())
def test_every_slide_number_opens_that_slide(n, data):
    k = data.draw(st.integers(min_value=1, max_value=n))
    assert read_slide(str(k), n) == (k - 1, None)
    assert read_slide(f" {k} ", n) == (k - 1, None)


def test_slides_outside_the_pack_or_not_numbers_are_named():
    assert read_slide(None, 9) == (0, None)
    assert read_slide("10", 9) == (0, "URL parameter slide='10' is outside 1–9: showing slide 1.")
    assert read_slide("0", 9)[1] is not None
    assert read_slide("-1", 9)[1] is not None
    assert read_slide("1e300", 9) == (0, "Ignored URL parameter slide='1e300': not a slide number.")
    assert read_slide("٣", 9)[1] is not None  # a digit of another script is not a slide number
    assert (
        read_slide("9" * 400, 9)[1]
        == "Ignored URL parameter slide='9999999999999999999…': not a slide number."
    )


@given(ANY_VALUE)
def test_any_present_parameter_gives_on_or_off(raw):
    on, notice = read_present(raw)
    assert on is (raw == "1")
    assert (notice is None) == (raw in (None, "0", "1"))


@given(ANY_VALUE)
def test_any_choice_parameter_gives_a_known_option(raw):
    value, notice = read_choice("resp", raw, DEFINITIONS, "paper")
    assert value in DEFINITIONS
    if raw in DEFINITIONS:
        assert (value, notice) == (raw, None)
    elif raw is None:
        assert (value, notice) == ("paper", None)
    else:
        assert value == "paper"
        assert notice is not None and notice.startswith("Ignored URL parameter resp=")
        assert notice.endswith("expected one of paper, icpre, strict.")
        assert notice.isprintable()


def test_hostile_choice_text_is_quoted_printable_and_clipped():
    _, notice = read_choice("unit", "<script>\x00alert(1)</script>" * 5, {"months": 1}, "months")
    assert notice == (
        "Ignored URL parameter unit='<script>?alert(1)</script><sc…': expected one of months."
    )
