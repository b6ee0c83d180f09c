"""The pieces the PPTX board pack is built from: a 16:9 page, editable text boxes and tables,
pictures and speaker notes (python-pptx)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from plexrt.export.tabular import shown_cell

if TYPE_CHECKING:
    from pptx.presentation import Presentation
    from pptx.slide import Slide

# PowerPoint's 16:9 widescreen page: 13.333 x 7.5 in = 12 192 000 x 6 858 000 EMU.
SLIDE_W_EMU, SLIDE_H_EMU = 12_192_000, 6_858_000
EMU_PER_INCH = 914_400
MARGIN = int(0.5 * EMU_PER_INCH)
CONTENT_W = SLIDE_W_EMU - 2 * MARGIN
GREY, DARK = (0x6B, 0x6B, 0x6B), (0x1A, 0x1A, 0x1A)
# The title band of a chart slide; the chart fills the full width under it.
TITLE_BOX = (MARGIN, int(0.12 * EMU_PER_INCH), CONTENT_W, int(0.78 * EMU_PER_INCH))
TITLE_PT = 28


def inches(x: float) -> int:
    return int(x * EMU_PER_INCH)


def new_presentation(title: str) -> Presentation:
    from pptx import Presentation
    from pptx.util import Emu

    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(SLIDE_W_EMU), Emu(SLIDE_H_EMU)
    prs.core_properties.title = title
    return prs


def blank_slide(prs: Presentation, notes: Sequence[str] = ()) -> Slide:
    """A slide of the blank layout; ``notes`` become its speaker notes, one paragraph each."""
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    if notes:
        slide.notes_slide.notes_text_frame.text = "\n".join(notes)
    return slide


def text_box(
    slide: Slide,
    box: tuple[int, int, int, int],
    lines: Sequence[str],
    size: int,
    colour: tuple[int, int, int] = DARK,
    bold: bool = False,
) -> None:
    """Lines of text, one paragraph each, in a word-wrapped box (left, top, width, height EMU)."""
    from pptx.dml.color import RGBColor
    from pptx.util import Emu, Pt

    left, top, width, height = (Emu(v) for v in box)
    tf = slide.shapes.add_textbox(left, top, width, height).text_frame
    tf.word_wrap = True
    for k, line in enumerate(lines):
        para = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
        run = para.add_run()
        run.text = line
        run.font.size, run.font.bold = Pt(size), bold
        run.font.color.rgb = RGBColor(*colour)


def title_size(text: str) -> int:
    """Points that keep a title on one line of the 12.3 in title box (a bold sans-serif glyph is
    taken as 0.55 em wide): 28 pt up to 57 characters, then 24, 20 and 16."""
    width_pt = CONTENT_W / EMU_PER_INCH * 72
    return next((pt for pt in (TITLE_PT, 24, 20) if len(text) * 0.55 * pt <= width_pt), 16)


def title(slide: Slide, text: str) -> None:
    text_box(slide, TITLE_BOX, [text], title_size(text), bold=True)


def table(
    slide: Slide,
    df: pd.DataFrame,
    box: tuple[int, int, int],
    weights: Sequence[float] | None = None,
    size: int = 14,
) -> None:
    """``df`` as an editable table (header row in bold) at (left, top, width) EMU; column widths
    in proportion to ``weights`` (equal by default); missing values shown as a dash."""
    from pptx.util import Emu, Pt

    left, top, width = box
    rows, cols = len(df) + 1, len(df.columns)
    weights = list(weights) if weights is not None else [1.0] * cols
    if len(weights) != cols:
        raise ValueError(f"weights must give one number per column ({cols})")
    row_h = inches(0.3 + size / 72)
    shape = slide.shapes.add_table(rows, cols, Emu(left), Emu(top), Emu(width), Emu(row_h * rows))
    tbl = shape.table
    total = sum(weights)
    for c, w in enumerate(weights):
        tbl.columns[c].width = Emu(int(width * w / total))
    cells = [[str(h) for h in df.columns]]
    cells += [[shown_cell(v) for v in rec] for rec in df.itertuples(index=False)]
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            cell = tbl.cell(r, c)
            cell.text = value
            for para in cell.text_frame.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(size)
                    run.font.bold = r == 0


def picture(slide: Slide, png: bytes, top: int) -> None:
    """``png`` across the full slide width from ``top`` (EMU), its aspect ratio kept."""
    from PIL import Image
    from pptx.util import Emu

    with Image.open(io.BytesIO(png)) as img:
        px_w, px_h = img.size
    height = int(SLIDE_W_EMU * px_h / px_w)
    slide.shapes.add_picture(io.BytesIO(png), Emu(0), Emu(top), Emu(SLIDE_W_EMU), Emu(height))
