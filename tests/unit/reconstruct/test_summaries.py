"""What a published mean / range / median of n whole-day values allows (hand arithmetic)."""

from __future__ import annotations

import pytest

from plexrt.reconstruct.summaries import (
    NO_RELAPSE,
    Group,
    discussion_fit,
    mean_range,
    median_range,
    population_size,
    published_group,
    relapse_extras,
)
from plexrt.reconstruct.timeline import build_timeline


@pytest.fixture(scope="module")
def tl(courses, cons):
    return build_timeline(courses, cons)


def test_published_groups(cons, tl):
    # "The other seven ... mean duration of 205 days (70-481 days)": 7 values, sum 1432-1438
    g = published_group(cons, tl, "relief_duration", NO_RELAPSE)
    assert g == Group(
        7, 70, 481, True, True, 1432, 1438, ("relief_mean", "relief_min", "relief_max")
    )
    # "eight patients had died" ... "125 days (31-260 days)": sum 8 * [124.5, 125.5) = 996-1003
    d = published_group(cons, tl, "death_after_completion", "deceased patients")
    assert (d.n, d.sum_lo, d.sum_hi) == (8, 996, 1003)
    assert population_size(cons, tl, "all patients") == 11
    assert population_size(cons, tl, "all sites") == 12
    assert population_size(cons, tl, "assessable patients") == 9


def test_median_and_mean_ranges():
    g = Group(7, 70, 481, True, True, 1432, 1438, ())
    # largest median m: 3 values at 70, m and 2 more at m, 481: 210 + 3m + 481 <= 1438 -> m <= 249;
    # smallest: the median can sit on the minimum (3*70 + 70 + 2*481 + 481 >= 1432)
    assert median_range(g, []) == (70, 249)
    assert mean_range(g, []) == (1432 / 7, 1438 / 7)
    # two relapsers at 15-45 and 45-76 days of relief: mean (1432+15+45)/9 .. (1438+45+76)/9
    assert mean_range(g, [(15, 45), (45, 76)]) == ((1432 + 60) / 9, (1438 + 121) / 9)
    assert median_range(g, [(15, 45), (45, 76)]) == (70, 204)
    # fewer than two values: no order statistic
    assert median_range(Group(1, 0, 10, False, False, 0, 10, ()), []) is None


def test_discussion_readings(cons, tl):
    by = {c.constraint_id: c for c in cons}
    # relief of the relapsers from "one and two months ... after their maximal response"
    assert relapse_extras(cons) == [(15, 45), (45, 76)]
    # "mean ... 6.8 months" fits the 7 non-relapsing patients with 30-day months only
    fits, ranges = discussion_fit(by["disc_mean"], cons, tl)
    assert fits == [(NO_RELAPSE, 30.0)]
    assert ranges[NO_RELAPSE] == (1432 / 7, 1438 / 7)
    # "median ... 8.8 months" (262.5-269.4 days) fits no population
    fits, ranges = discussion_fit(by["disc_median"], cons, tl)
    assert fits == [] and ranges == {NO_RELAPSE: (70, 249), "assessable patients": (70, 204)}
