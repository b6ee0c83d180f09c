"""Tumour board in Chromium: presentation mode at projector sizes, the case matcher, the board pack."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import settle, shot

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("w", "h", "screen"), [(1920, 1080, "1080"), (1280, 720, "720")])
def test_presentation_mode_fits_the_screen(server, page, page_errors, w, h, screen):
    page.set_viewport_size({"width": w, "height": h})
    page.goto(f"{server}/board?present=1&slide=1&muscle=psoas&screen={screen}")
    expect(page.get_by_text(re.compile(r"Slide 1 of \d+"))).to_be_visible(timeout=60_000)
    settle(page)
    # the sidebar is hidden and the header states cohort, source and reconstruction
    expect(page.locator('section[data-testid="stSidebar"]')).to_be_hidden()
    expect(
        page.get_by_text(re.compile(r"Cohort: n = 8 sites, 7 patients · psoas · Data:"))
    ).to_be_visible()
    expect(page).to_have_url(re.compile(rf"screen={screen}|present=1"))
    for i in range(1, 10):
        plot = page.locator(".js-plotly-plot").first
        expect(plot).to_be_visible(timeout=30_000)
        box = plot.bounding_box()
        # nothing cut off: the whole chart is inside the window
        assert box["y"] >= 0 and box["y"] + box["height"] <= h + 1, (i, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= w + 1, (i, box)
        shot(page, f"present-{screen}-slide-{i}")
        text = page.get_by_text(re.compile(r"Slide \d+ of (\d+)")).inner_text()
        total = int(re.search(r"of (\d+)", text).group(1))
        if i >= total:
            break
        page.get_by_role("button", name="Next ▶").click()
        expect(page.get_by_text(re.compile(rf"Slide {i + 1} of"))).to_be_visible(timeout=30_000)
        settle(page)
    # every slide of the psoas board was checked: its nine charts (waterfall ... forest plot)
    assert (i, total) == (9, 9)
    assert page_errors == []


def test_case_matcher_and_board_pack(server, page, page_errors, tmp_path):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    page.set_viewport_size({"width": 1600, "height": 2200})
    page.goto(f"{server}/board")
    expect(page.get_by_role("heading", name="Tumour board")).to_be_visible(timeout=60_000)
    settle(page)
    page.get_by_role("textbox", name="Baseline NRS (0–10)").fill("8")
    page.get_by_role("button", name="Find similar sites").click()
    expect(page.get_by_text("Most similar irradiated sites")).to_be_visible(timeout=30_000)
    settle(page)
    shot(page, "board-case-matcher")
    page.get_by_role("textbox", name="Baseline NRS (0–10)").fill("14")
    page.get_by_role("button", name="Find similar sites").click()
    expect(
        page.get_by_text(re.compile("nrs_before: NRS must be a whole number 0-10"))
    ).to_be_visible()
    page.get_by_role("tab", name="Exports").click()
    page.get_by_role("button", name="Build board pack (PPTX)").click()
    dl = page.get_by_role("button", name="Download board pack (PPTX)")
    expect(dl).to_be_visible(timeout=120_000)
    shot(page, "board-exports")
    with page.expect_download(timeout=60_000) as info:
        dl.click()
    with open(info.value.path(), "rb") as fh:
        data = fh.read()
    prs = Presentation(io.BytesIO(data))
    slides = list(prs.slides)

    def texts(slide):
        return [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]

    # the title slide names the cohort and the data source (from the series table)
    title = "\n".join(texts(slides[0]))
    assert "Cohort: n = 12 sites, 11 patients · all sites" in title
    assert "Data: Sanuki 2022, doi:10.7759/cureus.20939 (CC-BY 4.0), via PlexRT" in title
    # The title slide, one slide per board chart of the whole cohort (the nine the board shows
    # for 12 sites with survival, relief and published series), then the key figures.
    assert [_title(s) for s in slides] == [
        "PlexRT · malignant lumbosacral plexopathy",
        "Change in pain score per site",
        "Pain score before RT and at completion",
        "Weeks from RT start to maximum response",
        "Dose (EQD2, α/β 10 Gy) and change in pain",
        "Survival after RT (reconstructed times)",
        "Duration of pain relief (reconstructed times)",
        "Pain relapse (competing risks) (reconstructed times)",
        "Swimmer plot (reconstructed times)",
        "Response across published series",
        "Key figures",
    ]
    for slide in slides[1:-1]:  # each chart slide carries its chart
        assert sum(sh.shape_type == MSO_SHAPE_TYPE.PICTURE for sh in slide.shapes) == 1
    # the last slide holds the key figures: 12/12 responders (exact 95% CI 74-100%)
    (table,) = [sh.table for sh in slides[-1].shapes if sh.has_table]
    rows = {r.cells[0].text: r.cells[1].text for r in table.rows}
    assert rows["Responders"] == (
        "100% of sites (12/12; 95% CI 74–100%) · 100% of patients (11/11; 95% CI 72–100%)"
    )
    assert page_errors == []


def _title(slide) -> str:
    """The first text on a slide: its title."""
    return next(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
