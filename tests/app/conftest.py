from __future__ import annotations

import base64
import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from plexrt.charts.scale import SUMMARY_ABOVE
from tests.streamlit_markdown import as_read  # Markdown as a reader sees it (safe_text.md)


def plotly_values(arr) -> np.ndarray:
    """A numeric array of a chart's spec: Plotly 7 may encode them as {'dtype', 'bdata'}."""
    if isinstance(arr, dict) and "bdata" in arr:
        return np.frombuffer(base64.b64decode(arr["bdata"]), dtype=arr["dtype"])
    return np.asarray(arr, dtype=float)


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


#: The courses of ``large_series``: a little above ``SUMMARY_ABOVE``, where the views summarise.
LARGE_COURSES = SUMMARY_ABOVE + 20


@contextlib.contextmanager
def synthetic_series(tmp_path, monkeypatch, courses: int):
    """(series id, courses) of a synthetic own series of ``courses`` courses (as `plexrt synth`
    writes and `plexrt import` imports it), the app on its user database."""
    import csv

    from plexrt.cli import main
    from plexrt.data.access import local_principal
    from plexrt.data.userstore import UserStore

    folder = tmp_path / "synth"
    assert main(["synth", "--courses", str(courses), "--out", str(folder)]) == 0
    path = tmp_path / "user.duckdb"
    monkeypatch.setenv("PLEXRT_USER_DB", str(path))
    files = [str(folder / "courses.csv"), str(folder / "assessments.csv")]
    assert main(["import", *files, "--series", "Large", "--study-codes"]) == 0
    sid = str(UserStore(path).own_series(local_principal())["series_id"].iloc[0])
    with (folder / "courses.csv").open(encoding="utf-8") as f:
        n_courses = sum(1 for _ in csv.DictReader(f))
    with on_user_db(monkeypatch, path):
        yield sid, n_courses


@pytest.fixture
def large_series(tmp_path, monkeypatch):
    """``synthetic_series`` of ``LARGE_COURSES`` courses."""
    with synthetic_series(tmp_path, monkeypatch, LARGE_COURSES) as series:
        yield series


def slide_counter(at) -> tuple[int, int] | None:
    """(slide, of n) from the presentation header '**Slide 3 of 9** · title', or None."""
    for m in at.markdown:
        got = re.match(r"\*\*Slide (\d+) of (\d+)\*\*", m.value)
        if got:
            return int(got.group(1)), int(got.group(2))
    return None
