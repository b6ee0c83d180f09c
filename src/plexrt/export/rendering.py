"""The process's renderer: one Chromium for every export, started on first use and kept.

Starting Chromium costs 2-4 s, drawing one chart about 0.3 s, so the browser is started once per
server process (``warm_up`` starts it in the background when the board opens) and reused by every
session. A browser that died (crashed, killed) is replaced by a new one and the work is tried once
more; one that cannot start gives :class:`ExportUnavailable` with a plain message. Images are
cached by content (a hash of the figure's JSON, the format and the size), so the same chart is
drawn once; the pack's charts are drawn ``TABS`` at a time.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

import plotly.graph_objects as go

from plexrt.export.renderer import (
    DRAW_FAILED_MESSAGE,
    ExportUnavailable,
    Renderer,
    browser_available,
    image_options,
    page_options,
)

_log = logging.getLogger(__name__)

#: Tabs drawing at the same time. Two keep both cores of a small server busy while one tab waits
#: on the browser; more only queue up.
TABS = 2
#: Rendered bytes kept in memory (least recently used dropped first).
CACHE_BYTES = 96 * 1024 * 1024

T = TypeVar("T")
Size = tuple[int, int]


class _Cache:
    """Least-recently-used bytes by key, bounded by their total size."""

    def __init__(self, limit: int) -> None:
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._limit = limit
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
            return data

    def put(self, key: str, data: bytes) -> None:
        with self._lock:
            if key in self._items or len(data) > self._limit:
                return
            self._items[key] = data
            self._size += len(data)
            while self._size > self._limit:
                _, old = self._items.popitem(last=False)
                self._size -= len(old)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._items)


_cache = _Cache(CACHE_BYTES)
_lock = threading.Lock()
_renderer: Renderer | None = None


def content_key(fig: go.Figure, fmt: str, width: int, height: int, scale: float = 1) -> str:
    """The cache key of an image: SHA-256 of the figure's JSON with the format and size (checked
    first: ValueError in the renderer's words when one is out of range)."""
    if not isinstance(fig, go.Figure):
        raise ValueError(f"fig must be a plotly go.Figure, got {type(fig).__name__}")
    opts = image_options(fmt, width, height, scale)  # checked before any is written out
    spec = fig.to_json(validate=False)
    size = f"{opts['width']}x{opts['height']}@{opts['scale']}"
    return hashlib.sha256(f"{fmt}|{size}|{spec}".encode()).hexdigest()


def _running() -> Renderer:
    """The shared renderer, started (or restarted, when its browser died) under the lock."""
    global _renderer
    with _lock:
        if _renderer is not None and not _renderer.alive:
            _log.warning("the export browser is gone; starting a new one")
            _renderer.close()
            _renderer = None
        if _renderer is None:
            r = Renderer(tabs=TABS)
            r.start()  # ExportUnavailable when it cannot
            _renderer = r
        return _renderer


def _with_renderer(work: Callable[[Renderer], T]) -> T:
    """``work`` on the shared renderer; once more on a new browser when the old one had died."""
    r = _running()
    try:
        return work(r)
    except ExportUnavailable:
        if r.alive:  # the browser is fine: the drawing itself failed
            raise
    return work(_running())


def running() -> bool:
    """True when the shared browser is up (for tests and the bench)."""
    return _renderer is not None and _renderer.alive


def warm_up() -> None:
    """Start the shared browser in the background if it is not running (no-op without Chromium),
    so that the first export does not wait for the start."""
    if running() or not browser_available():
        return

    def start() -> None:
        try:
            _running()
        except ExportUnavailable:
            _log.info("export browser could not start; exports will say so")

    threading.Thread(target=start, name="plexrt-export-warm-up", daemon=True).start()


def close() -> None:
    """Stop the shared browser (it starts again on the next export)."""
    global _renderer
    with _lock:
        r, _renderer = _renderer, None
    if r is not None:
        r.close()


def clear_cache() -> None:
    _cache.clear()


atexit.register(close)


def image(fig: go.Figure, fmt: str, width: int, height: int, scale: float = 1) -> bytes:
    """One PNG or SVG of ``fig`` (from the cache when the same figure was drawn at that size)."""
    key = content_key(fig, fmt, width, height, scale)
    data = _cache.get(key)
    if data is None:
        data = _with_renderer(lambda r: r.result(r.submit(fig, fmt, width, height, scale)))
        _cache.put(key, data)
    return data


def pngs(
    figs: Sequence[go.Figure], size: Size, on_done: Callable[[int, int], object] | None = None
) -> list[bytes]:
    """PNGs of ``figs`` at ``size`` (width, height), drawn ``TABS`` at a time; cached ones are
    taken from the cache. ``on_done(done, total)`` is called in the caller's thread each time
    one is ready (for a progress bar)."""
    width, height = size
    keys = [content_key(f, "png", width, height) for f in figs]
    out: list[bytes | None] = [_cache.get(k) for k in keys]
    done = sum(d is not None for d in out)
    if on_done is not None and done:
        on_done(done, len(figs))

    def draw(r: Renderer) -> None:
        nonlocal done
        todo = {r.submit(figs[i], "png", width, height): i for i, d in enumerate(out) if d is None}
        for future in _as_completed(todo, r.wait_s * len(todo)):
            i = todo[future]
            data = out[i] = r.result(future)
            _cache.put(keys[i], data)
            done += 1
            if on_done is not None:
                on_done(done, len(figs))

    if done < len(figs):
        _with_renderer(draw)
    return [d for d in out if d is not None]


def _as_completed(
    futures: dict[concurrent.futures.Future, int], timeout_s: float
) -> Iterator[concurrent.futures.Future]:
    """Futures as they finish; a batch that outlives ``timeout_s`` is a failed export."""
    try:
        yield from concurrent.futures.as_completed(futures, timeout=timeout_s)
    except TimeoutError as exc:
        for future in futures:
            future.cancel()
        raise ExportUnavailable(DRAW_FAILED_MESSAGE) from exc


def pdf(html: str, paper_in: tuple[float, float], margin_in: float) -> bytes:
    """``html`` printed to one page by the shared browser (cached by content and paper)."""
    paper, margin = page_options(paper_in, margin_in)  # checked before any is written out
    key = hashlib.sha256(f"pdf|{paper}|{margin}|{html}".encode()).hexdigest()
    data = _cache.get(key)
    if data is None:
        data = _with_renderer(lambda r: r.pdf(html, paper_in, margin_in))
        _cache.put(key, data)
    return data
