"""Finding a patient of a large own series by study code (``own_followup.find_patient``): the
code as typed, else the first codes, in natural order, that start with it, with their count."""

from __future__ import annotations

from plexrt.ingest import own_followup as fu

CODES = fu.PatientCodes.of(
    [f"C{c}-{n:05d}" for c in (1, 2) for n in range(1, 1235)] + ["ｃ9-1", "P10", "P9"]
)


def test_codes_are_in_natural_order():
    assert CODES.codes[:2] == ("C1-00001", "C1-00002")
    assert CODES.codes[-3:] == ("P9", "P10", "ｃ9-1")
    assert len(CODES) == 2 * 1234 + 3


def test_the_code_as_typed_is_found_alone():
    found = fu.find_patient(CODES, "  C2-00017 ")
    assert (found.exact, found.shown, found.total) == ("C2-00017", ("C2-00017",), 1)


def test_a_prefix_lists_the_first_matches_and_counts_them_all():
    found = fu.find_patient(CODES, "c1-")  # case aside
    assert found.exact is None
    assert found.total == 1234
    assert found.shown == tuple(f"C1-{n:05d}" for n in range(1, 51))
    assert fu.found_words(found) == "first 50 of 1,234 matches"


def test_few_matches_are_all_listed():
    found = fu.find_patient(CODES, "P")
    assert (found.shown, found.total) == (("P9", "P10"), 2)
    assert fu.found_words(found) == "2 matches"
    assert fu.found_words(fu.find_patient(CODES, "p9")) == "1 match"


def test_a_full_width_code_is_found_by_its_plain_form():
    assert fu.find_patient(CODES, "C9").shown == ("ｃ9-1",)


def test_nothing_typed_finds_nothing_and_nothing_found_says_so():
    empty = fu.find_patient(CODES, "   ")
    assert (empty.typed, empty.exact, empty.shown, empty.total) == ("", None, (), 0)
    none = fu.find_patient(CODES, "X1")
    assert none.total == 0
    assert fu.found_words(none) == "No patient code of this series starts with 'X1'."


def test_the_limit_is_the_stated_one():
    assert fu.find_patient(CODES, "C", limit=3).shown == ("C1-00001", "C1-00002", "C1-00003")
    assert len(fu.find_patient(CODES, "C").shown) == fu.MATCHES_SHOWN == 50


def test_what_finds_nothing_is_quoted_short_with_invisible_characters_written_out():
    """The warning quoted what was typed as it came: a pasted zero-width space, a direction
    override or a control character was invisible, so it named 'C1-00001', a code the series
    holds; and 100,000 characters typed were all repeated. No stored code holds such characters
    (the import refuses them), so they are written out, and the text is cut at 60 characters."""
    zero_width = fu.find_patient(CODES, "C1-00001\u200b")
    assert zero_width.total == 0
    said = fu.found_words(zero_width)
    assert said == "No patient code of this series starts with 'C1-00001\\u200b'."
    override = fu.found_words(fu.find_patient(CODES, "\u202e10000-1C"))
    assert override == "No patient code of this series starts with '\\u202e10000-1C'."
    nul = fu.found_words(fu.find_patient(CODES, "C1\x00"))
    assert nul == "No patient code of this series starts with 'C1\\x00'."
    long = fu.found_words(fu.find_patient(CODES, "x" * 100_000))
    assert long == "No patient code of this series starts with '" + "x" * 60 + "…'."
