"""The shared export browser (plexrt.export.rendering) and PDF printing (plexrt.export.renderer):
one browser kept for the process and replaced when it died, images cached by content, a batch
drawn several at a time, HTML printed to exactly one page."""

from __future__ import annotations

import io
import os
import shutil
import signal
import time

import pytest

from plexrt.export import rendering
from plexrt.export.renderer import START_FAILED_MESSAGE, ExportUnavailable, Renderer
from tests.unit.export_figures import need_browser, png_size, small_fig

A4_IN = (8.27, 11.69)
LETTER_IN = (8.5, 11.0)


# ------------------------------------------------------------------------------- content cache


def test_content_key_follows_the_figure_and_the_size():
    a, b = small_fig("Pain"), small_fig("Pain")
    assert rendering.content_key(a, "png", 100, 50) == rendering.content_key(b, "png", 100, 50)
    assert rendering.content_key(a, "png", 100, 50) != rendering.content_key(a, "png", 100, 51)
    assert rendering.content_key(a, "png", 100, 50) != rendering.content_key(a, "svg", 100, 50)
    b.update_layout(title_text="Changed")
    assert rendering.content_key(a, "png", 100, 50) != rendering.content_key(b, "png", 100, 50)
    with pytest.raises(ValueError, match="go.Figure"):
        rendering.content_key({"data": []}, "png", 1, 1)


HUGE = 10**5000  # an int str() refuses to write out (over 4,300 digits)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda f: rendering.image(f, "png", HUGE, 100), "width must be a whole number of pixels"),
        (lambda f: rendering.image(f, "png", 100, -HUGE), "height must be a whole number of"),
        (lambda f: rendering.image(f, "png", 100, 100, HUGE), "scale must be a number greater"),
        (lambda f: rendering.pngs([f], (HUGE, 100)), "width must be a whole number of pixels"),
        (lambda f: rendering.content_key(f, "svg", 100, HUGE), "height must be a whole number"),
        (lambda f: rendering.image(f, "gif", 100, 100), "fmt must be 'png' or 'svg'"),
        (lambda f: rendering.pdf("<p>x</p>", (HUGE, 11.0), 0.5), "paper_in must be two positive"),
        (lambda f: rendering.pdf("<p>x</p>", (8.5, HUGE), 0.5), "paper_in must be two positive"),
        (lambda f: rendering.pdf("<p>x</p>", (8.5, 11.0), HUGE), "margin_in must be positive"),
    ],
)
def test_an_option_out_of_range_is_refused_in_the_renderers_words(call, message):
    """Checked before the cache key writes it out: not Python's 'Exceeds the limit (4300
    digits)' nor an OverflowError, and no browser is needed to say so."""
    with pytest.raises(ValueError) as err:
        call(small_fig())
    assert str(err.value).startswith(message)
    assert "4300" not in str(err.value)


def test_cache_drops_the_least_recently_used_beyond_its_size():
    cache = rendering._Cache(limit=10)
    cache.put("a", b"1234")
    cache.put("b", b"1234")
    assert cache.get("a") == b"1234"  # a is now the most recently used
    cache.put("c", b"1234")  # 12 bytes > 10: b (least recently used) goes
    assert cache.get("b") is None and cache.get("a") == b"1234" and cache.get("c") == b"1234"
    cache.put("huge", b"x" * 11)  # larger than the whole cache: not kept
    assert cache.get("huge") is None and len(cache) == 2


# ---------------------------------------------------------------------------- shared renderer


@pytest.fixture
def counted_draws(monkeypatch):
    """How many images the browser was asked to draw."""
    calls = []
    real = Renderer.submit

    def submit(self, fig, fmt, width, height, scale=1):
        calls.append((fmt, width, height))
        return real(self, fig, fmt, width, height, scale)

    monkeypatch.setattr(Renderer, "submit", submit)
    return calls


def test_same_figure_is_drawn_once(counted_draws):
    need_browser()
    rendering.clear_cache()
    fig = small_fig("Drawn once")
    first = rendering.image(fig, "png", 640, 360)
    again = rendering.image(small_fig("Drawn once"), "png", 640, 360)  # equal content
    assert again == first and png_size(first) == (640, 360)
    assert counted_draws == [("png", 640, 360)]
    rendering.image(fig, "png", 640, 361)  # another size is another image
    assert len(counted_draws) == 2


def test_a_batch_keeps_its_order_and_reports_progress(counted_draws):
    need_browser()
    rendering.clear_cache()
    figs = [small_fig(f"Chart {i}", height=300 + 10 * i) for i in range(4)]
    rendering.image(figs[2], "png", 400, 200)  # one of them is cached already
    calls = []
    out = rendering.pngs(figs, (400, 200), on_done=lambda d, n: calls.append((d, n)))
    assert [png_size(p) for p in out] == [(400, 200)] * 4
    assert out[2] == rendering.image(figs[2], "png", 400, 200)
    assert len(counted_draws) == 1 + 3  # the cached one was not drawn again
    assert calls[0] == (1, 4) and calls[-1] == (4, 4)
    assert [d for d, _ in calls] == [1, 2, 3, 4]
    # each image is its own chart: the titles differ, so the pictures do
    assert len(set(out)) == 4


def test_a_killed_browser_is_replaced():
    need_browser()
    rendering.image(small_fig("Before"), "png", 320, 180)
    old = rendering._renderer
    assert old is not None and rendering.running()
    pid = old._kaleido.subprocess.pid
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while old.alive and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not old.alive
    assert png_size(rendering.image(small_fig("After"), "png", 320, 180)) == (320, 180)
    assert rendering._renderer is not old and rendering.running()


def test_a_browser_that_cannot_start_says_so_not_that_none_is_installed(monkeypatch):
    false = shutil.which("false")
    if false is None:
        pytest.skip("no `false` executable to stand in for a broken browser")
    rendering.close()
    rendering.clear_cache()
    monkeypatch.setenv("BROWSER_PATH", false)
    with pytest.raises(ExportUnavailable) as err:
        rendering.image(small_fig(), "png", 100, 100)
    assert str(err.value) == START_FAILED_MESSAGE
    assert not rendering.running()


def test_warm_up_starts_the_shared_browser_in_the_background():
    need_browser()
    rendering.close()
    rendering.warm_up()
    deadline = time.monotonic() + 90
    while not rendering.running() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert rendering.running()


# ------------------------------------------------------------------------------------- PDF


def _pages(data: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data)).pages


def test_html_prints_to_one_page_of_the_paper():
    need_browser()
    page = "<!DOCTYPE html><html><body><h1>Handout</h1><p>One line.</p></body></html>"
    for paper, (w_in, h_in) in (("A4", A4_IN), ("Letter", LETTER_IN)):
        (only,) = _pages(rendering.pdf(page, (w_in, h_in), 0.5))
        # 72 points per inch: A4 8.27 x 11.69 in = 595.4 x 841.7 pt; Letter 612 x 792 pt
        box = only.mediabox
        assert abs(float(box.width) - 72 * w_in) < 1.5, paper
        assert abs(float(box.height) - 72 * h_in) < 1.5, paper
        assert "One line." in only.extract_text()


def test_a_long_page_is_scaled_onto_one_sheet():
    need_browser()
    paras = "".join(f"<p>Paragraph {i} of the long page.</p>" for i in range(1, 91))
    page = f"<!DOCTYPE html><html><body>{paras}</body></html>"
    (only,) = _pages(rendering.pdf(page, A4_IN, 0.5))
    text = only.extract_text()
    assert "Paragraph 1 of" in text and "Paragraph 90 of the long page." in text


def test_pdf_arguments_are_checked():
    with pytest.raises(ValueError, match="html"):
        Renderer().pdf("  ", A4_IN, 0.5)
    with pytest.raises(ValueError, match="margin_in"):
        Renderer().pdf("<p>x</p>", A4_IN, 5)
    with pytest.raises(ValueError, match="tabs"):
        Renderer(tabs=0)
