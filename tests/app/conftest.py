from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.streamlit_markdown import as_read  # Markdown as a reader sees it (safe_text.md)

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def table_as_read(element) -> pd.DataFrame:
    """A static table (``st.table``, whose cells are Markdown, escaped by the app) as a reader
    sees it: every text cell, header and row label with its backslash escapes taken out."""
    frame = element.value.map(lambda v: as_read(v) if isinstance(v, str) else v)
    frame.columns = [as_read(str(c)) for c in frame.columns]
    if not isinstance(frame.index, pd.RangeIndex):
        frame.index = pd.Index([as_read(str(i)) for i in frame.index], name=frame.index.name)
    return frame


def page_table(at, *columns: str) -> pd.DataFrame:
    """The first table on the page (interactive or static, the static one as read) whose columns
    start with ``columns``."""
    frames = [d.value for d in at.dataframe] + [table_as_read(t) for t in at.table]
    for value in frames:
        if list(value.columns)[: len(columns)] == list(columns):
            return value
    raise AssertionError(f"no table with columns {columns}")


@pytest.fixture
def press(monkeypatch):
    """``press(button)``: the file a deferred download button gives when pressed. The callables
    the app registers for deferred downloads (``MediaFileManager.add_deferred``) are kept, and
    pressing runs the button's one, as Streamlit does on a click."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    kept: dict[str, object] = {}
    real = MediaFileManager.add_deferred

    def add_deferred(self, callable_, *args, **kwargs):
        file_id = real(self, callable_, *args, **kwargs)
        kept[file_id] = callable_
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)

    def run(download) -> bytes:
        data = kept[download.proto.deferred_file_id]()
        return data.encode("utf-8") if isinstance(data, str) else data

    return run


@pytest.fixture
def app():
    """A fresh AppTest of the whole app (entry point + navigation), not yet run."""

    def make(**params) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        for k, v in params.items():
            at.query_params[k] = v
        return at

    return make


@contextlib.contextmanager
def on_user_db(monkeypatch, path) -> Iterator[Path]:
    """The app on the user database at ``path`` ($PLEXRT_USER_DB), Streamlit's caches emptied
    before (no store of another test is reused) and after (none is left to the next)."""
    monkeypatch.setenv("PLEXRT_USER_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        yield Path(path)
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
