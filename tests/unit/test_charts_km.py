"""Kaplan-Meier figure (plexrt.charts.km): contents checked against hand-computed values."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from plexrt.charts import style
from plexrt.charts.km import km_figure
from plexrt.stats import survival
from plexrt.stats.envelope import envelope_from_ensemble
from tests.unit.survival_cases import (
    FOOT,
    MONTH,
    TOY_E,
    TOY_T,
    Z95,
    annotation_names,
    f,
    has_point,
    one,
    points,
    traces,
)


@pytest.fixture(scope="module")
def toy():
    return survival.kaplan_meier(TOY_T, TOY_E)


def test_km_step_trace_in_days(toy):
    fig = km_figure([("Toy", toy)], unit="days", footnote=FOOT)
    km = one(fig, "km", "Toy")
    assert km.line.shape == "hv"
    # (0, 1), (30, 0.8), (60, 0.6), (90, 0.3), then flat to the last follow-up at 120.
    np.testing.assert_allclose(f(km.x), [0, 30, 60, 90, 120])
    np.testing.assert_allclose(f(km.y), [1.0, 0.8, 0.6, 0.3, 0.3])


def test_km_step_trace_in_months(toy):
    fig = km_figure([("Toy", toy)], unit="months", footnote=FOOT)
    km = one(fig, "km", "Toy")
    # 30 / 30.4375 = 0.98563..., 60 / 30.4375 = 1.97125..., 90 / 30.4375 = 2.95688...
    np.testing.assert_allclose(
        f(km.x), [0, 30 / 30.4375, 60 / 30.4375, 90 / 30.4375, 120 / 30.4375]
    )
    assert f(km.x)[1] == pytest.approx(0.985626, abs=1e-6)
    np.testing.assert_allclose(f(km.y), [1.0, 0.8, 0.6, 0.3, 0.3])
    assert fig.layout.xaxis.title.text == "Time from start of radiotherapy (months)"
    assert fig.layout.yaxis.title.text == "Proportion"
    assert tuple(fig.layout.yaxis.range) == (0, 1.05)


def test_km_censor_ticks_at_curve_height(toy):
    fig = km_figure([("Toy", toy)], unit="days", footnote=FOOT)
    ticks = one(fig, "censor", "Toy")
    # Censorings at 60 (after that day's death: S = 0.6) and at 120 (S = 0.3).
    np.testing.assert_allclose(f(ticks.x), [60, 120])
    np.testing.assert_allclose(f(ticks.y), [0.6, 0.3])
    assert ticks.mode == "markers"
    assert "line-ns" in ticks.marker.symbol


def test_km_band_is_the_greenwood_log_log_interval(toy):
    fig = km_figure([("Toy", toy)], unit="days", footnote=FOOT)
    band = one(fig, "km_band", "Toy")
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
    pts = points(band)
    # The limits at 30 hold until the next step at 60 (right-continuous band).
    for x in (30, 60):
        assert has_point(pts, x, lower)
        assert has_point(pts, x, upper)
    # Band starts at (0, 1): no uncertainty before the first event.
    assert has_point(pts, 0, 1.0)


def test_km_band_optional(toy):
    fig = km_figure([("Toy", toy)], band=False, footnote=FOOT)
    assert traces(fig, "km_band") == []


def test_km_risk_table_in_figure_days(toy):
    fig = km_figure([("Toy", toy)], unit="days", footnote=FOOT)
    row = one(fig, "risk_table", "Toy")
    # Ticks for 120 days are 0, 30, 60, 90, 120 (see test_nice_ticks_round_steps);
    # at risk by hand: 5, 5, 4, 2, 1.
    np.testing.assert_allclose(f(row.x), [0, 30, 60, 90, 120])
    assert [int(t) for t in row.text] == [5, 5, 4, 2, 1]
    assert [int(t) for t in row.text] == survival.at_risk_at(TOY_T, [0, 30, 60, 90, 120])
    # Aligned with the x ticks of the plot above, on the shared x axis.
    np.testing.assert_allclose(f(fig.layout.xaxis.tickvals), f(row.x))
    assert row.xaxis == "x2"
    assert fig.layout.xaxis.matches == "x2"
    assert any(a.text == "Number at risk" for a in fig.layout.annotations)


def test_km_risk_table_in_figure_months(toy):
    fig = km_figure([("Toy", toy)], unit="months", footnote=FOOT)
    row = one(fig, "risk_table", "Toy")
    # 120 days = 3.94 months -> ticks 0..4 months = 0, 30.4375, 60.875, 91.3125, 121.75 days.
    # At risk (time >= tick): 5; 4 (60, 60, 90, 120); 2 (90, 120); 1 (120); 0.
    np.testing.assert_allclose(f(row.x), [0, 1, 2, 3, 4])
    assert [int(t) for t in row.text] == [5, 4, 2, 1, 0]
    ticks_days = [t * MONTH for t in f(row.x)]
    assert [int(t) for t in row.text] == survival.at_risk_at(TOY_T, ticks_days)


def test_km_one_curve_per_group_with_own_risk_row():
    a = survival.kaplan_meier(TOY_T, TOY_E)
    # Group B: 10, 20, 200 all events -> S = 2/3, 1/3, 0.
    b = survival.kaplan_meier([10, 20, 200], [1, 1, 1])
    fig = km_figure([("Iliopsoas", a), ("Piriformis", b)], unit="days", footnote=FOOT)
    assert len(traces(fig, "km")) == 2
    kb = one(fig, "km", "Piriformis")
    np.testing.assert_allclose(f(kb.x), [0, 10, 20, 200])
    np.testing.assert_allclose(f(kb.y), [1, 2 / 3, 1 / 3, 0])
    rows = traces(fig, "risk_table")
    assert [r.meta["curve"] for r in rows] == ["Iliopsoas", "Piriformis"]
    # Ticks for 200 days: 0, 50, 100, 150, 200. Group B at risk: 3, 1, 1, 1, 1.
    rb = one(fig, "risk_table", "Piriformis")
    np.testing.assert_allclose(f(rb.x), [0, 50, 100, 150, 200])
    assert [int(t) for t in rb.text] == [3, 1, 1, 1, 1]
    # Colours match the curves; row labels are the curve labels.
    ka = one(fig, "km", "Iliopsoas")
    assert ka.line.color == style.OKABE_ITO[0] and kb.line.color == style.OKABE_ITO[1]
    assert rb.textfont.color == kb.line.color
    ticktext = list(fig.layout.yaxis2.ticktext)
    assert "Iliopsoas" in ticktext[0] and "Piriformis" in ticktext[1]


def test_km_legend_shows_median_and_ci(toy):
    # Median: first time S <= 0.5 is 90 days (S = 0.3). Lower CI curve is 0.2038 at 30 days, so
    # the CI's lower end is 30 days. Upper CI curve at 90: Var(log S) = 1/20 + 1/12 + 1/2 = 0.6333,
    # se = 0.7958, upper = 0.3 ** exp(-1.96 * 0.7958 / 1.2040) = 0.3 ** 0.2737 = 0.719 > 0.5 and
    # it never falls to 0.5 -> "not reached".
    fig = km_figure([("Toy", toy)], unit="days", footnote=FOOT)
    name = one(fig, "km", "Toy").name
    assert name == "Toy (n=5): median 90 d (95% CI 30 to not reached)"
    # In months: 90 / 30.4375 = 2.96 -> "3.0"; 30 / 30.4375 = 0.99 -> "1.0".
    fig_m = km_figure([("Toy", toy)], unit="months", footnote=FOOT)
    assert one(fig_m, "km", "Toy").name == "Toy (n=5): median 3.0 mo (95% CI 1.0 to not reached)"


def test_km_legend_median_not_reached():
    # Only one event in 4: S = 3/4 at 10 and never <= 0.5.
    res = survival.kaplan_meier([10, 50, 60, 70], [1, 0, 0, 0])
    fig = km_figure([("Few events", res)], footnote=FOOT)
    assert "median not reached" in one(fig, "km").name


def test_km_envelope_drawn_behind_curves(toy):
    env = pd.DataFrame({"time_days": [0, 50, 100], "low": [1, 0.5, 0.05], "high": [1, 0.95, 0.5]})
    fig = km_figure([("Toy", toy)], envelope=env, unit="days", footnote=FOOT)
    first = fig.data[0]
    assert first.meta["role"] == "envelope"
    assert first.name == "Reconstruction ensemble 5–95%"
    assert first.fill == "toself"
    pts = points(first)
    # Step band: value at 50 holds on [50, 100).
    for x, y in [(50, 0.95), (100, 0.95), (50, 0.5), (100, 0.5), (100, 0.05)]:
        assert has_point(pts, x, y)
    # A chart drawn from a reconstruction ensemble always carries the reconstructed label.
    assert "reconstructed" in annotation_names(fig)


def test_km_reference_line_with_label(toy):
    label = "Gerontopoulos 2020 median relief ≈ 3.5 mo"
    fig = km_figure(
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
    plain = km_figure([("Toy", toy)], footnote=FOOT)
    assert "reconstructed" not in annotation_names(plain)
    assert all(style.RECONSTRUCTED_LABEL not in (a.text or "") for a in plain.layout.annotations)
    recon = km_figure([("Toy", toy)], footnote=FOOT, reconstructed=True)
    texts = [a.text for a in recon.layout.annotations if a.name == "reconstructed"]
    assert len(texts) == 1 and style.RECONSTRUCTED_LABEL in texts[0]
    assert style.footnote_text(recon) == FOOT


def test_km_present_mode_is_larger(toy):
    small = km_figure([("Toy", toy)], footnote=FOOT)
    big = km_figure([("Toy", toy)], footnote=FOOT, present=True)
    assert big.layout.font.size > small.layout.font.size
    assert one(big, "risk_table").textfont.size > one(small, "risk_table").textfont.size
    assert one(big, "km").line.width > one(small, "km").line.width


def test_km_without_risk_table(toy):
    fig = km_figure([("Toy", toy)], show_risk_table=False, footnote=FOOT)
    assert traces(fig, "risk_table") == []
    assert "yaxis2" not in fig.layout.to_plotly_json()
    assert one(fig, "km").yaxis == "y"


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
        km_figure(**args)


def test_km_duplicate_labels_rejected(toy):
    with pytest.raises(ValueError, match="unique"):
        km_figure([("A", toy), ("A", toy)], footnote=FOOT)


def test_envelope_label_follows_quantiles(toy):
    ensemble = [([40, 80], [1, 1]), ([60, 120], [1, 0]), ([10, 20, 30, 200], [1, 1, 0, 0])]
    env = envelope_from_ensemble(ensemble, [0, 50, 100], lo=0.1, hi=0.9)
    # q10 at t = 100: position 0.2 -> 0 + 0.2 * 0.5 = 0.1
    assert env["low"].iloc[2] == pytest.approx(0.1)
    fig = km_figure([("Toy", toy)], envelope=env, footnote=FOOT)
    assert one(fig, "envelope").name == "Reconstruction ensemble 10–90%"


def test_km_legend_leaves_the_curve_visible():
    """Issue 14: the legend sits where no curve is. A curve that falls (survival) leaves the top
    right free; one that stays high (relief that mostly lasts: 1 of 9 relapses early, the rest
    are censored late) fills it, and the legend goes to the bottom right."""
    falling = survival.kaplan_meier([30, 60, 90, 120, 150, 200], [1, 1, 1, 1, 1, 0])
    fig = km_figure([("All patients", falling)], unit="days", band=False, footnote="n = 6")
    assert fig.layout.legend.yanchor == "top"
    # survival stays at 8/9 = 0.89 after the one relapse at day 20: nothing below 0.35
    high = survival.kaplan_meier([20, *range(100, 900, 100)], [1] + [0] * 8)
    assert math.isclose(high.table["survival"].iloc[-1], 8 / 9)
    fig = km_figure([("All patients", high)], unit="days", band=False, footnote="n = 9")
    assert fig.layout.legend.yanchor == "bottom"
    assert fig.layout.legend.y < 0.5  # at the bottom of the plot, not above it


def test_censor_ticks_grouped_by_hand():
    """Three bins over times 0-9 (edges 0, 3, 6, 9): ticks at each bin's first censoring time,
    counting its patients; below the limit one tick per time."""
    from plexrt.charts.scale import censor_ticks

    t = np.arange(10.0)
    surv = np.linspace(1, 0.1, 10)
    censored = np.array([1, 0, 2, 1, 0, 0, 3, 1, 1, 0])  # times 0, 2, 3, 6, 7, 8
    x, y, k, first, last = censor_ticks(t, surv, censored, most=3)
    np.testing.assert_allclose(x, [0, 3, 6])  # bins [0, 3), [3, 6), [6, 9 incl.]
    np.testing.assert_allclose(y, surv[[0, 3, 6]])
    assert list(k) == [3, 1, 5]  # 1 + 2, 1, 3 + 1 + 1: every censored patient once
    np.testing.assert_allclose(last, [2, 3, 8])
    np.testing.assert_allclose(first, x)
    x, _, k, _, _ = censor_ticks(t, surv, censored, most=6)
    np.testing.assert_allclose(x, [0, 2, 3, 6, 7, 8])
    assert list(k) == [1, 2, 1, 3, 1, 1]


def test_km_registry_curve_groups_its_censoring_ticks_and_says_so(toy):
    from plexrt.charts.scale import CENSOR_TICKS_MAX

    rng = np.random.default_rng(3)
    t = rng.integers(1, 900, 5000).astype(float)
    e = rng.random(5000) < 0.6
    fig = km_figure([("All", survival.kaplan_meier(t, e))], unit="days", footnote=FOOT)
    ticks = one(fig, "censor", "All")
    assert len(ticks.x) <= CENSOR_TICKS_MAX
    assert int(np.asarray(ticks.customdata)[:, 0].sum()) == int((~e).sum())
    assert "censored from" in ticks.hovertemplate
    notes = " ".join((a.text or "").replace("<br>", " ") for a in fig.layout.annotations)
    assert f"at most {CENSOR_TICKS_MAX} per curve" in notes
    small = km_figure([("Toy", toy)], unit="days", footnote=FOOT)
    assert not any("per curve" in (a.text or "") for a in small.layout.annotations)


def test_long_legend_entries_and_risk_labels_keep_the_figure_readable(toy):
    # A legend entry as wide as the plot gets two lines: the series, then its median.
    long = "SYNTHETIC centre 1 and 3 more"
    fig = km_figure([(long, toy), ("Example clinic (own series)", toy)], unit="days", footnote=FOOT)
    assert one(fig, "km", long).name == (
        "SYNTHETIC centre 1 and 3 more (n=5):<br>median 90 d (95% CI 30 to not reached)"
    )
    # The risk table's labels widen the left margin: 14 + 0.62 x 14 px x 29 characters = 265 px,
    # 195 px more than the usual 70, so the footnote (which starts at the plot's left edge) holds
    # 102 - int(195 / (0.6 x 14)) = 102 - 23 = 79 characters a line instead of 1440 // 14 = 102.
    assert fig.layout.margin.l == 265
    assert style.footnote_chars(False) == 102
    assert style.footnote_chars(False, 195) == 79
    words = " ".join(["word"] * 60)
    fig = km_figure([(long, toy)], unit="days", footnote=words)
    foot = next(a.text for a in fig.layout.annotations if a.name == "footnote")
    assert max(len(line) for line in foot.split("<br>")) <= 79
    # a short label keeps the usual margin and the full line
    short = km_figure([("Toy", toy)], unit="days", footnote=words)
    assert short.layout.margin.l == 70
    foot = next(a.text for a in short.layout.annotations if a.name == "footnote")
    assert 79 < max(len(line) for line in foot.split("<br>")) <= 102


def test_a_legend_entry_renamed_after_drawing_is_refitted():
    from plexrt.charts.km_legend import refit_legend_name

    long = "Chromium 2025 (added): reconstructed from published curve (n=60): this curve's median"
    assert refit_legend_name(f"{long} 6.6 mo") == (
        "Chromium 2025 (added): reconstructed from published curve (n=60):<br>"
        "this curve's median 6.6 mo"
    )
    # short enough for one line (a break already there is undone), or not a KM entry at all
    assert refit_legend_name("Toy (n=5):<br>median 3.0 mo") == "Toy (n=5): median 3.0 mo"
    assert refit_legend_name("Reconstruction ensemble 5–95%") == "Reconstruction ensemble 5–95%"


def test_published_curve_names_in_the_comparison_stay_within_two_lines(toy):
    from plexrt.charts.curve_km import curve_km_figure

    curves = [("Sanuki 2022 (this cohort)", toy), ("A 2025", toy)]
    fig = curve_km_figure(curves, ["A 2025"], footnote=FOOT)
    names = [t.name for t in fig.data if (t.meta or {}).get("role") == "km"]
    assert names[1] == (
        "A 2025: reconstructed from published curve (n=5):<br>this curve's median 3.0 mo"
    )


def test_a_curve_label_is_drawn_as_written_not_as_markup():
    """An own series' name (or a recorded primary cancer) written with plotly's own tags: shown
    as typed, its '<b>' never bold, in the legend, the hover text and the number-at-risk rows."""
    from plexrt.stats.survival import kaplan_meier

    res = kaplan_meier([3.0, 5.0, 8.0], [1, 0, 1])
    fig = km_figure([("Ours <b>x</b> & co", res)], unit="days", footnote="n = 3")
    spec = json.dumps(fig.to_dict())
    assert "<b>x</b>" not in spec
    assert "Ours &lt;b&gt;x&lt;/b&gt; &amp; co" in spec
