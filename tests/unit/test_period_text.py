"""A series' treatment period: years and months pass, what may identify (an e-mail address, a
telephone or hospital-style number, a calendar date with its day) is refused, naming what it
holds; the store's check of the series' details uses the rule."""

from __future__ import annotations

import pytest

from plexrt.data.period_text import PERIOD_ADVICE, period_kinds, period_problem, reversed_ranges
from plexrt.data.userstore.checks import details_problems

ACCEPTED = [
    "2010-2015",
    "2010–2015, 2016–2023",
    "Jan 2010 to Dec 2015",
    "2010/01-2015/12",
    "since 2018",
    "2010 - 2015",
    "01/2010-12/2015",
    "2010-15",
    "March 2012 – May 2020",
    "1998-2004; 2005-2019",
    "Q1 2010 to Q4 2015",
    "2010-2015 (n=120)",
    "２０１０–２０１５",  # full-width digits
    "janvier 2010 - décembre 2015",
    "Mai 2010 bis März 2015",
]

REFUSED = [
    ("j.doe@h.org", ["email"]),
    ("2010-2015, ask ward@h.org", ["email"]),
    ("020 7946 0958", ["number"]),
    ("+44 20 7946 0958", ["number"]),
    ("2010-2015 tel 0207 946 0958", ["number"]),
    ("MRN 1234567", ["number"]),
    ("2010-2015 12345", ["number"]),
    ("06 12 34 56 78", ["number"]),
    ("１２３４５６７", ["number"]),
    ("2010-01-15 to 2015", ["day"]),
    ("15.01.2010-2015", ["day"]),
    ("from 15.01 2010", ["day"]),
    ("15 Jan 2010 to 2015", ["day"]),
    ("Jan 15, 2010 - 2015", ["day"]),
    ("3. März 2015 bis 2020", ["day"]),
    ("1er janvier 2010", ["day"]),
    ("2 May 2010 to x@y.org, 0207 946 0958", ["email", "number", "day"]),
]


@pytest.mark.parametrize("period", ACCEPTED)
def test_ordinary_periods_pass(period):
    assert period_kinds(period) == [] and period_problem(period) is None
    assert details_problems("S", None, period) == {}


@pytest.mark.parametrize(("period", "kinds"), REFUSED)
def test_what_may_identify_is_refused_naming_it(period, kinds):
    assert period_kinds(period) == kinds
    # ISO and day.month.year dates are refused by the calendar-date rule first, in its words
    refused = details_problems("S", None, period)["period"]
    assert refused.startswith(("period: holds ", "period: looks like a calendar date"))


def test_the_message_names_every_kind_and_what_to_give():
    assert period_problem("2 May 2010, x@y.org") == (
        f"holds an e-mail address and a calendar date with its day: {PERIOD_ADVICE}"
    )
    assert period_problem("ring 020 7946 0958") == (
        "holds a number that is neither a year nor a month (a telephone, hospital or record "
        f"number): {PERIOD_ADVICE}"
    )


@pytest.mark.parametrize(
    ("period", "backwards"),
    [
        ("2020-2010", ["2020-2010"]),
        ("2010-2015, 2023–2016", ["2023–2016"]),
        ("2015 to 2010", ["2015 to 2010"]),
        ("２０２０-２０１０", ["2020-2010"]),  # full-width digits, read as typed in ASCII
        ("2010-2015", []),
        ("2015-2015", []),
        ("2010/01-2015/12", []),
        ("01/2015-12/2010", []),  # month/year: not two years side by side
        ("2010-15", []),
    ],
)
def test_a_range_of_years_that_ends_before_it_starts(period, backwards):
    assert reversed_ranges(period) == backwards
    problem = period_problem(period)
    if backwards:
        assert problem == f"'{backwards[0]}' ends before it starts: give the first year first"
    elif period_kinds(period) == []:
        assert problem is None


def test_a_reversed_range_is_named_beside_what_identifies():
    assert period_problem("2020-2010, x@y.org") == (
        f"holds an e-mail address: {PERIOD_ADVICE}; '2020-2010' ends before it starts: "
        "give the first year first"
    )


def test_every_detail_is_named_at_once():
    found = details_problems("Ours j.doe@h.org", "Tel 020 7946 0958", "since 12 Jan 2018")
    assert sorted(found) == ["institution", "name", "period"]
    assert found["period"] == f"period: holds a calendar date with its day: {PERIOD_ADVICE}"
