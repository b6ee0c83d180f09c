"""Dose view (plexrt.charts.dose) drawn from pain_views.dose_response: EQD2 worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plexrt.charts import style
from plexrt.data import store
from tests.unit.pain_cases import FOOT, dose_response, trace, with_site


@pytest.fixture(scope="module")
def df(con) -> pd.DataFrame:
    return store.cohort(con)


# EQD2 = D (d + a/b) / (2 + a/b), d = D / n, by hand:
# a/b 10: 39/13 d 3 -> 39*13/12 = 42.25; 30/10 d 3 -> 30*13/12 = 32.5; 54/30 d 1.8 ->
#   54*11.8/12 = 53.1; 59.4/33 d 1.8 -> 59.4*11.8/12 = 58.41; 60/30 d 2 -> 60; 21/7 d 3 -> 22.75.
# a/b 3: 39*6/5 = 46.8; 30*6/5 = 36; 54*4.8/5 = 51.84; 59.4*4.8/5 = 57.024; 60*5/5 = 60;
#   21*6/5 = 25.2.
EQD2_BY_HAND = {
    10.0: {
        "39 Gy/13": 42.25,
        "30 Gy/10": 32.5,
        "54 Gy/30": 53.1,
        "59.4 Gy/33": 58.41,
        "60 Gy/30": 60.0,
        "21 Gy/7": 22.75,
    },
    3.0: {
        "39 Gy/13": 46.8,
        "30 Gy/10": 36.0,
        "54 Gy/30": 51.84,
        "59.4 Gy/33": 57.024,
        "60 Gy/30": 60.0,
        "21 Gy/7": 25.2,
    },
}
N_BY_REGIMEN = {"39 Gy/13": 3, "30 Gy/10": 3, "54 Gy/30": 2, "59.4 Gy/33": 2, "60 Gy/30": 1}
N_BY_REGIMEN["21 Gy/7"] = 1


@pytest.mark.parametrize("alpha_beta", [10.0, 3.0])
def test_dose_response_x_values(df, alpha_beta):
    fig = dose_response(df, alpha_beta, footnote=FOOT)
    assert len(fig.data) == 6
    for reg, eqd2 in EQD2_BY_HAND[alpha_beta].items():
        tr = trace(fig, f"{reg} (n = {N_BY_REGIMEN[reg]})")
        np.testing.assert_allclose(np.asarray(tr.customdata, dtype=float), eqd2)
        # Plotted x stays within 1.5 Gy of the exact EQD2 (sideways spread only).
        assert np.all(np.abs(np.asarray(tr.x, dtype=float) - eqd2) < 1.5)
    assert f"α/β = {alpha_beta:g} Gy" in fig.layout.xaxis.title.text
    assert style.footnote_text(fig).startswith(FOOT)


def test_dose_response_y_and_coincident_points(df):
    fig = dose_response(df, footnote=FOOT)
    tr = trace(fig, "39 Gy/13 (n = 3)")
    x, y = np.asarray(tr.x, dtype=float), np.asarray(tr.y, dtype=float)
    # 39/13: 1.1 9->0 (-9), 1.2 8->0 (-8), 10.1 8->0 (-8): the two -8s coincide.
    assert sorted(y) == [-9, -8, -8]
    pair = x[y == -8]
    assert pair[0] != pair[1]
    assert pair.mean() == pytest.approx(42.25)
    assert x[y == -9][0] == pytest.approx(42.25)  # not coincident: not moved
    tr30 = trace(fig, "30 Gy/10 (n = 3)")
    # 30/10: 7.1 4->0 (-4), 9.1 4->1 (-3), 11.1 8->0 (-8): no coincidence, x exact.
    assert sorted(np.asarray(tr30.y, dtype=float)) == [-8, -4, -3]
    np.testing.assert_allclose(np.asarray(tr30.x, dtype=float), 32.5)


def test_dose_response_labels_one_per_eqd2_without_overlap(df):
    for alpha_beta, present in ((10.0, False), (3.0, False), (10.0, True)):
        fig = dose_response(df, alpha_beta, footnote=FOOT, present=present)
        labels = [a for a in fig.layout.annotations if a.name == "regimen label"]
        texts = {a.text for a in labels}
        assert texts == {f"{r} (n = {n})" for r, n in N_BY_REGIMEN.items()}
        # Pixel extent of each label on a 560-px plot, 0.6 em per character (generous).
        lo, hi = fig.layout.xaxis.range
        px = 560 / (hi - lo)
        boxes = []
        for a in labels:
            centre, half = (a.x - lo) * px, len(a.text) * 0.3 * a.font.size
            boxes.append((a.yshift, centre - half, centre + half))
        for i, (row_i, l_i, r_i) in enumerate(boxes):
            assert l_i >= -1 and r_i <= 561  # inside the plot width
            for row_j, l_j, r_j in boxes[i + 1 :]:
                assert row_i != row_j or r_i <= l_j or r_j <= l_i, (alpha_beta, present)
        # Rows stack upwards into the reserved top margin.
        rows = {a.yshift for a in labels}
        assert fig.layout.margin.t >= max(rows) + labels[0].font.size


def test_dose_response_regimens_with_equal_eqd2_share_a_label(df):
    # At alpha/beta 10: 18 Gy/3 (d 6) -> 18*16/12 = 24; 24 Gy/12 (d 2) -> 24*12/12 = 24.
    two = with_site(with_site(df, "12.1", 6, 2), "13.1", 6, 2)
    two.loc[two["course_id"] == "12.1", ["dose_gy", "fractions"]] = [18.0, 3]
    two.loc[two["course_id"] == "13.1", ["dose_gy", "fractions"]] = [24.0, 12]
    fig = dose_response(two, 10.0, footnote=FOOT)
    labels = [a.text for a in fig.layout.annotations if a.name == "regimen label"]
    shared = [t for t in labels if "18 Gy/3" in t]
    assert shared == ["18 Gy/3 (n = 1) + 24 Gy/12 (n = 1)"]
    assert len(labels) == 7
    # Both sites 6 -> 2 (-4) at EQD2 24: spread apart, symmetric about 24.
    xs = [float(trace(fig, f"{r} (n = 1)").x[0]) for r in ("18 Gy/3", "24 Gy/12")]
    assert xs[0] != xs[1] and sum(xs) / 2 == pytest.approx(24.0)
