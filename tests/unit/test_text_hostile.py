"""Hostile text to the small pure checks every import, form and page uses (issue 16 §4): the Markdown
escaper, the text limits, the date, hidden-character and identifier checks, the header checks and
the key file. Any text gives an answer, never an exception, and each keeps what it promises:
escaped text reads as written, a date is always seen, a key written is read back the same."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plexrt.data.csvfile import Problem
from plexrt.data.deidentify import (
    assign_pseudonyms,
    identifier_category,
    identifier_in_text,
    identifier_problems,
    key_csv,
    read_key,
)
from plexrt.data.own_headers import csv_title_above_names
from plexrt.data.own_template import COURSE_TEMPLATE
from plexrt.data.text_limits import (
    hidden_character,
    looks_like_date,
    spoofing_character,
    text_problem,
)
from plexrt.data.values import one_line
from plexrt.ui.safe_text import bullets, md
from tests.app.conftest import as_read

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Any text, and text made of what Markdown, CSV and the checks look at.
SIGNS = "\\`*_{}[]()#+-.!|<>~$=:&@,;\t\n\r\"' /0123456789aZé\x00\u202e\u200b\xa0\u3000\u2028"
TEXT = st.one_of(st.text(max_size=60), st.text(alphabet=SIGNS, max_size=40))
NAMES = [c.name for c in COURSE_TEMPLATE]


@SETTINGS
@given(st.one_of(TEXT, st.integers(), st.floats(), st.none()))
def test_any_text_in_markdown_reads_as_written_on_one_line(text):
    shown = md(text)
    assert as_read(shown) == one_line(text)
    assert "\n" not in shown and "\r" not in shown
    # no Markdown sign is left unescaped: taking the plain spans (safe_text) and the escaped pairs
    # out leaves none
    bare = re.sub(r"\\.", "", re.sub(r":color\[\\?.\]", "", shown))
    assert not re.search(r"[\\`*_{}\[\]()#+\-.!|<>~$=:&]", bare)


@SETTINGS
@given(st.lists(TEXT, max_size=5))
def test_any_lines_as_bullets_read_as_written(lines):
    shown = bullets(lines)
    assert shown.split("\n") == ([f"- {md(line)}" for line in lines] if lines else [""])
    assert [as_read(b[2:]) for b in shown.split("\n") if b] == [one_line(x) for x in lines]


@SETTINGS
@given(TEXT, st.integers(0, 80))
def test_any_text_is_kept_or_refused_in_words(text, limit):
    problem = text_problem(text, limit)
    if problem is None:
        assert len(text) <= limit and "\x00" not in text
        text.encode("utf-8")
    else:
        assert isinstance(problem, str) and problem
    assert isinstance(hidden_character(text), bool)
    assert isinstance(spoofing_character(text), bool)
    assert not spoofing_character(text) or hidden_character(text)  # hidden holds every spoofing one


@SETTINGS
@given(
    st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)),
    st.sampled_from(["{y}-{m}-{d}", "{y}/{m}/{d}", "{y}.{m}.{d}", "{d}/{m}/{y}", "{d}.{m}.{y}"]),
    st.booleans(),
    st.text(alphabet="abc ,;:()P_", max_size=8),
    st.text(alphabet="abc ,;:()P_", max_size=8),
)
def test_every_calendar_date_is_seen_in_any_text(day, shape, padded, before, after):
    two = "{:02d}" if padded else "{}"
    written = shape.format(y=day.year, m=two.format(day.month), d=two.format(day.day))
    assert looks_like_date(before + written + after)
    assert identifier_in_text(written + "@x") and isinstance(identifier_in_text(written), bool)


@SETTINGS
@given(st.lists(TEXT, max_size=6), st.lists(st.sampled_from(NAMES), max_size=3))
def test_any_headers_give_problems_naming_the_file(headers, allowed):
    for h in headers:
        assert identifier_category(h) in (None, *_categories())
    problems = identifier_problems("f.csv", headers, allowed)
    assert all(isinstance(p, Problem) and p.file == "f.csv" and p.message for p in problems)
    assert not any(p.column in allowed for p in problems)


def _categories() -> set[str]:
    from plexrt.data.deidentify import CATEGORIES

    return set(CATEGORIES)


@SETTINGS
@given(st.lists(TEXT, max_size=12))
def test_any_lines_above_a_csv_header_give_at_most_one_problem(lines):
    problems = csv_title_above_names("c.csv", "\n".join(lines))
    assert len(problems) <= 1
    assert all(p.file == "c.csv" and p.line == 1 and p.message for p in problems)


@SETTINGS
@given(
    st.lists(st.text(alphabet="Title ,;\"'x", min_size=1, max_size=20), min_size=1, max_size=9),
    st.sampled_from([",", ";", "\t"]),
)
def test_column_names_below_a_title_are_found_on_their_line(titles, sep):
    text = "\n".join([*titles, sep.join(NAMES[:3]), sep.join(["1"] * 3)])
    problems = csv_title_above_names("c.csv", text)
    assert len(problems) == 1 and f"on line {len(titles) + 1}," in problems[0].message


CODE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=20,
).filter(lambda c: c.strip() == c and c)


@SETTINGS
@given(st.lists(CODE, max_size=12))
def test_a_key_written_is_read_back_the_same(codes):
    key = assign_pseudonyms(codes)
    assert read_key(key_csv(key), "key.csv") == (key, [])


@SETTINGS
@given(st.binary(max_size=300) | TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_key_file_gives_a_key_or_problems_naming_it(data):
    key, problems = read_key(data, "key.csv")
    assert all(p.file == "key.csv" and p.message for p in problems)
    assert all(isinstance(c, str) and re.fullmatch(r"P\d+", p) for c, p in key.items())
    assert len(set(key.values())) == len(key)  # one pseudonym, one patient
