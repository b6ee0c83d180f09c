"""The Import page when another session changes the user data between the preview and Commit:
a series of the typed name stored meanwhile, the series to update changed or deleted meanwhile,
a name typed with Commit in one go. Nothing is written that was not shown."""

from __future__ import annotations

import pytest

from plexrt.data.access import local_principal
from plexrt.data.userstore import Change, UserStore
from plexrt.ingest.own_import import prepare_import
from plexrt.ingest.own_preview import DIFF_COLUMNS
from tests.app.conftest import as_read, page_table
from tests.app.test_own_import_page import (
    EXAMPLES,
    _example_csv,
    _ok,
    _page,
    _relapse_update,
    _state,
)
from tests.unit.own_frames import make_frames


@pytest.fixture
def user_db(tmp_path, monkeypatch):
    """A user database of this test only (the app opens it through $PLEXRT_USER_DB)."""
    path = tmp_path / "user.duckdb"
    monkeypatch.setenv("PLEXRT_USER_DB", str(path))
    return str(path)


def test_a_new_series_stored_meanwhile_under_its_name_is_not_replaced(app, user_db):
    """The example checked as a new series; another session stores a series of that name before
    Commit. Commit replaced that series' rows (no changes had been shown). Now nothing is written
    and the page says why."""
    at = _page(app)
    _ok(at.button(key="oi_try_example").click().run())
    name = next(t.value for t in at.text_input if t.key.startswith("oi_name_"))
    store = UserStore(user_db)
    other = store.apply_import(local_principal(), name, make_frames(2), pseudonymised=False)
    before = _state(store)
    _ok(at.button(key="oi_commit").click().run())
    (error,) = [as_read(e.value) for e in at.error]
    assert error.startswith(f"Not stored: the series '{name}' is not as it was when the changes")
    assert _state(store) == before
    # Shown now as what it is, an update of that series, with the rows it would remove.
    assert page_table(at, *DIFF_COLUMNS).shape[0] > 0 and at.warning
    stored = store.series_frames(local_principal(), other.series_id)
    assert sorted(stored.patients["patient_id"]) == sorted(make_frames(2).patients["patient_id"])


def test_a_name_typed_with_commit_that_means_a_stored_series_is_checked_first(app, user_db):
    """A new name typed and Commit pressed in one go (the name sent with the click): the name
    means a stored series, whose update the page had not shown. Nothing is written; the update's
    changes are shown for the next Commit."""
    store = UserStore(user_db)
    other = store.apply_import(local_principal(), "Ours", make_frames(2), pseudonymised=False)
    at = _page(app)
    _ok(at.button(key="oi_try_example").click().run())
    before = _state(store)
    name_box = next(t for t in at.text_input if t.key.startswith("oi_name_"))
    name_box.set_value("Ours")
    _ok(at.button(key="oi_commit").click().run())
    assert at.error and "is not as it was when the changes were shown" in at.error[0].value
    assert _state(store) == before
    stored = store.series_frames(local_principal(), other.series_id)
    assert sorted(stored.patients["patient_id"]) == sorted(make_frames(2).patients["patient_id"])
    assert len(page_table(at, *DIFF_COLUMNS)) > 0


def test_an_update_of_a_series_changed_meanwhile_is_checked_again(app, user_db):
    """The update's changes were shown; another session then recorded follow-up in the series.
    Commit wrote changes computed afresh, not those shown (here it would have undone the
    follow-up entry). Now nothing is written; the changes are shown again, and a second Commit
    stores them."""
    store = UserStore(user_db)
    first = prepare_import(EXAMPLES / "SYNTHETIC_example.xlsx")
    assert first.frames is not None
    me = local_principal()
    sid = store.apply_import(me, "Ours", first.frames, pseudonymised=False).series_id
    at = _relapse_update(app, sid)
    assert len(page_table(at, *DIFF_COLUMNS)) == 1
    store.record_follow_up(me, sid, [Change.update("patients", ("SYN-001",), death_day=400)])
    before = _state(store), len(store.history(me, sid))
    _ok(at.button(key="oi_commit").click().run())
    assert at.error and "is not as it was when the changes were shown" in at.error[0].value
    assert (_state(store), len(store.history(me, sid))) == before
    assert len(page_table(at, *DIFF_COLUMNS)) == 2  # the relapse, and the death day it would undo
    _ok(at.button(key="oi_commit").click().run())
    assert at.success[0].value.startswith("Updated the series")


def test_an_update_of_a_series_deleted_meanwhile_writes_nothing(app, user_db):
    """'Store as: an update of Beta' chosen, then Beta deleted in another session: on Commit the
    choice fell back to 'a new series' named after the file; nothing must be written."""
    store = UserStore(user_db)
    first = prepare_import(EXAMPLES / "SYNTHETIC_example.xlsx")
    assert first.frames is not None
    me = local_principal()
    store.apply_import(me, "Alpha", first.frames, pseudonymised=False)
    beta = store.apply_import(me, "Beta", first.frames, pseudonymised=False).series_id
    at = _page(app)
    at.file_uploader(key="oi_courses_0").upload(
        "courses.csv", _example_csv({("SYN-002", 1): {"relapse_date": "2015-12-03"}}), "text/csv"
    )
    _ok(at.run())
    _ok(at.selectbox(key="oi_target").set_value(beta).run())
    store.delete_own_series(me, beta)  # another session
    before = _state(store)
    _ok(at.button(key="oi_commit").click().run())
    assert not at.success
    assert [e.value for e in at.error if e.value.startswith("Not stored: the series 'Beta'")]
    assert _state(store) == before  # no new series, no update of another, no audit entry
