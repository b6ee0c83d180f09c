"""The summaries shown instead of the waterfall and the swimmer plot for a large cohort: counts
checked against counts made by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plexrt.charts import scale
from plexrt.charts.summaries import change_distribution_figure, followup_distribution_figure
from plexrt.clinical import large_views
from plexrt.clinical.definitions import DEFINITIONS
from plexrt.clinical.pain_views import change_values, waterfall_data
from plexrt.stats.timescale import DAYS_PER_MONTH


def _sites(before, after):
    n = len(before)
    return pd.DataFrame(
        {
            "course_id": [f"{i}.1" for i in range(n)],
            "patient_id": [str(i) for i in range(n)],
            "nrs_before": before,
            "nrs_after": after,
            "dose_gy": [30.0] * n,
            "fractions": [10] * n,
        }
    )


# The page counts ``change_values`` (no ordered bars needed); the board's slides count the
# waterfall's own rows: both must give the hand counts.
BUILDERS = [change_values, waterfall_data]


def _points_sites():
    # changes: -8 (complete), -8 (complete), -3 (improved), -3 (improved), 0 (stable),
    # +3 (progression), one site not assessable
    return _sites([8, 8, 6, 5, 4, 2, 7], [0, 0, 3, 2, 4, 5, None])


@pytest.fixture
def wf_points():
    return waterfall_data(_points_sites(), DEFINITIONS["paper"])


@pytest.mark.parametrize("build", BUILDERS)
def test_change_distribution_points(build):
    d = large_views.change_distribution(build(_points_sites(), DEFINITIONS["paper"]))
    got = {(r.bin_label, r.category): r.n_sites for r in d.itertuples()}
    assert got == {
        ("-8", "complete"): 2,
        ("-3", "improved"): 2,
        ("0", "stable"): 1,
        ("+3", "progression"): 1,
    }
    assert list(d["bin_start"]) == sorted(d["bin_start"])  # ascending
    assert d["n_sites"].sum() == 6  # the site missing a score is not counted


@pytest.mark.parametrize("build", BUILDERS)
def test_change_distribution_percent_bins(build):
    # 8 -> 0: -100 %; 8 -> 4: -50 %; 6 -> 4: -33.3 % (bin -40 to -30); 0 -> 2: undefined (left out)
    df = _sites([8, 8, 6, 0], [0, 4, 4, 2])
    d = large_views.change_distribution(build(df, DEFINITIONS["paper"], percent=True))
    assert dict(zip(d["bin_label"], d["n_sites"], strict=True)) == {
        "-100 to -90%": 1,
        "-50 to -40%": 1,
        "-40 to -30%": 1,
    }


def test_change_distribution_needs_waterfall_data():
    with pytest.raises(ValueError, match="change_values or waterfall_data"):
        large_views.change_distribution(
            pd.DataFrame({"value": [1.0], "category": ["stable"], "excluded": [None]})
        )


@pytest.fixture
def lanes():
    m = DAYS_PER_MONTH
    return pd.DataFrame(
        {
            "patient_id": ["a", "b", "c", "d", "e"],
            # 1, 2.5, 9.9, 10 and 20 months; e unknown follow-up is NaN below
            "last_day": [1 * m, 2.5 * m, 9.9 * m, 10 * m, np.nan],
            "death": [True, False, True, True, False],
            "relapse": [False, True, True, False, False],
            "relapse_day": [np.nan, 30.0, np.nan, np.nan, np.nan],
        }
    )


def test_followup_distribution_bins_of_whole_units(lanes):
    # longest 10 months, 5 bins -> width 2 months: [0,2) a; [2,4) b; [8,10) c; [10,12) d
    d = large_views.followup_distribution(lanes, "months", bins=5)
    got = {(r.bin_label, r.status): r.n_patients for r in d.itertuples()}
    assert got == {
        ("0–2", "died"): 1,
        ("2–4", "alive at last contact"): 1,
        ("8–10", "died"): 1,
        ("10–12", "died"): 1,
    }


def test_lane_counts(lanes):
    assert large_views.lane_counts(lanes) == {
        "patients": 5,
        "died": 3,
        "relapse": 2,
        "relapse_day_unknown": 1,
    }


def test_one_patient_keeps_that_patients_attrs(wf_points):
    one = large_views.one_patient(wf_points, " 6 ")
    assert list(one["course_id"]) == ["6.1"]
    assert list(one.attrs["not_assessable"]) == ["6.1"]
    assert list(large_views.one_patient(wf_points, "0").attrs["not_assessable"]) == []
    assert large_views.one_patient(wf_points, "nobody").empty


def test_summary_figures_draw_the_counts(wf_points, lanes):
    fig = change_distribution_figure(
        large_views.change_distribution(wf_points), x_title="Change", footnote="Cohort"
    )
    bars = {t.name: list(t.y) for t in fig.data}
    assert bars == {
        "complete (n = 2)": [2],
        "improved (n = 2)": [2],
        "stable (n = 1)": [1],
        "progression (n = 1)": [1],
    }
    fig = followup_distribution_figure(
        large_views.followup_distribution(lanes, "months", bins=5), unit="months", footnote="x"
    )
    assert {t.name for t in fig.data} == {"died (n = 3)", "alive at last contact (n = 1)"}


def test_thresholds_and_notes():
    assert not scale.uses_webgl(scale.WEBGL_ABOVE) and scale.uses_webgl(scale.WEBGL_ABOVE + 1)
    assert scale.webgl_note(10) == ""
    assert f"{scale.WEBGL_ABOVE:,}" in scale.webgl_note(scale.WEBGL_ABOVE + 1)
    assert scale.id_list(["1.1", "2.1"]) == "1.1, 2.1"
    assert scale.id_list([str(i) for i in range(scale.IDS_NAMED + 1)]) == "21 sites"
    trace = scale.scatter_trace(
        scale.WEBGL_ABOVE + 1, x=[0], y=[0], hovertext=["t"], hovertemplate="%{hovertext}"
    )
    assert trace.type == "scattergl" and trace.hovertext is None
    assert scale.scatter_trace(3, x=[0], y=[0]).type == "scatter"


def test_board_slides_switch_to_the_summary_above_the_threshold(wf_points, lanes):
    """The board's waterfall and swimmer slides: per item up to SUMMARY_ABOVE, the distribution
    above it (the threshold lowered here so the small frames cross it)."""
    from types import SimpleNamespace

    from plexrt.export import large_slides

    w = SimpleNamespace(
        patients=lanes.fillna({"last_day": 0.0}),
        sites=None,
        reconstructed=False,
        title="Swimmer",
        footnote="Cohort",
    )
    fig = large_slides.swimmer_slide(w, unit="months", present=False, height=None)
    assert all(t.type != "bar" for t in fig.data)  # lanes
    d = DEFINITIONS["paper"]
    fig = large_slides.waterfall_slide(_points_sites(), d, footnote="Cohort", present=False)
    assert len(fig.layout.xaxis.categoryarray) == 6  # one bar per shown site

    saved = scale.SUMMARY_ABOVE
    scale.SUMMARY_ABOVE = 3
    try:
        fig = large_slides.swimmer_slide(w, unit="months", present=False, height=None)
        assert sum(sum(t.y) for t in fig.data) == 5  # every patient counted once
        fig = large_slides.waterfall_slide(_points_sites(), d, footnote="Cohort", present=False)
        assert sum(sum(t.y) for t in fig.data) == 6
        assert "more than 3" in fig.layout.annotations[-1].text or any(
            "more than 3" in (a.text or "") for a in fig.layout.annotations
        )
    finally:
        scale.SUMMARY_ABOVE = saved
