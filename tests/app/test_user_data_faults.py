"""The pages with a user database that cannot be used (issue 16 §3): the Literature and Tumour
board pages show the bundled data with one notice naming the reason, never a raw error."""

from __future__ import annotations

import pytest
import streamlit as st


@pytest.fixture
def broken_user_db(tmp_path, monkeypatch):
    folder = tmp_path / "user.duckdb"
    folder.mkdir()  # a folder where the file should be
    monkeypatch.setenv("PLEXRT_USER_DB", str(folder))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield folder
    st.cache_resource.clear()
    st.cache_data.clear()


def _warnings(at) -> list[str]:
    return [w.value for w in at.warning]


@pytest.mark.parametrize("page", ["pages/literature.py", "pages/board.py"])
def test_pages_fall_back_to_the_bundled_data(app, broken_user_db, page):
    at = app().run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    notices = [w for w in _warnings(at) if "it is a folder, not a database file" in w]
    assert len(notices) == 1 and str(broken_user_db) in notices[0]
    assert "Only the bundled data are shown" in notices[0]
    if page == "pages/literature.py":  # the published-curve tabs say it once too, without error
        assert any("Importing a curve needs your own data" in c.value for c in at.caption)
    at.run()  # a rerun in the same session says it once, not again
    assert not at.exception
    assert not [w for w in _warnings(at) if "it is a folder" in w]
