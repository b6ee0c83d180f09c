"""Waterfall figure (plexrt.charts.waterfall) drawn from pain_views.waterfall_data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plexrt.charts import style
from plexrt.charts.waterfall import waterfall_figure
from plexrt.clinical import pain_views
from plexrt.clinical.definitions import Definition
from plexrt.data import store
from tests.unit.pain_cases import (
    FOOT,
    PAPER,
    TABLE1_NRS,
    WATERFALL_ORDER,
    bars,
    trace,
    waterfall,
    with_site,
)


@pytest.fixture(scope="module")
def df(con) -> pd.DataFrame:
    return store.cohort(con)


def test_waterfall_figure_bars_axis_and_reference_lines(df):
    fig = waterfall(df, PAPER, footnote=FOOT)
    assert fig.layout.xaxis.type == "category"
    assert list(fig.layout.xaxis.categoryarray) == WATERFALL_ORDER
    heights = bars(fig)
    for cid, (before, after) in TABLE1_NRS.items():
        assert heights[cid] == after - before
    # Complete 9, improved 3 (see above), one trace each.
    assert [t.name for t in fig.data] == ["Complete (n = 9)", "Improved (n = 3)"]
    assert set(fig.data[1].x) == {"4.1", "6.1", "9.1"}
    lines = sorted(s.y0 for s in fig.layout.shapes)
    assert lines == [-2, 2]
    assert "points" in fig.layout.yaxis.title.text
    hover = dict(zip(fig.data[1].x, fig.data[1].hovertext, strict=True))["4.1"]
    assert "Patient 4" in hover and "60 Gy/30" in hover and "8" in hover and "3" in hover
    assert style.footnote_text(fig).startswith(FOOT)


def test_waterfall_threshold_definition_moves_the_improvement_line(df):
    # What-if k = 3: improvement line at -3, progression stays at +2.
    fig = waterfall(df, Definition("threshold", 3), footnote=FOOT)
    assert sorted(s.y0 for s in fig.layout.shapes) == [-3, 2]
    # With k = 3, 6.1 (fall 2) is stable; 9.1 (fall 3, NRS 1) improved; 4.1 (fall 5) improved.
    names = [t.name for t in fig.data]
    assert names == ["Complete (n = 9)", "Improved (n = 2)", "Stable (n = 1)"]


@pytest.mark.parametrize(
    ("colour_by", "expected"),
    [
        # Table 1 "Involved muscle": piriformis = patients 2, 6, 8, 11; the other 8 sites psoas.
        ("muscle", {"Psoas (n = 8)": 8, "Piriformis (n = 4)": 4}),
        # Intent P: 1 (both), 4, 7, 9, 10, 11 = 7 sites; LC: 2, 3, 5, 6, 8 = 5 sites.
        ("intent", {"Palliative (n = 7)": 7, "Local control (n = 5)": 5}),
        # Ovarian x2, endometrial, cervical x3 = 6; urachal, ureteral, bladder x2 = 4;
        # rectal, gastric = 2.
        (
            "primary_group",
            {"Gynecological (n = 6)": 6, "Urological (n = 4)": 4, "Gastrointestinal (n = 2)": 2},
        ),
    ],
)
def test_waterfall_colour_groups(df, colour_by, expected):
    fig = waterfall(df, PAPER, colour_by=colour_by, footnote=FOOT)
    assert {t.name: len(t.x) for t in fig.data} == expected
    assert list(expected) == [t.name for t in fig.data]  # canonical, stable order
    colours = [t.marker.color for t in fig.data]
    assert len(set(colours)) == len(colours)
    assert all(c in style.OKABE_ITO for c in colours)


def test_waterfall_muscle_sites(df):
    fig = waterfall(df, PAPER, colour_by="muscle", footnote=FOOT)
    psoas = trace(fig, "Psoas (n = 8)")
    assert set(psoas.x) == {"1.1", "1.2", "3.1", "4.1", "5.1", "7.1", "9.1", "10.1"}
    # A filtered cohort (piriformis only) keeps piriformis's colour.
    only_pir = waterfall(
        df[df["involved_muscle"] == "piriformis"], PAPER, colour_by="muscle", footnote=FOOT
    )
    assert only_pir.data[0].marker.color == trace(fig, "Piriformis (n = 4)").marker.color


def test_waterfall_percent_mode(df):
    fig = waterfall(df, PAPER, percent=True, footnote=FOOT)
    heights = bars(fig)
    assert heights["1.1"] == pytest.approx(-100.0)  # 100 * (0 - 9) / 9
    assert heights["4.1"] == pytest.approx(-62.5)  # 100 * (3 - 8) / 8
    assert heights["9.1"] == pytest.approx(-75.0)  # 100 * (1 - 4) / 4
    assert heights["6.1"] == pytest.approx(-40.0)  # 100 * (3 - 5) / 5
    # -100% for the nine sites ending at 0 (course order), then -75, -62.5, -40.
    assert list(fig.layout.xaxis.categoryarray) == [
        *["1.1", "1.2", "2.1", "3.1", "5.1", "7.1", "8.1", "10.1", "11.1"],
        *["9.1", "4.1", "6.1"],
    ]
    # Only the 0 line; no invented percent threshold.
    assert [s.y0 for s in fig.layout.shapes] == [0]
    assert "%" in fig.layout.yaxis.title.text
    assert not any("not plotted" in (a.text or "") for a in fig.layout.annotations)


def test_waterfall_percent_excludes_nrs_zero_before(df):
    extra = with_site(df, "12.1", before=0, after=1)
    data = pain_views.waterfall_data(extra, PAPER, percent=True)
    assert list(data.attrs["undefined"]) == ["12.1"]
    assert np.isnan(data.loc[data["course_id"] == "12.1", "value"].iloc[0])
    assert data["label"].iloc[-1] == "12.1"  # undefined sorts last
    fig = waterfall(extra, PAPER, percent=True, footnote=FOOT)
    assert "12.1" not in bars(fig)
    assert len(bars(fig)) == 12
    notes = [a.text for a in fig.layout.annotations if a.name == "excluded sites"]
    assert len(notes) == 1
    assert "1 site with NRS 0 before RT: percent change undefined, not plotted" in notes[0]
    # In points mode the same site is drawn: 0 -> 1 = +1, category stable.
    pts = waterfall(extra, PAPER, footnote=FOOT)
    assert bars(pts)["12.1"] == 1
    assert "12.1" in trace(pts, "Stable (n = 1)").x


def test_waterfall_icpre_without_omed_after_is_unknown_grey(df):
    fig = waterfall(df, Definition("icpre"), footnote=FOOT)
    # No OMED after RT in the data: 6 -> 0 may be complete or indeterminate, so unknown.
    unknown = [t for t in fig.data if t.name.startswith("Unknown")]
    assert len(unknown) == 1 and unknown[0].marker.color == style.GREY
    assert sum(len(t.x) for t in fig.data) == 12


def test_waterfall_rejects_bad_arguments(df):
    with pytest.raises(ValueError, match="colour_by"):
        waterfall(df, PAPER, colour_by="sex", footnote=FOOT)
    with pytest.raises(ValueError, match="definition"):
        waterfall(df, "paper", footnote=FOOT)
    with pytest.raises(ValueError, match="definition"):
        waterfall_figure(pain_views.waterfall_data(df, PAPER), "paper", footnote=FOOT)
    with pytest.raises(ValueError, match="footnote"):
        waterfall(df, PAPER, footnote=None)
    with pytest.raises(ValueError, match="present"):
        waterfall(df, PAPER, footnote=FOOT, present="yes")
    with pytest.raises(ValueError, match="percent"):
        pain_views.waterfall_data(df, PAPER, percent=1)
    with pytest.raises(ValueError, match="nrs_after"):
        pain_views.waterfall_data(df.drop(columns="nrs_after"), PAPER)
