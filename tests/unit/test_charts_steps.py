"""The shaded band of a step curve as a plotly path, traced by hand."""

from __future__ import annotations

import numpy as np

from plexrt.charts.steps import step_band, thin_steps


def test_step_band_traces_each_run_of_known_limits():
    # Rows hold on [t_i, t_i+1): row 0 on [0, 10), row 1 has no limits (a gap), rows 2 and 3 on
    # [20, 30) and [30, 30] (the last row ends at its own time).
    t = np.array([0.0, 10.0, 20.0, 30.0])
    low = np.array([0.9, np.nan, 0.5, 0.4])
    high = np.array([1.0, np.nan, 0.8, 0.7])
    xs, ys = step_band(t, low, high)
    # along the upper limits, then back along the lower ones; NaN between the two polygons
    want_x = [0, 10, 10, 0, np.nan, 20, 30, 30, 30, 30, 30, 30, 20]
    want_y = [1, 1, 0.9, 0.9, np.nan, 0.8, 0.8, 0.7, 0.7, 0.4, 0.4, 0.5, 0.5]
    np.testing.assert_array_equal(xs, want_x)
    np.testing.assert_array_equal(ys, want_y)
    assert xs.dtype == ys.dtype == np.float64  # arrays, which plotly takes whole


def test_step_band_without_known_limits_is_empty():
    xs, ys = step_band(np.array([0.0, 5.0]), np.array([np.nan] * 2), np.array([np.nan] * 2))
    assert xs.size == ys.size == 0


def test_thin_steps_keeps_changes_and_both_ends():
    t = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    v = np.array([1.0, 1.0, 0.8, 0.8, 0.8])
    tx, vx = thin_steps(t, v)
    np.testing.assert_array_equal(tx, [0, 2, 4])
    np.testing.assert_array_equal(vx, [1, 0.8, 0.8])
