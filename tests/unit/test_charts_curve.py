"""Figures of a reconstructed published curve (plexrt.charts.curve_fit, curve_km): they draw what
the reconstruction says, flagged; worked example A of test_guyot.py by hand."""

from __future__ import annotations

import numpy as np
import pytest

from plexrt.charts.curve_fit import CURVE_LABEL, curve_fit_figure
from plexrt.charts.curve_km import curve_km_figure
from plexrt.data.curve_schema import CURVE_FLAG
from plexrt.stats.guyot import reconstruct
from plexrt.stats.survival import kaplan_meier
from tests.unit.survival_cases import TOY_E, TOY_T, annotation_names, f, one, traces

# Example A (test_guyot.py): KM 1, .9 (t=1), .7875 (t=3), .45 (t=5); largest gap at t=3 between
# the point .75 and the line .7875; medians 5 (reconstructed and read off the points).
REC = reconstruct([0, 1, 2, 3, 4, 5], [1, 0.9, 0.9, 0.75, 0.75, 0.5], [0, 2], [10, 8])


def test_curve_fit_figure_draws_the_reconstruction():
    fig = curve_fit_figure(REC, "months", footnote="Example A.", title="t")
    pts = one(fig, "points")
    np.testing.assert_allclose(f(pts.x), [0, 1, 2, 3, 4, 5])
    km = one(fig, "km")
    np.testing.assert_allclose(f(km.y), [1, 0.9, 0.7875, 0.45])
    assert km.name == "Reconstructed Kaplan–Meier (10 patients, 5 events)"
    gap = one(fig, "gap")
    np.testing.assert_allclose(f(gap.x), [3, 3])
    np.testing.assert_allclose(f(gap.y), [0.75, 0.7875])
    assert gap.name == "Largest gap: 0.038 at 3.00 months"  # 0.0375 (+ rounding)
    medians = sorted(t.name for t in traces(fig, "median"))
    assert medians == [
        "Median read off the points: 5.00 months",
        "Median reconstructed: 5.00 months",
    ]
    rows = {t.meta["which"]: list(t.text) for t in traces(fig, "risk_table")}
    assert rows == {"published": ["10", "8"], "reconstructed": ["10", "8"]}
    assert "curve_label" in annotation_names(fig)
    assert CURVE_LABEL.startswith("RECONSTRUCTED FROM PUBLISHED CURVE")


def test_curve_fit_figure_draws_many_digitised_points_with_webgl():
    # a curve traced pixel by pixel: 2,001 points (one more than WEBGL_ABOVE) on S(t) = 1 - t / 4000
    t = np.arange(2001.0)
    many = reconstruct(t, 1 - t / 4000, [0], [50])
    fig = curve_fit_figure(many, "days", footnote="Traced.", title="t")
    pts = one(fig, "points")
    assert pts.type == "scattergl" and len(pts.x) == 2001
    footnote = " ".join(a.text for a in fig.layout.annotations)
    assert "Traced. More than 2,000 points: drawn with WebGL" in footnote
    assert (
        one(curve_fit_figure(REC, "months", footnote="A.", title="t"), "points").type == "scatter"
    )


def test_curve_fit_figure_needs_a_footnote_and_a_reconstruction():
    with pytest.raises(ValueError, match="footnote"):
        curve_fit_figure(REC, "months", footnote=" ")
    with pytest.raises(ValueError, match="Reconstruction"):
        curve_fit_figure(object(), "months", footnote="x")


def test_curve_km_figure_flags_published_curves_only():
    toy = kaplan_meier(TOY_T, TOY_E)
    fig = curve_km_figure([("Bundled", toy), ("Smith 2023", REC.km)], ["Smith 2023"], footnote="x")
    names = {t.meta["curve"]: t.name for t in traces(fig, "km")}
    assert names["Smith 2023"].startswith(f"Smith 2023: {CURVE_FLAG} (n=10)")
    assert names["Bundled"].startswith("Bundled (n=5)")
    risk = [t.name for t in traces(fig, "risk_table")]
    assert risk == ["Bundled at risk", "Smith 2023 at risk"]  # short labels under the plot
    assert "reconstructed" in annotation_names(fig)
    with pytest.raises(ValueError, match="not drawn"):
        curve_km_figure([("Bundled", toy)], ["Smith 2023"], footnote="x")
