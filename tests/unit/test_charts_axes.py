"""Time axes of the time-to-event figures: units (plexrt.stats.timescale) and round tick steps."""

from __future__ import annotations

import numpy as np
import pytest

from plexrt.charts.axes import nice_ticks
from plexrt.stats import timescale


def test_to_unit_converts_days():
    # 3 months = 3 * 30.4375 = 91.3125 days; 14 days = 2 weeks.
    assert timescale.to_unit(91.3125, "months") == pytest.approx(3.0)
    assert timescale.to_unit(14, "weeks") == pytest.approx(2.0)
    assert timescale.to_unit(45, "days") == pytest.approx(45.0)
    days = np.array([0, 30.4375, 60.875])
    np.testing.assert_allclose(timescale.to_unit(days, "months"), [0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="unit"):
        timescale.to_unit(10, "years")


def test_nice_ticks_round_steps():
    # 120 days: step 30 gives 0, 30, 60, 90, 120 (5 ticks, last tick exactly at the maximum).
    assert nice_ticks(120, "days") == [0, 30, 60, 90, 120]
    # 675 days (longest follow-up in Sanuki 2022): every 100 days -> 0..700 (8 ticks, overshoot
    # 25 days; 150-day steps would overshoot 75, 200-day steps 125).
    assert nice_ticks(675, "days") == [0, 100, 200, 300, 400, 500, 600, 700]
    # 675 / 30.4375 = 22.18 months: 3-month steps would need 9 ticks, so every 6 months -> 0..24.
    assert nice_ticks(675, "months") == [0, 6, 12, 18, 24]
    # 120 / 7 = 17.1 weeks: every 4 weeks -> 0..20 (6 ticks); 2-week steps would need 10.
    assert nice_ticks(120, "weeks") == [0, 4, 8, 12, 16, 20]


@pytest.mark.parametrize("unit", ["days", "weeks", "months"])
def test_nice_ticks_rules_hold_over_a_range(unit):
    for max_days in [0.5, 3, 10, 31, 45, 100, 215, 365, 675, 1000, 2500, 9000]:
        ticks = nice_ticks(max_days, unit)
        assert 5 <= len(ticks) <= 8, (max_days, unit, ticks)
        assert ticks[0] == 0
        assert ticks[-1] >= max_days / timescale.UNITS[unit] - 1e-9
        steps = np.diff(ticks)
        np.testing.assert_allclose(steps, steps[0])
        # Covering the maximum needs no more than one extra step.
        assert ticks[-2] < max_days / timescale.UNITS[unit]


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf"), "10", True])
def test_nice_ticks_rejects_bad_maximum(bad):
    with pytest.raises(ValueError, match="max_days"):
        nice_ticks(bad, "days")
