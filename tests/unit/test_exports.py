"""Tumour-board exports: stamped images, PPTX board pack, offline HTML report.

Rendering tests need Debian's Chromium; they share one Renderer (one browser start, ~2 s). Without
Chromium they are skipped locally and fail when CI == "true".
"""

from __future__ import annotations

import io
import os
import re
import shutil
import time
from datetime import datetime

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from PIL import Image
from plotly.offline import get_plotlyjs

from plexrt.charts import style
from plexrt.export import rendering as exports

CITATION = "Sanuki N et al. Cureus 2022"
FOOTNOTE = "Cohort: 12 irradiated sites in 11 patients. Method: exact 95% CI"
# The plain message promised to users (typed here from the specification, not read from the module).
PLAIN = (
    "Image export needs Chromium, which is not installed on this server; "
    "the HTML report is still available."
)


def small_fig(title: str = "Pain response", footnote: str = FOOTNOTE, **kw) -> go.Figure:
    fig = go.Figure(go.Bar(x=["responder", "non-responder"], y=[7, 5]))
    return style.apply(fig, title=title, footnote=footnote, present=True, **kw)


@pytest.fixture(scope="module")
def renderer():
    if not exports.browser_available():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required for export tests in CI but was not found")
        pytest.skip("Chromium not installed (apt-get install chromium); rendering tests skipped")
    with exports.Renderer() as r:
        yield r


def _png_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as img:
        return img.size


# ---------------------------------------------------------------------------------------- stamp


def test_stamp_keeps_footnote_and_adds_citation_below_it():
    fig = small_fig()
    before_b = fig.layout.margin.b
    out = exports.stamp(fig, CITATION, present=True)

    # A copy: the original carries no citation and keeps its margin.
    assert [a.name for a in fig.layout.annotations] == ["footnote"]
    assert fig.layout.margin.b == before_b
    assert style.footnote_text(out) == style.footnote_text(fig) == FOOTNOTE

    (cit,) = [a for a in out.layout.annotations if a.name == "citation"]
    assert cit.text == CITATION
    assert (cit.x, cit.xanchor, cit.y, cit.yanchor) == (1, "right", 0, "bottom")
    assert cit.font.color == style.GREY
    assert cit.font.size < style.font_sizes(True)["footnote"]  # small type

    # Geometry in px relative to the plot's bottom edge (negative = lower). plotly.js spaces text
    # lines 1.3 em apart (LINE_SPACING in svg_text_utils), so one citation line is 1.3 * size tall.
    grown = out.layout.margin.b - before_b
    assert grown >= 1.3 * cit.font.size
    foot = next(a for a in out.layout.annotations if a.name == "footnote")
    citation_top = cit.yshift + 1.3 * cit.font.size
    assert citation_top <= foot.yshift  # citation wholly below the footnote's bottom
    assert cit.yshift >= -out.layout.margin.b  # not below the image edge


def test_stamp_twice_replaces_and_fixed_height_grows():
    fig = small_fig(height=600)
    once = exports.stamp(fig, CITATION)
    twice = exports.stamp(once, "Other source 2024")
    assert [a.text for a in twice.layout.annotations if a.name == "citation"] == [
        "Other source 2024"
    ]
    assert twice.layout.margin.b == once.layout.margin.b
    # A fixed height grows by the same amount as the margin: the plot area keeps its size.
    assert once.layout.height - 600 == once.layout.margin.b - fig.layout.margin.b > 0


def test_stamp_escapes_markup_and_rejects_bad_arguments():
    out = exports.stamp(small_fig(), "Data <b>A</b> & B")
    (cit,) = [a for a in out.layout.annotations if a.name == "citation"]
    assert cit.text == "Data &lt;b&gt;A&lt;/b&gt; &amp; B"
    with pytest.raises(ValueError, match="citation"):
        exports.stamp(small_fig(), "  ")
    with pytest.raises(ValueError, match="fig"):
        exports.stamp({"data": []}, CITATION)


# ------------------------------------------------------------------------------- unavailability


def test_no_chromium_raises_plain_message(monkeypatch, tmp_path):
    # choreographer honours BROWSER_PATH before PATH; pointing it at a missing file hides Chromium.
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert exports.browser_available() is False
    with pytest.raises(exports.ExportUnavailable) as err, exports.Renderer():
        pass
    assert str(err.value) == PLAIN
    assert isinstance(err.value, RuntimeError)
    with pytest.raises(exports.ExportUnavailable, match="HTML report is still available"):
        exports.figure_png(small_fig())
    with pytest.raises(exports.ExportUnavailable):
        exports.figure_svg(small_fig())
    calls = []
    with pytest.raises(exports.ExportUnavailable):
        exports.board_pack(
            "T", "All", CITATION, "d", [("A", small_fig())], [], on_progress=calls.append
        )
    assert calls == []


def test_browser_that_fails_to_start_raises_instead_of_hanging(monkeypatch):
    false = shutil.which("false")
    if false is None:
        pytest.skip("no `false` executable to stand in for a broken browser")
    monkeypatch.setenv("BROWSER_PATH", false)
    assert exports.browser_available() is True  # an executable is there ...
    t0 = time.monotonic()
    r = exports.Renderer(start_timeout=20)
    with pytest.raises(exports.ExportUnavailable) as err:  # ... but it is no browser
        r.start()
    assert str(err.value) == PLAIN
    assert r.running is False
    assert time.monotonic() - t0 < 20


def test_renderer_arguments_are_checked():
    with pytest.raises(ValueError, match="start_timeout"):
        exports.Renderer(start_timeout=0)
    with pytest.raises(RuntimeError, match="not running"):
        exports.Renderer().png(small_fig())


# ------------------------------------------------------------------------------------ rendering


def test_png_dimensions(renderer):
    fig = small_fig()
    assert _png_size(renderer.png(fig)) == (1920, 1080)
    # scale multiplies the layout size: 640 x 360 at scale 2 -> 1280 x 720 pixels.
    assert _png_size(renderer.png(fig, 640, 360, scale=2)) == (1280, 720)
    with pytest.raises(ValueError, match="width"):
        renderer.png(fig, width=0)
    with pytest.raises(ValueError, match="scale"):
        renderer.png(fig, scale=-1)


def test_svg_contains_citation_and_footnote(renderer):
    svg = renderer.svg(exports.stamp(small_fig(), CITATION), 1280, 720).decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    assert re.search(r'<svg[^>]*width="1280"[^>]*height="720"', svg)
    assert CITATION in svg
    assert FOOTNOTE in svg


def test_citation_drawn_bottom_right_inside_image(renderer):
    fig = small_fig()

    def dark_pixels(png: bytes, box: tuple[int, int, int, int]) -> int:
        with Image.open(io.BytesIO(png)) as img:
            return int((np.asarray(img.convert("L").crop(box)) < 200).sum())

    plain = renderer.png(fig, 1280, 720)
    stamped = renderer.png(exports.stamp(fig, CITATION), 1280, 720)
    bottom_right = (640, 700, 1280, 720)  # the last 20 px rows, right half
    assert dark_pixels(plain, bottom_right) == 0
    assert dark_pixels(stamped, bottom_right) > 50  # citation glyphs
    assert dark_pixels(stamped, (0, 719, 1280, 720)) == 0  # nothing touches the bottom edge
    # The footnote is still drawn (left half, above the citation row).
    assert dark_pixels(stamped, (0, 620, 640, 700)) > 50


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
    data = exports.board_pack(
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
        assert _png_size(pic.image.blob) == (1920, 1080)
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
        exports.board_pack("T", "All", CITATION, "d", [("A", "not a figure")], [], renderer)
    with pytest.raises(ValueError, match=r"summary\[0\]"):
        exports.board_pack("T", "All", CITATION, "d", [], [("A", 1.5)], renderer)
    with pytest.raises(ValueError, match="on_progress"):
        exports.board_pack("T", "All", CITATION, "d", [], [], renderer, on_progress=3)


# ---------------------------------------------------------------------------------- HTML report


def test_html_report_is_self_contained_and_complete():
    table = pd.DataFrame(
        {"site": ["psoas <major>", "sacral plexus"], "NRS before": [8, None]},
    )
    sections = [
        exports.Section(
            "Pain",
            figures=[("Response", small_fig()), ("Change", small_fig("Change"))],
            tables=[("Per-site scores", table)],
            notes=["Response = drop of ≥2 NRS points (paper's definition)."],
        ),
        exports.Section(
            "Survival",
            figures=[("Overall survival", small_fig("OS", reconstructed=True))],
            tables=[("Literature", pd.DataFrame({"series": ["A & B"], "n": [40]}))],
            notes=["Times RECONSTRUCTED from published aggregates."],
        ),
    ]
    doc = exports.html_report(
        "Board <pack> & review",
        "Psoas cases only; palliative intent",
        CITATION,
        sections,
        ["Provenance: Sanuki 2022 case series"],
        generated_at=datetime(2026, 11, 3, 9, 5),
    )
    assert doc.startswith("<!DOCTYPE html>")
    assert doc.count('class="plotly-graph-div"') == 3
    assert "Board &lt;pack&gt; &amp; review" in doc
    assert "Board <pack>" not in doc
    assert "Psoas cases only; palliative intent" in doc
    assert CITATION in doc
    assert "2026-11-03 09:05" in doc
    # plotly.js inline exactly once, nothing fetched from the network.
    assert doc.count(get_plotlyjs()) == 1
    assert len(re.findall(r"<script\b[^>]*\bsrc=", doc)) == 0
    assert '<script src="http' not in doc
    assert "<link" not in doc and "@import" not in doc and "@font-face" not in doc
    # Tables, escaped, with missing values shown as a dash.
    body = doc.split("</head>", 1)[1]
    assert body.count("<table") == 2
    assert "psoas &lt;major&gt;" in body and "A &amp; B" in body
    assert "NaN" not in body
    for text in (
        "Per-site scores",
        "Response = drop of ≥2 NRS points (paper&#x27;s definition).",
        "Times RECONSTRUCTED from published aggregates.",
        "Provenance: Sanuki 2022 case series",
        "@media print",
    ):
        assert text in doc


def test_html_report_arguments_are_checked():
    with pytest.raises(ValueError, match=r"sections\[0\]"):
        exports.html_report("T", "", CITATION, ["not a section"], [])
    with pytest.raises(ValueError, match="title"):
        exports.html_report("", "", CITATION, [], [])
    with pytest.raises(ValueError, match=r"figures\[0\]"):
        exports.html_report("T", "", CITATION, [exports.Section("S", figures=[("x", 1)])], [])
