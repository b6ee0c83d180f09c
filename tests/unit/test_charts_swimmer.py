"""Swimmer plot (plexrt.charts.swimmer): lanes, markers and flags of four hand-made patients."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plexrt.charts import style
from plexrt.charts.swimmer import swimmer_figure
from tests.unit.survival_cases import FOOT, annotation_names, f, one, traces


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
        for tr in traces(fig, role)
        if reconstructed is None or tr.meta["reconstructed"] == reconstructed
    )


def test_swimmer_lane_order(swim_data):
    patients, sites = swim_data
    fig = swimmer_figure(patients, sites, footnote=FOOT)
    # Follow-up 675 (Pt 3) > 300 (Pt 1) > 120 (Pt 2) > 45 (Pt 4); plotly lists categories from the
    # bottom up, so the array is the reverse of the top-down order.
    assert list(fig.layout.yaxis.categoryarray) == ["Pt 4", "Pt 2", "Pt 1", "Pt 3"]


def test_swimmer_marker_counts(swim_data):
    patients, sites = swim_data
    fig = swimmer_figure(patients, sites, unit="days", footnote=FOOT)
    # Deaths: patients 1, 2, 4 -> 3 (patient 2's reconstructed); alive: patient 3 -> 1.
    assert _n_points(fig, "death") == 3
    assert _n_points(fig, "death", reconstructed=True) == 1
    assert _n_points(fig, "alive") == 1
    alive = one(fig, "alive")
    assert alive.marker.symbol == "triangle-right"
    np.testing.assert_allclose(f(alive.x), [675])
    assert list(alive.y) == ["Pt 3"]
    # Relapses drawn: only patient 2 (day 90, reconstructed -> hollow); patient 3's day is unknown.
    assert _n_points(fig, "relapse") == 1
    rel = one(fig, "relapse")
    assert rel.meta["reconstructed"] is True and rel.marker.symbol.endswith("-open")
    np.testing.assert_allclose(f(rel.x), [90])
    assert "Pt 3" in style.footnote_text(fig) and "not drawn" in style.footnote_text(fig)
    # Maximum response known for patients 1, 3, 4.
    assert _n_points(fig, "max_response") == 3
    # RT courses: 5 bars, drawn as segments start -> end.
    rt = one(fig, "rt")
    assert sum(1 for x in rt.x if x is not None) == 10
    assert _has_point_cat(rt, "Pt 3", 200) and _has_point_cat(rt, "Pt 3", 214)
    # Lanes: solid for 1, 3, 4; dotted for patient 2 (reconstructed).
    lanes = {tr.meta["reconstructed"]: tr for tr in traces(fig, "lane")}
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
    fig = swimmer_figure(patients, sites, footnote=FOOT, reconstructed=True)
    # 675 days / 30.4375 = 22.18 months
    assert f(one(fig, "alive").x)[0] == pytest.approx(675 / 30.4375)
    assert "reconstructed" in annotation_names(fig)
    plain = swimmer_figure(patients, sites, footnote=FOOT)
    assert "reconstructed" not in annotation_names(plain)
    big = swimmer_figure(patients, sites, footnote=FOOT, present=True)
    assert big.layout.font.size > plain.layout.font.size
    assert one(big, "alive").marker.size > one(plain, "alive").marker.size


def test_swimmer_per_field_flags(swim_data):
    patients, sites = swim_data
    patients = patients.assign(relapse_day_reconstructed=[False, False, False, False])
    fig = swimmer_figure(patients, sites, footnote=FOOT)
    # Patient 2's relapse day is now flagged as published, the rest of the row stays reconstructed.
    assert one(fig, "relapse").meta["reconstructed"] is False
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
        swimmer_figure(patients, sites, footnote=FOOT)
