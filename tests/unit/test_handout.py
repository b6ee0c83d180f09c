"""The printed one-page handout (plexrt.export.handout): what it says, A4 and Letter, greyscale."""

from __future__ import annotations

import html
import io
import re

import pytest

from plexrt.board.similarity import SCORE_NOTE
from plexrt.board.summary import cohort_text, key_figures
from plexrt.export import handout
from plexrt.export.case_material import case_material
from plexrt.export.slides import key_figure_notes
from tests.unit.board_cases import LIKE_10_1
from tests.unit.export_figures import need_browser


@pytest.fixture(scope="module")
def data(inp):
    case = case_material(
        LIKE_10_1, inp.sites, inp.definition, inp.events, inp.literature, "all sites searched"
    )
    return handout.HandoutInput(
        "PlexRT · tumour board handout",
        "3 December 2026",
        cohort_text(inp),
        inp.source,
        key_figures(inp),
        key_figure_notes(inp),
        case,
    )


def test_handout_states_the_case_the_figures_the_method_and_the_source(data):
    page = handout.handout_html(data, "A4")
    assert "@page { size: A4; margin: 0.45in; }" in page
    for text in (
        "Gastric cancer",
        "39 Gy/13 (3 Gy per fraction)",
        "Baseline NRS 8: 7 of 12 sites lower, 4 the same, 1 higher.",
        # 12/12 responders, exact interval 0.025 ** (1/12) = 73.5% -> 74-100%
        "100% of treated sites (12/12; 95% CI 74–100%)",
        "18/18 patients = 100% (95% CI 81–100%)",
        "Data: Sanuki 2022, doi:10.7759/cureus.20939 (CC-BY 4.0), via PlexRT",
        "Percentages and ranges count irradiated sites",
        "Exact (Clopper-Pearson) 95% CI.",
        html.escape(SCORE_NOTE),
    ):
        assert text in page, text
    # greyscale: every colour in the style sheet is a grey (R = G = B)
    for r, g, b in re.findall(r"#([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})\b", page):
        assert r == g == b
    assert "@page { size: letter;" in handout.handout_html(data, "Letter")


def test_handout_without_a_case_and_hostile_text(data):
    bare = handout.HandoutInput(
        "Board <script>alert(1)</script>",
        "today",
        "n = 12 sites",
        "Data & more",
        [("Responders <b>", "7/12")],
        ["method"],
    )
    page = handout.handout_html(bare, "Letter")
    assert "No patient was entered at the board." in page
    assert "<script>alert" not in page and "Board &lt;script&gt;" in page
    assert "Responders &lt;b&gt;" in page and "Data &amp; more" in page
    with pytest.raises(ValueError, match="paper"):
        handout.handout_html(data, "A3")
    with pytest.raises(ValueError, match="chart"):
        handout.handout_html(data, "A4", chart=("caption", 3))


@pytest.mark.parametrize(("paper", "points"), [("A4", (595.4, 841.7)), ("Letter", (612, 792))])
def test_handout_prints_to_one_greyscale_page(data, paper, points):
    need_browser()
    from pypdf import PdfReader

    caption, fig = data.case.figures[0]
    svg = handout.figure_svg(fig)
    # the drawn chart is grey: every fill and stroke colour has R = G = B (plotly's legend
    # scrollbar, drawn 0 px wide when the legend fits, is not seen)
    drawn = re.sub(r'<rect class="scrollbar"[^>]*width="0"[^>]*/>', "", svg)
    for r, g, b in re.findall(r"rgb\((\d+), ?(\d+), ?(\d+)\)", drawn):
        assert r == g == b, (r, g, b)
    pdf = handout.pdf(handout.handout_html(data, paper, (caption, svg)), paper)
    (page,) = PdfReader(io.BytesIO(pdf)).pages
    # 72 points per inch: A4 8.27 x 11.69 in, Letter 8.5 x 11 in
    assert abs(float(page.mediabox.width) - points[0]) < 1.5
    assert abs(float(page.mediabox.height) - points[1]) < 1.5
    text = " ".join(page.extract_text().split())
    for needle in ("Gastric cancer", "74–100%", "via PlexRT", "most similar to this patient"):
        assert needle in text, needle
