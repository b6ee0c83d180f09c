"""Simulated series and a simulated digitiser for the curve-reconstruction round trip.

A series of individual times is drawn from a known shape; its Kaplan-Meier curve is computed
(``plexrt.stats.survival.kaplan_meier``, checked elsewhere against R) and then "digitised" the way
a reader with WebPlotDigitizer does: points spread evenly along the drawn step line (flat stretches
and vertical drops alike), each moved by a little noise in x and y, plus the number-at-risk table at
regular times as printed under the figure. The reconstruction sees only that. Times in months.

Used by ``tests/unit/test_guyot_round_trip.py`` and ``scripts/curve_accuracy.py`` (the accuracy
table of the lead's note): one home for the simulation both rely on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from plexrt.stats.survival import at_risk_at, kaplan_meier

# A digitiser's noise on a figure about 600 px wide and 400 px high: a reader (or the automatic
# extraction) lands within a pixel or two of the line. One pixel is ~0.17% of the x range and
# 0.25% of the y range; the noise below is one standard deviation of about one pixel.
X_NOISE = 0.002  # share of the x range
Y_NOISE = 0.0025  # survival (proportion)
N_POINTS = 300
RISK_EVERY = 3.0  # months between the columns of the number-at-risk table
FIXED_TIMES = (6.0, 12.0, 18.0, 24.0)  # months at which survival is compared


def _exp(rng: np.random.Generator, median: float, n: int) -> np.ndarray:
    return rng.exponential(median / np.log(2), n)


def _weibull(rng: np.random.Generator, median: float, shape: float, n: int) -> np.ndarray:
    scale = median / np.log(2) ** (1 / shape)
    return scale * rng.weibull(shape, n)


def _censor(rng: np.random.Generator, n: int, loss_median: float) -> np.ndarray:
    """Accrual over 24 months, analysis at 36 (administrative censoring 12-36 months), and loss to
    follow-up at a constant rate."""
    admin = 36.0 - rng.uniform(0, 24, n)
    return np.minimum(admin, _exp(rng, loss_median, n))


def _cure(rng: np.random.Generator, n: int) -> np.ndarray:
    t = _exp(rng, 6.0, n)
    t[rng.uniform(size=n) < 0.3] = np.inf  # 30% never have the event
    return t


# name -> (event times, loss-to-follow-up median in months)
SHAPES: dict[str, tuple[Callable[[np.random.Generator, int], np.ndarray], float]] = {
    "exponential": (lambda rng, n: _exp(rng, 12.0, n), 120.0),
    "weibull_early": (lambda rng, n: _weibull(rng, 8.0, 0.6, n), 120.0),
    "weibull_late": (lambda rng, n: _weibull(rng, 14.0, 2.5, n), 120.0),
    "cure_fraction": (_cure, 120.0),
    "heavy_censoring": (lambda rng, n: _exp(rng, 12.0, n), 10.0),
}


def simulate(shape: str, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(times, events) of ``n`` patients of a shape in SHAPES."""
    draw, loss = SHAPES[shape]
    event_t = draw(rng, n)
    cens_t = _censor(rng, n, loss)
    return np.minimum(event_t, cens_t), (event_t <= cens_t).astype(int)


def simulate_arms(
    n: int, hazard_ratio: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two arms under proportional hazards: control exponential with median 10 months, the other
    arm's hazard ``hazard_ratio`` times as high; same censoring. Returns (times, events, arm)."""
    t0 = _exp(rng, 10.0, n)
    t1 = _exp(rng, 10.0 / hazard_ratio, n)
    c = _censor(rng, 2 * n, 120.0)
    t = np.concatenate((t0, t1))
    return np.minimum(t, c), (t <= c).astype(int), np.repeat(["control", "treated"], n)


def _step_line(t: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Corners of the drawn Kaplan-Meier line: flat to each event time, then down."""
    tab = kaplan_meier(t, e).table
    times = tab["time"].to_numpy()
    surv = tab["survival"].to_numpy()
    x = [0.0]
    y = [1.0]
    for k in range(1, times.size):
        x += [times[k], times[k]]
        y += [surv[k - 1], surv[k]]
    return np.asarray(x), np.asarray(y)


def digitise(
    t: np.ndarray,
    e: np.ndarray,
    rng: np.random.Generator,
    n_points: int = N_POINTS,
    x_noise: float = X_NOISE,
    y_noise: float = Y_NOISE,
) -> tuple[np.ndarray, np.ndarray]:
    """Points spread evenly along the drawn curve (in plot proportions, so a drop gets points in
    proportion to its height and a flat stretch to its length), each moved by Gaussian noise."""
    x, y = _step_line(t, e)
    x_range = float(x.max())
    seg = np.hypot(np.diff(x) / x_range, np.diff(y))
    along = np.concatenate(([0.0], np.cumsum(seg)))
    at = np.linspace(0.0, along[-1], n_points)
    px = np.interp(at, along, x) + rng.normal(0, x_noise * x_range, n_points)
    py = np.interp(at, along, y) + rng.normal(0, y_noise, n_points)
    return px, py


def risk_table(t: np.ndarray, every: float = RISK_EVERY) -> tuple[np.ndarray, list[int]]:
    """Numbers at risk every ``every`` months up to the last follow-up, as printed under a figure."""
    times = np.arange(0.0, float(t.max()) + 1e-9, every)
    return times, at_risk_at(t, times)


@dataclass(frozen=True)
class RoundTrip:
    """Errors of one reconstruction against the original series' own statistics."""

    median_error: float | None  # months, reconstructed - original; None if either not reached
    median_reached: tuple[bool, bool]  # (original, reconstructed)
    max_survival_error: float  # largest |S_rec - S_orig| at FIXED_TIMES within follow-up


def compare(t: np.ndarray, e: np.ndarray, rec_t: np.ndarray, rec_e: np.ndarray) -> RoundTrip:
    from plexrt.stats.survival import survival_at

    orig = kaplan_meier(t, e)
    rec = kaplan_meier(rec_t, rec_e)
    fixed = [x for x in FIXED_TIMES if x <= float(t.max())]
    err = np.abs(survival_at(rec, fixed) - survival_at(orig, fixed))
    both = orig.median is not None and rec.median is not None
    return RoundTrip(
        median_error=float(rec.median - orig.median) if both else None,  # type: ignore[operator]
        median_reached=(orig.median is not None, rec.median is not None),
        max_survival_error=float(err.max()) if len(fixed) else 0.0,
    )


def example_series(rng: np.random.Generator, n: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """The synthetic 'published' series of the note and the fixtures (``tests/fixtures/
    curve_example``): overall survival after palliative RT, Weibull (shape 1.2, median 7 months),
    accrual over 18 months and analysis at 24 (administrative censoring 6-24 months), a few lost
    to follow-up."""
    event_t = _weibull(rng, 7.0, 1.2, n)
    cens_t = np.minimum(24.0 - rng.uniform(0, 18, n), _exp(rng, 60.0, n))
    return np.minimum(event_t, cens_t), (event_t <= cens_t).astype(int)
