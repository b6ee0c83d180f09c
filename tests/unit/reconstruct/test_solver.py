"""The drawing steps: whole numbers within bounds with a fixed sum; four cell sums meeting three
published sums at once."""

from __future__ import annotations

import numpy as np

from plexrt.reconstruct.solver import cell_sums, fixed_sum


def test_fixed_sum_meets_bounds_and_total():
    rng = np.random.default_rng(0)
    lo, hi = np.array([0, 5, 10, 3]), np.array([10, 5, 40, 9])
    for total in (18, 20, 40, 64):  # 18 = sum of lows, 64 = sum of highs
        for _ in range(20):
            x = fixed_sum(lo, hi, total, rng)
            assert x.sum() == total and (lo <= x).all() and (x <= hi).all()
            assert x[1] == 5  # a value without room stays put
    assert list(fixed_sum(lo, hi, 18, rng)) == [0, 5, 10, 3]


def test_cell_sums_meet_every_window():
    rng = np.random.default_rng(1)
    boxes = [(10, 50), (0, 30), (20, 60), (5, 100)]
    d_win, r_win, f_win = (30, 40), (45, 55), (100, 110)
    for _ in range(50):
        x1, x2, x3, x4 = cell_sums(boxes, d_win, r_win, f_win, rng)
        # dead = cells 1 + 2, relief group = cells 1 + 3, everyone = all four
        assert d_win[0] <= x1 + x2 <= d_win[1]
        assert r_win[0] <= x1 + x3 <= r_win[1]
        assert f_win[0] <= x1 + x2 + x3 + x4 <= f_win[1]
        assert all(a <= v <= b for v, (a, b) in zip((x1, x2, x3, x4), boxes, strict=True))
    # everyone's sum out of reach of the boxes (at most 50 + 30 + 60 + 100 = 240): none
    assert cell_sums(boxes, d_win, r_win, (300, 310), rng) is None
