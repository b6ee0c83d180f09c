from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def as_read(markdown: str) -> str:
    """Markdown as a reader sees it, its backslash escapes taken out (user text shown in
    Markdown is escaped: plexrt.ui.safe_text)."""
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.fixture
def app():
    """A fresh AppTest of the whole app (entry point + navigation), not yet run."""

    def make(**params) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        for k, v in params.items():
            at.query_params[k] = v
        return at

    return make
