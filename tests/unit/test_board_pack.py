"""The PPTX board pack (plexrt.export.board_pack)."""

from __future__ import annotations

import io

import pytest

from plexrt.export.board_pack import board_pack
from plexrt.export.images import ExportUnavailable
from tests.unit.export_figures import CITATION, FOOTNOTE, png_size, running_renderer, small_fig


@pytest.fixture(scope="module")
def renderer():
    with running_renderer() as r:
        yield r


def test_no_chromium_no_pack_and_no_progress(monkeypatch, tmp_path):
    # choreographer honours BROWSER_PATH before PATH; pointing it at a missing file hides Chromium.
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("PATH", str(tmp_path))
    calls = []
    with pytest.raises(ExportUnavailable, match="HTML report is still available"):
        board_pack("T", "All", CITATION, "d", [("A", small_fig())], [], on_progress=calls.append)
    assert calls == []


def test_board_pack(renderer):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE
    from pptx.util import Inches

    charts = [
        ("Pain response", small_fig("Pain response")),
        (
            "Survival",
            small_fig(
                "Survival",
                footnote="Cohort: psoas cases<br>Method: Clopper&#8211;Pearson <i>exact</i> 95% CI",
            ),
        ),
        ("Dose", small_fig("Dose", footnote="Cohort: all sites; EQD2 with &alpha;/&beta; = 10 Gy")),
    ]
    # Footnotes as plain text, typed by hand: <br> -> new paragraph, tags removed, entities decoded.
    expected_notes = [
        [FOOTNOTE],
        ["Cohort: psoas cases", "Method: Clopper–Pearson exact 95% CI"],
        ["Cohort: all sites; EQD2 with α/β = 10 Gy"],
    ]
    summary = [
        ("Pain response (≥2-point NRS drop)", "7/12 (58%, 95% CI 28–85%)"),
        ("Median survival", "not reported"),
    ]
    calls = []
    data = board_pack(
        "Tumour board: psoas syndrome",
        "Psoas cases, palliative intent",
        CITATION,
        "3 November 2026",
        charts,
        summary,
        renderer=renderer,
        on_progress=lambda i, n, label: calls.append((i, n, label)),
    )
    assert calls == [(1, 3, "Pain response"), (2, 3, "Survival"), (3, 3, "Dose")]

    prs = Presentation(io.BytesIO(data))
    # 16:9 widescreen: 13 1/3 x 7.5 in at 914 400 EMU per inch = 12 192 000 x 6 858 000 EMU.
    assert (prs.slide_width, prs.slide_height) == (12_192_000, 6_858_000)
    assert prs.slide_height == Inches(7.5)
    slides = list(prs.slides)
    assert len(slides) == 1 + len(charts) + 1

    title_text = "\n".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
    for needle in ("Tumour board: psoas syndrome", "Psoas cases, palliative intent", CITATION):
        assert needle in title_text
    assert "3 November 2026" in title_text

    for slide, (label, _), notes in zip(slides[1:-1], charts, expected_notes, strict=True):
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        pic = pictures[0]
        assert png_size(pic.image.blob) == (1920, 1080)
        # Placed to fit the slide, 16:9 kept.
        assert pic.left >= 0 and pic.left + pic.width <= prs.slide_width
        assert pic.top >= 0 and pic.top + pic.height <= prs.slide_height
        assert abs(pic.width / pic.height - 1920 / 1080) < 0.01
        frames = [s for s in slide.shapes if s.has_text_frame]
        assert label in [f.text_frame.text for f in frames]
        note_frames = [f for f in frames if [p.text for p in f.text_frame.paragraphs] == notes]
        assert len(note_frames) == 1
        assert note_frames[0].top >= pic.top + pic.height  # under the picture
        assert note_frames[0].top + note_frames[0].height <= prs.slide_height

    tables = [s.table for s in slides[-1].shapes if s.has_table]
    assert len(tables) == 1
    cells = [[c.text for c in row.cells] for row in tables[0].rows]
    assert cells == [["Measure", "Value"], *[list(row) for row in summary]]


def test_board_pack_arguments_are_checked(renderer):
    with pytest.raises(ValueError, match=r"charts\[0\]"):
        board_pack("T", "All", CITATION, "d", [("A", "not a figure")], [], renderer)
    with pytest.raises(ValueError, match=r"summary\[0\]"):
        board_pack("T", "All", CITATION, "d", [], [("A", 1.5)], renderer)
    with pytest.raises(ValueError, match="on_progress"):
        board_pack("T", "All", CITATION, "d", [], [], renderer, on_progress=3)
