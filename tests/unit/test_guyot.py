"""The Guyot 2012 reconstruction (plexrt.stats.guyot) on curves small enough to follow by hand.

Worked example A (risk table at 0 and 2, ten patients): points (0,1) (1,.9) (2,.9) (3,.75) (4,.75)
(5,.5).
  Interval [0, 2): first guess censored = round(10 x 0.9 / 1 - 8) = 1, spread at 0 + 2 x 1/2 = 1.0.
    t=1: d = round(10 (1 - 0.9/1)) = 1 -> S 0.9; then 1 censored -> 8 at risk at t=2 = published.
  Last interval [2, 5]: censoring as before: 1 censored over 18 patient-months (mean of 10 and 8
    at risk x 2 months); over 3 months for 8 patients: round(8 (1 - exp(-3/18))) = round(1.23) = 1,
    placed at the curve's end (t=5).
    t=3: d = round(8 (1 - .75/.9)) = round(1.33) = 1 -> S = .9 x 7/8 = .7875
    t=4: d = round(7 (1 - .75/.7875)) = round(0.33) = 0
    t=5: d = round(7 (1 - .5/.7875)) = round(2.56) = 3 -> S = .7875 x 4/7 = .45; 4 left, censored.
  With 4 total events reported: the guess gives 5 events; one more censored (2, at 3.5 and 5):
    t=3: d = 1, then censored at 3.5 -> 6 at risk; t=4: round(6 x .0476) = 0;
    t=5: d = round(6 x .3651) = round(2.19) = 2 -> 4 events in all.
Worked example B (no risk table, ten patients): points (0,1) (1,.8) (2,.5).
  No total events: no censoring before the end: t=1 d = 2, t=2 d = round(8 x .375) = 3, 5 censored
  at t=2.
  Total events 4: censored 0 -> 5 events; 1 (at 2.0, the end) -> 5; 2 (at 1.0, 2.0) -> t=1 d=2,
  1 censored, t=2 d = round(7 x .375) = round(2.63) = 3 -> 5; 3 (at 2/3, 4/3, 2): 1 censored before
  t=1, d = round(9 x .2) = 2, S = 7/9; 1 censored; t=2 d = round(6 (1 - .5/(7/9))) = round(2.14)
  = 2 -> 4 events.
"""

from __future__ import annotations

import numpy as np
import pytest

from plexrt.stats.guyot import reconstruct
from plexrt.stats.guyot_fit import digitised_median, fit_lines

A_T = [0, 1, 2, 3, 4, 5]
A_S = [1, 0.9, 0.9, 0.75, 0.75, 0.5]
B_T = [0, 1, 2]
B_S = [1, 0.8, 0.5]


def rows(rec):
    return sorted(zip(rec.ipd["time"].round(6), rec.ipd["event"], strict=True))


def test_example_a_risk_table_only():
    rec = reconstruct(A_T, A_S, [0, 2], [10, 8])
    assert rows(rec) == sorted(
        [(1.0, 1), (1.0, 0), (3.0, 1), (5.0, 1), (5.0, 1), (5.0, 1)] + [(5.0, 0)] * 4
    )
    np.testing.assert_allclose(rec.km.table["survival"], [1.0, 0.9, 0.7875, 0.45])
    assert rec.scenario == "risk_table"
    assert list(rec.intervals["events"]) == [1, 4]
    assert list(rec.intervals["censored"]) == [1, 1]
    assert list(rec.fit.at_risk["reconstructed"]) == [10, 8]
    assert rec.fit.events_reconstructed == 5 and rec.fit.events_published is None
    # Largest gap: at t = 3 (and 4) the reconstruction is at .7875, the point at .75; the point
    # (5, .5) lies on the reconstructed drop from .7875 to .45 at t = 5: no gap.
    assert rec.fit.max_gap == pytest.approx(0.0375)
    assert rec.fit.max_gap_time == 3.0
    assert (rec.fit.max_gap_point, rec.fit.max_gap_line) == (0.75, pytest.approx(0.7875))
    assert rec.fit.median_reconstructed == 5.0 and rec.fit.median_digitised == 5.0


def test_example_a_with_total_events():
    rec = reconstruct(A_T, A_S, [0, 2], [10, 8], total_events=4)
    assert rows(rec) == sorted(
        [(1.0, 1), (1.0, 0), (3.0, 1), (3.5, 0), (5.0, 1), (5.0, 1)] + [(5.0, 0)] * 4
    )
    assert rec.scenario == "risk_table_and_events"
    assert rec.fit.events_reconstructed == 4 == rec.fit.events_published
    np.testing.assert_allclose(rec.km.table["survival"].iloc[-1], 0.7875 * 4 / 6)
    assert any("total events matched" in n for n in rec.method_notes)


def test_example_b_start_only_assumes_no_censoring():
    rec = reconstruct(B_T, B_S, n_patients=10)
    assert rows(rec) == sorted([(1.0, 1)] * 2 + [(2.0, 1)] * 3 + [(2.0, 0)] * 5)
    assert rec.scenario == "start_only"
    assert any("no censoring is assumed before the end" in n for n in rec.method_notes)
    assert any(
        "read this curve's tail and any hazard ratio with caution" in n for n in rec.method_notes
    )


def test_example_b_total_events_only():
    rec = reconstruct(B_T, B_S, [0], [10], total_events=4)
    expected = (
        [(round(2 / 3, 6), 0), (round(4 / 3, 6), 0)]
        + [(1.0, 1)] * 2
        + [(2.0, 1)] * 2
        + [(2.0, 0)] * 4
    )
    assert rows(rec) == sorted(expected)
    assert rec.scenario == "events_only"
    assert any("censoring is spread evenly over the whole curve" in n for n in rec.method_notes)


def test_one_row_per_patient_and_inputs_kept():
    rec = reconstruct(A_T, A_S, [0, 2], [10, 8])
    assert rec.n == 10 and list(rec.ipd.columns) == ["time", "event"]
    assert rec.ipd["time"].is_monotonic_increasing
    assert set(rec.ipd["event"]) <= {0, 1}
    assert list(rec.risk_table["at_risk"]) == [10, 8]


def test_risk_times_become_interval_starts():
    # No point at t = 2.5: one is added at the curve's level (0.9) and said.
    rec = reconstruct([0, 1, 2, 3, 5], [1, 0.9, 0.9, 0.75, 0.5], [0, 2.5], [10, 8])
    assert list(rec.intervals["start"]) == [0, 2.5]
    assert any("Points added at risk-table times (1)" in n for n in rec.method_notes)


def test_median_not_reached_when_curve_ends_above_half():
    rec = reconstruct([0, 2, 4, 6], [1, 0.9, 0.8, 0.7], [0, 3], [20, 17])
    assert rec.fit.median_reconstructed is None and rec.fit.median_digitised is None
    assert "not reached" in fit_lines(rec.fit, "months")[2]


def test_digitised_median_rules():
    from plexrt.stats.curve_points import clean_points

    # Exactly 0.5 from t = 2 until the drop at t = 6: the midpoint 4, as R's print.survfit.
    assert digitised_median(clean_points([0, 2, 4, 6], [1, 0.5, 0.5, 0.3])) == 4.0
    assert digitised_median(clean_points([0, 2, 4], [1, 0.6, 0.4])) == 4.0


def test_risk_rows_after_the_curve_are_dropped_and_said():
    rec = reconstruct(A_T, A_S, [0, 2, 6, 9], [10, 8, 2, 1])
    assert list(rec.risk_table["time"]) == [0, 2]
    assert any("left out (times 6, 9)" in n for n in rec.method_notes)


def test_published_median_is_compared():
    rec = reconstruct(A_T, A_S, [0, 2], [10, 8], published_median=4.8)
    assert rec.fit.median_published == 4.8
    assert "published 4.80" in fit_lines(rec.fit, "months")[2]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"risk_times": [1, 2], "risk_counts": [10, 8]}, "must start at time 0"),
        ({"risk_times": [0, 2, 1], "risk_counts": [10, 8, 7]}, "must increase"),
        ({"risk_times": [0, 2], "risk_counts": [10, 12]}, "cannot grow"),
        ({"risk_times": [0, 2], "risk_counts": [10, 7.5]}, "whole numbers"),
        ({"risk_times": [0, 2], "risk_counts": [10]}, "one count per time"),
        ({"risk_times": [0], "risk_counts": [0]}, "1 or more"),
        ({}, "at least the number of patients"),
        ({"n_patients": 0}, "at least 1"),
        ({"n_patients": 10, "total_events": 11}, "exceeds the patients"),
        ({"n_patients": 10, "total_events": -1}, "at least 0"),
        ({"risk_times": [0, 2], "risk_counts": [10, 8], "n_patients": 9}, "differs"),
    ],
)
def test_invalid_inputs_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        reconstruct(A_T, A_S, **kwargs)


def test_fit_warnings_name_what_to_check():
    from plexrt.stats.guyot_fit import fit_warnings

    assert fit_warnings(reconstruct(A_T, A_S, [0, 2], [10, 8]).fit) == []  # gap 0.0375 < 0.05
    # Example B with 1 event reported: the censored count climbs 0 -> 4 -> 7 -> 8 -> 9 (spread at
    # 2j/9) until one event is left (t=1: round(6 x .2) = 1, S = 5/6; t=2: round(1 x .4) = 0): the
    # reconstruction stays at 5/6 where the curve reads 0.5.
    rec = reconstruct(B_T, B_S, [0], [10], total_events=1)
    assert rec.fit.events_reconstructed == 1
    assert rec.fit.max_gap == pytest.approx(5 / 6 - 0.5) and rec.fit.max_gap_time == 2.0
    assert fit_warnings(rec.fit, "months") == [
        "The reconstructed curve departs from the digitised points by 0.33 at 2.00 months: check the "
        "points there (a missed step, a drop digitised off the line) and the risk table."
    ]
    # Example A with 1 event reported: interval [0, 2) already holds it; the later drops are kept
    # (4 more events, as without the total) and the excess is said.
    rec = reconstruct(A_T, A_S, [0, 2], [10, 8], total_events=1)
    assert rec.fit.events_reconstructed == 5
    assert "Events: 5 reconstructed, 1 reported." in fit_warnings(rec.fit)
    assert any("more events than reported (by 4)" in n for n in rec.method_notes)
