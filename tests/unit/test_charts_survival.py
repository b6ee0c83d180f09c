"""Tests for plexrt.charts.survival: figure contents checked against hand-computed values.

Toy data used throughout (days): times 30, 60, 60, 90, 120 with events 1, 1, 0, 1, 0.
Kaplan-Meier by hand (events before censorings at ties):
  t = 30: n = 5, d = 1           S = 4/5                 = 0.8
  t = 60: n = 4, d = 1, c = 1    S = 0.8 * 3/4           = 0.6
  t = 90: n = 2, d = 1           S = 0.6 * 1/2           = 0.3
  t = 120: n = 1, c = 1          S stays 0.3 (curve extends to the last follow-up)
Plotly 7 may hand numeric arrays back as typed arrays, so values are compared as float arrays.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from plexrt.charts import style
from plexrt.charts import survival as cs
from plexrt.stats import survival

TOY_T = [30, 60, 60, 90, 120]
TOY_E = [1, 1, 0, 1, 0]
MONTH = 30.4375  # 365.25 / 12
Z95 = 1.959963984540054  # qnorm(0.975)
FOOT = "Toy data; Kaplan-Meier with log-log 95% CI."


@pytest.fixture(scope="module")
def toy():
    return survival.kaplan_meier(TOY_T, TOY_E)


def _f(values) -> np.ndarray:
    return np.asarray(values, dtype=float)


def _traces(fig, role, curve=None):
    return [
        tr
        for tr in fig.data
        if isinstance(tr.meta, dict)
        and tr.meta.get("role") == role
        and (curve is None or tr.meta.get("curve") == curve)
    ]


def _one(fig, role, curve=None):
    found = _traces(fig, role, curve)
    assert len(found) == 1, f"expected one {role} trace, found {len(found)}"
    return found[0]


def _annotation_names(fig):
    return [a.name for a in fig.layout.annotations]


def _points(trace):
    """(x, y) pairs of a trace, skipping the None separators between polygon pieces."""
    return [
        (float(x), float(y))
        for x, y in zip(trace.x, trace.y, strict=True)
        if x is not None and y is not None
    ]


def _has_point(points, x, y, tol=1e-6):
    return any(abs(px - x) < tol and abs(py - y) < tol for px, py in points)


# ------------------------------------------------------------------------------------------------
# Units and ticks
# ------------------------------------------------------------------------------------------------


def test_to_unit_converts_days():
    # 3 months = 3 * 30.4375 = 91.3125 days; 14 days = 2 weeks.
    assert cs.to_unit(91.3125, "months") == pytest.approx(3.0)
    assert cs.to_unit(14, "weeks") == pytest.approx(2.0)
    assert cs.to_unit(45, "days") == pytest.approx(45.0)
    np.testing.assert_allclose(cs.to_unit([0, 30.4375, 60.875], "months"), [0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="unit"):
        cs.to_unit(10, "years")


def test_nice_ticks_round_steps():
    # 120 days: step 30 gives 0, 30, 60, 90, 120 (5 ticks, last tick exactly at the maximum).
    assert cs.nice_ticks(120, "days") == [0, 30, 60, 90, 120]
    # 675 days (longest follow-up in Sanuki 2022): every 100 days -> 0..700 (8 ticks, overshoot
    # 25 days; 150-day steps would overshoot 75, 200-day steps 125).
    assert cs.nice_ticks(675, "days") == [0, 100, 200, 300, 400, 500, 600, 700]
    # 675 / 30.4375 = 22.18 months: 3-month steps would need 9 ticks, so every 6 months -> 0..24.
    assert cs.nice_ticks(675, "months") == [0, 6, 12, 18, 24]
    # 120 / 7 = 17.1 weeks: every 4 weeks -> 0..20 (6 ticks); 2-week steps would need 10.
    assert cs.nice_ticks(120, "weeks") == [0, 4, 8, 12, 16, 20]


@pytest.mark.parametrize("unit", ["days", "weeks", "months"])
def test_nice_ticks_rules_hold_over_a_range(unit):
    for max_days in [0.5, 3, 10, 31, 45, 100, 215, 365, 675, 1000, 2500, 9000]:
        ticks = cs.nice_ticks(max_days, unit)
        assert 5 <= len(ticks) <= 8, (max_days, unit, ticks)
        assert ticks[0] == 0
        assert ticks[-1] >= max_days / cs.UNITS[unit] - 1e-9
        steps = np.diff(ticks)
        np.testing.assert_allclose(steps, steps[0])
        # Covering the maximum needs no more than one extra step.
        assert ticks[-2] < max_days / cs.UNITS[unit]


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf"), "10", True])
def test_nice_ticks_rejects_bad_maximum(bad):
    with pytest.raises(ValueError, match="max_days"):
        cs.nice_ticks(bad, "days")


# ------------------------------------------------------------------------------------------------
# Risk table
# ------------------------------------------------------------------------------------------------


def test_risk_table_counts_by_hand():
    # Number with follow-up >= t: t=0 -> 5, 30 -> 5, 60 -> 4 (60, 60, 90, 120), 90 -> 2, 120 -> 1.
    # Second group 10, 200: t=0 -> 2, 30..120 -> 1.
    tab = cs.risk_table({"Toy": TOY_T, "Other": [10, 200]}, [0, 30, 60, 90, 120])
    assert list(tab.index) == ["Toy", "Other"]
    assert list(tab.columns) == [0.0, 30.0, 60.0, 90.0, 120.0]
    assert tab.loc["Toy"].tolist() == [5, 5, 4, 2, 1]
    assert tab.loc["Other"].tolist() == [2, 1, 1, 1, 1]


def test_risk_table_rejects_empty_input():
    with pytest.raises(ValueError, match="curves_durations"):
        cs.risk_table({}, [0, 30])
    with pytest.raises(ValueError, match="ticks_days"):
        cs.risk_table({"a": [1, 2]}, [])


# ------------------------------------------------------------------------------------------------
# Kaplan-Meier figure
# ------------------------------------------------------------------------------------------------


def test_km_step_trace_in_days(toy):
    fig = cs.km_figure([("Toy", toy)], unit="days", footnote=FOOT)
    km = _one(fig, "km", "Toy")
    assert km.line.shape == "hv"
    # (0, 1), (30, 0.8), (60, 0.6), (90, 0.3), then flat to the last follow-up at 120.
    np.testing.assert_allclose(_f(km.x), [0, 30, 60, 90, 120])
    np.testing.assert_allclose(_f(km.y), [1.0, 0.8, 0.6, 0.3, 0.3])


def test_km_step_trace_in_months(toy):
    fig = cs.km_figure([("Toy", toy)], unit="months", footnote=FOOT)
    km = _one(fig, "km", "Toy")
    # 30 / 30.4375 = 0.98563..., 60 / 30.4375 = 1.97125..., 90 / 30.4375 = 2.95688...
    np.testing.assert_allclose(
        _f(km.x), [0, 30 / 30.4375, 60 / 30.4375, 90 / 30.4375, 120 / 30.4375]
    )
    assert _f(km.x)[1] == pytest.approx(0.985626, abs=1e-6)
    np.testing.assert_allclose(_f(km.y), [1.0, 0.8, 0.6, 0.3, 0.3])
    assert fig.layout.xaxis.title.text == "Time from start of radiotherapy (months)"
    assert fig.layout.yaxis.title.text == "Proportion"
    assert tuple(fig.layout.yaxis.range) == (0, 1.05)


def test_km_censor_ticks_at_curve_height(toy):
    fig = cs.km_figure([("Toy", toy)], unit="days", footnote=FOOT)
    ticks = _one(fig, "censor", "Toy")
    # Censorings at 60 (after that day's death: S = 0.6) and at 120 (S = 0.3).
    np.testing.assert_allclose(_f(ticks.x), [60, 120])
    np.testing.assert_allclose(_f(ticks.y), [0.6, 0.3])
    assert ticks.mode == "markers"
    assert "line-ns" in ticks.marker.symbol


def test_km_band_is_the_greenwood_log_log_interval(toy):
    fig = cs.km_figure([("Toy", toy)], unit="days", footnote=FOOT)
    band = _one(fig, "km_band", "Toy")
    assert band.fill == "toself"
    # At t = 30: S = 0.8, Greenwood Var(log S) = d / (n (n - d)) = 1 / (5 * 4) = 0.05.
    # log-log limits: S ** exp(+-z * se / |log S|), se = sqrt(0.05) = 0.22361, |log 0.8| = 0.22314
    #   lower = 0.8 ** exp(1.96 * 1.00208) = 0.8 ** 7.1273 = 0.2038
    #   upper = 0.8 ** exp(-1.96 * 1.00208) = 0.8 ** 0.14031 = 0.9692
    se = math.sqrt(1 / (5 * 4))
    expo = Z95 * se / abs(math.log(0.8))
    lower, upper = 0.8 ** math.exp(expo), 0.8 ** math.exp(-expo)
    assert lower == pytest.approx(0.2038, abs=1e-4)
    assert upper == pytest.approx(0.9692, abs=1e-4)
    pts = _points(band)
    # The limits at 30 hold until the next step at 60 (right-continuous band).
    for x in (30, 60):
        assert _has_point(pts, x, lower)
        assert _has_point(pts, x, upper)
    # Band starts at (0, 1): no uncertainty before the first event.
    assert _has_point(pts, 0, 1.0)


def test_km_band_optional(toy):
    assert len(_traces(cs.km_figure([("Toy", toy)], footnote=FOOT), "km_band")) == 1  # default
    fig = cs.km_figure([("Toy", toy)], band=False, footnote=FOOT)
    assert _traces(fig, "km_band") == []


def test_km_risk_table_in_figure_days(toy):
    fig = cs.km_figure([("Toy", toy)], unit="days", footnote=FOOT)
    row = _one(fig, "risk_table", "Toy")
    # Ticks for 120 days are 0, 30, 60, 90, 120 (see test_nice_ticks_round_steps);
    # at risk by hand: 5, 5, 4, 2, 1.
    np.testing.assert_allclose(_f(row.x), [0, 30, 60, 90, 120])
    assert [int(t) for t in row.text] == [5, 5, 4, 2, 1]
    assert [int(t) for t in row.text] == survival.at_risk_at(TOY_T, [0, 30, 60, 90, 120])
    # Aligned with the x ticks of the plot above, on the shared x axis.
    np.testing.assert_allclose(_f(fig.layout.xaxis.tickvals), _f(row.x))
    assert row.xaxis == "x2"
    assert fig.layout.xaxis.matches == "x2"
    assert any(a.text == "Number at risk" for a in fig.layout.annotations)


def test_km_risk_table_in_figure_months(toy):
    fig = cs.km_figure([("Toy", toy)], unit="months", footnote=FOOT)
    row = _one(fig, "risk_table", "Toy")
    # 120 days = 3.94 months -> ticks 0..4 months = 0, 30.4375, 60.875, 91.3125, 121.75 days.
    # At risk (time >= tick): 5; 4 (60, 60, 90, 120); 2 (90, 120); 1 (120); 0.
    np.testing.assert_allclose(_f(row.x), [0, 1, 2, 3, 4])
    assert [int(t) for t in row.text] == [5, 4, 2, 1, 0]
    ticks_days = [t * MONTH for t in _f(row.x)]
    assert [int(t) for t in row.text] == survival.at_risk_at(TOY_T, ticks_days)


def test_km_one_curve_per_group_with_own_risk_row():
    a = survival.kaplan_meier(TOY_T, TOY_E)
    # Group B: 10, 20, 200 all events -> S = 2/3, 1/3, 0.
    b = survival.kaplan_meier([10, 20, 200], [1, 1, 1])
    fig = cs.km_figure([("Iliopsoas", a), ("Piriformis", b)], unit="days", footnote=FOOT)
    assert len(_traces(fig, "km")) == 2
    kb = _one(fig, "km", "Piriformis")
    np.testing.assert_allclose(_f(kb.x), [0, 10, 20, 200])
    np.testing.assert_allclose(_f(kb.y), [1, 2 / 3, 1 / 3, 0])
    rows = _traces(fig, "risk_table")
    assert [r.meta["curve"] for r in rows] == ["Iliopsoas", "Piriformis"]
    # Ticks for 200 days: 0, 50, 100, 150, 200. Group B at risk: 3, 1, 1, 1, 1.
    rb = _one(fig, "risk_table", "Piriformis")
    np.testing.assert_allclose(_f(rb.x), [0, 50, 100, 150, 200])
    assert [int(t) for t in rb.text] == [3, 1, 1, 1, 1]
    # Colours match the curves; row labels are the curve labels.
    ka = _one(fig, "km", "Iliopsoas")
    assert ka.line.color == style.OKABE_ITO[0] and kb.line.color == style.OKABE_ITO[1]
    assert rb.textfont.color == kb.line.color
    ticktext = list(fig.layout.yaxis2.ticktext)
    assert "Iliopsoas" in ticktext[0] and "Piriformis" in ticktext[1]


def test_km_legend_shows_median_and_ci(toy):
    # Median: first time S <= 0.5 is 90 days (S = 0.3). Lower CI curve is 0.2038 at 30 days, so
    # the CI's lower end is 30 days. Upper CI curve at 90: Var(log S) = 1/20 + 1/12 + 1/2 = 0.6333,
    # se = 0.7958, upper = 0.3 ** exp(-1.96 * 0.7958 / 1.2040) = 0.3 ** 0.2737 = 0.719 > 0.5 and
    # it never falls to 0.5 -> "not reached".
    fig = cs.km_figure([("Toy", toy)], unit="days", footnote=FOOT)
    name = _one(fig, "km", "Toy").name
    assert name == "Toy (n=5): median 90 d (95% CI 30–not reached)"
    # In months: 90 / 30.4375 = 2.96 -> "3.0"; 30 / 30.4375 = 0.99 -> "1.0".
    fig_m = cs.km_figure([("Toy", toy)], unit="months", footnote=FOOT)
    assert _one(fig_m, "km", "Toy").name == "Toy (n=5): median 3.0 mo (95% CI 1.0–not reached)"


def test_km_legend_median_not_reached():
    # Only one event in 4: S = 3/4 at 10 and never <= 0.5.
    res = survival.kaplan_meier([10, 50, 60, 70], [1, 0, 0, 0])
    fig = cs.km_figure([("Few events", res)], footnote=FOOT)
    assert "median not reached" in _one(fig, "km").name


def test_km_envelope_drawn_behind_curves(toy):
    env = pd.DataFrame({"time_days": [0, 50, 100], "low": [1, 0.5, 0.05], "high": [1, 0.95, 0.5]})
    fig = cs.km_figure([("Toy", toy)], envelope=env, unit="days", footnote=FOOT)
    first = fig.data[0]
    assert first.meta["role"] == "envelope"
    assert first.name == "Reconstruction ensemble 5–95%"
    assert first.fill == "toself"
    pts = _points(first)
    # Step band: value at 50 holds on [50, 100).
    for x, y in [(50, 0.95), (100, 0.95), (50, 0.5), (100, 0.5), (100, 0.05)]:
        assert _has_point(pts, x, y)
    # A chart drawn from a reconstruction ensemble always carries the reconstructed label.
    assert "reconstructed" in _annotation_names(fig)


def test_km_reference_line_with_label(toy):
    label = "Gerontopoulos 2020 median relief ≈ 3.5 mo"
    fig = cs.km_figure(
        [("Toy", toy)], reference_lines=[(3.5 * MONTH, label)], unit="months", footnote=FOOT
    )
    shapes = [s for s in fig.layout.shapes if s.name == f"reference: {label}"]
    assert len(shapes) == 1
    # 3.5 months * 30.4375 days / 30.4375 = 3.5 on the month axis.
    assert shapes[0].x0 == pytest.approx(3.5) and shapes[0].x1 == pytest.approx(3.5)
    assert shapes[0].line.dash == "dash"
    texts = [a.text for a in fig.layout.annotations if a.name == f"reference: {label}"]
    assert texts == [label]


def test_km_reconstructed_label_only_when_asked(toy):
    plain = cs.km_figure([("Toy", toy)], footnote=FOOT)
    assert "reconstructed" not in _annotation_names(plain)
    assert all(style.RECONSTRUCTED_LABEL not in (a.text or "") for a in plain.layout.annotations)
    recon = cs.km_figure([("Toy", toy)], footnote=FOOT, reconstructed=True)
    texts = [a.text for a in recon.layout.annotations if a.name == "reconstructed"]
    assert len(texts) == 1 and style.RECONSTRUCTED_LABEL in texts[0]
    assert style.footnote_text(recon) == FOOT


def test_km_present_mode_is_larger(toy):
    small = cs.km_figure([("Toy", toy)], footnote=FOOT)
    big = cs.km_figure([("Toy", toy)], footnote=FOOT, present=True)
    assert big.layout.font.size > small.layout.font.size
    assert _one(big, "risk_table").textfont.size > _one(small, "risk_table").textfont.size
    assert _one(big, "km").line.width > _one(small, "km").line.width


def test_km_without_risk_table(toy):
    fig = cs.km_figure([("Toy", toy)], show_risk_table=False, footnote=FOOT)
    assert _traces(fig, "risk_table") == []
    assert "yaxis2" not in fig.layout.to_plotly_json()
    assert _one(fig, "km").yaxis == "y"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"curves": []}, "curves"),
        ({"curves": [("A", "not a result")]}, "KMResult"),
        ({"unit": "years"}, "unit"),
        ({"footnote": ""}, "footnote"),
        ({"reference_lines": [(-1, "x")]}, "reference_lines"),
        ({"envelope": pd.DataFrame({"time_days": [0]})}, "envelope"),
    ],
)
def test_km_invalid_arguments(toy, kwargs, match):
    args = {"curves": [("Toy", toy)], "footnote": FOOT} | kwargs
    with pytest.raises(ValueError, match=match):
        cs.km_figure(**args)


def test_km_duplicate_labels_rejected(toy):
    with pytest.raises(ValueError, match="unique"):
        cs.km_figure([("A", toy), ("A", toy)], footnote=FOOT)


# ------------------------------------------------------------------------------------------------
# Envelope
# ------------------------------------------------------------------------------------------------


def test_envelope_from_ensemble_by_hand():
    # Three reconstructions, KM survival on the grid 0, 50, 100 by hand:
    #   M1: 40 (event), 80 (event)             -> 1, 0.5, 0
    #   M2: 60 (event), 120 (censored)         -> 1, 1, 0.5
    #   M3: 10, 20 (events), 30, 200 (cens.)   -> S(10) = 3/4, S(20) = 1/2 -> 1, 0.5, 0.5
    ensemble = [([40, 80], [1, 1]), ([60, 120], [1, 0]), ([10, 20, 30, 200], [1, 1, 0, 0])]
    env = cs.envelope_from_ensemble(ensemble, [0, 50, 100])
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


def test_envelope_label_follows_quantiles(toy):
    ensemble = [([40, 80], [1, 1]), ([60, 120], [1, 0]), ([10, 20, 30, 200], [1, 1, 0, 0])]
    env = cs.envelope_from_ensemble(ensemble, [0, 50, 100], lo=0.1, hi=0.9)
    # q10 at t = 100: position 0.2 -> 0 + 0.2 * 0.5 = 0.1
    assert env["low"].iloc[2] == pytest.approx(0.1)
    fig = cs.km_figure([("Toy", toy)], envelope=env, footnote=FOOT)
    assert _one(fig, "envelope").name == "Reconstruction ensemble 10–90%"


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
        cs.envelope_from_ensemble(*args)


def test_envelope_quantile_order_checked():
    with pytest.raises(ValueError, match="lo"):
        cs.envelope_from_ensemble([([1, 2], [1, 0])], [0, 1], lo=0.9, hi=0.1)


# ------------------------------------------------------------------------------------------------
# Cumulative incidence
# ------------------------------------------------------------------------------------------------


def test_cif_figure_traces():
    # Times 10, 20, 30, 40 with codes 1 (event), 2 (competing), 1, 0 (censored).
    # Aalen-Johansen: 10: S- = 1, n = 4 -> CIF = 1/4 = 0.25; 20 is competing (S = 3/4 * 2/3 = 1/2);
    #   30: S- = 1/2, n = 2 -> CIF = 0.25 + 0.5 * 1/2 = 0.5.
    # 1 - KM (competing censored): 10: 1 - 3/4 = 0.25; 30: S = 3/4 * 1/2 = 3/8 -> 1 - 3/8 = 0.625.
    t, codes = [10, 20, 30, 40], [1, 2, 1, 0]
    cif = survival.cumulative_incidence(t, codes)
    omk = survival.one_minus_km(t, codes)
    fig = cs.cif_figure(
        cif, omk, unit="days", event_name="relapse", competing_name="death", footnote=FOOT
    )
    aj = _one(fig, "cif")
    assert aj.line.shape == "hv"
    np.testing.assert_allclose(_f(aj.x), [0, 10, 30, 40])
    np.testing.assert_allclose(_f(aj.y), [0, 0.25, 0.5, 0.5])
    km = _one(fig, "one_minus_km")
    assert km.line.shape == "hv" and km.line.dash == "dash"
    np.testing.assert_allclose(_f(km.x), [0, 10, 30, 40])
    np.testing.assert_allclose(_f(km.y), [0, 0.25, 0.625, 0.625])
    assert "Aalen–Johansen" in aj.name and "relapse" in aj.name
    assert "1 − Kaplan–Meier" in km.name and "death censored" in km.name
    assert _one(fig, "cif_band").fill == "toself"
    assert fig.layout.yaxis.title.text == "Cumulative incidence"
    assert "reconstructed" not in _annotation_names(fig)


def test_cif_figure_months_and_reconstructed():
    t, codes = [10, 20, 30, 40], [1, 2, 1, 0]
    cif = survival.cumulative_incidence(t, codes)
    fig = cs.cif_figure(cif, None, footnote=FOOT, reconstructed=True, present=True)
    assert _traces(fig, "one_minus_km") == []
    # 10 / 30.4375 = 0.3285 months
    assert _f(_one(fig, "cif").x)[1] == pytest.approx(10 / 30.4375)
    assert "reconstructed" in _annotation_names(fig)
    assert fig.layout.font.size == style.font_sizes(True)["base"]


def test_cif_figure_invalid():
    res = survival.kaplan_meier(TOY_T, TOY_E)
    with pytest.raises(ValueError, match="cif_result"):
        cs.cif_figure(res, None, footnote=FOOT)
    cif = survival.cumulative_incidence([10, 20], [1, 2])
    with pytest.raises(ValueError, match="one_minus_km_table"):
        cs.cif_figure(cif, pd.DataFrame({"x": [1]}), footnote=FOOT)


# ------------------------------------------------------------------------------------------------
# Swimmer plot
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def swim_data():
    # Four hand-made patients (days from first RT start):
    #   1: died day 300, max response day 21, no relapse
    #   2: died day 120, relapse day 90, times reconstructed
    #   3: alive at day 675, relapse on an unknown day, max response day 60, two RT courses
    #   4: died day 45, max response day 14
    patients = pd.DataFrame(
        {
            "patient_id": [1, 2, 3, 4],
            "last_day": [300, 120, 675, 45],
            "death": [True, True, False, True],
            "max_response_day": [21, np.nan, 60, 14],
            "relapse": [False, True, True, False],
            "relapse_day": [np.nan, 90, np.nan, np.nan],
            "reconstructed": [False, True, False, False],
        }
    )
    sites = pd.DataFrame(
        {
            "patient_id": [1, 2, 3, 3, 4],
            "course_id": [1, 2, 3, 4, 5],
            "rt_start_day": [0, 0, 0, 200, 0],
            "rt_end_day": [14, 20, 14, 214, 12],
        }
    )
    return patients, sites


def _n_points(fig, role, reconstructed=None):
    return sum(
        sum(1 for x in tr.x if x is not None)
        for tr in _traces(fig, role)
        if reconstructed is None or tr.meta["reconstructed"] == reconstructed
    )


def test_swimmer_lane_order(swim_data):
    patients, sites = swim_data
    fig = cs.swimmer_figure(patients, sites, footnote=FOOT)
    # Follow-up 675 (Pt 3) > 300 (Pt 1) > 120 (Pt 2) > 45 (Pt 4); plotly lists categories from the
    # bottom up, so the array is the reverse of the top-down order.
    assert list(fig.layout.yaxis.categoryarray) == ["Pt 4", "Pt 2", "Pt 1", "Pt 3"]


def test_swimmer_marker_counts(swim_data):
    patients, sites = swim_data
    fig = cs.swimmer_figure(patients, sites, unit="days", footnote=FOOT)
    # Deaths: patients 1, 2, 4 -> 3 (patient 2's reconstructed); alive: patient 3 -> 1.
    assert _n_points(fig, "death") == 3
    assert _n_points(fig, "death", reconstructed=True) == 1
    assert _n_points(fig, "alive") == 1
    alive = _one(fig, "alive")
    assert alive.marker.symbol == "triangle-right"
    np.testing.assert_allclose(_f(alive.x), [675])
    assert list(alive.y) == ["Pt 3"]
    # Relapses drawn: only patient 2 (day 90, reconstructed -> hollow); patient 3's day is unknown.
    assert _n_points(fig, "relapse") == 1
    rel = _one(fig, "relapse")
    assert rel.meta["reconstructed"] is True and rel.marker.symbol.endswith("-open")
    np.testing.assert_allclose(_f(rel.x), [90])
    assert "Pt 3" in style.footnote_text(fig) and "not drawn" in style.footnote_text(fig)
    # Maximum response known for patients 1, 3, 4.
    assert _n_points(fig, "max_response") == 3
    # RT courses: 5 bars, drawn as segments start -> end.
    rt = _one(fig, "rt")
    assert sum(1 for x in rt.x if x is not None) == 10
    assert _has_point_cat(rt, "Pt 3", 200) and _has_point_cat(rt, "Pt 3", 214)
    # Lanes: solid for 1, 3, 4; dotted for patient 2 (reconstructed).
    lanes = {tr.meta["reconstructed"]: tr for tr in _traces(fig, "lane")}
    assert lanes[True].line.dash == "dot" and lanes[False].line.dash == "solid"
    assert [y for y in lanes[True].y if y is not None] == ["Pt 2", "Pt 2"]
    # Every marker type has a legend entry.
    names = {tr.name for tr in fig.data}
    assert {"Death", "Alive at last contact", "Maximum response", "RT course"} <= names
    assert "Relapse (reconstructed time)" in names and "Death (reconstructed time)" in names


def _has_point_cat(trace, lane, x):
    return any(
        yy == lane and xx is not None and abs(float(xx) - x) < 1e-9
        for xx, yy in zip(trace.x, trace.y, strict=True)
    )


def test_swimmer_months_and_labels(swim_data):
    patients, sites = swim_data
    fig = cs.swimmer_figure(patients, sites, footnote=FOOT, reconstructed=True)
    # 675 days / 30.4375 = 22.18 months
    assert _f(_one(fig, "alive").x)[0] == pytest.approx(675 / 30.4375)
    assert "reconstructed" in _annotation_names(fig)
    plain = cs.swimmer_figure(patients, sites, footnote=FOOT)
    assert "reconstructed" not in _annotation_names(plain)
    big = cs.swimmer_figure(patients, sites, footnote=FOOT, present=True)
    assert big.layout.font.size > plain.layout.font.size
    assert _one(big, "alive").marker.size > _one(plain, "alive").marker.size


def test_swimmer_per_field_flags(swim_data):
    patients, sites = swim_data
    patients = patients.assign(relapse_day_reconstructed=[False, False, False, False])
    fig = cs.swimmer_figure(patients, sites, footnote=FOOT)
    # Patient 2's relapse day is now flagged as published, the rest of the row stays reconstructed.
    assert _one(fig, "relapse").meta["reconstructed"] is False
    assert _n_points(fig, "death", reconstructed=True) == 1


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda p, s: (p.assign(relapse_day=[np.nan, 130, np.nan, np.nan]), s), "after last_day"),
        (lambda p, s: (p.assign(relapse_day=[5, 90, np.nan, np.nan]), s), "relapse is False"),
        (lambda p, s: (p.assign(last_day=[300, np.nan, 675, 45]), s), "last_day"),
        (lambda p, s: (p.drop(columns="death"), s), "death"),
        (lambda p, s: (p, s.assign(patient_id=[1, 2, 3, 3, 9])), "not in patients"),
        (lambda p, s: (p, s.assign(rt_end_day=[14, 20, 14, 214, 60])), "ends after"),
    ],
)
def test_swimmer_invalid(swim_data, change, match):
    patients, sites = change(*swim_data)
    with pytest.raises(ValueError, match=match):
        cs.swimmer_figure(patients, sites, footnote=FOOT)
