"""A team's PostgreSQL server goes down while the app is in use (issue 16 §3), and comes back.

Real server, really stopped (``pg_ctl stop``): the connections the app holds end under it. Every
page keeps serving the bundled data with one notice naming the reason, never an error; when the
server is back, the team's series are shown again, with every row they had.
"""

from __future__ import annotations

import pytest

from plexrt.ui import writes
from tests.app.conftest import as_read, on_user_db

PAGES = sorted(
    f"pages/{p}.py"
    for p in (
        "audit",
        "board",
        "cohort",
        "data",
        "follow_up",
        "literature",
        "own_import",
        "pain",
        "sharing",
        "time_to_event",
    )
)
# with the bundled series in view, these pages read nothing of the team's data (the series
# switcher notes a failure without saying it; the pages that use the data say it)
BUNDLED_ONLY = {f"pages/{p}.py" for p in ("cohort", "data", "pain", "time_to_event")}
CITATION = "Kept K. 2021"


@pytest.fixture
def team_db(pg_server_alone, monkeypatch):
    from plexrt.data.access import local_principal
    from plexrt.data.userstore import UserStore

    url = pg_server_alone.new_database()
    store = UserStore(url)
    store.add_series(
        local_principal(), {"citation": CITATION, "n_patients": "4", "n_patients_source": "T1"}
    )
    # a failure is not retried for _RETRY_S seconds in a session; here at once, so the test needs
    # no clock: what is checked is that the series comes back, not when
    monkeypatch.setattr("plexrt.ui.user_data._RETRY_S", 0.0)
    with on_user_db(monkeypatch, url):
        yield pg_server_alone


def _literature_rows(at) -> list[str]:
    return [
        str(c)
        for df in at.dataframe
        if "Citation" in df.value.columns
        for c in df.value["Citation"]
    ]


def _outage_notices(at) -> list[str]:
    return [
        as_read(w.value)
        for w in at.warning
        if "the PostgreSQL server cannot be reached" in as_read(w.value)
    ]


def test_an_outage_falls_back_to_the_bundled_data_and_the_series_comes_back(app, team_db):
    sessions = {}
    for page in PAGES:
        at = app().run()
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not _outage_notices(at), page
        sessions[page] = at
    assert CITATION in _literature_rows(sessions["pages/literature.py"])

    team_db.pause()
    for page, at in sessions.items():
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])
        notices = _outage_notices(at)
        if page in BUNDLED_ONLY:
            assert not notices, page
            continue
        assert len(notices) == 1, (page, notices)
        assert "Only the bundled data are shown" in notices[0]
        at.run()  # said once per session, not on every rerun
        assert not at.exception and not _outage_notices(at), page
    assert CITATION not in _literature_rows(sessions["pages/literature.py"])
    board = sessions["pages/board.py"]  # the bundled series still served
    assert any("Sanuki" in m.value for m in [*board.markdown, *board.caption])

    team_db.resume()
    at = sessions["pages/literature.py"]
    at.run()
    assert not at.exception
    assert _literature_rows(at).count(CITATION) == 1


def _not_written(at) -> list[str]:
    return [as_read(e.value) for e in at.error if as_read(e.value).startswith("Not saved: ")]


def test_a_save_pressed_during_an_outage_says_nothing_was_written(
    app, pg_server_alone, monkeypatch, tmp_path
):
    from plexrt.data.access import local_principal
    from plexrt.data.userstore import UserStore
    from tests.app.test_follow_up_faults import _import, _last_contact_typed, _last_contacts
    from tests.unit.own_files import GOOD_ASSESSMENTS, GOOD_COURSES, write

    url = pg_server_alone.new_database()
    store = UserStore(url)
    monkeypatch.setattr("plexrt.ui.user_data._RETRY_S", 0.0)
    with on_user_db(monkeypatch, url):
        sid = _import(store, tmp_path, "Ours")
        entry = _last_contact_typed(app, sid, "S01", 200)
        upload = app().run()
        upload.switch_page("pages/own_import.py").run()
        c, a = write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS)
        upload.file_uploader(key="oi_courses_0").upload("c.csv", c.read_bytes(), "text/csv")
        upload.file_uploader(key="oi_assessments_0").upload("a.csv", a.read_bytes(), "text/csv")
        upload.run()
        assert upload.button(key=writes.IMPORT_COMMIT)

        pg_server_alone.pause()
        for at, key, what in (
            (entry, writes.FOLLOW_UP_SAVE, "the follow-up entry"),
            (upload, writes.IMPORT_COMMIT, "the import"),
        ):
            at.button(key=key).click().run()
            assert not at.exception and not at.success
            said = _not_written(at)
            assert len(said) == 1 and said[0].startswith(f"Not saved: {what} could not be written")
            assert "Nothing was written" in said[0] and len(_outage_notices(at)) == 1
        pg_server_alone.resume()
        for at in (entry, upload):
            at.run()
            assert not _not_written(at)  # said once, for the press it was about
        assert _last_contacts(store, sid) == {"S01": 184, "S02": 59}  # nothing written
        assert list(store.own_series(local_principal())["name"]) == ["Ours"]
