"""Which days a rounded published figure allows (half-up rounding, hand arithmetic in comments)."""

from __future__ import annotations

import pytest

from plexrt.reconstruct.rounding import (
    PAPER_MONTH_READINGS,
    fmt_readings,
    in_real,
    int_window,
    real_window,
    sum_window,
)
from plexrt.stats.timescale import DAYS_PER_MONTH


@pytest.fixture(scope="module")
def by(cons):
    return {c.constraint_id: c for c in cons}


def test_month_figures_under_both_readings(by):
    # "one month" (nearest month) = 0.5-1.5 months: 30-day months 15..44 days (45 rounds to 1.5 ->
    # 2), 30.4375-day months ceil(15.22)=16 .. ceil(45.66)-1=45 -> either: 15-45 days.
    assert int_window(by["relapse_rectal"]) == (15, 45)
    assert int_window(by["relapse_rectal"], (DAYS_PER_MONTH,)) == (16, 45)
    # "Approximately 17 months": 16.5 * 30 = 495 .. 17.5 * 30.4375 = 532.66 -> 532 days
    assert int_window(by["p5_pain_free"]) == (495, 532)
    # exact days stay a single day; "1-12 weeks" (exact): 7 and 84 days
    assert int_window(by["death_min"]) == (31, 31)
    assert int_window(by["weeks_min"]) == (7, 7) and int_window(by["weeks_max"]) == (84, 84)


def test_real_windows_and_sums(by):
    # mean "three weeks" to the nearest week: [2.5, 3.5) weeks = [17.5, 24.5) days
    assert real_window(by["weeks_mean"]) == (17.5, 24.5, False)
    # mean 205 days to the nearest day: [204.5, 205.5); 7 whole-day values sum to 1432..1438
    w = real_window(by["relief_mean"])
    assert w == (204.5, 205.5, False)
    assert sum_window(w, 7) == (1432, 1438)
    assert in_real(204.5, w) and not in_real(205.5, w)
    # "6.8 months" to 0.1 month: 6.75 * 30 = 202.5 .. 6.85 * 30.4375 = 208.499 days
    lo, hi, closed = real_window(by["disc_mean"])
    assert (lo, closed) == (202.5, False) and hi == pytest.approx(208.496875)


def test_the_30_day_reading_is_needed_for_the_discussion_mean(by):
    # PlexRT's own month (365.25/12 days) cannot give "6.8 months" for the Results' 205-day mean of
    # 7 patients: at most 1438 / 7 = 205.43 days, but 6.75 months are 6.75 * 30.4375 = 205.45 days.
    assert PAPER_MONTH_READINGS == (30.0, DAYS_PER_MONTH)
    own = real_window(by["disc_mean"], (DAYS_PER_MONTH,))
    assert not in_real(1438 / 7, own)
    # with 30-day months it holds: 205.43 / 30 = 6.848 -> 6.8
    assert in_real(1438 / 7, real_window(by["disc_mean"], (30.0,)))
    assert fmt_readings() == "30- or 30.44-day months"
