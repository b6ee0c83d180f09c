"""Static images and the data-source stamp (plexrt.export.images)."""

from __future__ import annotations

import concurrent.futures
import io
import re
import shutil

import numpy as np
import pytest
from PIL import Image

from plexrt.charts import style
from plexrt.export import images
from plexrt.export import renderer as renderer_module
from tests.unit.export_figures import (
    CITATION,
    FOOTNOTE,
    need_browser,
    png_size,
    running_renderer,
    small_fig,
)

# The plain message promised to users (typed here from the specification, not read from the module).
PLAIN = (
    "Image export needs Chromium, which is not installed on this server; "
    "the HTML report is still available."
)
# ... and when a Chromium is there but does not start (it exits, or never answers).
NO_START = (
    "Image export could not start Chromium on this server (it exited or did not answer); "
    "the HTML report is still available."
)


@pytest.fixture(scope="module")
def renderer():
    with running_renderer() as r:
        yield r


# ---------------------------------------------------------------------------------------- stamp


def test_stamp_keeps_footnote_and_adds_citation_below_it():
    fig = small_fig()
    before_b = fig.layout.margin.b
    out = images.stamp(fig, CITATION, present=True)

    # A copy: the original carries no citation and keeps its margin.
    assert [a.name for a in fig.layout.annotations] == ["footnote"]
    assert fig.layout.margin.b == before_b
    assert style.footnote_text(out) == style.footnote_text(fig) == FOOTNOTE

    (cit,) = [a for a in out.layout.annotations if a.name == "citation"]
    assert cit.text == CITATION
    assert (cit.x, cit.xanchor, cit.y, cit.yanchor) == (1, "right", 0, "bottom")
    assert cit.font.color == style.GREY
    assert cit.font.size < style.font_sizes(True)["footnote"]  # small type

    # Geometry in px relative to the plot's bottom edge (negative = lower). plotly.js spaces text
    # lines 1.3 em apart (LINE_SPACING in svg_text_utils), so one citation line is 1.3 * size tall.
    grown = out.layout.margin.b - before_b
    assert grown >= 1.3 * cit.font.size
    foot = next(a for a in out.layout.annotations if a.name == "footnote")
    citation_top = cit.yshift + 1.3 * cit.font.size
    assert citation_top <= foot.yshift  # citation wholly below the footnote's bottom
    assert cit.yshift >= -out.layout.margin.b  # not below the image edge


def test_stamp_twice_replaces_and_fixed_height_grows():
    fig = small_fig(height=600)
    once = images.stamp(fig, CITATION)
    twice = images.stamp(once, "Other source 2024")
    assert [a.text for a in twice.layout.annotations if a.name == "citation"] == [
        "Other source 2024"
    ]
    assert twice.layout.margin.b == once.layout.margin.b
    # A fixed height grows by the same amount as the margin: the plot area keeps its size.
    assert once.layout.height - 600 == once.layout.margin.b - fig.layout.margin.b > 0


def test_stamp_escapes_markup_and_rejects_bad_arguments():
    out = images.stamp(small_fig(), "Data <b>A</b> & B")
    (cit,) = [a for a in out.layout.annotations if a.name == "citation"]
    assert cit.text == "Data &lt;b&gt;A&lt;/b&gt; &amp; B"
    with pytest.raises(ValueError, match="citation"):
        images.stamp(small_fig(), "  ")
    with pytest.raises(ValueError, match="fig"):
        images.stamp({"data": []}, CITATION)


# ------------------------------------------------------------------------------- unavailability


def test_no_chromium_raises_plain_message(monkeypatch, tmp_path):
    from plexrt.export import rendering

    rendering.close()  # the shared browser of earlier tests would still draw
    rendering.clear_cache()
    # choreographer honours BROWSER_PATH before PATH; pointing it at a missing file hides Chromium.
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert images.browser_available() is False
    with pytest.raises(images.ExportUnavailable) as err, images.Renderer():
        pass
    assert str(err.value) == PLAIN
    assert isinstance(err.value, RuntimeError)
    with pytest.raises(images.ExportUnavailable, match="HTML report is still available"):
        images.figure_png(small_fig())
    with pytest.raises(images.ExportUnavailable):
        images.figure_svg(small_fig())


def test_browser_that_fails_to_start_raises_instead_of_hanging(monkeypatch):
    false = shutil.which("false")
    if false is None:
        pytest.skip("no `false` executable to stand in for a broken browser")
    monkeypatch.setenv("BROWSER_PATH", false)
    assert images.browser_available() is True  # an executable is there ...
    # A start timeout longer than the per-test timeout: waiting it out would fail the test.
    r = images.Renderer(start_timeout=3600)
    with pytest.raises(images.ExportUnavailable) as err:  # ... but it is no browser
        r.start()
    assert str(err.value) == NO_START  # not "not installed": one is, and it would not start
    assert not isinstance(err.value.__cause__, concurrent.futures.TimeoutError)
    assert r.running is False


def test_renderer_arguments_are_checked():
    with pytest.raises(ValueError, match="start_timeout"):
        images.Renderer(start_timeout=0)
    # beyond any float (OverflowError before), or endless: refused in words
    for huge in (10**400, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="image_timeout must be a positive number"):
            images.Renderer(image_timeout=huge)
        with pytest.raises(ValueError, match="scale must be a number greater than 0"):
            renderer_module._check_scale(huge)
    assert renderer_module._check_scale(2) == 2.0
    with pytest.raises(RuntimeError, match="not running"):
        images.Renderer().png(small_fig())


# ------------------------------------------------------------------------------------ rendering


def test_png_dimensions(renderer):
    fig = small_fig()
    assert png_size(renderer.png(fig)) == (1920, 1080)
    # scale multiplies the layout size: 640 x 360 at scale 2 -> 1280 x 720 pixels.
    assert png_size(renderer.png(fig, 640, 360, scale=2)) == (1280, 720)
    with pytest.raises(ValueError, match="width"):
        renderer.png(fig, width=0)
    with pytest.raises(ValueError, match="scale"):
        renderer.png(fig, scale=-1)


def test_svg_contains_citation_and_footnote(renderer):
    svg = renderer.svg(images.stamp(small_fig(), CITATION), 1280, 720).decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    assert re.search(r'<svg[^>]*width="1280"[^>]*height="720"', svg)
    assert CITATION in svg
    assert FOOTNOTE in svg


def test_citation_drawn_bottom_right_inside_image(renderer):
    fig = small_fig()

    def dark_pixels(png: bytes, box: tuple[int, int, int, int]) -> int:
        with Image.open(io.BytesIO(png)) as img:
            return int((np.asarray(img.convert("L").crop(box)) < 200).sum())

    plain = renderer.png(fig, 1280, 720)
    stamped = renderer.png(images.stamp(fig, CITATION), 1280, 720)
    bottom_right = (640, 700, 1280, 720)  # the last 20 px rows, right half
    assert dark_pixels(plain, bottom_right) == 0
    assert dark_pixels(stamped, bottom_right) > 50  # citation glyphs
    assert dark_pixels(stamped, (0, 719, 1280, 720)) == 0  # nothing touches the bottom edge
    # The footnote is still drawn (left half, above the citation row).
    assert dark_pixels(stamped, (0, 620, 640, 700)) > 50


def test_a_browser_slow_to_start_once_is_given_a_second_try(monkeypatch):
    """On a loaded machine kaleido's browser did not answer within the start timeout once, and
    the whole board pack was refused as 'not installed'. A start that times out is tried once
    more; only a second timeout makes the export unavailable."""
    from plexrt.export.renderer import Renderer

    need_browser()
    real = Renderer._launch
    calls = []

    def slow_once(self, kaleido):
        calls.append(1)
        if len(calls) == 1:
            raise concurrent.futures.TimeoutError()
        return real(self, kaleido)

    monkeypatch.setattr(Renderer, "_launch", slow_once)
    r = images.Renderer()
    r.start()
    try:
        assert r.running and len(calls) == 2
        assert png_size(r.png(small_fig(), width=400, height=300)) == (400, 300)
    finally:
        r.close()
    calls.clear()

    def always_slow(self, kaleido):
        calls.append(1)
        raise concurrent.futures.TimeoutError()

    monkeypatch.setattr(Renderer, "_launch", always_slow)
    with pytest.raises(images.ExportUnavailable) as err:
        images.Renderer().start()
    assert len(calls) == 2
    assert str(err.value) == NO_START
