"""The paired plot and the weeks-to-maximum-response plot of a large cohort (more than
``charts.scale.SUMMARY_ABOVE`` sites): one line per pair of scores and one dot per value of weeks,
sized by their sites, instead of a line or dot per site (which the export browser took a minute to
draw at 100,000 sites). Counts are checked against Table 1 of Sanuki 2022 repeated by hand."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from plexrt.charts import scale, style
from plexrt.charts.paired import PAIR_WIDTH_MAX, paired_figure
from plexrt.charts.time_to_max import time_to_max_figure
from plexrt.clinical import large_views, pain_views
from plexrt.data import store
from tests.unit.pain_cases import COPIES, TABLE1_NRS


def test_score_pairs_counts_the_sites_of_each_pair():
    data = pd.DataFrame({"nrs_before": [8.0, 8.0, 4.0, 8.0], "nrs_after": [0.0, 0.0, 0.0, 3.0]})
    got = large_views.score_pairs(data)
    assert got.to_dict("records") == [
        {"nrs_before": 4.0, "nrs_after": 0.0, "n_sites": 1},
        {"nrs_before": 8.0, "nrs_after": 0.0, "n_sites": 2},
        {"nrs_before": 8.0, "nrs_after": 3.0, "n_sites": 1},
    ]


def test_weeks_counts_counts_each_value_and_leaves_out_missing():
    got = large_views.weeks_counts(pd.Series([2.0, 4.0, 2.0, None, 1.0]))
    assert got.to_dict("records") == [
        {"weeks": 1.0, "n_sites": 1},
        {"weeks": 2.0, "n_sites": 2},
        {"weeks": 4.0, "n_sites": 1},
    ]


def test_a_large_paired_plot_has_one_line_per_pair_of_scores(large):
    assert len(large) > scale.SUMMARY_ABOVE
    fig = paired_figure(pain_views.paired_data(large), footnote="cohort")
    lines = [t for t in fig.data if t.name.startswith("NRS ")]
    # Table 1 by hand: (9,0) 1, (8,0) 3, (4,0) 3, (3,0) 2, (8,3) 1, (5,3) 1, (4,1) 1 site
    hand = Counter(TABLE1_NRS.values())
    assert len(lines) == len(hand) == 7
    drawn = {(t.y[0], t.y[1]): t for t in lines}
    assert set(drawn) == set(hand)
    for pair, n in hand.items():
        t = drawn[pair]
        assert t.name == f"NRS {pair[0]} → {pair[1]}: {n * COPIES:,} sites"
        assert list(t.x) == [0.0, 1.0]
        # width in proportion to the sites, the widest (3 copies of (8,0) and (4,0)) PAIR_WIDTH_MAX
        assert t.line.width == pytest.approx(max(1.0, PAIR_WIDTH_MAX * n / 3))
    assert all(t.type == "scatter" for t in fig.data)  # no WebGL trace for the export browser
    note = style.footnote_text(fig)
    assert f"{len(large):,} sites (more than {scale.SUMMARY_ABOVE:,})" in note
    assert "7 pairs" in note.replace("<br>", " ")
    med = next(t for t in fig.data if t.name == "Median")
    assert list(np.asarray(med.y, dtype=float)) == [4.5, 0.0]  # Table 1's medians, unchanged


def test_a_small_paired_plot_keeps_a_line_per_site(con):
    fig = paired_figure(pain_views.paired_data(store.cohort(con)), footnote="cohort")
    assert [t.name for t in fig.data] == ["Sites (n = 12)", "Median"]


def test_a_large_group_of_weeks_to_maximum_response_is_one_dot_per_value(large):
    view = pain_views.time_to_max(large)
    fig = time_to_max_figure(view, footnote="cohort")
    (dots,) = [t for t in fig.data if t.name == "All sites"]
    one = pain_views.time_to_max_sites(large.iloc[:12])["weeks_to_max_response"]
    hand = Counter(one.tolist())  # the 12 sites' weeks, each value counted once per copy
    assert list(np.asarray(dots.y, dtype=float)) == sorted(hand)
    assert list(np.asarray(dots.marker.size, dtype=float)) == [
        hand[w] * COPIES for w in sorted(hand)
    ]
    assert dots.marker.sizemode == "area"
    assert all(t.type == "scatter" for t in fig.data)
    note = style.footnote_text(fig).replace("<br>", " ")
    assert f"more than {scale.SUMMARY_ABOVE:,} sites" in note
    assert f"n = {len(one) * COPIES:,}" in note


def test_summarised_groups_share_one_scale_of_dot_areas(large):
    """Each group's dots were sized against its own largest dot, so a dot of a small group was as
    large as a dot of ten times its sites in another. One scale now: the largest dot of all."""
    small = large.assign(intent="palliative")
    big = pd.concat([large] * 3, ignore_index=True).assign(intent="curative")
    both = pd.concat([small, big], ignore_index=True)
    assert min(len(small), len(big)) > scale.SUMMARY_ABOVE
    fig = time_to_max_figure(pain_views.time_to_max(both, "intent"), footnote="cohort")
    counts = [t for t in fig.data if t.marker.sizemode == "area"]
    assert len(counts) == 2
    # the largest dot of all: the most frequent value of weeks in Table 1, in the 3-fold copy
    one = pain_views.time_to_max_sites(large.iloc[:12])["weeks_to_max_response"]
    most = max(Counter(one.tolist()).values()) * COPIES * 3
    assert max(float(max(t.marker.size)) for t in counts) == most
    assert {t.marker.sizeref for t in counts} == {most / scale.COUNT_DOT_MAX**2}
