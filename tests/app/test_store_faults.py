"""The app and its bundled store (issue 16 §3): a store built from another data folder is served,
never overwritten; invalid data beside a good store serve the store with the reason; no store and
invalid data give a message, never a stack trace."""

from __future__ import annotations

import pytest
import streamlit as st

from plexrt.data.manifest import write_manifest
from plexrt.ingest.build import build_db


@pytest.fixture
def fresh_caches():
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


def _texts(at) -> list[str]:
    return [w.value for w in at.warning] + [e.value for e in at.error]


def _edited_copy(data_copy):
    path = data_copy / "sanuki2022" / "not_published.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("per site.", "per site (dept)."))
    write_manifest(data_copy)
    return data_copy


def test_a_store_from_another_folder_is_served_not_overwritten(
    app, data_copy, tmp_path, monkeypatch, fresh_caches
):
    registry = _edited_copy(data_copy)
    db = tmp_path / "registry.duckdb"
    build_db(registry, db)
    before = db.read_bytes()
    monkeypatch.setenv("PLEXRT_DB", str(db))
    monkeypatch.delenv("PLEXRT_DATA", raising=False)  # the bundled data/ would differ
    at = app().run()
    assert not at.exception, [e.value for e in at.exception]
    notices = [t for t in _texts(at) if "never rebuilt from this folder" in t]
    assert len(notices) == 1 and str(registry.resolve()) in notices[0]
    assert db.read_bytes() == before
    at.run()  # said once per session
    assert not [t for t in _texts(at) if "never rebuilt" in t]


def test_invalid_data_beside_a_good_store_serve_it_and_say_why(
    app, data_copy, tmp_path, monkeypatch, fresh_caches
):
    db = tmp_path / "good.duckdb"
    build_db(data_copy, db)
    before = db.read_bytes()
    path = data_copy / "sanuki2022" / "courses.csv"
    path.write_text(path.read_text(encoding="utf-8").rsplit("\n", 2)[0] + "\n")  # cut short
    monkeypatch.setenv("PLEXRT_DB", str(db))
    monkeypatch.setenv("PLEXRT_DATA", str(data_copy))
    at = app().run()
    assert not at.exception, [e.value for e in at.exception]
    notice = next(t for t in _texts(at) if "so the store was not rebuilt" in t)
    assert "sanuki2022/courses.csv: has 11 data rows, the manifest expects 12" in notice
    assert at.sidebar.slider(key="f_age").max == 80  # the good store's 11 patients are shown
    assert db.read_bytes() == before


def test_no_store_and_invalid_data_give_a_message(
    app, data_copy, tmp_path, monkeypatch, fresh_caches
):
    (data_copy / "literature.csv").write_bytes(b"series_key,citation\nx,\x00\n")
    monkeypatch.setenv("PLEXRT_DB", str(tmp_path / "none.duckdb"))
    monkeypatch.setenv("PLEXRT_DATA", str(data_copy))
    at = app().run()
    assert not at.exception, [e.value for e in at.exception]
    error = next(t for t in _texts(at) if "no database it can show" in t)
    assert "literature.csv, line 2" in error and "NUL character" in error
    assert "There is no store to show yet" in error
    assert not (tmp_path / "none.duckdb").exists()
    # the switcher is still drawn (an own series could be chosen), naming no series it cannot read
    assert at.selectbox(key="series_pick").options[0] == "Bundled data (not available)"
