"""The printed tumour-board handout: one page, A4 or US Letter, readable in greyscale.

An HTML page styled for print (``@page`` size and margins, black on white, tables with rules,
the chart in greys with patterns and markers) that Chromium prints to a one-page PDF (``pdf``):
the cohort's key figures with n and intervals, the patient at the board with the best-matching
patients and the published benchmark, one chart, the method footnote and the data source.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from plexrt.export import rendering
from plexrt.export.arguments import is_list, is_pair, text
from plexrt.export.case_material import CaseMaterial
from plexrt.export.print_style import for_print
from plexrt.export.slides import fit_height, untitled
from plexrt.export.tabular import html_table

#: Paper sizes (width, height in inches) and the CSS @page name of each.
PAPERS = {"A4": ((8.27, 11.69), "A4"), "Letter": ((8.5, 11.0), "letter")}
MARGIN_IN = 0.45
#: The chart is laid out at this size (px) and printed at the page's width (about 0.7x).
FIGURE_PX = (1000, 440)
#: At most this many published series fit on the page; the report lists them all.
MAX_BENCHMARK_ROWS = 4
_BENCHMARK_COLUMNS = ["Series", "Responders (exact 95% CI)", "Median relief", "Median survival"]

_CSS = """
@page { size: %(page)s; margin: %(margin)sin; }
* { box-sizing: border-box; }
html { color-scheme: light; }
body { font-family: "Source Sans Pro", Arial, Helvetica, sans-serif; color: #000; background: #fff;
       font-size: 9.5pt; line-height: 1.3; margin: 0; }
@media screen { body { max-width: %(width)sin; margin: 1rem auto; padding: %(margin)sin; } }
h1 { font-size: 15pt; margin: 0 0 2pt; }
h2 { font-size: 10.5pt; margin: 7pt 0 3pt; border-bottom: 1pt solid #000; padding-bottom: 1pt; }
h3 { font-size: 9.5pt; margin: 4pt 0 2pt; }
p { margin: 2pt 0; }
.meta { color: #333; font-size: 8.5pt; }
table { border-collapse: collapse; width: 100%%; font-size: 8.5pt; break-inside: avoid; }
th, td { border: 0.6pt solid #555; padding: 1.5pt 4pt; text-align: left; vertical-align: top; }
th { background: #E6E6E6; font-weight: 700; }
.two { display: grid; grid-template-columns: 1fr 1.4fr; gap: 10pt; align-items: start; }
figure { margin: 4pt 0 0; break-inside: avoid; }
figure svg { width: %(content)sin; max-width: 100%%; height: auto; display: block; }
figcaption { font-weight: 700; font-size: 9pt; }
.notes { font-size: 7.5pt; color: #222; margin-top: 5pt; border-top: 0.6pt solid #555;
         padding-top: 3pt; }
.notes p { margin: 1pt 0; }
"""


@dataclass(frozen=True)
class HandoutInput:
    """What the handout states; everything is text already in words (no codes)."""

    title: str
    date_text: str
    cohort_text: str
    source: str
    key_figures: Sequence[tuple[str, str]]
    method_notes: Sequence[str]
    case: CaseMaterial | None = None


def handout_figure(fig: go.Figure) -> go.Figure:
    """The chart as printed: greyscale with patterns and markers, laid out FIGURE_PX, no title
    (the caption says it), the footnote kept."""
    out = untitled(for_print(fig))
    out.update_layout(width=FIGURE_PX[0])
    return fit_height(out, FIGURE_PX[1])


def figure_svg(fig: go.Figure) -> str:
    """The printed chart as inline SVG, drawn by the shared browser."""
    return rendering.image(handout_figure(fig), "svg", *FIGURE_PX).decode("utf-8")


def handout_html(data: HandoutInput, paper: str, chart: tuple[str, str] | None = None) -> str:
    """The one-page handout as a self-contained HTML document for ``paper`` ('A4', 'Letter').
    ``chart``: (caption, inline SVG from ``figure_svg``) or None to leave the chart out. Every
    piece of text is HTML-escaped; the SVG is PlexRT's own drawing."""
    _check(data, paper, chart)
    (w_in, _), page = PAPERS[paper]
    esc = html.escape
    content = round(w_in - 2 * MARGIN_IN, 2)
    css = _CSS % {"page": page, "margin": MARGIN_IN, "width": w_in, "content": content}
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(data.title)}</title><style>{css}</style></head><body>",
        f"<h1>{esc(data.title)}</h1>",
        f'<p class="meta">{esc(data.date_text)} · Cohort: {esc(data.cohort_text)}</p>',
        _case_html(data.case),
        f'<div class="{"two" if data.case is not None else "one"}"><div>',
        "<h2>Key figures of the cohort</h2>",
        _table(pd.DataFrame(list(data.key_figures), columns=["Figure", "Value"])),
        "</div><div>",
        _benchmark_html(data.case),
        "</div></div>",
    ]
    if chart is not None:
        caption, svg = chart
        parts.append(f"<figure><figcaption>{esc(caption)}</figcaption>{svg}</figure>")
    notes = [*data.method_notes]
    if data.case is not None:
        notes += data.case.match_notes
    notes.append(data.source)
    parts.append('<div class="notes">' + "".join(f"<p>{esc(n)}</p>" for n in notes) + "</div>")
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)


def pdf(page_html: str, paper: str) -> bytes:
    """The handout printed to one page of ``paper`` by the shared browser."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}, got {paper!r}")
    return rendering.pdf(page_html, PAPERS[paper][0], MARGIN_IN)


def _check(data: object, paper: object, chart: object) -> None:
    if not isinstance(data, HandoutInput):
        raise ValueError("data must be a HandoutInput")
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}, got {paper!r}")
    for name in ("title", "date_text", "cohort_text", "source"):
        text(getattr(data, name), name)
    if not is_list(data.key_figures) or not all(is_pair(r, str) for r in data.key_figures):
        raise ValueError("key_figures must be a list of (label, value text) pairs")
    if chart is not None and not is_pair(chart, str):
        raise ValueError("chart must be a (caption, svg text) pair or None")


def _table(df: pd.DataFrame) -> str:
    return html_table(df)


def _case_html(case: CaseMaterial | None) -> str:
    if case is None:
        return "<h2>The patient at the board</h2><p>No patient was entered at the board.</p>"
    esc = html.escape
    facts = " · ".join(f"{esc(k)}: <b>{esc(v)}</b>" for k, v in case.facts)
    position = "".join(f"<p>{esc(p)}</p>" for p in case.position)
    return (
        f"<h2>The patient at the board</h2><p>{facts}</p>{position}"
        f"<h3>Most similar patients ({esc(case.cohort_line.removeprefix('Cohort: '))})</h3>"
        f"{_table(case.matches)}"
    )


def _benchmark_html(case: CaseMaterial | None) -> str:
    if case is None:
        return ""
    esc = html.escape
    head = "<h2>Published series of the same population</h2>"
    if case.benchmark.empty:
        return f"{head}<p>{esc(case.benchmark_note)}</p>"
    shown = case.benchmark[[c for c in _BENCHMARK_COLUMNS if c in case.benchmark.columns]]
    more = len(shown) - MAX_BENCHMARK_ROWS
    tail = f"<p class='meta'>And {more} more series in the HTML report.</p>" if more > 0 else ""
    return f"{head}{_table(shown.head(MAX_BENCHMARK_ROWS))}{tail}"
