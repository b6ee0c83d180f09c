"""Competing risks figure (plexrt.charts.cif): Aalen-Johansen beside 1 - Kaplan-Meier by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plexrt.charts import style
from plexrt.charts.cif import cif_figure
from plexrt.stats import survival
from tests.unit.survival_cases import FOOT, TOY_E, TOY_T, annotation_names, f, one, traces


def test_cif_figure_traces():
    # Times 10, 20, 30, 40 with codes 1 (event), 2 (competing), 1, 0 (censored).
    # Aalen-Johansen: 10: S- = 1, n = 4 -> CIF = 1/4 = 0.25; 20 is competing (S = 3/4 * 2/3 = 1/2);
    #   30: S- = 1/2, n = 2 -> CIF = 0.25 + 0.5 * 1/2 = 0.5.
    # 1 - KM (competing censored): 10: 1 - 3/4 = 0.25; 30: S = 3/4 * 1/2 = 3/8 -> 1 - 3/8 = 0.625.
    t, codes = [10, 20, 30, 40], [1, 2, 1, 0]
    cif = survival.cumulative_incidence(t, codes)
    omk = survival.one_minus_km(t, codes)
    fig = cif_figure(
        cif, omk, unit="days", event_name="relapse", competing_name="death", footnote=FOOT
    )
    aj = one(fig, "cif")
    assert aj.line.shape == "hv"
    np.testing.assert_allclose(f(aj.x), [0, 10, 30, 40])
    np.testing.assert_allclose(f(aj.y), [0, 0.25, 0.5, 0.5])
    km = one(fig, "one_minus_km")
    assert km.line.shape == "hv" and km.line.dash == "dash"
    np.testing.assert_allclose(f(km.x), [0, 10, 30, 40])
    np.testing.assert_allclose(f(km.y), [0, 0.25, 0.625, 0.625])
    assert "Aalen–Johansen" in aj.name and "relapse" in aj.name
    assert "1 − Kaplan–Meier" in km.name and "death censored" in km.name
    assert one(fig, "cif_band").fill == "toself"
    assert fig.layout.yaxis.title.text == "Cumulative incidence"
    assert "reconstructed" not in annotation_names(fig)


def test_cif_figure_months_and_reconstructed():
    t, codes = [10, 20, 30, 40], [1, 2, 1, 0]
    cif = survival.cumulative_incidence(t, codes)
    fig = cif_figure(cif, None, footnote=FOOT, reconstructed=True, present=True)
    assert traces(fig, "one_minus_km") == []
    # 10 / 30.4375 = 0.3285 months
    assert f(one(fig, "cif").x)[1] == pytest.approx(10 / 30.4375)
    assert "reconstructed" in annotation_names(fig)
    assert fig.layout.font.size == style.font_sizes(True)["base"]


def test_cif_figure_invalid():
    res = survival.kaplan_meier(TOY_T, TOY_E)
    with pytest.raises(ValueError, match="cif_result"):
        cif_figure(res, None, footnote=FOOT)
    cif = survival.cumulative_incidence([10, 20], [1, 2])
    with pytest.raises(ValueError, match="one_minus_km_table"):
        cif_figure(cif, pd.DataFrame({"x": [1]}), footnote=FOOT)
