"""The headless Chromium that draws figures (PNG, SVG) and prints pages (PDF).

Images are drawn by kaleido 1.x, which drives a headless Chromium; the same browser prints HTML to
PDF through the DevTools protocol (``Page.printToPDF``, via kaleido's choreographer). Starting the
browser takes 2-4 s, one image about 0.3 s; ``tabs`` tabs draw that many images at once. When no
Chromium is installed every image export raises :class:`ExportUnavailable`; the HTML report needs
no browser and is always available. ``plexrt.export.rendering`` keeps one Renderer per process.

Why the Renderer owns its kaleido instance instead of ``kaleido.start_sync_server()``: the sync
server is a process-wide singleton (one Streamlit session closing it would break another session's
export), and when Chromium fails to launch its worker thread dies while the next call waits on its
task queue forever (checked with kaleido 1.5.0 and ``BROWSER_PATH=/bin/false``). The Renderer runs
the same ``kaleido.Kaleido`` browser on a private event-loop thread, so a failed start is an
exception and every call has a timeout.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from plexrt.charts.markup import safe_spec
from plexrt.data.values import finite_float

_log = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = (
    "Image export needs Chromium, which is not installed on this server; "
    "the HTML report is still available."
)
START_FAILED_MESSAGE = (
    "Image export could not start Chromium on this server (it exited or did not answer); "
    "the HTML report is still available."
)
DRAW_FAILED_MESSAGE = (
    "Image export failed while drawing the chart; the HTML report is still available."
)

_MAX_PIXELS = 8000  # larger images would be a typo, not a slide
_START_TIMEOUT_S = 60.0
_IMAGE_TIMEOUT_S = 60.0
_CSS_PX_PER_INCH = 96


class ExportUnavailable(RuntimeError):
    """Static image export cannot run here (no Chromium, or it failed to start or to draw); the
    message is for users and says which."""

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
# The renderer


def check_size(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _MAX_PIXELS:
        raise ValueError(f"{name} must be a whole number of pixels from 1 to {_MAX_PIXELS}")
    return value


def _check_scale(scale: object) -> float:
    x = finite_float(scale)
    if x is None or not 0 < x <= 10:
        raise ValueError("scale must be a number greater than 0 and at most 10")
    return x


def image_options(fmt: object, width: object, height: object, scale: object = 1) -> dict[str, Any]:
    """kaleido's options for one image, each checked first: a format, size or scale out of range
    is refused in the renderer's words, whatever the value (an int of any length included)."""
    if fmt not in ("png", "svg"):
        raise ValueError("fmt must be 'png' or 'svg'")
    width, height = check_size("width", width), check_size("height", height)
    return {"format": fmt, "width": width, "height": height, "scale": _check_scale(scale)}


def page_options(paper_in: object, margin_in: object) -> tuple[tuple[float, float], float]:
    """((width, height), margin) in inches of a printed page, each checked first, as
    ``image_options`` checks an image's."""
    sides = [finite_float(x) for x in paper_in] if isinstance(paper_in, tuple) else []
    if len(sides) != 2 or any(x is None or x <= 0 for x in sides):
        raise ValueError("paper_in must be two positive numbers of inches (width, height)")
    w_in, h_in = float(paper_in[0]), float(paper_in[1])  # type: ignore[index]
    margin = finite_float(margin_in)
    if margin is None or not 0 < margin < min(w_in, h_in) / 2:
        raise ValueError("margin_in must be positive and leave room on the page")
    return (w_in, h_in), margin


class Renderer:
    """One headless Chromium (via kaleido) with ``tabs`` drawing tabs; a context manager.

    ``with Renderer() as r: r.png(fig)`` starts the browser on enter and stops it on exit.
    Raises :class:`ExportUnavailable` on enter when no Chromium is installed or it fails to start,
    and from ``png``/``svg``/``pdf`` when the browser fails while drawing. Calls may come from
    several threads; up to ``tabs`` images are drawn at the same time.
    """

    def __init__(
        self,
        *,
        start_timeout: float = _START_TIMEOUT_S,
        image_timeout: float = _IMAGE_TIMEOUT_S,
        tabs: int = 1,
    ) -> None:
        for name, value in (("start_timeout", start_timeout), ("image_timeout", image_timeout)):
            seconds = finite_float(value)
            if seconds is None or seconds <= 0:
                raise ValueError(f"{name} must be a positive number of seconds")
        if isinstance(tabs, bool) or not isinstance(tabs, int) or not 1 <= tabs <= 8:
            raise ValueError("tabs must be a whole number from 1 to 8")
        self._start_timeout = float(start_timeout)
        self._image_timeout = float(image_timeout)
        self._tabs = tabs
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None  # kaleido.Kaleido once started (kaleido ships no types)
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        """True between a successful start and close."""
        return self._kaleido is not None

    @property
    def wait_s(self) -> float:
        """How long one drawing may take before it counts as failed."""
        return self._image_timeout + 10

    @property
    def alive(self) -> bool:
        """Running, and its browser process has not exited (crashed or been killed)."""
        proc = getattr(self._kaleido, "subprocess", None)
        return self.running and (proc is None or proc.poll() is None)

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

            # A browser that does not answer in time on a loaded machine (the first launch reads
            # Chromium from disk) is given one more try before the export is called unavailable.
            for attempt in (1, 2):
                try:
                    self._kaleido, self._loop, self._thread = self._launch(kaleido)
                    return
                except concurrent.futures.TimeoutError as exc:
                    _log.warning("kaleido did not start in time (attempt %d)", attempt)
                    if attempt == 2:
                        raise ExportUnavailable(START_FAILED_MESSAGE) from exc
                except Exception as exc:
                    _log.warning("kaleido failed to start: %r", exc)
                    raise ExportUnavailable(START_FAILED_MESSAGE) from exc

    def _launch(self, kaleido: Any) -> tuple[Any, asyncio.AbstractEventLoop, threading.Thread]:
        """Open kaleido's browser on a loop of its own; the loop is stopped again on failure."""
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="plexrt-kaleido", daemon=True)
        thread.start()
        image_timeout, tabs = self._image_timeout, self._tabs

        async def _open() -> Any:
            # mathjax=False: no CDN fetch (the server is offline); figures use no LaTeX.
            k = kaleido.Kaleido(n=tabs, timeout=image_timeout, mathjax=False)
            try:
                await k.open()
            except BaseException:
                with contextlib.suppress(Exception):
                    await k.close()
                raise
            return k

        future = asyncio.run_coroutine_threadsafe(_open(), loop)
        try:
            return future.result(timeout=self._start_timeout), loop, thread
        except BaseException:
            future.cancel()
            _stop_loop(loop, thread)
            raise

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

    def _running(self) -> tuple[Any, asyncio.AbstractEventLoop]:
        k, loop = self._kaleido, self._loop
        if k is None or loop is None:
            raise RuntimeError("Renderer is not running; use it as `with Renderer() as r:`")
        return k, loop

    def submit(
        self, fig: go.Figure, fmt: str, width: int, height: int, scale: float = 1
    ) -> concurrent.futures.Future[Any]:
        """Start drawing ``fig`` and return at once; ``result(future)`` gives the bytes."""
        if not isinstance(fig, go.Figure):
            raise ValueError(f"fig must be a plotly go.Figure, got {type(fig).__name__}")
        opts = image_options(fmt, width, height, scale)
        k, loop = self._running()
        spec = safe_spec(fig)  # snapshot in the caller's thread, text drawn as written
        return asyncio.run_coroutine_threadsafe(k.calc_fig(spec, opts=opts), loop)

    def result(self, future: concurrent.futures.Future[Any]) -> bytes:
        """The bytes of a ``submit``; ExportUnavailable when the browser failed or timed out."""
        try:
            data = future.result(timeout=self.wait_s)
        except (ValueError, TypeError):
            raise
        except Exception as exc:
            future.cancel()
            _log.warning("kaleido failed to draw: %r", exc)
            raise ExportUnavailable(DRAW_FAILED_MESSAGE) from exc
        return bytes(data)

    def png(self, fig: go.Figure, width: int = 1920, height: int = 1080, scale: float = 1) -> bytes:
        """PNG bytes of ``fig``, ``width*scale`` x ``height*scale`` pixels."""
        return self.result(self.submit(fig, "png", width, height, scale))

    def svg(self, fig: go.Figure, width: int = 1920, height: int = 1080) -> bytes:
        """SVG bytes (UTF-8) of ``fig`` laid out at ``width`` x ``height``."""
        return self.result(self.submit(fig, "svg", width, height, 1))

    def pdf(self, html: str, paper_in: tuple[float, float], margin_in: float) -> bytes:
        """``html`` printed to a one-page PDF of ``paper_in`` (width, height in inches) with
        ``margin_in`` margins: laid out for print at the printable width and, when taller than
        the printable height, scaled down until it fits on one page."""
        if not isinstance(html, str) or not html.strip():
            raise ValueError("html must be a non-empty string")
        (w_in, h_in), margin = page_options(paper_in, margin_in)
        k, loop = self._running()
        with tempfile.TemporaryDirectory(prefix="plexrt-print-") as tmp:
            page = Path(tmp) / "page.html"
            page.write_text(html, encoding="utf-8")
            coro = _print_pdf(k, page.as_uri(), (w_in, h_in), margin)
            future = asyncio.run_coroutine_threadsafe(coro, loop)
            try:
                return future.result(timeout=self.wait_s)
            except (ValueError, TypeError):
                raise
            except Exception as exc:
                future.cancel()
                _log.warning("Chromium failed to print: %r", exc)
                raise ExportUnavailable(
                    "Printing the handout to PDF failed; its HTML version is still available."
                ) from exc


async def _print_pdf(k: Any, url: str, paper_in: tuple[float, float], margin_in: float) -> bytes:
    """Open ``url`` in a tab of its own, find the largest print scale at which it fits on one
    page, print it, close the tab."""
    w_in, h_in = paper_in
    width_px = (w_in - 2 * margin_in) * _CSS_PX_PER_INCH
    height_px = (h_in - 2 * margin_in) * _CSS_PX_PER_INCH
    tab = await k.create_tab("", window=True)
    try:
        await _checked(tab, "Emulation.setEmulatedMedia", {"media": "print"})
        await _layout_width(tab, width_px, height_px)
        loaded = tab.subscribe_once("Page.loadEventFired")
        await _checked(tab, "Page.enable")
        await _checked(tab, "Page.navigate", {"url": url})
        await loaded
        scale = await _one_page_scale(tab, width_px, height_px)
        printed = await _checked(
            tab,
            "Page.printToPDF",
            {
                "paperWidth": w_in,
                "paperHeight": h_in,
                "marginTop": margin_in,
                "marginBottom": margin_in,
                "marginLeft": margin_in,
                "marginRight": margin_in,
                "printBackground": True,
                "scale": scale,
            },
        )
        return base64.b64decode(printed["result"]["data"])
    finally:
        with contextlib.suppress(Exception):
            await k.close_tab(tab)


async def _layout_width(tab: Any, width_px: float, height_px: float) -> None:
    await _checked(
        tab,
        "Emulation.setDeviceMetricsOverride",
        {
            "width": round(width_px),
            "height": round(height_px),
            "deviceScaleFactor": 1,
            "mobile": False,
        },
    )


async def _one_page_scale(tab: Any, width_px: float, height_px: float) -> float:
    """The largest print scale (0.3-1, to 1/64) at which the page fits on one sheet: at scale s
    Chromium lays the page out at width/s and prints it s times smaller, so the printed height
    s * H(width / s) grows with s; bisect on it (2% to spare for rounding of line boxes)."""

    async def printed_height(scale: float) -> float:
        # A short window: the root's scrollHeight is never less than the window's height.
        await _layout_width(tab, width_px / scale, 100)
        got = await _checked(
            tab,
            "Runtime.evaluate",
            {"expression": "document.documentElement.scrollHeight", "returnByValue": True},
        )
        return scale * float(got["result"]["result"]["value"])

    limit = 0.98 * height_px
    if await printed_height(1.0) <= limit:
        return 1.0
    low, high = 0.3, 1.0
    for _ in range(6):
        mid = (low + high) / 2
        if await printed_height(mid) <= limit:
            low = mid
        else:
            high = mid
    return low


async def _checked(tab: Any, command: str, params: dict[str, Any] | None = None) -> Any:
    """A DevTools command whose error reply raises instead of passing silently."""
    reply = await tab.send_command(command, params=params)
    if "error" in reply:
        raise RuntimeError(f"{command}: {reply['error']}")
    return reply


def _stop_loop(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)
    if not thread.is_alive():
        loop.close()
