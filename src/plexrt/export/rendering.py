"""Tumour-board exports: stamped static images, a self-contained HTML report and a PPTX board pack.

Static images are drawn by kaleido 1.x, which drives a headless Chromium. One browser is started per
:class:`Renderer` (about 2 s) and reused for every image of a pack (about 0.2 s each). When no
Chromium is installed every image export raises :class:`ExportUnavailable`; the HTML report needs no
browser on the server and is always available.

Why the Renderer owns its kaleido instance instead of ``kaleido.start_sync_server()``: the sync
server is a process-wide singleton (one Streamlit session closing it would break another session's
export), and when Chromium fails to launch its worker thread dies while the next call waits on its
task queue forever (checked with kaleido 1.5.0 and ``BROWSER_PATH=/bin/false``). The Renderer runs
the same ``kaleido.Kaleido`` browser on a private event-loop thread, so a failed start is an
exception and every call has a timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import io
import logging
import os
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from numbers import Real

import pandas as pd
import plotly.graph_objects as go

from plexrt.charts import style

_log = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = (
    "Image export needs Chromium, which is not installed on this server; "
    "the HTML report is still available."
)

# Plotly draws annotation lines 1.3 em apart (LINE_SPACING in plotly.js svg_text_utils).
_PLOTLY_LINE_SPACING = 1.3
# plotly.js uses a 80 px bottom margin when the layout does not set one.
_PLOTLY_DEFAULT_MARGIN_B = 80
# Widths (px) assumed when wrapping the citation: a projected 16:9 export versus the narrowest
# on-screen plot (same assumption as charts.pain); a sans-serif glyph is taken as 0.6 em wide.
_CITATION_WIDTH_PX = {True: 1200, False: 560}
_CHAR_WIDTH_EM = 0.6

_MAX_PIXELS = 8000  # larger images would be a typo, not a slide
_START_TIMEOUT_S = 60.0
_IMAGE_TIMEOUT_S = 60.0


class ExportUnavailable(RuntimeError):
    """Static image export cannot run here (no Chromium, or it failed); the message is for users."""

    def __init__(self, message: str = UNAVAILABLE_MESSAGE) -> None:
        super().__init__(message)


# --------------------------------------------------------------------------------------------------
# Browser discovery


def _find_browser() -> str | None:
    """The Chromium kaleido would launch (``BROWSER_PATH`` first, then PATH and usual places)."""
    try:
        from choreographer.browsers.chromium import Chromium
    except ImportError:  # kaleido (and its choreographer) not installed
        return None
    try:
        return Chromium.find_browser(skip_local=False)
    except Exception:  # a broken environment is the same as no browser for the user
        _log.debug("browser search failed", exc_info=True)
        return None


def browser_available() -> bool:
    """True when an executable Chromium/Chrome for kaleido is present on this server."""
    path = _find_browser()
    return bool(path) and os.path.isfile(path) and os.access(path, os.X_OK)


# --------------------------------------------------------------------------------------------------
# Citation stamp


def _citation_growth(text: str, size: float) -> int:
    """Pixels the bottom margin grows to hold a citation of ``text`` at font ``size``."""
    n_lines = text.count("<br>") + 1
    return int(n_lines * (size + 6) + 4)


def stamp(fig: go.Figure, citation: str, present: bool = True) -> go.Figure:
    """A copy of ``fig`` with the data-source ``citation`` drawn bottom-right in small grey type.

    The citation gets its own row under the house-style footnote (which is kept unchanged): the
    bottom margin, and a fixed figure height if one is set, grow by that row so nothing overlaps
    or is cut off. Stamping an already stamped figure replaces the old citation.
    """
    if not isinstance(fig, go.Figure):
        raise ValueError(f"fig must be a plotly go.Figure, got {type(fig).__name__}")
    if not isinstance(citation, str) or not citation.strip():
        raise ValueError("citation must be a non-empty string naming the data source")
    if not isinstance(present, bool):
        raise ValueError("present must be True or False")

    out = go.Figure(fig)
    size = max(10, style.font_sizes(present)["footnote"] - 2)
    chars = int(_CITATION_WIDTH_PX[present] / (_CHAR_WIDTH_EM * size))
    text = style.wrap_footnote(html.escape(" ".join(citation.split()), quote=False), chars)

    kept, old_growth = [], 0
    for ann in out.layout.annotations:
        if ann.name == "citation":
            old_growth += _citation_growth(ann.text or "", ann.font.size or size)
        else:
            kept.append(ann)
    out.layout.annotations = kept

    growth = _citation_growth(text, size)
    base_b = out.layout.margin.b
    if base_b is None:
        base_b = _PLOTLY_DEFAULT_MARGIN_B
    new_b = base_b - old_growth + growth
    out.update_layout(margin_b=new_b)
    if out.layout.height is not None:
        out.update_layout(height=out.layout.height - old_growth + growth)
    out.add_annotation(
        text=text,
        xref="paper",
        yref="paper",
        x=1,
        y=0,
        # 4 px above the bottom edge of the image; the footnote stays `growth` px higher.
        yshift=-new_b + 4,
        xanchor="right",
        yanchor="bottom",
        align="right",
        showarrow=False,
        font={"size": size, "color": style.GREY},
        name="citation",
    )
    return out


# --------------------------------------------------------------------------------------------------
# Static images


def _check_size(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _MAX_PIXELS:
        raise ValueError(f"{name} must be a whole number of pixels from 1 to {_MAX_PIXELS}")
    return value


class Renderer:
    """One headless Chromium (via kaleido) for a batch of images; use as a context manager.

    ``with Renderer() as r: r.png(fig)`` starts the browser on enter and stops it on exit.
    Raises :class:`ExportUnavailable` on enter when no Chromium is installed or it fails to start,
    and from ``png``/``svg`` when the browser fails while drawing. Calls may come from several
    threads; the one browser tab draws them in turn.
    """

    def __init__(
        self, *, start_timeout: float = _START_TIMEOUT_S, image_timeout: float = _IMAGE_TIMEOUT_S
    ) -> None:
        for name, value in (("start_timeout", start_timeout), ("image_timeout", image_timeout)):
            if isinstance(value, bool) or not isinstance(value, Real) or value <= 0:
                raise ValueError(f"{name} must be a positive number of seconds")
        self._start_timeout = float(start_timeout)
        self._image_timeout = float(image_timeout)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        """True between a successful start and close."""
        return self._kaleido is not None

    def __enter__(self) -> Renderer:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def start(self) -> None:
        """Launch the browser; raises ExportUnavailable when it cannot run here."""
        with self._lock:
            if self._kaleido is not None:
                raise RuntimeError("Renderer is already running")
            if not browser_available():
                raise ExportUnavailable()
            try:
                import kaleido
            except ImportError as exc:
                raise ExportUnavailable() from exc

            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="plexrt-kaleido", daemon=True)
            thread.start()
            image_timeout = self._image_timeout

            async def _open():
                # mathjax=False: no CDN fetch (the server is offline); figures use no LaTeX.
                k = kaleido.Kaleido(n=1, timeout=image_timeout, mathjax=False)
                try:
                    await k.open()
                except BaseException:
                    with contextlib.suppress(Exception):
                        await k.close()
                    raise
                return k

            future = asyncio.run_coroutine_threadsafe(_open(), loop)
            try:
                self._kaleido = future.result(timeout=self._start_timeout)
            except Exception as exc:
                future.cancel()
                _stop_loop(loop, thread)
                _log.warning("kaleido failed to start: %r", exc)
                raise ExportUnavailable() from exc
            self._loop, self._thread = loop, thread

    def close(self) -> None:
        """Stop the browser (safe to call twice)."""
        with self._lock:
            k, loop, thread = self._kaleido, self._loop, self._thread
            self._kaleido = self._loop = self._thread = None
        if k is None or loop is None or thread is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(k.close(), loop).result(timeout=30)
        except Exception:
            _log.warning("kaleido did not close cleanly", exc_info=True)
        finally:
            _stop_loop(loop, thread)

    def _render(self, fig: go.Figure, fmt: str, width: int, height: int, scale: float) -> bytes:
        if not isinstance(fig, go.Figure):
            raise ValueError(f"fig must be a plotly go.Figure, got {type(fig).__name__}")
        _check_size("width", width)
        _check_size("height", height)
        if isinstance(scale, bool) or not isinstance(scale, Real) or not 0 < scale <= 10:
            raise ValueError("scale must be a number greater than 0 and at most 10")
        k, loop = self._kaleido, self._loop
        if k is None or loop is None:
            raise RuntimeError("Renderer is not running; use it as `with Renderer() as r:`")
        spec = fig.to_dict()  # snapshot in the caller's thread
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        future = asyncio.run_coroutine_threadsafe(k.calc_fig(spec, opts=opts), loop)
        try:
            data = future.result(timeout=self._image_timeout + 10)
        except (ValueError, TypeError):
            raise
        except Exception as exc:
            future.cancel()
            _log.warning("kaleido failed to draw a %s: %r", fmt, exc)
            raise ExportUnavailable(
                "Image export failed while drawing the chart; the HTML report is still available."
            ) from exc
        return bytes(data)

    def png(self, fig: go.Figure, width: int = 1920, height: int = 1080, scale: float = 1) -> bytes:
        """PNG bytes of ``fig``, ``width*scale`` x ``height*scale`` pixels."""
        return self._render(fig, "png", width, height, scale)

    def svg(self, fig: go.Figure, width: int = 1920, height: int = 1080) -> bytes:
        """SVG bytes (UTF-8) of ``fig`` laid out at ``width`` x ``height``."""
        return self._render(fig, "svg", width, height, 1)


def _stop_loop(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)
    if not thread.is_alive():
        loop.close()


def figure_png(fig: go.Figure, width: int = 1920, height: int = 1080, scale: float = 1) -> bytes:
    """One PNG with a short-lived Renderer (about 2 s of browser start-up per call)."""
    with Renderer() as r:
        return r.png(fig, width, height, scale)


def figure_svg(fig: go.Figure, width: int = 1920, height: int = 1080) -> bytes:
    """One SVG with a short-lived Renderer (about 2 s of browser start-up per call)."""
    with Renderer() as r:
        return r.svg(fig, width, height)


# --------------------------------------------------------------------------------------------------
# HTML report


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


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {type(value).__name__}")
    return value


def _check_section(i: int, sec: object) -> Section:
    if not isinstance(sec, Section):
        raise ValueError(f"sections[{i}] must be a Section, got {type(sec).__name__}")
    _text(sec.title, f"sections[{i}].title")
    for j, item in enumerate(sec.figures):
        if not (
            isinstance(item, tuple)
            and len(item) == 2
            and isinstance(item[0], str)
            and isinstance(item[1], go.Figure)
        ):
            raise ValueError(f"sections[{i}].figures[{j}] must be a (caption, go.Figure) pair")
    for j, item in enumerate(sec.tables):
        if not (
            isinstance(item, tuple)
            and len(item) == 2
            and isinstance(item[0], str)
            and isinstance(item[1], pd.DataFrame)
        ):
            raise ValueError(f"sections[{i}].tables[{j}] must be a (caption, DataFrame) pair")
    for j, note in enumerate(sec.notes):
        _text(note, f"sections[{i}].notes[{j}]")
    return sec


def _notes_html(notes: Sequence[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    return f'<ul class="notes">{items}</ul>'


def _figure_div(fig: go.Figure) -> str:
    height = fig.layout.height or 500
    return fig.to_html(
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
    _text(title, "title")
    if not title.strip():
        raise ValueError("title must not be empty")
    _text(filter_text, "filter_text")
    _text(source, "source")
    if isinstance(sections, (str, bytes)) or not isinstance(sections, Sequence):
        raise ValueError("sections must be a list of Section")
    if isinstance(notes, (str, bytes)) or not isinstance(notes, Sequence):
        raise ValueError("notes must be a list of strings")
    checked = [_check_section(i, s) for i, s in enumerate(sections)]
    for j, note in enumerate(notes):
        _text(note, f"notes[{j}]")
    if generated_at is None:
        generated_at = datetime.now()
    elif not isinstance(generated_at, datetime):
        raise ValueError("generated_at must be a datetime")

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
    for sec in checked:
        parts.append(f"<section><h2>{esc(sec.title)}</h2>")
        for caption, fig in sec.figures:
            parts.append(
                f"<figure><figcaption>{esc(caption)}</figcaption>"
                f'<div class="plot">{_figure_div(fig)}</div></figure>'
            )
        for caption, df in sec.tables:
            table = df.to_html(index=False, escape=True, na_rep="—", classes="data", border=0)
            parts.append(f"<h3>{esc(caption)}</h3>{table}")
        parts.append(_notes_html(sec.notes))
        parts.append("</section>")
    parts.append(
        "</main><footer><p>A dash (—) in a table means the value is not available "
        "(not published or not recorded). Figures are interactive: hover for values.</p>"
        "</footer></body></html>"
    )
    return "\n".join(p for p in parts if p)


# --------------------------------------------------------------------------------------------------
# PPTX board pack


def footnote_lines(fig: go.Figure) -> list[str]:
    """The figure's house-style footnote as plain-text lines (``<br>`` splits, tags stripped)."""
    text = style.footnote_text(fig)
    if not text:
        return []
    lines = re.split(r"<br\s*/?>", text, flags=re.IGNORECASE)
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
    for name, value in (
        ("title", title),
        ("cohort_text", cohort_text),
        ("source", source),
        ("date_text", date_text),
    ):
        _text(value, name)
    if not title.strip():
        raise ValueError("title must not be empty")
    if not source.strip():
        raise ValueError("source must name the data source")
    if isinstance(charts, (str, bytes)) or not isinstance(charts, Sequence):
        raise ValueError("charts must be a list of (title, go.Figure) pairs")
    for i, item in enumerate(charts):
        if not (
            isinstance(item, tuple)
            and len(item) == 2
            and isinstance(item[0], str)
            and isinstance(item[1], go.Figure)
        ):
            raise ValueError(f"charts[{i}] must be a (title, go.Figure) pair")
    if isinstance(summary, (str, bytes)) or not isinstance(summary, Sequence):
        raise ValueError("summary must be a list of (label, value) pairs")
    for i, item in enumerate(summary):
        if not (
            isinstance(item, tuple)
            and len(item) == 2
            and isinstance(item[0], str)
            and isinstance(item[1], str)
        ):
            raise ValueError(f"summary[{i}] must be a (label, value text) pair of strings")
    if renderer is not None and not isinstance(renderer, Renderer):
        raise ValueError("renderer must be a Renderer or None")
    if on_progress is not None and not callable(on_progress):
        raise ValueError("on_progress must be callable or None")

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


def _build_pack(title, cohort_text, source, date_text, charts, summary, renderer, on_progress):
    from PIL import Image
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Emu, Inches, Pt

    grey = RGBColor(0x6B, 0x6B, 0x6B)
    dark = RGBColor(0x1A, 0x1A, 0x1A)
    prs = Presentation()
    # PowerPoint's 16:9 widescreen page: 13.333 x 7.5 in = 12 192 000 x 6 858 000 EMU.
    prs.slide_width, prs.slide_height = Emu(12_192_000), Emu(6_858_000)
    prs.core_properties.title = title
    blank = prs.slide_layouts[6]
    margin = Inches(0.5)
    content_w = prs.slide_width - 2 * margin

    def text_box(slide, left, top, width, height, lines, size, colour=dark, bold=False):
        tf = slide.shapes.add_textbox(left, top, width, height).text_frame
        tf.word_wrap = True
        for k, line in enumerate(lines):
            para = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
            run = para.add_run()
            run.text = line
            run.font.size, run.font.bold = Pt(size), bold
            run.font.color.rgb = colour
        return tf

    # Title slide.
    slide = prs.slides.add_slide(blank)
    text_box(slide, margin, Inches(1.6), content_w, Inches(1.4), [title], 40, bold=True)
    text_box(
        slide,
        margin,
        Inches(3.2),
        content_w,
        Inches(2.6),
        [f"Cohort: {cohort_text.strip() or 'All cases'}", date_text, f"Data source: {source}"],
        22,
    )

    # One slide per chart.
    n = len(charts)
    pic_top, pic_max_h = Inches(1.15), Inches(5.0)
    for i, (label, fig) in enumerate(charts, start=1):
        if on_progress is not None:
            on_progress(i, n, label)
        has_citation = any(a.name == "citation" for a in fig.layout.annotations)
        png = renderer.png(fig if has_citation else stamp(fig, source, present=True), 1920, 1080)
        with Image.open(io.BytesIO(png)) as img:
            px_w, px_h = img.size
        slide = prs.slides.add_slide(blank)
        text_box(slide, margin, Inches(0.3), content_w, Inches(0.8), [label], 28, bold=True)
        # Fit the image in the box keeping its aspect ratio, centred horizontally.
        scale = min(content_w / px_w, pic_max_h / px_h)
        w, h = Emu(int(px_w * scale)), Emu(int(px_h * scale))
        slide.shapes.add_picture(
            io.BytesIO(png), Emu(int((prs.slide_width - w) / 2)), pic_top, w, h
        )
        lines = footnote_lines(fig)
        if lines:
            text_box(
                slide, margin, pic_top + h + Inches(0.1), content_w, Inches(1.0), lines, 12, grey
            )

    # Key figures.
    slide = prs.slides.add_slide(blank)
    text_box(slide, margin, Inches(0.3), content_w, Inches(0.8), ["Key figures"], 28, bold=True)
    if not summary:
        text_box(slide, margin, Inches(1.3), content_w, Inches(1), ["No key figures supplied."], 20)
    else:
        rows = len(summary) + 1
        row_h = min(Inches(0.55), int((Inches(5.4)) / rows))
        size = 18 if row_h >= Inches(0.45) else 14 if row_h >= Inches(0.33) else 11
        shape = slide.shapes.add_table(rows, 2, margin, Inches(1.3), content_w, row_h * rows)
        table = shape.table
        table.columns[0].width = int(content_w * 0.45)
        table.columns[1].width = content_w - table.columns[0].width
        for r, (label, value) in enumerate([("Measure", "Value"), *summary]):
            table.rows[r].height = row_h
            for c, text in enumerate((label, value)):
                cell = table.cell(r, c)
                cell.text = text
                for para in cell.text_frame.paragraphs:
                    for run in para.runs:
                        run.font.size = Pt(size)
                        run.font.bold = r == 0
    text_box(
        slide,
        margin,
        prs.slide_height - Inches(0.8),
        content_w,
        Inches(0.5),
        [f"Cohort: {cohort_text.strip() or 'All cases'} · Data source: {source}"],
        12,
        grey,
    )

    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
