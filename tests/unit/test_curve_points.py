"""Cleaning of digitised Kaplan-Meier points (plexrt.stats.curve_points): every change made and
said, hopeless input refused."""

from __future__ import annotations

import re

import numpy as np
import pytest

from plexrt.stats.curve_points import clean_points


def test_clean_curve_is_left_alone():
    c = clean_points([0, 1, 2, 3], [1.0, 0.8, 0.8, 0.5])
    assert c.notes == ()
    assert c.scale == "proportion"
    np.testing.assert_array_equal(c.time, [0, 1, 2, 3])
    np.testing.assert_array_equal(c.survival, [1.0, 0.8, 0.8, 0.5])


def test_percentages_are_detected_and_divided():
    c = clean_points([0, 1, 2], [100, 80, 45.5])
    assert c.scale == "percentage"
    np.testing.assert_allclose(c.survival, [1.0, 0.8, 0.455])
    assert any("percentages" in n and "divided by 100" in n for n in c.notes)


def test_small_overshoots_are_clipped_and_said():
    c = clean_points([0, 1, 2, 3], [1.004, 0.9, 0.5, -0.003])
    np.testing.assert_allclose(c.survival, [1.0, 0.9, 0.5, 0.0])
    assert any("points slightly outside 0–1 (2," in n for n in c.notes)


@pytest.mark.parametrize("bad", [[1.2, 0.8, 0.5], [1.0, 0.8, -0.2]])
def test_survival_far_outside_the_axis_is_refused(bad):
    with pytest.raises(ValueError, match="y-axis calibration"):
        clean_points([0, 1, 2], bad)


@pytest.mark.parametrize(
    ("surv", "said"),
    [
        # read as percentages (divided by 100), as the curve's other values are
        ([100, 1e20, 50], "lies 1e+18 above 1 (the point at time 1)"),
        ([1.0, 0.8, -1e300], "lies 1e+300 below 0 (the point at time 2)"),
        ([1.0, 0.8, -0.2], "lies 0.2 below 0 (the point at time 2)"),
    ],
)
def test_a_survival_far_outside_the_axis_is_named_in_a_few_digits(surv, said):
    """A value read off a miscalibrated axis was written with every digit (a 1e300 as a number
    of 301 digits) and the point was not named."""
    with pytest.raises(ValueError) as refused:
        clean_points([0, 1, 2], surv)
    assert said in str(refused.value)
    assert len(str(refused.value)) < 200


def test_time_slightly_below_zero_is_set_to_zero_far_below_refused():
    c = clean_points([-0.1, 5, 10], [1.0, 0.7, 0.4])  # 1% of 10 below 0
    np.testing.assert_array_equal(c.time, [0, 5, 10])
    assert any("slightly below 0" in n for n in c.notes)
    with pytest.raises(ValueError, match="x-axis calibration"):
        clean_points([-1.0, 5, 10], [1.0, 0.7, 0.4])  # 10% of the last time


def test_unsorted_points_are_sorted_and_a_rise_is_averaged():
    # Clicked out of order; 0.72 at t=3 lies above 0.70 at t=2 (a reader's wobble): the run is
    # replaced by its mean 0.71 (least-squares non-increasing fit), not pulled down to 0.70.
    c = clean_points([0, 2, 1, 3, 4], [1.0, 0.70, 0.9, 0.72, 0.5])
    np.testing.assert_array_equal(c.time, [0, 1, 2, 3, 4])
    np.testing.assert_allclose(c.survival, [1.0, 0.9, 0.71, 0.71, 0.5])
    assert any("sorted by time" in n for n in c.notes)
    assert any("points in runs where the curve rose (2;" in n for n in c.notes)
    assert any("median change 0.010, largest 0.010" in n for n in c.notes)


def test_longer_rising_run_is_pooled_to_its_mean():
    # 0.6, 0.62, 0.64 rise; pooled step by step: (0.6+0.62)/2 = 0.61 < 0.64 -> (0.6+0.62+0.64)/3.
    c = clean_points([0, 1, 2, 3, 4], [1.0, 0.6, 0.62, 0.64, 0.3])
    np.testing.assert_allclose(c.survival, [1.0, 0.62, 0.62, 0.62, 0.3])


def test_a_curve_that_climbs_over_time_is_refused_not_averaged_flat():
    # A cumulative incidence curve (1 - survival) digitised by mistake: averaged into a never-rising
    # curve it became 1 -> 0.46 at once and flat, 32 of 60 patients dying at once.
    time = [0, 2, 4, 6, 8, 10, 12]
    with pytest.raises(ValueError, match=r"rises from 0\.050 at time 0 to 0\.800 at time 12"):
        clean_points(time, [0.05, 0.2, 0.35, 0.5, 0.62, 0.7, 0.8])
    # Above 1.5: read as percentages first, then refused the same way.
    with pytest.raises(ValueError, match="a Kaplan-Meier curve never rises"):
        clean_points(time, [5, 20, 35, 50, 62, 70, 80])
    # A rise within the time a reader's click strays (2% of the axis) stays a wobble to average:
    # the top of the drop at t = 5 read at 5.1, after its bottom at 5.0.
    c = clean_points([0, 5.0, 5.1, 10], [1.0, 0.6, 0.8, 0.5])
    np.testing.assert_allclose(c.survival, [1.0, 0.7, 0.7, 0.5])
    # A small rise late in the curve (within 0.05) too.
    c = clean_points([0, 2, 8, 10], [1.0, 0.5, 0.54, 0.3])
    np.testing.assert_allclose(c.survival, [1.0, 0.52, 0.52, 0.3])


def test_points_on_a_vertical_drop_keep_the_bottom():
    # A drop at t = 2 clicked at its top, middle and bottom, and a double click at t = 3.
    c = clean_points([0, 1, 2, 2, 2, 3, 3], [1.0, 1.0, 1.0, 0.8, 0.6, 0.6, 0.6])
    np.testing.assert_array_equal(c.time, [0, 1, 2, 3])
    np.testing.assert_allclose(c.survival, [1.0, 1.0, 0.6, 0.6])
    assert any("points at a time already clicked (3;" in n for n in c.notes)


def test_start_is_made_zero_one():
    c = clean_points([0.5, 1, 2], [0.98, 0.8, 0.5])
    np.testing.assert_array_equal(c.time, [0, 0.5, 1, 2])
    assert c.survival[0] == 1.0
    assert any("no point at time 0" in n for n in c.notes)
    c = clean_points([0, 1, 2], [0.97, 0.8, 0.5])
    np.testing.assert_allclose(c.survival, [1.0, 0.8, 0.5])
    assert any("read 0.970" in n for n in c.notes)
    assert c.n_read == 3


@pytest.mark.parametrize(
    "surv",
    [[0.0, 0.0, 0.0], [0.6, 0.5, 0.3], [1.0, 0.6, 0.5]],
    ids=["zero-throughout", "starts-low", "drop-at-time-0"],
)
def test_a_start_far_below_one_is_refused_not_made_one(surv):
    # Read as 0 throughout (a misread y-axis), the start was made 1 and the curve became flat at 1
    # until it fell to 0: the reconstruction invented survivors. A drop at time 0 (top and bottom
    # clicked at 0) lost its events to the next step.
    time = [0, 0, 12] if surv[0] == 1.0 else [0, 6, 12]
    with pytest.raises(ValueError, match=r"reads 0\.(000|600) at time 0.*y-axis calibration"):
        clean_points(time, surv)


@pytest.mark.parametrize(
    ("time", "surv", "message"),
    [
        ([0], [1], "one point"),
        ([0, 1], [1], "must pair up"),
        ([0, float("nan")], [1, 0.5], "not a finite number"),
        ([0, 0], [1, 0.5], "no length"),
        (["a", 1], [1, 0.5], "must be numbers"),
    ],
)
def test_hopeless_input_is_refused(time, surv, message):
    with pytest.raises(ValueError, match=message):
        clean_points(time, surv)


@pytest.mark.parametrize(
    ("survival", "named"),
    [
        # 0.6 typed among percentages: divided by 100 it became 0.006, a drop to almost nothing
        # and a climb back to 0.5 (refused as a cumulative incidence curve, a wrong reason).
        ([100, 80, 0.6, 50, 40], "points 3 (0.6)"),
        # A proportion file with one value typed in percent: all the rest became hundredths.
        ([1.0, 0.9, 80, 0.7], "points 1 (1), 2 (0.9), 4 (0.7)"),
    ],
)
def test_proportions_and_percentages_mixed_in_one_file_are_refused(survival, named):
    time = list(range(len(survival)))
    with pytest.raises(ValueError, match=rf"{re.escape(named)} read as proportions .0-1.: the "):
        clean_points(time, survival)


def test_a_percentage_curve_ending_below_1_5_percent_is_not_mixed():
    # A long tail read in percent (1.2% then 0.8%): every value on one scale, nothing rises.
    c = clean_points([0, 1, 2, 3, 4], [100, 60, 20, 1.2, 0.8])
    np.testing.assert_allclose(c.survival, [1.0, 0.6, 0.2, 0.012, 0.008])
    # A cumulative incidence curve in percent starting at 0 is still named as one.
    with pytest.raises(ValueError, match="a Kaplan-Meier curve never rises"):
        clean_points([0, 2, 4, 6], [0, 20, 35, 50])


def test_a_fall_from_percentages_into_values_that_read_as_proportions_is_said():
    # 60% then 0.5: the last patients dying, or 0.5 meant as 50%; the file cannot tell, so it
    # is read as percentages and the reader told which point to check.
    c = clean_points([0, 1, 2, 3], [100, 80, 60, 0.5])
    np.testing.assert_allclose(c.survival, [1.0, 0.8, 0.6, 0.005])
    assert (
        "survival falls from 60% at time 2 to 0.5% at time 3: if 0.5 was meant as a proportion "
        "(50%), give every survival value on one scale"
    ) in c.notes
    # A fall from 3% to 1% is an ordinary tail, not said.
    tail = clean_points([0, 1, 2, 3], [100, 20, 3, 1])
    assert not any("meant as a proportion" in n for n in tail.notes)
    # Nor is 20% then 1%: read as a proportion (100%) the curve would rise.
    last = clean_points([0, 1, 2], [100, 20, 1])
    assert not any("meant as a proportion" in n for n in last.notes)
