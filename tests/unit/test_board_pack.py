"""The PPTX board pack (plexrt.export.board_pack): editable titles and tables, charts across the
full slide width, methods footnote and data source in the speaker notes, the case at the board."""

from __future__ import annotations

import io

import pytest

from plexrt.board.similarity import SCORE_NOTE
from plexrt.export import rendering
from plexrt.export.board_pack import board_pack, pack_picture
from plexrt.export.case_material import case_material
from plexrt.export.images import ExportUnavailable
from tests.unit.board_cases import LIKE_10_1
from tests.unit.export_figures import CITATION, FOOTNOTE, need_browser, png_size, small_fig

SUMMARY = [
    ("Pain response (≥2-point NRS drop)", "7/12 (58%, 95% CI 28–85%)"),
    ("Median survival", "not reported"),
]


def _pptx(data: bytes):
    from pptx import Presentation

    return Presentation(io.BytesIO(data))


def _texts(slide) -> list[str]:
    return [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]


def _tables(slide) -> list[list[list[str]]]:
    return [
        [[c.text for c in row.cells] for row in sh.table.rows]
        for sh in slide.shapes
        if sh.has_table
    ]


def _notes(slide) -> list[str]:
    return slide.notes_slide.notes_text_frame.text.split("\n")


def test_no_chromium_no_pack_and_no_progress(monkeypatch, tmp_path):
    rendering.close()  # the shared browser of earlier tests would still draw
    rendering.clear_cache()
    # choreographer honours BROWSER_PATH before PATH; pointing it at a missing file hides Chromium.
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("PATH", str(tmp_path))
    calls = []
    with pytest.raises(ExportUnavailable, match="HTML report is still available"):
        board_pack("T", "All", CITATION, "d", [("A", small_fig())], [], on_progress=calls.append)
    assert calls == []


def test_pack_picture_drops_the_title_and_stamps_the_source():
    fig = small_fig("Pain response")
    pic = pack_picture(fig, CITATION)
    # the slide's own (editable) title says it: no title in the picture; style.apply gives a
    # titled presentation figure a 70 px top margin, the 28 px title took 28 + 16 of it
    assert pic.layout.title.text is None
    assert pic.layout.margin.t == 70 - 44
    assert [a.text for a in pic.layout.annotations if a.name == "citation"] == [CITATION]
    assert pic.layout.height == 940
    assert fig.layout.title.text == "Pain response"  # the caller's figure is left alone


def test_board_pack_charts_and_key_figures():
    need_browser()
    from pptx.enum.shapes import MSO_SHAPE_TYPE

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
    # Speaker notes typed by hand: the footnote as plain text (<br> -> new paragraph, tags
    # removed, entities decoded), then the data source.
    expected_notes = [
        [FOOTNOTE, CITATION],
        ["Cohort: psoas cases", "Method: Clopper–Pearson exact 95% CI", CITATION],
        ["Cohort: all sites; EQD2 with α/β = 10 Gy", CITATION],
    ]
    calls = []
    data = board_pack(
        "Tumour board: psoas syndrome",
        "Psoas cases, palliative intent",
        CITATION,
        "3 November 2026",
        charts,
        SUMMARY,
        on_progress=lambda done, total: calls.append((done, total)),
    )
    # progress rises to 3 of 3 (charts already in the cache count at once)
    assert calls[-1] == (3, 3) and [d for d, _ in calls] == sorted({d for d, _ in calls})

    prs = _pptx(data)
    # 16:9 widescreen: 13 1/3 x 7.5 in at 914 400 EMU per inch = 12 192 000 x 6 858 000 EMU.
    assert (prs.slide_width, prs.slide_height) == (12_192_000, 6_858_000)
    slides = list(prs.slides)
    assert len(slides) == 1 + len(charts) + 1
    title_text = "\n".join(_texts(slides[0]))
    for needle in ("Tumour board: psoas syndrome", "Psoas cases, palliative intent", CITATION):
        assert needle in title_text
    assert "3 November 2026" in title_text

    for slide, (label, _), notes in zip(slides[1:-1], charts, expected_notes, strict=True):
        (pic,) = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert png_size(pic.image.blob) == (1920, 940)
        # the full slide width, down to the bottom edge, aspect kept
        assert (pic.left, pic.width) == (0, prs.slide_width)
        assert abs(pic.top + pic.height - prs.slide_height) <= 1
        assert abs(pic.width / pic.height - 1920 / 940) < 0.001
        # the title is text (editable), above the picture
        (title,) = [s for s in slide.shapes if s.has_text_frame]
        assert title.text_frame.text == label
        assert title.top + title.height <= pic.top
        assert _notes(slide) == notes

    assert _tables(slides[-1]) == [[["Measure", "Value"], *[list(row) for row in SUMMARY]]]


def test_board_pack_with_the_case(con):
    need_browser()
    from plexrt.clinical.definitions import Definition
    from plexrt.data import store

    sites = store.cohort(con)
    case = case_material(
        LIKE_10_1,
        sites,
        Definition("paper"),
        store.events(con),
        store.literature(con),
        "all sites searched",
        present=True,
    )
    data = board_pack("PlexRT", "all sites", CITATION, "d", [("Chart", small_fig())], [], case)
    slides = list(_pptx(data).slides)
    titles = [_texts(s)[0] for s in slides]
    assert titles == [
        "PlexRT",
        "The patient at the board",
        "Most similar patients",
        "Change in pain per site, best-matching sites marked",
        "Dose (EQD2, α/β 10 Gy) and change in pain, this patient's plan marked",
        "Published series of the same population",
        "Chart",
        "Key figures",
    ]
    # the patient as an editable table (gastric cancer, psoas, palliative, NRS 8, 39 Gy/13)
    (facts,) = _tables(slides[1])
    assert facts[0] == ["Item", "Value"]
    assert ["Planned regimen", "39 Gy/13 (3 Gy per fraction)"] in facts
    assert ["EQD2 (α/β 10 Gy)", "42.3 Gy"] in facts
    # where the patient sits: 7 of 12 sites have a lower baseline NRS (Table 1: 4, 3, 4, 5, 4, 3, 4)
    assert "Baseline NRS 8: 7 of 12 sites lower, 4 the same, 1 higher." in _texts(slides[1])[1]
    # the most similar patients, one row each (patient 1 once, its second site named)
    (matches,) = _tables(slides[2])
    assert matches[0][:4] == ["#", "Patient", "Best-matching site", "Score (of 12)"]
    assert [r[1] for r in matches[1:]] == ["10", "1", "4", "7", "9"]
    assert matches[2][2] == "1.1 (also 1.2 (9 points))"
    assert "Relief" not in matches[0]  # 3 of 5 say nothing; 1 and 4 only what the text says
    assert SCORE_NOTE in _notes(slides[2])
    assert any(
        t.startswith("Duration of pain relief: not published per patient for 3 of the 5")
        and "patient 1 (site 1.1): no relapse reported (case narrative)" in t
        for t in _texts(slides[2])[1].split("\n")
    )
    # the benchmark: Gerontopoulos 2020, 18/18 patients (exact 95% CI 81-100%)
    (bench,) = _tables(slides[5])
    assert "18/18 patients = 100% (95% CI 81–100%)" in [c for row in bench for c in row]
    # the case figures' speaker notes: their footnote (the searched cohort first), the source
    for slide in slides[3:5]:
        notes = _notes(slide)
        assert notes[0] == "Cohort: n = 12 sites, 11 patients · all sites searched"
        assert notes[-1] == CITATION


def test_board_pack_arguments_are_checked():
    with pytest.raises(ValueError, match=r"charts\[0\]"):
        board_pack("T", "All", CITATION, "d", [("A", "not a figure")], [])
    with pytest.raises(ValueError, match=r"summary\[0\]"):
        board_pack("T", "All", CITATION, "d", [], [("A", 1.5)])
    with pytest.raises(ValueError, match="case must be"):
        board_pack("T", "All", CITATION, "d", [], [], case="a case")
    with pytest.raises(ValueError, match="on_progress"):
        board_pack("T", "All", CITATION, "d", [], [], on_progress=3)


def test_titles_stay_on_one_line():
    from plexrt.export.pptx_parts import title_size

    # the title box is 13.333 - 2 x 0.5 = 12.333 in = 888 pt wide; a bold glyph ~0.55 em:
    # 28 pt holds 888 / 15.4 = 57.7 characters, 24 pt 67.3, 20 pt 80.7
    assert [title_size("x" * n) for n in (57, 58, 67, 68, 80, 81)] == [28, 24, 24, 20, 20, 16]


def test_the_title_and_key_figures_slides_name_the_source_once():
    # The board passes its source line ('Data: Dept series, via PlexRT'); the title slide and
    # the key-figures footer put 'Data source: ' before it: 'Data source: Data: Dept series, via
    # PlexRT' on every pack, for the published series and every own series.
    need_browser()
    from plexrt.board.summary import source_line

    line = source_line({"short_name": "Dept series", "doi": None, "licence": None})
    data = board_pack("T", "all sites", line, "today", [("Pain", small_fig("Pain"))], SUMMARY)
    slides = list(_pptx(data).slides)
    texts = [t for slide in (slides[0], slides[-1]) for t in _texts(slide)]
    assert not any("Data source: Data:" in t for t in texts)
    assert _texts(slides[0])[1].split("\n")[-1] == "Data: Dept series, via PlexRT"
    assert any(t.endswith("· Data: Dept series, via PlexRT") for t in _texts(slides[-1]))
