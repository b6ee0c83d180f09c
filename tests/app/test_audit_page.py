"""The Audit trail page (admins; local mode is admin): its filters reach every entry the trail
holds, those of a deleted series too."""

from __future__ import annotations

import pytest

from plexrt.data.access import local_principal
from plexrt.data.userstore import UserStore
from tests.app.conftest import on_user_db
from tests.unit.own_frames import make_frames


@pytest.fixture
def deleted(tmp_path, monkeypatch):
    """A user database with a series kept ('Kept') and one deleted ('Gone')."""
    path = tmp_path / "user.duckdb"
    store = UserStore(path)
    me = local_principal()
    store.apply_import(me, "Kept", make_frames(2), pseudonymised=True)
    gone = store.apply_import(me, "Gone", make_frames(2), pseudonymised=True).series_id
    store.delete_own_series(me, gone)
    store.release()
    with on_user_db(monkeypatch, path):
        yield gone


def test_the_trail_of_a_deleted_series_can_be_chosen(app, deleted):
    """Who deleted a series, and what was done to it before, is what one looks for after a
    deletion: the series filter offered only the series that still exist."""
    at = app().run()
    at.switch_page("pages/audit.py").run()
    assert not at.exception, [e.value for e in at.exception]
    series = at.selectbox(key="audit_series")
    assert series.options == [
        "(all)",
        "Gone (deleted)",
        "Kept",
    ]
    series.set_value(deleted).run()
    assert not at.exception, [e.value for e in at.exception]
    log = at.dataframe[0].value
    assert list(log["What"]) == ["delete", "import"]
    assert set(log["Series id"]) == {deleted}
    # by name, as the filter names it (the id alone named it nowhere else on screen)
    assert set(log["Series"]) == {"Gone (deleted)"}
