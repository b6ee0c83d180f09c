"""Round trip: simulated patients -> Kaplan-Meier curve -> digitised points + risk table ->
reconstructed patients, compared with the original series' own statistics.

The simulation and the digitiser are in ``curve_cases`` (one home, also behind
``scripts/curve_accuracy.py``, which prints the full accuracy table for the note).

Tolerances, and why
-------------------
Guyot et al. (BMC Med Res Methodol 2012;12:9) report that reconstructed survival probabilities and
medians agreed excellently with the published ones and hazard ratios reasonably, provided numbers at
risk or total events were reported. Their published figures were not retrievable offline here, so
each tolerance below is set from what digitising can preserve, not from this code's output:

* Survival at 6, 12, 18, 24 months: within ``S_TOL`` = 0.03 (one patient's step when 30 are at
  risk: the resolution a published survival probability has at the times compared) plus the drop
  of the original curve within ``w`` = two pixels (2 x 0.2% of the x range) either side of the time
  compared, because a drop digitised a pixel early or late falls on the other side of it.
* Median: where the original curve crosses 0.5 +- S_TOL, widened by ``w`` -- the median accuracy
  the survival tolerance implies (on a flat stretch near 0.5 a small vertical error moves the
  median a long way, and that is a property of the curve, not of the reconstruction).
* Hazard ratio between two arms of 150 patients with numbers at risk (with or without the total
  events): |log(HR reconstructed / HR original)| <= 0.05 (a 5% relative error, a tenth of the
  width of a typical 95% interval for an HR from 300 patients).
"""

from __future__ import annotations

import numpy as np
import pytest

from plexrt.stats.guyot import reconstruct
from plexrt.stats.survival import cox_hazard_ratio, kaplan_meier, survival_at
from tests.unit import curve_cases as cc

S_TOL = 0.03
HR_LOG_TOL = 0.05
SEEDS = range(4)


def _window(t: np.ndarray) -> float:
    return 2 * cc.X_NOISE * float(t.max())


def _check_survival(orig, rec, t):
    w = _window(t)
    fixed = np.array([x for x in cc.FIXED_TIMES if x <= float(t.max())])
    slack = survival_at(orig, fixed - w) - survival_at(orig, fixed + w)
    err = np.abs(survival_at(rec, fixed) - survival_at(orig, fixed))
    assert (err <= S_TOL + slack).all(), list(zip(fixed, err, slack, strict=True))


def _check_median(orig, rec, t):
    w = _window(t)
    tt = orig.table["time"].to_numpy()
    ss = orig.table["survival"].to_numpy()
    upper = np.flatnonzero(ss <= 0.5 + S_TOL)
    lower = np.flatnonzero(ss < 0.5 - S_TOL)
    if not upper.size:  # the original never comes near 0.5: neither may the reconstruction
        assert rec.median is None or rec.median >= float(t.max()) - w
        return
    if rec.median is None:
        assert not lower.size, "reconstructed median not reached, original well below 0.5"
        return
    hi = tt[lower[0]] + w if lower.size else np.inf
    assert tt[upper[0]] - w <= rec.median <= hi, (orig.median, rec.median)


def _check_counts(rec, e, with_events):
    """Numbers at risk are the algorithm's own target: each comes back within one patient (one
    more censoring can move the count by two when it also changes a rounded event count, so an
    exact match does not always exist). The total events come back within 1% of the patients: when
    earlier intervals already hold them all, the curve's later drops are kept (see guyot.py)."""
    assert (rec.fit.at_risk["difference"].abs() <= 1).all()
    if with_events:
        assert abs(rec.fit.events_reconstructed - int(e.sum())) <= max(1, len(e) // 100)


def _round_trip(t, e, rng, **kwargs):
    x, y = cc.digitise(t, e, rng)
    rt, rn = cc.risk_table(t)
    inputs = {"risk_times": rt, "risk_counts": rn} | kwargs
    return reconstruct(x, y, **inputs)


@pytest.mark.parametrize("shape", list(cc.SHAPES))
@pytest.mark.parametrize("with_events", [True, False], ids=["events", "no-events"])
def test_round_trip_survival_and_median(shape, with_events):
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        t, e = cc.simulate(shape, 200, rng)
        rec = _round_trip(t, e, rng, total_events=int(e.sum()) if with_events else None)
        orig = kaplan_meier(t, e)
        _check_survival(orig, rec.km, t)
        _check_median(orig, rec.km, t)
        _check_counts(rec, e, with_events)


@pytest.mark.parametrize("with_events", [True, False], ids=["events", "no-events"])
def test_round_trip_hazard_ratio_between_two_arms(with_events):
    for seed in range(3):
        rng = np.random.default_rng(100 + seed)
        t, e, arm = cc.simulate_arms(150, 0.65, rng)
        orig = cox_hazard_ratio(t, e, arm, reference="control").table["hazard_ratio"].iloc[1]
        parts = []
        for label in ("control", "treated"):
            m = arm == label
            total = int(e[m].sum()) if with_events else None
            parts.append(_round_trip(t[m], e[m], rng, total_events=total).ipd.assign(arm=label))
        times = np.concatenate([p["time"] for p in parts])
        events = np.concatenate([p["event"] for p in parts])
        groups = np.concatenate([p["arm"] for p in parts])
        new = cox_hazard_ratio(times, events, groups, reference="control").table
        assert abs(np.log(new["hazard_ratio"].iloc[1] / orig)) <= HR_LOG_TOL


def test_curve_ending_above_half_has_no_median():
    # Cure fraction 60%: the curve flattens near 0.6; neither median is reached.
    rng = np.random.default_rng(7)
    t = np.minimum(np.where(rng.uniform(size=120) < 0.6, np.inf, rng.exponential(4, 120)), 24.0)
    e = (t < 24.0).astype(int)
    rec = _round_trip(t, e, rng, total_events=int(e.sum()))
    assert kaplan_meier(t, e).median is None
    assert rec.km.median is None and rec.fit.median_digitised is None
    _check_survival(kaplan_meier(t, e), rec.km, t)


def test_heavy_censoring_small_series():
    # 60 patients, about half censored: the risk table still pins the numbers at risk.
    rng = np.random.default_rng(3)
    t, e = cc.simulate("heavy_censoring", 60, rng)
    assert (1 - e).mean() > 0.4
    rec = _round_trip(t, e, rng, total_events=int(e.sum()))
    _check_counts(rec, e, True)
    _check_survival(kaplan_meier(t, e), rec.km, t)


def test_single_row_risk_table_with_total_events():
    # Only the patients at the start and the total events (Guyot's fallback), light censoring.
    rng = np.random.default_rng(11)
    t, e = cc.simulate("exponential", 200, rng)
    x, y = cc.digitise(t, e, rng)
    rec = reconstruct(x, y, [0.0], [200], total_events=int(e.sum()))
    assert rec.scenario == "events_only" and len(rec.ipd) == 200
    assert rec.fit.events_reconstructed == int(e.sum())
    _check_survival(kaplan_meier(t, e), rec.km, t)
