"""The PPTX board pack: a 16:9 deck with the case at the board, the board's charts and the key
figures. Titles, the case and every table are editable PowerPoint text; each chart is a picture
across the full slide width with its methods footnote (and the data source) in the speaker notes.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Sequence

import plotly.graph_objects as go

from plexrt.charts import style
from plexrt.export import pptx_parts as parts
from plexrt.export import rendering
from plexrt.export.arguments import is_list, is_pair, text
from plexrt.export.case_material import CaseMaterial, facts_table
from plexrt.export.images import copy_figure, stamp
from plexrt.export.slides import fit_height, untitled

# Chart pictures: 1920 px wide (the projector's width) and as tall as the slide leaves under the
# title band, so that a picture spans the full 13.33 in width: 7.5 in - 0.97 in = 6.53 in.
IMAGE_W_PX = 1920
IMAGE_H_PX = 940
_PICTURE_TOP = parts.SLIDE_H_EMU - int(parts.SLIDE_W_EMU * IMAGE_H_PX / IMAGE_W_PX)


def footnote_lines(fig: go.Figure) -> list[str]:
    """The figure's house-style footnote as plain-text lines (``<br>`` splits, tags stripped),
    then the methods in full that a short footnote leaves out (``style.methods_of``)."""
    note = style.footnote_text(fig)
    if not note:
        return style.methods_of(fig)
    lines = re.split(r"<br\s*/?>", note, flags=re.IGNORECASE)
    drawn = [html.unescape(re.sub(r"<[^>]*>", "", line)).strip() for line in lines]
    return [*drawn, *style.methods_of(fig)]


def source_text(source: str) -> str:
    """The data source as the pack's title and key-figures slides state it: a line that names
    itself ('Data: Dept series, via PlexRT', ``board.summary.source_line``) as it is, any other
    after 'Data source: ' (never 'Data source: Data: ...')."""
    return source if source.startswith("Data:") else f"Data source: {source}"


def pack_picture(fig: go.Figure, source: str) -> go.Figure:
    """The chart as a pack picture (a copy): its title left out (the slide's editable title says
    it, and the top margin shrinks by the title's room), the data source stamped under the
    footnote, laid out IMAGE_W_PX x IMAGE_H_PX."""
    stamped = any(a.name == "citation" for a in fig.layout.annotations)
    out = copy_figure(fig) if stamped else stamp(fig, source, present=True)  # one copy either way
    out.update_layout(width=None)
    return fit_height(untitled(out), IMAGE_H_PX)


def board_pack(
    title: str,
    cohort_text: str,
    source: str,
    date_text: str,
    charts: Sequence[tuple[str, go.Figure]],
    summary: Sequence[tuple[str, str]],
    case: CaseMaterial | None = None,
    on_progress: Callable[[int, int], object] | None = None,
    summary_notes: Sequence[str] = (),
) -> bytes:
    """A 16:9 PPTX for the tumour board; returns the file's bytes.

    Slides: a title slide (title, cohort in words, date, data source); when ``case`` is given,
    the patient (inputs as a table, position in the series as text), the most similar patients
    (table), the case figures and the published series of the same population (table); one slide
    per chart (editable title, the chart across the full width, its footnote and the data source
    in the speaker notes); a final table of key figures with ``summary_notes`` (how they were
    counted: definition, denominators, unit, interval method) under it and in its speaker notes.
    Charts are drawn by the shared browser, several at a time; ``on_progress(done, total)`` is
    called as each is ready. Raises ExportUnavailable when images cannot be drawn.
    """
    _check_pack(title, cohort_text, source, date_text, charts, summary, case, on_progress)
    if not is_list(summary_notes):
        raise ValueError("summary_notes must be a list of strings")
    for i, note in enumerate(summary_notes):
        text(note, f"summary_notes[{i}]")
    all_charts = [*(case.figures if case is not None else []), *charts]
    pictures = rendering.pngs(
        [pack_picture(fig, source) for _, fig in all_charts],
        (IMAGE_W_PX, IMAGE_H_PX),
        on_done=on_progress,
    )
    prs = parts.new_presentation(title)
    cohort = cohort_text.strip() or "All cases"
    _title_slide(prs, title, [f"Cohort: {cohort}", date_text, source_text(source)])
    drawn = iter(zip(all_charts, pictures, strict=True))
    if case is not None:
        _case_slides(prs, case, source)
        for (label, fig), png in (next(drawn) for _ in case.figures):
            _chart_slide(prs, label, png, [*footnote_lines(fig), source])
        _benchmark_slide(prs, case, source)
    for (label, fig), png in drawn:
        _chart_slide(prs, label, png, [*footnote_lines(fig), source])
    _key_figures_slide(prs, summary, f"Cohort: {cohort} · {source_text(source)}", summary_notes)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def _check_pack(
    title: object,
    cohort_text: object,
    source: object,
    date_text: object,
    charts: object,
    summary: object,
    case: object,
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
    if case is not None and not isinstance(case, CaseMaterial):
        raise ValueError("case must be a CaseMaterial (export.case_material) or None")
    if on_progress is not None and not callable(on_progress):
        raise ValueError("on_progress must be callable or None")


def _title_slide(prs, title: str, lines: list[str]) -> None:
    slide = parts.blank_slide(prs)
    box = (parts.MARGIN, parts.inches(1.6), parts.CONTENT_W, parts.inches(1.4))
    parts.text_box(slide, box, [title], 40, bold=True)
    box = (parts.MARGIN, parts.inches(3.2), parts.CONTENT_W, parts.inches(2.6))
    parts.text_box(slide, box, lines, 22)


def _chart_slide(prs, label: str, png: bytes, notes: list[str]) -> None:
    """Editable title, the chart across the full width under it, notes = footnote and source."""
    slide = parts.blank_slide(prs, notes)
    parts.title(slide, label)
    parts.picture(slide, png, _PICTURE_TOP)


def _case_slides(prs, case: CaseMaterial, source: str) -> None:
    """The patient (inputs and position) and the most similar patients, all editable."""
    notes = [case.cohort_line, *case.position, source]
    slide = parts.blank_slide(prs, notes)
    parts.title(slide, "The patient at the board")
    half = parts.CONTENT_W // 2
    parts.table(slide, facts_table(case), (parts.MARGIN, parts.inches(1.2), half), [1, 1.3], 16)
    right = (parts.MARGIN + half + parts.inches(0.3), parts.inches(1.2))
    box = (*right, half - parts.inches(0.3), parts.inches(4.5))
    parts.text_box(slide, box, [case.cohort_line, *case.position], 18)

    slide = parts.blank_slide(prs, [*case.match_notes, case.cohort_line, source])
    parts.title(slide, "Most similar patients")
    weights = [_weight(c) for c in case.matches.columns]
    parts.table(
        slide, case.matches, (parts.MARGIN, parts.inches(1.0), parts.CONTENT_W), weights, 11
    )
    below = [
        "One row per patient, at the best-matching site. " + case.cohort_line,
        *case.match_notes[:-1],
        "Score: a rule of thumb, not a validated model (see the speaker notes).",
    ]
    box = (parts.MARGIN, parts.inches(5.85), parts.CONTENT_W, parts.inches(1.5))
    parts.text_box(slide, box, below, 12, parts.GREY)


def _weight(column: str) -> float:
    """Relative column width in the matches table: the explanation gets the most room."""
    weights = {
        "#": 0.3,
        "Patient": 0.85,
        "Best-matching site": 1.2,
        "Why similar": 4.25,
        "Regimen": 1.05,
        "Weeks to max. response": 1.1,
        "NRS at completion": 1.3,
    }
    return weights.get(column, 0.95)


def _benchmark_slide(prs, case: CaseMaterial, source: str) -> None:
    slide = parts.blank_slide(prs, [case.benchmark_note, source])
    parts.title(slide, "Published series of the same population")
    top = parts.inches(1.1)
    if case.benchmark.empty:
        box = (parts.MARGIN, top, parts.CONTENT_W, parts.inches(1.5))
        parts.text_box(slide, box, ["No published series in the literature table."], 18)
    else:
        weights = [
            2.6 if c == "Series" else 1.6 if c.startswith("Responders") else 1.0
            for c in case.benchmark.columns
        ]
        size = 14 if len(case.benchmark) <= 4 else 11
        parts.table(slide, case.benchmark, (parts.MARGIN, top, parts.CONTENT_W), weights, size)
    box = (parts.MARGIN, parts.inches(5.9), parts.CONTENT_W, parts.inches(1.3))
    parts.text_box(slide, box, [case.benchmark_note], 12, parts.GREY)


def _key_figures_slide(
    prs, summary: Sequence[tuple[str, str]], footer: str, notes: Sequence[str] = ()
) -> None:
    """A two-column table (measure, value), type shrinking as rows are added so all fit; under it
    how the figures were counted (``notes``) and the cohort and source."""
    import pandas as pd

    slide = parts.blank_slide(prs, [*notes, footer])
    parts.title(slide, "Key figures")
    if not summary:
        box = (parts.MARGIN, parts.inches(1.3), parts.CONTENT_W, parts.inches(1))
        parts.text_box(slide, box, ["No key figures supplied."], 20)
    else:
        size = 18 if len(summary) <= 8 else 14 if len(summary) <= 12 else 11
        size = min(size, 14) if notes else size  # (the notes take the foot of the slide)
        df = pd.DataFrame(list(summary), columns=["Measure", "Value"])
        parts.table(
            slide, df, (parts.MARGIN, parts.inches(1.2), parts.CONTENT_W), [0.45, 0.55], size
        )
    lines = [*notes, footer]
    # about 170 characters of 10 pt type to a line of the slide's width, 0.18 in a line
    high = parts.inches(0.2 + 0.18 * sum(1 + len(line) // 170 for line in lines))
    box = (parts.MARGIN, parts.SLIDE_H_EMU - parts.inches(0.3) - high, parts.CONTENT_W, high)
    parts.text_box(slide, box, lines, 10 if notes else 12, parts.GREY)
