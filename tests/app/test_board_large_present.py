"""The board's presentation of a series a little above ``SUMMARY_ABOVE`` sites (a synthetic own
series, as `plexrt synth` writes it): the slide on screen is drawn, the dose slide as its summary
with n, and the board's input is built once per run (the presentation reuses the page's)."""

from __future__ import annotations

import json
import re

import pytest

from plexrt.charts.scale import SUMMARY_ABOVE
from plexrt.ui import board_data
from tests.app.conftest import plotly_values, slide_counter, synthetic_series

# enough courses that more than SUMMARY_ABOVE sites have both NRS scores (the dose plot's sites)
COURSES = SUMMARY_ABOVE + 100


@pytest.fixture
def series(tmp_path, monkeypatch):
    with synthetic_series(tmp_path, monkeypatch, COURSES) as made:
        yield made


def test_the_presentation_of_a_large_series_draws_the_dose_summary(app, series, monkeypatch):
    sid, n_courses = series
    assert n_courses == COURSES
    built = []
    real = board_data.board_input

    def counted(*args, **kwargs):
        built.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(board_data, "board_input", counted)
    at = app(series=sid, present="1", slide="4").run()
    at.switch_page("pages/board.py").run()
    assert not at.exception, [e.value for e in at.exception]
    # the page's board input, reused by the slides: once per run (twice before)
    assert len(built) == 1
    slide, n_slides = slide_counter(at)
    assert slide == 4 and n_slides >= 4
    (chart,) = at.get("plotly_chart")
    spec = json.loads(chart.proto.spec)
    assert spec["layout"]["title"]["text"].startswith("Pain change by dose")
    notes = " ".join(a["text"] for a in spec["layout"]["annotations"]).replace("<br>", " ")
    # the sites with a dose and both NRS scores are plotted: the footnote on the slide gives n
    got = re.search(r"([\d,]+) sites \(more than ([\d,]+)\)", notes)
    assert got and int(got.group(2).replace(",", "")) == SUMMARY_ABOVE
    plotted = int(got.group(1).replace(",", ""))
    assert SUMMARY_ABOVE < plotted <= COURSES
    # one dot per regimen and change, whose sites add up to the sites plotted
    sizes = [int(s) for t in spec["data"] for s in plotly_values(t["marker"]["size"])]
    assert len(sizes) < plotted and sum(sizes) == plotted
    assert all(" sites" in h for t in spec["data"] for h in t["hovertext"])
