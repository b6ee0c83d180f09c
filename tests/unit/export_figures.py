"""Figures and the shared renderer of the export tests (images, board pack, HTML report).

Rendering tests need Debian's Chromium; without it they are skipped locally and fail when
CI == "true".
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager

import plotly.graph_objects as go
import pytest
from PIL import Image

from plexrt.charts import style
from plexrt.export import images

CITATION = "Sanuki N et al. Cureus 2022"
FOOTNOTE = "Cohort: 12 irradiated sites in 11 patients. Method: exact 95% CI"


def small_fig(title: str = "Pain response", footnote: str = FOOTNOTE, **kw) -> go.Figure:
    fig = go.Figure(go.Bar(x=["responder", "non-responder"], y=[7, 5]))
    return style.apply(fig, title=title, footnote=footnote, present=True, **kw)


@contextmanager
def running_renderer() -> Iterator[images.Renderer]:
    """One browser for a test module (one start, ~2 s)."""
    if not images.browser_available():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required for export tests in CI but was not found")
        pytest.skip("Chromium not installed (apt-get install chromium); rendering tests skipped")
    with images.Renderer() as r:
        yield r


def png_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as img:
        return img.size


def need_browser() -> None:
    """Skip (locally) or fail (CI) a test that draws images when Chromium is missing."""
    if not images.browser_available():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required for export tests in CI but was not found")
        pytest.skip("Chromium not installed (apt-get install chromium); rendering tests skipped")
