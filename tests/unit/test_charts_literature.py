"""Literature comparison figures: forest plot of response proportions, dot plot of median durations.

Independent references: scipy.stats.binomtest(...).proportion_ci for the per-series intervals, and
Clopper-Pearson bounds worked by hand from the binomial distribution for a 3-row example (closed
forms for 0/n and n/n, the binomial tail equation solved numerically for 3/4). The pooled diamond is
checked against plexrt.stats.meta.pool_proportions run on the published rows only.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from plexrt.charts import style
from plexrt.charts.literature import (
    MEASURE_NAMES,
    duration_figure,
    forest_data,
    forest_figure,
)
from plexrt.stats.meta import pool_proportions

FOOT = "n = 12 sites, 11 patients · exact (Clopper-Pearson) 95% CI"


def _rows(counts, plexrt_index=None):
    return pd.DataFrame(
        {
            "label": [f"Series {chr(65 + i)}" for i in range(len(counts))],
            "events": [k for k, _ in counts],
            "total": [n for _, n in counts],
            "population": ["malignant_psoas_syndrome"] * len(counts),
            "is_plexrt": [i == plexrt_index for i in range(len(counts))],
        }
    )


def _traces(fig, role):
    return [t for t in fig.data if t.meta and t.meta.get("role") == role]


def _annotations(fig, name):
    return [a for a in fig.layout.annotations if a.name == name]


# ------------------------------------------------------------------ forest_data


@pytest.mark.parametrize("method", ["exact", "wilson"])
def test_forest_data_intervals_match_scipy_binomtest(method):
    counts = [(18, 18), (67, 112), (3, 4), (0, 5), (9, 12)]
    df = forest_data(_rows(counts), method=method)
    assert list(df["label"]) == [f"Series {c}" for c in "ABCDE"]
    for (k, n), (_, row) in zip(counts, df.iterrows(), strict=True):
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method=method)
        assert row["proportion"] == pytest.approx(k / n)
        assert row["low"] == pytest.approx(ci.low, abs=1e-9)
        assert row["high"] == pytest.approx(ci.high, abs=1e-9)
        assert row["display"] == (
            f"{k}/{n} = {100 * k / n:.0f}% ({100 * ci.low:.0f}–{100 * ci.high:.0f}%)"
        )


def test_forest_data_display_string_by_hand():
    # 18/18: exact lower bound (0.025)^(1/18) = 0.8148 -> 81%, upper 100%.
    # 0/5: upper bound 1 - 0.025^(1/5) = 0.5218 -> 52%.
    df = forest_data(_rows([(18, 18), (0, 5)]))
    assert list(df["display"]) == ["18/18 = 100% (81–100%)", "0/5 = 0% (0–52%)"]


def test_forest_data_drops_unreported_counts_and_lists_them():
    rows = pd.DataFrame(
        {
            "label": ["Reported", "No responders figure", "No n", "Also reported"],
            "events": pd.array([3, None, 2, 1], dtype="Int64"),
            "total": [4.0, 10.0, np.nan, 1.0],
            "population": [None] * 4,
            "is_plexrt": [False, False, False, True],
        }
    )
    df = forest_data(rows)
    assert list(df["label"]) == ["Reported", "Also reported"]
    assert df.attrs["dropped"] == ["No responders figure", "No n"]
    assert list(df["events"]) == [3, 1] and list(df["total"]) == [4, 1]
    assert list(df["is_plexrt"]) == [False, True]


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ([(5, 4)], "cannot exceed"),
        ([(1, 0)], "total"),
        ([(-1, 4)], "negative"),
        ([(1.5, 4)], "whole number"),
    ],
)
def test_forest_data_rejects_impossible_counts(counts, message):
    with pytest.raises(ValueError, match=message):
        forest_data(_rows(counts))


def test_forest_data_rejects_bad_arguments():
    with pytest.raises(ValueError, match="method"):
        forest_data(_rows([(1, 2)]), method="wald")
    with pytest.raises(ValueError, match="missing column"):
        forest_data(_rows([(1, 2)]).drop(columns="is_plexrt"))
    dup = _rows([(1, 2), (2, 3)])
    dup["label"] = ["Same", "Same"]
    with pytest.raises(ValueError, match="duplicate"):
        forest_data(dup)


# ------------------------------------------------------------------ forest_figure


def _cp_lower_3_of_4() -> float:
    # Clopper-Pearson lower bound for 3/4: p with P(X >= 3 | n=4, p) = 0.025,
    # i.e. 4 p^3 (1-p) + p^4 = 0.025, solved numerically.
    return optimize.brentq(lambda p: 4 * p**3 * (1 - p) + p**4 - 0.025, 1e-9, 1 - 1e-9)


def test_forest_figure_points_and_ci_lines_by_hand():
    # Series A 18/18, B 0/5, C 3/4 (PlexRT).
    data = forest_data(_rows([(18, 18), (0, 5), (3, 4)], plexrt_index=2))
    fig = forest_figure(data, None, "Response", footnote=FOOT)

    expected_x = {"Series A": 100.0, "Series B": 0.0, "Series C": 75.0}
    expected_ci = {
        "Series A": (100 * 0.025 ** (1 / 18), 100.0),  # ((alpha/2)^(1/n), 1)
        "Series B": (0.0, 100 * (1 - 0.025 ** (1 / 5))),  # (0, 1 - (alpha/2)^(1/n))
        "Series C": (100 * _cp_lower_3_of_4(), 100 * 0.975 ** (1 / 4)),  # 1 - p^4 = 0.025
    }
    rows_y = {"Series A": 0, "Series B": 1, "Series C": 2}  # top to bottom in given order

    got_x = {}
    for trace in _traces(fig, "series") + _traces(fig, "plexrt"):
        xs = np.asarray(trace.x, dtype=float)
        ys = np.asarray(trace.y, dtype=float)
        for x, y in zip(xs, ys, strict=True):
            label = next(lab for lab, yy in rows_y.items() if yy == y)
            got_x[label] = x
    assert got_x == pytest.approx(expected_x)

    ci = {t.meta["label"]: t for t in _traces(fig, "ci")}
    assert set(ci) == set(expected_ci)
    for label, (lo, hi) in expected_ci.items():
        np.testing.assert_allclose(np.asarray(ci[label].x, dtype=float), [lo, hi], atol=1e-9)
        np.testing.assert_allclose(np.asarray(ci[label].y, dtype=float), [rows_y[label]] * 2)

    # y axis reversed, so the first series is drawn at the top.
    y_range = fig.layout.yaxis.range
    assert y_range[0] > y_range[1]
    assert list(fig.layout.yaxis.tickvals) == [0, 1, 2]
    assert "Series A" in fig.layout.yaxis.ticktext[0]
    assert list(fig.layout.xaxis.range) == [0, 100]
    assert fig.layout.xaxis.title.text == "Proportion responding (%)"


def test_forest_figure_text_column_sits_in_the_right_margin():
    data = forest_data(_rows([(18, 18), (67, 112), (3, 4)], plexrt_index=2))
    fig = forest_figure(data, None, "Response", footnote=FOOT)
    texts = _annotations(fig, "row_text")
    assert [a.text for a in texts] == ["18/18 = 100% (81–100%)", *list(data["display"][1:])]
    for i, ann in enumerate(texts):
        # Anchored at the right edge of the plot area and extending right: never over a CI line.
        assert (ann.xref, ann.x, ann.xanchor) == ("paper", 1, "left")
        assert ann.xshift > 0 and ann.y == i
    assert fig.layout.margin.r > 100


def test_forest_squares_grow_with_n_and_are_capped():
    data = forest_data(_rows([(1, 4), (10, 40), (100, 400), (1000, 4000)]))
    sizes = np.asarray(_traces(forest_figure(data, footnote=FOOT), "series")[0].marker.size)
    assert sizes[0] < sizes[1] < sizes[2]
    assert sizes[2] == sizes[3]  # capped


def test_plexrt_row_highlighted_and_left_out_of_the_pooled_diamond():
    counts = [(18, 18), (67, 112), (3, 4), (9, 12)]
    data = forest_data(_rows(counts, plexrt_index=3))
    published = data[~data["is_plexrt"]]
    pooled = pool_proportions(list(published["events"]), list(published["total"]))
    with_plexrt = pool_proportions([k for k, _ in counts], [n for _, n in counts])
    assert pooled.estimate != pytest.approx(with_plexrt.estimate)  # the choice matters here
    fig = forest_figure(data, pooled, "Response", footnote=FOOT)

    (series,) = _traces(fig, "series")
    (plexrt,) = _traces(fig, "plexrt")
    assert series.marker.color != plexrt.marker.color
    np.testing.assert_allclose(np.asarray(plexrt.x, dtype=float), [75.0])  # 9/12
    np.testing.assert_allclose(np.asarray(plexrt.y, dtype=float), [3])
    ticktext = list(fig.layout.yaxis.ticktext)
    assert "<b>Series D</b>" in ticktext[3] and "(not pooled)" in ticktext[3]
    assert all("not pooled" not in t for t in ticktext[:3])

    (diamond,) = _traces(fig, "pooled")
    x = np.asarray(diamond.x, dtype=float)
    np.testing.assert_allclose(
        sorted(set(x.round(12))),
        [100 * pooled.low, 100 * pooled.estimate, 100 * pooled.high],
        rtol=1e-9,
    )
    # The diamond sits below the last series row.
    assert np.asarray(diamond.y, dtype=float).min() > 3


def test_pooled_summary_line_and_prediction_interval_with_three_series():
    data = forest_data(_rows([(18, 18), (67, 112), (3, 4), (9, 12)], plexrt_index=3))
    published = data[~data["is_plexrt"]]
    pooled = pool_proportions(list(published["events"]), list(published["total"]))
    assert pooled.k == 3 and pooled.prediction is not None and pooled.warning is None
    fig = forest_figure(data, pooled, footnote=FOOT)

    (pi,) = _traces(fig, "prediction")
    np.testing.assert_allclose(
        np.asarray(pi.x, dtype=float), [100 * p for p in pooled.prediction], rtol=1e-12
    )
    (summary,) = _annotations(fig, "pooled_summary")
    assert summary.text.startswith(
        f"Random effects (DL, logit), k = 3, I² = {pooled.i2:.0f}%, τ² = {pooled.tau2:.3g}"
    )
    assert _annotations(fig, "pooled_warning") == []


def test_warning_shown_and_no_prediction_line_with_two_series():
    data = forest_data(_rows([(18, 18), (67, 112), (9, 12)], plexrt_index=2))
    pooled = pool_proportions([18, 67], [18, 112])
    assert pooled.k == 2 and pooled.warning
    fig = forest_figure(data, pooled, footnote=FOOT)
    (warning,) = _annotations(fig, "pooled_warning")
    assert pooled.warning in warning.text
    assert warning.font.color == style.OKABE_ITO[1]  # orange
    assert _traces(fig, "prediction") == []
    assert "k = 2" in _annotations(fig, "pooled_summary")[0].text


def test_forest_figure_one_row_without_pooling():
    data = forest_data(_rows([(9, 12)], plexrt_index=0))
    fig = forest_figure(data, None, "Response", footnote=FOOT)
    assert len(_traces(fig, "plexrt")) == 1 and _traces(fig, "series") == []
    assert _traces(fig, "pooled") == [] and _annotations(fig, "pooled_summary") == []
    assert style.footnote_text(fig) == FOOT


def test_forest_figure_footnote_and_argument_checks():
    data = forest_data(_rows([(3, 4)]))
    fig = forest_figure(data, None, "Response", footnote=FOOT, present=True)
    assert style.footnote_text(fig) == FOOT
    with pytest.raises(ValueError, match="footnote"):
        forest_figure(data, None, footnote="")
    with pytest.raises(ValueError, match="pooled"):
        forest_figure(data, (0.5, 0.2, 0.8), footnote=FOOT)
    with pytest.raises(ValueError, match="data"):
        forest_figure(_rows([(3, 4)]), None, footnote=FOOT)


# ------------------------------------------------------------------ duration_figure


def _durations():
    return pd.DataFrame(
        {
            "label": ["Pub 1", "Pub 1", "Pub 2", "PlexRT", "PlexRT", "PlexRT", "Pub 3"],
            "measure": [
                "median_relief_months",
                "median_followup_months",
                "median_survival_months",
                "median_relief_months",
                "median_followup_months",
                "median_survival_months",
                "median_survival_months",
            ],
            "value": [3.5, 5.5, 5.5, 4.0, None, 6.0, None],
            "low": [None, None, None, 2.0, None, 3.0, None],
            "high": [None, None, None, 7.0, None, 9.5, None],
            "is_plexrt": [False, False, False, True, True, True, False],
            "reconstructed": [False, False, False, False, True, True, False],
        }
    )


def test_duration_markers_missing_values_absent_never_zero():
    fig = duration_figure(_durations(), footnote=FOOT)
    markers = [t for t in fig.data if t.mode == "markers"]
    # Pub 1, Pub 2, PlexRT have values; Pub 3 has none and gets no trace.
    assert [t.meta["label"] for t in markers] == ["Pub 1", "Pub 2", "PlexRT"]
    xs = {t.meta["label"]: np.asarray(t.x, dtype=float) for t in markers}
    np.testing.assert_allclose(xs["Pub 1"], [3.5, 5.5])
    np.testing.assert_allclose(xs["Pub 2"], [5.5])
    np.testing.assert_allclose(xs["PlexRT"], [4.0, 6.0])  # follow-up missing: not drawn
    assert sum(len(x) for x in xs.values()) == 5
    assert all((x != 0).all() for x in xs.values())


def test_duration_rows_are_measures_in_words():
    fig = duration_figure(_durations(), footnote=FOOT)
    assert list(fig.layout.yaxis.ticktext) == list(MEASURE_NAMES.values())
    assert list(MEASURE_NAMES.values()) == [
        "Median duration of pain relief",
        "Median follow-up",
        "Median survival",
    ]
    plexrt = next(t for t in fig.data if t.mode == "markers" and t.meta["label"] == "PlexRT")
    # Relief row 0, survival row 2 (the missing follow-up leaves row 1 empty for PlexRT).
    np.testing.assert_array_equal(np.rint(np.asarray(plexrt.y, dtype=float)), [0, 2])


def test_duration_reconstructed_values_hollow_with_note():
    fig = duration_figure(_durations(), footnote=FOOT)
    plexrt = next(t for t in fig.data if t.mode == "markers" and t.meta["label"] == "PlexRT")
    symbols = list(plexrt.marker.symbol)
    assert not symbols[0].endswith("-open")  # relief: not reconstructed
    assert symbols[1].endswith("-open")  # survival: reconstructed
    others = [t for t in fig.data if t.mode == "markers" and t.meta["label"] != "PlexRT"]
    assert all(not str(s).endswith("-open") for t in others for s in t.marker.symbol)
    assert plexrt.marker.color != others[0].marker.color
    (note,) = _annotations(fig, "reconstructed_note")
    assert "PlexRT values rest on reconstructed times" in note.text
    assert _annotations(fig, "reconstructed")  # house-style banner as well

    published = duration_figure(_durations().assign(reconstructed=False), footnote=FOOT)
    assert _annotations(published, "reconstructed_note") == []


def test_duration_ci_lines_for_plexrt():
    fig = duration_figure(_durations(), footnote=FOOT)
    lines = {t.meta["measure"]: t for t in fig.data if t.meta and t.meta.get("role") == "ci"}
    assert set(lines) == {"median_relief_months", "median_survival_months"}
    np.testing.assert_allclose(np.asarray(lines["median_relief_months"].x, dtype=float), [2, 7])
    np.testing.assert_allclose(np.asarray(lines["median_survival_months"].x, dtype=float), [3, 9.5])
    assert len(fig.data) == 3 + 2  # three marker traces, two interval lines
    assert style.footnote_text(fig) == FOOT
    assert fig.layout.xaxis.title.text == "Months"


def test_duration_open_upper_limit_drawn_to_the_edge():
    rows = _durations()
    rows.loc[5, "high"] = None  # survival upper limit not reached
    fig = duration_figure(rows, footnote=FOOT)
    line = next(
        t
        for t in fig.data
        if t.meta.get("role") == "ci" and t.meta["measure"].endswith("survival_months")
    )
    x = np.asarray(line.x, dtype=float)
    assert x[0] == 3 and math.isclose(x[1], fig.layout.xaxis.range[1])
    assert line.line.dash == "dash"


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("measure", "mean_survival_months", "unknown measure"),
        ("value", -1.0, "negative"),
        ("low", 4.5, "contain"),
    ],
)
def test_duration_rejects_bad_rows(column, value, message):
    rows = _durations()
    rows.loc[3, column] = value
    with pytest.raises(ValueError, match=message):
        duration_figure(rows, footnote=FOOT)


def test_duration_requires_columns_and_footnote():
    with pytest.raises(ValueError, match="missing column"):
        duration_figure(_durations().drop(columns="measure"), footnote=FOOT)
    with pytest.raises(ValueError, match="footnote"):
        duration_figure(_durations(), footnote="  ")
