"""Figures for a greyscale printer (plexrt.export.print_style)."""

from __future__ import annotations

import re

import pytest

from plexrt.charts import board as marks
from plexrt.charts.waterfall import waterfall_figure
from plexrt.clinical import pain_views
from plexrt.clinical.definitions import Definition
from plexrt.data import store
from plexrt.export.print_style import for_print, grey_of


def test_grey_of_keeps_lightness():
    # Rec. 709 luma: Y = 0.2126 R + 0.7152 G + 0.0722 B
    # Okabe-Ito blue #0072B2: 0.7152 x 114 + 0.0722 x 178 = 81.53 + 12.85 = 94.4 -> 94 = 0x5E
    assert grey_of("#0072B2") == "#5E5E5E"
    assert grey_of("rgba(0,114,178,0.2)") == "rgba(94,94,94,0.2)"
    assert grey_of("#FFFFFF") == "#FFFFFF"


def _is_grey(colour: str) -> bool:
    hexes = re.fullmatch(r"#([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})", colour)
    if hexes:
        return len(set(hexes.groups())) == 1
    nums = re.fullmatch(r"rgba\((\d+),(\d+),(\d+),[\d.]+\)", colour)
    return nums is not None and len(set(nums.groups())) == 1


@pytest.fixture(scope="module")
def waterfall(con):
    sites = store.cohort(con)
    paper = Definition("paper")
    fig = waterfall_figure(pain_views.waterfall_data(sites, paper), paper, footnote="Cohort")
    return marks.highlight_sites(fig, ["10.1", "1.1"], "most similar to this patient")


def test_print_version_tells_groups_apart_without_colour(waterfall):
    out = for_print(waterfall)
    bars = [t for t in out.data if t.type == "bar"]
    # the paper's definition puts the 12 sites in two groups: complete (9) and improved (3)
    assert [t.name for t in bars] == ["Complete (n = 9)", "Improved (n = 3)"]
    assert [t.marker.pattern.shape for t in bars] == ["", "/"]
    (match,) = [t for t in out.data if t.type == "scatter"]
    assert match.marker.symbol == "triangle-down"  # the case's marks keep their own shape
    for t in out.data:
        assert _is_grey(t.marker.color), t.name
    for ann in out.layout.annotations:
        assert ann.font.color is None or _is_grey(ann.font.color)
    # the original keeps its colours
    assert not _is_grey(waterfall.data[0].marker.color)
    with pytest.raises(ValueError, match="go.Figure"):
        for_print({"data": []})
