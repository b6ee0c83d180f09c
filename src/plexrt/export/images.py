"""Static images of figures (PNG, SVG) and the data-source stamp they carry.

Images are drawn by kaleido 1.x, which drives a headless Chromium. One browser is started per
:class:`Renderer` (about 2 s) and reused for every image of a pack (about 0.2 s each). When no
Chromium is installed every image export (and the PPTX pack, see ``board_pack``) raises
:class:`ExportUnavailable`; the HTML report (``report``) needs no browser and is always available.

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
import logging
import os
import threading
from numbers import Real
from typing import Any

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
# on-screen plot (charts.style holds that width and the glyph width).
_CITATION_WIDTH_PX = {True: 1200, False: style.ASSUMED_PLOT_WIDTH_PX}

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
    return path is not None and os.path.isfile(path) and os.access(path, os.X_OK)


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
    text = style.wrap_to_px(
        html.escape(" ".join(citation.split()), quote=False), _CITATION_WIDTH_PX[present], size
    )

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
    # 4 px above the bottom edge of the image; the footnote stays `growth` px higher.
    style.margin_text(
        out,
        text,
        above=False,
        right=True,
        yshift=-new_b + 4,
        size=size,
        colour=style.GREY,
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
        self._kaleido: Any = None  # kaleido.Kaleido once started (kaleido ships no types)
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        """True between a successful start and close."""
        return self._kaleido is not None

    def __enter__(self) -> Renderer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
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

            async def _open() -> Any:
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
