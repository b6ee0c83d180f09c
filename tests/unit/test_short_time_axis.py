"""A time axis for a cohort followed for no time, or for hours: every patient of an own series
dead on the day RT ended. The survival slide's axis ran from 0 to 0.035 months in steps of
0.005 (a one-day floor read in months), with a number-at-risk row at each of those ticks."""

from __future__ import annotations

import pytest

from plexrt.charts.cif import cif_figure
from plexrt.charts.km import km_figure
from plexrt.stats import survival

# The smallest round span of each unit, ticked in its smallest round step (charts.axes._STEPS):
# months 0-1 by 0.25, weeks 0-4 by 1, days 0-4 by 1.
SHORTEST = {
    "months": [0, 0.25, 0.5, 0.75, 1.0],
    "weeks": [0, 1, 2, 3, 4],
    "days": [0, 1, 2, 3, 4],
}


@pytest.mark.parametrize("unit", list(SHORTEST))
def test_everyone_dead_on_day_zero_gets_a_readable_axis(unit):
    res = survival.kaplan_meier([0.0] * 9, [1] * 9)
    fig = km_figure([("All patients", res)], unit=unit, footnote="n = 9")
    assert list(fig.layout.xaxis.tickvals) == SHORTEST[unit]


def test_the_cif_axis_follows_the_same_floor():
    cif = survival.cumulative_incidence([0.0, 0.0, 0.0], [1, 2, 0])
    fig = cif_figure(cif, None, unit="months", footnote="n = 3")
    assert list(fig.layout.xaxis.tickvals) == SHORTEST["months"]
