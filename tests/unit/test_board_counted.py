"""The board's export panel counts the key figures once per run: the cohort's medians (the costly
part at registry scale) are computed once and shared by the key figures and their notes, and
neither computes the cohort's response rates as a literature series to get them."""

from __future__ import annotations

import pytest

from plexrt.board import summary
from plexrt.clinical import literature_comparison, series_medians
from plexrt.export import slides
from plexrt.ui.board_exports import Counted


@pytest.fixture
def counting(monkeypatch):
    calls = []
    real = series_medians.series_medians

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(series_medians, "series_medians", counted)
    return calls


def test_key_figures_and_notes_share_one_computation_of_the_medians(inp, counting):
    expected = (summary.key_figures(inp), slides.key_figure_notes(inp))
    counting.clear()
    c = Counted(inp)
    assert (c.figures, c.notes) == expected  # the same words as computed apart
    assert (c.figures, c.notes) == expected  # (asked twice)
    assert len(counting) == 1


def test_the_key_figures_do_not_compute_the_cohort_as_a_literature_series(inp, monkeypatch):
    def refused(*args, **kwargs):
        raise AssertionError("plexrt_series is the forest plot's, not the key figures'")

    monkeypatch.setattr(literature_comparison, "plexrt_series", refused)
    rows = dict(summary.key_figures(inp))
    assert rows["Median survival after RT"].count("reconstructed times") == 1
    assert slides.key_figure_notes(inp)[-1].strip()
