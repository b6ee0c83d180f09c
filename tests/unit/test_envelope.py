"""The reconstruction envelope (plexrt.stats.envelope): pointwise quantiles worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from plexrt.stats.envelope import envelope_from_ensemble


def test_envelope_from_ensemble_by_hand():
    # Three reconstructions, KM survival on the grid 0, 50, 100 by hand:
    #   M1: 40 (event), 80 (event)             -> 1, 0.5, 0
    #   M2: 60 (event), 120 (censored)         -> 1, 1, 0.5
    #   M3: 10, 20 (events), 30, 200 (cens.)   -> S(10) = 3/4, S(20) = 1/2 -> 1, 0.5, 0.5
    ensemble = [([40, 80], [1, 1]), ([60, 120], [1, 0]), ([10, 20, 30, 200], [1, 1, 0, 0])]
    env = envelope_from_ensemble(ensemble, [0, 50, 100])
    # Linear-interpolation quantiles of n = 3 values: position q * (n - 1).
    #   t = 50:  sorted 0.5, 0.5, 1 -> q05 at 0.1: 0.5; q95 at 1.9: 0.5 + 0.9 * 0.5 = 0.95; q50 0.5
    #   t = 100: sorted 0, 0.5, 0.5 -> q05 at 0.1: 0 + 0.1 * 0.5 = 0.05; q95 = 0.5; q50 = 0.5
    np.testing.assert_allclose(env["time_days"], [0, 50, 100])
    np.testing.assert_allclose(env["low"], [1, 0.5, 0.05])
    np.testing.assert_allclose(env["high"], [1, 0.95, 0.5])
    np.testing.assert_allclose(env["median"], [1, 0.5, 0.5])
    # Same numbers from numpy.quantile on the hand-computed curves.
    curves = np.array([[1, 0.5, 0], [1, 1, 0.5], [1, 0.5, 0.5]])
    np.testing.assert_allclose(env["low"], np.quantile(curves, 0.05, axis=0))
    np.testing.assert_allclose(env["high"], np.quantile(curves, 0.95, axis=0))
    assert env.attrs["n_members"] == 3


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([], [0, 1]), "ensemble"),
        (([([1, 2], [1, 0])], [5, 1]), "grid_days"),
        (([([1, 2], [1, 2])], [0, 1]), "ensemble member 0"),
    ],
)
def test_envelope_invalid(args, match):
    with pytest.raises(ValueError, match=match):
        envelope_from_ensemble(*args)


def test_envelope_quantile_order_checked():
    with pytest.raises(ValueError, match="lo"):
        envelope_from_ensemble([([1, 2], [1, 0])], [0, 1], lo=0.9, hi=0.1)
