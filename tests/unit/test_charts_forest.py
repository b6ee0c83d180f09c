"""Forest plot of response proportions (plexrt.charts.forest).

Independent references: Clopper-Pearson bounds worked by hand from the binomial distribution for a
3-row example (closed forms for 0/n and n/n, the binomial tail equation solved numerically for 3/4).
The pooled diamond is checked against plexrt.stats.meta.pool_proportions run on the published
rows only.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize

from plexrt.charts import style
from plexrt.charts.forest import forest_figure
from plexrt.clinical.forest import forest_data
from plexrt.stats.meta import pool_proportions
from tests.unit.literature_cases import FOOT, annotations, rows, traces


def _cp_lower_3_of_4() -> float:
    # Clopper-Pearson lower bound for 3/4: p with P(X >= 3 | n=4, p) = 0.025,
    # i.e. 4 p^3 (1-p) + p^4 = 0.025, solved numerically.
    return optimize.brentq(lambda p: 4 * p**3 * (1 - p) + p**4 - 0.025, 1e-9, 1 - 1e-9)


def test_forest_figure_points_and_ci_lines_by_hand():
    # Series A 18/18, B 0/5, C 3/4 (PlexRT).
    data = forest_data(rows([(18, 18), (0, 5), (3, 4)], plexrt_index=2))
    fig = forest_figure(data, None, "Response", footnote=FOOT)

    expected_x = {"Series A": 100.0, "Series B": 0.0, "Series C": 75.0}
    expected_ci = {
        "Series A": (100 * 0.025 ** (1 / 18), 100.0),  # ((alpha/2)^(1/n), 1)
        "Series B": (0.0, 100 * (1 - 0.025 ** (1 / 5))),  # (0, 1 - (alpha/2)^(1/n))
        "Series C": (100 * _cp_lower_3_of_4(), 100 * 0.975 ** (1 / 4)),  # 1 - p^4 = 0.025
    }
    rows_y = {"Series A": 0, "Series B": 1, "Series C": 2}  # top to bottom in given order

    got_x = {}
    for trace in traces(fig, "series") + traces(fig, "plexrt"):
        xs = np.asarray(trace.x, dtype=float)
        ys = np.asarray(trace.y, dtype=float)
        for x, y in zip(xs, ys, strict=True):
            label = next(lab for lab, yy in rows_y.items() if yy == y)
            got_x[label] = x
    assert got_x == pytest.approx(expected_x)

    ci = {t.meta["label"]: t for t in traces(fig, "ci")}
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
    data = forest_data(rows([(18, 18), (67, 112), (3, 4)], plexrt_index=2))
    fig = forest_figure(data, None, "Response", footnote=FOOT)
    texts = annotations(fig, "row_text")
    assert [a.text for a in texts] == ["18/18 = 100% (81–100%)", *list(data["display"][1:])]
    for i, ann in enumerate(texts):
        # Anchored at the right edge of the plot area and extending right: never over a CI line.
        assert (ann.xref, ann.x, ann.xanchor) == ("paper", 1, "left")
        assert ann.xshift > 0 and ann.y == i
    assert fig.layout.margin.r > 100


def test_forest_squares_grow_with_n_and_are_capped():
    data = forest_data(rows([(1, 4), (10, 40), (100, 400), (1000, 4000)]))
    sizes = np.asarray(traces(forest_figure(data, footnote=FOOT), "series")[0].marker.size)
    assert sizes[0] < sizes[1] < sizes[2]
    assert sizes[2] == sizes[3]  # capped


def test_plexrt_row_highlighted_and_left_out_of_the_pooled_diamond():
    counts = [(18, 18), (67, 112), (3, 4), (9, 12)]
    data = forest_data(rows(counts, plexrt_index=3))
    published = data[~data["is_plexrt"]]
    pooled = pool_proportions(list(published["events"]), list(published["total"]))
    with_plexrt = pool_proportions([k for k, _ in counts], [n for _, n in counts])
    assert pooled.estimate != pytest.approx(with_plexrt.estimate)  # the choice matters here
    fig = forest_figure(data, pooled, "Response", footnote=FOOT)

    (series,) = traces(fig, "series")
    (plexrt,) = traces(fig, "plexrt")
    assert series.marker.color != plexrt.marker.color
    np.testing.assert_allclose(np.asarray(plexrt.x, dtype=float), [75.0])  # 9/12
    np.testing.assert_allclose(np.asarray(plexrt.y, dtype=float), [3])
    ticktext = list(fig.layout.yaxis.ticktext)
    assert "<b>Series D</b>" in ticktext[3] and "(not pooled)" in ticktext[3]
    assert all("not pooled" not in t for t in ticktext[:3])

    (diamond,) = traces(fig, "pooled")
    x = np.asarray(diamond.x, dtype=float)
    np.testing.assert_allclose(
        sorted(set(x.round(12))),
        [100 * pooled.low, 100 * pooled.estimate, 100 * pooled.high],
        rtol=1e-9,
    )
    # The diamond sits below the last series row.
    assert np.asarray(diamond.y, dtype=float).min() > 3


def test_pooled_summary_line_and_prediction_interval_with_five_series():
    counts = [(18, 18), (67, 112), (3, 4), (12, 20), (7, 15), (9, 12)]
    data = forest_data(rows(counts, plexrt_index=5))
    published = data[~data["is_plexrt"]]
    pooled = pool_proportions(list(published["events"]), list(published["total"]))
    assert pooled.k == 5 and pooled.prediction is not None and pooled.warning is None
    fig = forest_figure(data, pooled, footnote=FOOT)

    (pi,) = traces(fig, "prediction")
    np.testing.assert_allclose(
        np.asarray(pi.x, dtype=float), [100 * p for p in pooled.prediction], rtol=1e-12
    )
    (summary,) = annotations(fig, "pooled_summary")
    # the method (HKSJ below 10 series) and the patients behind the pooled figure
    assert summary.text.startswith(
        "Random effects (DL τ², HKSJ t on 4 df, logit), k = 5 series, "
        f"n = 169 (18 + 112 + 4 + 20 + 15), I² = {pooled.i2:.0f}%, τ² = {pooled.tau2:.3g}"
    )
    (text,) = annotations(fig, "pooled_text")
    assert text.text.endswith("n = 169</b>") or "n = 169" in text.text
    assert annotations(fig, "pooled_warning") == []


def test_no_prediction_line_with_three_series():
    data = forest_data(rows([(18, 18), (67, 112), (3, 4), (9, 12)], plexrt_index=3))
    published = data[~data["is_plexrt"]]
    pooled = pool_proportions(list(published["events"]), list(published["total"]))
    assert pooled.k == 3 and pooled.prediction is None
    assert traces(forest_figure(data, pooled, footnote=FOOT), "prediction") == []


def test_warning_shown_and_no_prediction_line_with_two_series():
    data = forest_data(rows([(18, 18), (67, 112), (9, 12)], plexrt_index=2))
    pooled = pool_proportions([18, 67], [18, 112])
    assert pooled.k == 2 and pooled.warning
    fig = forest_figure(data, pooled, footnote=FOOT)
    (warning,) = annotations(fig, "pooled_warning")
    assert pooled.warning in warning.text
    assert warning.font.color == style.OKABE_ITO[1]  # orange
    assert traces(fig, "prediction") == []
    assert "k = 2" in annotations(fig, "pooled_summary")[0].text


def test_forest_figure_one_row_without_pooling():
    data = forest_data(rows([(9, 12)], plexrt_index=0))
    fig = forest_figure(data, None, "Response", footnote=FOOT)
    assert len(traces(fig, "plexrt")) == 1 and traces(fig, "series") == []
    assert traces(fig, "pooled") == [] and annotations(fig, "pooled_summary") == []
    assert style.footnote_text(fig) == FOOT


def test_forest_figure_footnote_and_argument_checks():
    data = forest_data(rows([(3, 4)]))
    fig = forest_figure(data, None, "Response", footnote=FOOT, present=True)
    assert style.footnote_text(fig) == FOOT
    with pytest.raises(ValueError, match="footnote"):
        forest_figure(data, None, footnote="")
    with pytest.raises(ValueError, match="pooled"):
        forest_figure(data, (0.5, 0.2, 0.8), footnote=FOOT)
    with pytest.raises(ValueError, match="data"):
        forest_figure(rows([(3, 4)]), None, footnote=FOOT)
