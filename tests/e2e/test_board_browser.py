"""Tumour board in Chromium: presentation mode at projector sizes, the case matcher, the board pack."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import settle, shot

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("w", "h"), [(1920, 1080), (1280, 720)])
def test_presentation_fits_the_screen_and_follows_the_keys(server, page, page_errors, w, h):
    page.set_viewport_size({"width": w, "height": h})
    page.goto(f"{server}/board?present=1&slide=1&muscle=psoas")
    counter = page.get_by_text(re.compile(r"Slide \d+ of \d+"))
    expect(page.get_by_text(re.compile(r"Slide 1 of 9"))).to_be_visible(timeout=60_000)
    settle(page)
    # the sidebar is hidden; each slide's footnote states the cohort and its stamp the source
    expect(page.locator('section[data-testid="stSidebar"]')).to_be_hidden()
    keys = ["ArrowRight", "PageDown"]
    for i in range(1, 10):
        plot = page.locator(".js-plotly-plot").first
        expect(plot).to_be_visible(timeout=30_000)
        svg_text = plot.text_content()
        assert "Cohort: n = 8 sites, 7 patients · psoas" in svg_text, i
        assert "Data: Sanuki 2022, doi:10.7759/cureus.20939 (CC-BY 4.0), via PlexRT" in svg_text
        # nothing cut off: the counter and the whole chart are inside the window, no scrolling
        for box in (counter.bounding_box(), plot.bounding_box()):
            assert box["y"] >= 0 and box["y"] + box["height"] <= h + 1, (i, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= w + 1, (i, box)
        assert page.evaluate("document.documentElement.scrollHeight") <= h + 1, i
        shot(page, f"present-{w}x{h}-slide-{i}")
        if i == 9:
            break
        page.keyboard.press(keys[i % 2])  # ArrowRight and Page Down, in turn
        expect(page.get_by_text(re.compile(rf"Slide {i + 1} of 9"))).to_be_visible(timeout=30_000)
        settle(page)
    # back with Page Up and the left arrow, then wrap around from the first to the last
    page.keyboard.press("PageUp")
    expect(page.get_by_text(re.compile(r"Slide 8 of 9"))).to_be_visible(timeout=30_000)
    page.keyboard.press("Home")
    expect(page.get_by_text(re.compile(r"Slide 1 of 9"))).to_be_visible(timeout=30_000)
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_text(re.compile(r"Slide 9 of 9"))).to_be_visible(timeout=30_000)
    # Esc leaves the presentation
    page.keyboard.press("Escape")
    expect(page.get_by_role("heading", name="Tumour board")).to_be_visible(timeout=30_000)
    expect(page).not_to_have_url(re.compile(r"present=1"))
    assert page_errors == []


CHART_TITLES = [
    "Change in pain score per irradiated site",
    "Pain score before RT and at RT completion",
    "Time to maximum pain response",
    "Pain change by dose (EQD2)",
    "Survival after RT (from RT completion) (reconstructed times)",
    "Duration of pain relief (from maximum response) (reconstructed times)",
    "Pain relapse with death as a competing event (reconstructed times)",
    "Each patient from the start of RT (reconstructed times)",
    "Pain response across series",
]
SOURCE = "Data: Sanuki 2022, doi:10.7759/cureus.20939 (CC-BY 4.0), via PlexRT"


def _enter_case(server, page) -> None:
    page.set_viewport_size({"width": 1600, "height": 2200})
    page.goto(f"{server}/board")
    expect(page.get_by_role("heading", name="Tumour board")).to_be_visible(timeout=60_000)
    settle(page)
    page.get_by_role("textbox", name="Baseline NRS (0–10)").fill("14")
    page.get_by_role("button", name="Find similar sites").click()
    expect(
        page.get_by_text(re.compile("nrs_before: NRS must be a whole number 0-10"))
    ).to_be_visible()
    page.get_by_role("textbox", name="Baseline NRS (0–10)").fill("8")
    page.get_by_role("button", name="Find similar sites").click()
    expect(page.get_by_text("Most similar patients")).to_be_visible(timeout=30_000)
    settle(page)


def _download(page, button: str) -> bytes:
    dl = page.get_by_role("button", name=button)
    expect(dl).to_be_visible(timeout=120_000)
    with page.expect_download(timeout=60_000) as info:
        dl.click()
    with open(info.value.path(), "rb") as fh:
        return fh.read()


def test_case_matcher_and_board_pack(server, page, page_errors):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    _enter_case(server, page)
    shot(page, "board-case-matcher")
    page.get_by_role("tab", name="Exports").click()
    expect(page.get_by_text("The patient at the board is included")).to_be_visible()
    page.get_by_role("button", name="Build board pack (PPTX)").click()
    data = _download(page, "Download board pack (PPTX)")
    shot(page, "board-exports")
    prs = Presentation(io.BytesIO(data))
    slides = list(prs.slides)

    def texts(slide):
        return [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]

    # the title slide names the cohort and the data source (from the series table)
    title = "\n".join(texts(slides[0]))
    assert "Cohort: n = 12 sites, 11 patients · all sites" in title
    assert SOURCE in title
    # title, the case (patient, matches, its two figures, the benchmark), the nine board charts
    # of the whole cohort under their own titles, the key figures
    assert [texts(s)[0] for s in slides] == [
        "PlexRT · malignant lumbosacral plexopathy",
        "The patient at the board",
        "Most similar patients",
        "Change in pain per site, best-matching sites marked",
        "Dose (EQD2, α/β 10 Gy) and change in pain, this patient's plan marked",
        "Published series of the same population",
        *CHART_TITLES,
        "Key figures",
    ]
    for k in (3, 4, *range(6, 15)):  # chart slides: one picture across the full width
        (pic,) = [sh for sh in slides[k].shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert (pic.left, pic.width) == (0, prs.slide_width)
        notes = slides[k].notes_slide.notes_text_frame.text.split("\n")
        assert notes[0].startswith("Cohort: n = 12 sites, 11 patients") and notes[-1] == SOURCE
    # the case as editable tables: baseline NRS 8, 39 Gy/13 (the form's defaults)
    cells = {r.cells[0].text: r.cells[1].text for r in _table(slides[1]).rows}
    assert cells["Baseline pain (NRS 0–10)"] == "8"
    assert cells["Planned regimen"] == "39 Gy/13 (3 Gy per fraction)"
    assert _table(slides[2]).cell(0, 2).text == "Best-matching site"
    # the last slide holds the key figures: 12/12 responders (exact 95% CI 74-100%)
    rows = {r.cells[0].text: r.cells[1].text for r in _table(slides[-1]).rows}
    assert rows["Responders"] == (
        "100% of treated sites (12/12; 95% CI 74–100%) · 100% of treated patients (11/11; 95% CI 72–100%)"
    )
    assert page_errors == []


def test_handout_prints_on_one_page(server, page, page_errors, tmp_path):
    from PIL import Image
    from pypdf import PdfReader

    _enter_case(server, page)
    page.get_by_role("tab", name="Exports").click()
    for paper, width_pt in (("A4", 595.4), ("Letter", 612.0)):
        page.get_by_role("radiogroup").get_by_text(paper, exact=True).click()
        page.get_by_role("button", name="Build printable handout").click()
        pdf = _download(page, f"Download handout (PDF, {paper})")
        (sheet,) = PdfReader(io.BytesIO(pdf)).pages  # exactly one page
        assert abs(float(sheet.mediabox.width) - width_pt) < 1.5
        text = " ".join(sheet.extract_text().split())
        for needle in ("The patient at the board", "74–100%", SOURCE, "Most similar patients"):
            assert needle in text, needle
        html = _download(page, f"Download handout (HTML for printing, {paper})")
        # the print version as a printer sees it, in colour and in grey
        path = tmp_path / f"handout-{paper}.html"
        path.write_bytes(html)
        printed = page.context.new_page()
        printed.set_viewport_size({"width": 800, "height": 1100})
        printed.emulate_media(media="print")
        printed.goto(path.as_uri())
        out = shot(printed, f"handout-{paper.lower()}")
        with Image.open(out) as img:
            img.convert("L").save(out.with_name(f"handout-{paper.lower()}-grey.png"))
        printed.close()
    assert page_errors == []


def _table(slide):
    (table,) = [sh.table for sh in slide.shapes if sh.has_table]
    return table
