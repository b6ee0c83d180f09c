"""The PPTX board pack: a 16:9 deck of the board's charts, drawn as images, and its key figures."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from plexrt.charts import style
from plexrt.export.arguments import is_list, is_pair, text
from plexrt.export.images import Renderer, stamp

if TYPE_CHECKING:
    from pptx.dml.color import RGBColor
    from pptx.presentation import Presentation
    from pptx.slide import Slide

# PowerPoint's 16:9 widescreen page: 13.333 x 7.5 in = 12 192 000 x 6 858 000 EMU.
_SLIDE_W_EMU, _SLIDE_H_EMU = 12_192_000, 6_858_000
_EMU_PER_INCH = 914_400
_MARGIN = int(0.5 * _EMU_PER_INCH)
_CONTENT_W = _SLIDE_W_EMU - 2 * _MARGIN
_GREY, _DARK = (0x6B, 0x6B, 0x6B), (0x1A, 0x1A, 0x1A)


def footnote_lines(fig: go.Figure) -> list[str]:
    """The figure's house-style footnote as plain-text lines (``<br>`` splits, tags stripped)."""
    note = style.footnote_text(fig)
    if not note:
        return []
    lines = re.split(r"<br\s*/?>", note, flags=re.IGNORECASE)
    return [html.unescape(re.sub(r"<[^>]*>", "", line)).strip() for line in lines]


def board_pack(
    title: str,
    cohort_text: str,
    source: str,
    date_text: str,
    charts: Sequence[tuple[str, go.Figure]],
    summary: Sequence[tuple[str, str]],
    renderer: Renderer | None = None,
    on_progress: Callable[[int, int, str], object] | None = None,
) -> bytes:
    """A 16:9 PPTX for the tumour board; returns the file's bytes.

    Slides: a title slide (title, cohort in words, date, data source); one slide per chart (its
    title, the chart drawn at 1920x1080 and its footnote as text underneath); a final table of key
    figures (label, value with interval). Charts without a citation are stamped with ``source``.
    ``on_progress(i, n, label)`` is called with i = 1..n before chart i is drawn. Without a
    ``renderer`` one is started for this pack. Raises ExportUnavailable when images cannot be drawn.
    """
    _check_pack(title, cohort_text, source, date_text, charts, summary, renderer, on_progress)
    if renderer is None:
        with Renderer() as own:
            return _build_pack(
                title, cohort_text, source, date_text, charts, summary, own, on_progress
            )
    if not renderer.running:
        raise ValueError("renderer must be running (enter it with `with Renderer() as r:`)")
    return _build_pack(
        title, cohort_text, source, date_text, charts, summary, renderer, on_progress
    )


def _check_pack(
    title: object,
    cohort_text: object,
    source: object,
    date_text: object,
    charts: object,
    summary: object,
    renderer: object,
    on_progress: object,
) -> None:
    text(title, "title")
    text(cohort_text, "cohort_text")
    text(source, "source")
    text(date_text, "date_text")
    if not str(title).strip():
        raise ValueError("title must not be empty")
    if not str(source).strip():
        raise ValueError("source must name the data source")
    if not is_list(charts):
        raise ValueError("charts must be a list of (title, go.Figure) pairs")
    for i, item in enumerate(charts):
        if not is_pair(item, go.Figure):
            raise ValueError(f"charts[{i}] must be a (title, go.Figure) pair")
    if not is_list(summary):
        raise ValueError("summary must be a list of (label, value) pairs")
    for i, item in enumerate(summary):
        if not is_pair(item, str):
            raise ValueError(f"summary[{i}] must be a (label, value text) pair of strings")
    if renderer is not None and not isinstance(renderer, Renderer):
        raise ValueError("renderer must be a Renderer or None")
    if on_progress is not None and not callable(on_progress):
        raise ValueError("on_progress must be callable or None")


def _build_pack(
    title: str,
    cohort_text: str,
    source: str,
    date_text: str,
    charts: Sequence[tuple[str, go.Figure]],
    summary: Sequence[tuple[str, str]],
    renderer: Renderer,
    on_progress: Callable[[int, int, str], object] | None,
) -> bytes:
    from pptx import Presentation
    from pptx.util import Emu

    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(_SLIDE_W_EMU), Emu(_SLIDE_H_EMU)
    prs.core_properties.title = title
    cohort = cohort_text.strip() or "All cases"
    _title_slide(prs, title, [f"Cohort: {cohort}", date_text, f"Data source: {source}"])
    for i, (label, fig) in enumerate(charts, start=1):
        if on_progress is not None:
            on_progress(i, len(charts), label)
        has_citation = any(a.name == "citation" for a in fig.layout.annotations)
        png = renderer.png(fig if has_citation else stamp(fig, source, present=True), 1920, 1080)
        _chart_slide(prs, label, png, footnote_lines(fig))
    _key_figures_slide(prs, summary, f"Cohort: {cohort} · Data source: {source}")
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def _rgb(colour: tuple[int, int, int]) -> RGBColor:
    from pptx.dml.color import RGBColor

    return RGBColor(*colour)


def _text_box(
    slide: Slide,
    box: tuple[int, int, int, int],
    lines: Sequence[str],
    size: int,
    colour: tuple[int, int, int] = _DARK,
    bold: bool = False,
) -> None:
    """Lines of text, one paragraph each, in a word-wrapped box (left, top, width, height EMU)."""
    from pptx.util import Emu, Pt

    left, top, width, height = (Emu(v) for v in box)
    tf = slide.shapes.add_textbox(left, top, width, height).text_frame
    tf.word_wrap = True
    for k, line in enumerate(lines):
        para = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
        run = para.add_run()
        run.text = line
        run.font.size, run.font.bold = Pt(size), bold
        run.font.color.rgb = _rgb(colour)


def _blank_slide(prs: Presentation) -> Slide:
    return prs.slides.add_slide(prs.slide_layouts[6])


def _inches(x: float) -> int:
    return int(x * _EMU_PER_INCH)


def _title_slide(prs: Presentation, title: str, lines: list[str]) -> None:
    slide = _blank_slide(prs)
    _text_box(slide, (_MARGIN, _inches(1.6), _CONTENT_W, _inches(1.4)), [title], 40, bold=True)
    _text_box(slide, (_MARGIN, _inches(3.2), _CONTENT_W, _inches(2.6)), lines, 22)


def _chart_slide(prs: Presentation, label: str, png: bytes, notes: list[str]) -> None:
    """The chart's title, its image fitted in the box (aspect kept, centred), its footnote below."""
    from PIL import Image
    from pptx.util import Emu

    with Image.open(io.BytesIO(png)) as img:
        px_w, px_h = img.size
    slide = _blank_slide(prs)
    _text_box(slide, (_MARGIN, _inches(0.3), _CONTENT_W, _inches(0.8)), [label], 28, bold=True)
    pic_top, pic_max_h = _inches(1.15), _inches(5.0)
    scale = min(_CONTENT_W / px_w, pic_max_h / px_h)
    w, h = int(px_w * scale), int(px_h * scale)
    left = int((_SLIDE_W_EMU - w) / 2)
    slide.shapes.add_picture(io.BytesIO(png), Emu(left), Emu(pic_top), Emu(w), Emu(h))
    if notes:
        box = (_MARGIN, pic_top + h + _inches(0.1), _CONTENT_W, _inches(1.0))
        _text_box(slide, box, notes, 12, _GREY)


def _key_figures_slide(prs: Presentation, summary: Sequence[tuple[str, str]], footer: str) -> None:
    """A two-column table (measure, value); type shrinks as rows are added so all fit."""
    from pptx.util import Emu, Pt

    slide = _blank_slide(prs)
    _text_box(
        slide, (_MARGIN, _inches(0.3), _CONTENT_W, _inches(0.8)), ["Key figures"], 28, bold=True
    )
    if not summary:
        box = (_MARGIN, _inches(1.3), _CONTENT_W, _inches(1))
        _text_box(slide, box, ["No key figures supplied."], 20)
    else:
        rows = len(summary) + 1
        row_h = min(_inches(0.55), int(_inches(5.4) / rows))
        size = 18 if row_h >= _inches(0.45) else 14 if row_h >= _inches(0.33) else 11
        shape = slide.shapes.add_table(
            rows, 2, Emu(_MARGIN), Emu(_inches(1.3)), Emu(_CONTENT_W), Emu(row_h * rows)
        )
        table = shape.table
        table.columns[0].width = int(_CONTENT_W * 0.45)
        table.columns[1].width = _CONTENT_W - table.columns[0].width
        for r, (label, value) in enumerate([("Measure", "Value"), *summary]):
            table.rows[r].height = row_h
            for c, cell_text in enumerate((label, value)):
                cell = table.cell(r, c)
                cell.text = cell_text
                for para in cell.text_frame.paragraphs:
                    for run in para.runs:
                        run.font.size = Pt(size)
                        run.font.bold = r == 0
    box = (_MARGIN, _SLIDE_H_EMU - _inches(0.8), _CONTENT_W, _inches(0.5))
    _text_box(slide, box, [footer], 12, _GREY)
