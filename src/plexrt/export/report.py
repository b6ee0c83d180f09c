"""The self-contained HTML report: interactive figures, tables and notes in one offline file.

It needs no browser on the server (plotly.js is embedded), so it is the export that always works.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import plotly.graph_objects as go

from plexrt.charts.markup import safe_figure
from plexrt.export.arguments import is_list, is_pair, text
from plexrt.export.tabular import html_table


@dataclass
class Section:
    """One part of the HTML report: figures and tables with captions, then notes."""

    title: str
    figures: Sequence[tuple[str, go.Figure]] = ()
    tables: Sequence[tuple[str, pd.DataFrame]] = ()
    notes: Sequence[str] = ()


_CSS = """
:root { color-scheme: light; }
body { font-family: "Source Sans Pro", Arial, Helvetica, sans-serif; color: #1A1A1A;
       max-width: 1100px; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45; font-size: 16px; }
h1 { font-size: 1.9rem; margin-bottom: 0.3rem; }
h2 { font-size: 1.4rem; border-bottom: 2px solid #D9D9D9; padding-bottom: 0.2rem; margin-top: 2.2rem; }
h3 { font-size: 1.1rem; margin: 1.2rem 0 0.4rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 1rem 0; }
dl.meta dt { font-weight: 600; color: #444; }
dl.meta dd { margin: 0; }
figure { margin: 1rem 0 1.6rem; }
figcaption { font-weight: 600; margin-bottom: 0.3rem; }
.plot { width: 100%; }
table.data { border-collapse: collapse; margin: 0.4rem 0 1.2rem; font-size: 0.95rem; }
table.data th, table.data td { border: 1px solid #BDBDBD; padding: 0.25rem 0.6rem; text-align: left;
                               vertical-align: top; }
table.data thead th { background: #F2F2F2; }
ul.notes { color: #333; font-size: 0.95rem; }
footer { margin-top: 2.5rem; color: #6B6B6B; font-size: 0.85rem; border-top: 1px solid #D9D9D9; }
@media print {
  body { max-width: none; margin: 0; font-size: 11pt; }
  h2 { break-before: auto; break-after: avoid; }
  figure, table.data, dl.meta { break-inside: avoid; }
  .modebar-container { display: none !important; }
  a { color: inherit; text-decoration: none; }
}
"""


def _check_section(i: int, sec: object) -> Section:
    if not isinstance(sec, Section):
        raise ValueError(f"sections[{i}] must be a Section, got {type(sec).__name__}")
    text(sec.title, f"sections[{i}].title")
    for j, fig_item in enumerate(sec.figures):
        if not is_pair(fig_item, go.Figure):
            raise ValueError(f"sections[{i}].figures[{j}] must be a (caption, go.Figure) pair")
    for j, table_item in enumerate(sec.tables):
        if not is_pair(table_item, pd.DataFrame):
            raise ValueError(f"sections[{i}].tables[{j}] must be a (caption, DataFrame) pair")
    for j, note in enumerate(sec.notes):
        text(note, f"sections[{i}].notes[{j}]")
    return sec


def _notes_html(notes: Sequence[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    return f'<ul class="notes">{items}</ul>'


def _figure_div(fig: go.Figure) -> str:
    height = fig.layout.height or 500
    return safe_figure(fig).to_html(
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        default_width="100%",
        default_height=f"{int(height)}px",
        config={"displaylogo": False, "responsive": True},
    )


def html_report(
    title: str,
    filter_text: str,
    source: str,
    sections: Sequence[Section],
    notes: Sequence[str],
    *,
    generated_at: datetime | None = None,
) -> str:
    """A self-contained HTML document (opens offline) with interactive figures, tables and notes.

    plotly.js is embedded once inline; there are no CDN scripts, stylesheets or web fonts. The
    header states the title, when it was generated, the cohort filter in words and the data
    source. Every piece of text is HTML-escaped. ``generated_at`` defaults to now (local time).
    """
    checked = _check_report(title, filter_text, source, sections, notes)
    if generated_at is None:
        generated_at = datetime.now()
    elif not isinstance(generated_at, datetime):
        raise ValueError("generated_at must be a datetime")
    parts = [_header(title, filter_text, source, notes, generated_at)]
    parts += [_section_html(sec) for sec in checked]
    parts.append(
        "</main><footer><p>A dash (—) in a table means the value is not available "
        "(not published or not recorded). Figures are interactive: hover for values.</p>"
        "</footer></body></html>"
    )
    return "\n".join(p for p in parts if p)


def _check_report(
    title: object, filter_text: object, source: object, sections: object, notes: object
) -> list[Section]:
    if not text(title, "title").strip():
        raise ValueError("title must not be empty")
    text(filter_text, "filter_text")
    text(source, "source")
    if not is_list(sections):
        raise ValueError("sections must be a list of Section")
    if not is_list(notes):
        raise ValueError("notes must be a list of strings")
    checked = [_check_section(i, s) for i, s in enumerate(sections)]
    for j, note in enumerate(notes):
        text(note, f"notes[{j}]")
    return checked


def _header(
    title: str, filter_text: str, source: str, notes: Sequence[str], generated_at: datetime
) -> str:
    """Everything up to the first section: head with inline CSS and plotly.js, then the header."""
    from plotly.offline import get_plotlyjs

    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f"<style>{_CSS}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>',
        "</head><body>",
        f"<header><h1>{esc(title)}</h1>",
        '<dl class="meta">',
        f"<dt>Generated</dt><dd>{esc(generated_at.strftime('%Y-%m-%d %H:%M'))}</dd>",
        f"<dt>Cohort</dt><dd>{esc(filter_text) if filter_text.strip() else 'All cases'}</dd>",
        f"<dt>Data source</dt><dd>{esc(source)}</dd>",
        "</dl>",
        _notes_html(notes),
        "</header><main>",
    ]
    return "\n".join(p for p in parts if p)


def _section_html(sec: Section) -> str:
    esc = html.escape
    parts = [f"<section><h2>{esc(sec.title)}</h2>"]
    for caption, fig in sec.figures:
        parts.append(
            f"<figure><figcaption>{esc(caption)}</figcaption>"
            f'<div class="plot">{_figure_div(fig)}</div></figure>'
        )
    for caption, df in sec.tables:
        table = html_table(df, classes="data")
        parts.append(f"<h3>{esc(caption)}</h3>{table}")
    parts.append(_notes_html(sec.notes))
    parts.append("</section>")
    return "\n".join(p for p in parts if p)
