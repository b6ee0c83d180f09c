"""The pages with a user database that cannot be used (issue 16 §3): the Literature and Tumour
board pages show the bundled data with one notice naming the reason, never a raw error."""

from __future__ import annotations

import pytest
import streamlit as st

from tests.app.conftest import as_read, on_user_db


@pytest.fixture
def broken_user_db(tmp_path, monkeypatch):
    folder = tmp_path / "user.duckdb"
    folder.mkdir()  # a folder where the file should be
    with on_user_db(monkeypatch, folder):
        yield folder


def _warnings(at) -> list[str]:
    return [as_read(w.value) for w in at.warning]  # the notice quotes the path escaped


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


def _store_with_rows(path) -> None:
    from plexrt.data.access import local_principal
    from plexrt.data.userstore import UserStore

    us = UserStore(path)
    us.add_series(
        local_principal(),
        {"citation": "Kept K. 2021", "n_patients": "4", "n_patients_source": "Table 1"},
    )
    us.release()


def _garbage(path):
    path.write_bytes(b"not a database at all\n" * 500)


def _empty(path):
    path.write_bytes(b"")


def _truncated(path):
    _store_with_rows(path)
    with path.open("r+b") as fh:
        fh.truncate(16 * 1024)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_garbage, "not a PlexRT database"),
        (_empty, "the file is empty (0 bytes)"),
        (_truncated, "damaged or cut short"),
    ],
)
def test_damaged_user_files_fall_back_with_one_notice(app, tmp_path, monkeypatch, make, reason):
    path = tmp_path / "user.duckdb"
    make(path)
    before = path.read_bytes()
    monkeypatch.setenv("PLEXRT_USER_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        for page in ("pages/literature.py", "pages/board.py"):
            at = app().run()
            at.switch_page(page).run()
            assert not at.exception, [e.value for e in at.exception]
            notices = [w for w in _warnings(at) if reason in w]
            assert len(notices) == 1 and "Only the bundled data are shown" in notices[0]
        assert path.read_bytes() == before  # never "repaired" by overwriting
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


def test_a_read_only_user_file_falls_back_and_keeps_its_rows(app, tmp_path, monkeypatch):
    import os
    import subprocess

    path = tmp_path / "user.duckdb"
    _store_with_rows(path)
    monkeypatch.setenv("PLEXRT_USER_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    root = os.geteuid() == 0  # root writes any file whose permissions forbid it: make it immutable
    subprocess.run(["chattr", "+i", str(path)], check=True) if root else path.chmod(0o444)
    try:
        at = app().run()
        at.switch_page("pages/literature.py").run()
        assert not at.exception
        assert [w for w in _warnings(at) if "read-only" in w]
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True) if root else path.chmod(0o644)
        st.cache_resource.clear()
        st.cache_data.clear()
    at = app().run()
    at.switch_page("pages/literature.py").run()
    assert not at.exception and not [w for w in _warnings(at) if "read-only" in w]
    assert any("Kept" in str(c) for c in at.get("plotly_chart")) or any(
        "Kept K. 2021" in str(d.value) for d in at.dataframe
    )
    st.cache_resource.clear()
    st.cache_data.clear()


def test_a_user_file_held_by_another_program_is_tried_once_per_session(app, tmp_path, monkeypatch):
    import subprocess
    import sys

    path = tmp_path / "user.duckdb"
    _store_with_rows(path)
    monkeypatch.setenv("PLEXRT_USER_DB", str(path))
    # the pause before trying again, longer than a slow page run on a busy test machine
    monkeypatch.setattr("plexrt.ui.user_data._RETRY_S", 3600.0)
    st.cache_resource.clear()
    st.cache_data.clear()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True);"
            " time.sleep(120)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        at = app().run()
        at.switch_page("pages/board.py").run()
        assert not at.exception, [e.value for e in at.exception]
        busy = [w for w in _warnings(at) if "open in another program" in w]
        assert len(busy) == 1
        failed_at = at.session_state["_user_data_failed"][0]
        at.switch_page("pages/literature.py").run()  # the next page of the same session
        assert not at.exception
        assert not [w for w in _warnings(at) if "open in another program" in w]
        assert at.session_state["_user_data_failed"][0] == failed_at  # not tried again
    finally:
        holder.kill()
        holder.wait()
        st.cache_resource.clear()
        st.cache_data.clear()


def test_a_store_failing_in_the_middle_of_a_page_is_the_outage_notice(app, tmp_path, monkeypatch):
    """The store answers the page's check, then fails on the next read (a server going down in
    between): the page says so in the words of the outage notice, not as an unknown error."""
    from plexrt.data.access import local_principal
    from plexrt.data.userstore import UserDataUnavailable, UserStore
    from tests.unit.own_frames import make_frames

    path = tmp_path / "user.duckdb"
    UserStore(path).apply_import(local_principal(), "Ours", make_frames(3), pseudonymised=False)

    def down(self, *args, **kwargs):
        raise UserDataUnavailable(str(path), "the server went away")

    with on_user_db(monkeypatch, path):
        # the Follow-up page reads the patient codes, then one patient's rows (never the series)
        for read in ("series_frames", "patient_codes", "patient_frames"):
            monkeypatch.setattr(UserStore, read, down)
        at = app().run()
        at.switch_page("pages/follow_up.py").run()
        assert not at.exception, [e.value for e in at.exception]
        assert not [e for e in at.error if "Something went wrong" in e.value]
        notices = [w for w in _warnings(at) if "the server went away" in w]
        assert len(notices) == 1 and "Only the bundled data are shown" in notices[0]
        assert any(
            "stopped here because your own data cannot be used" in c.value for c in at.caption
        )
