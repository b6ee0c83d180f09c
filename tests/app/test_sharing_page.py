"""The Series & sharing page refuses what the store refuses in words, never a trace: a blank new
owner, a name with an invisible character to share with."""

from __future__ import annotations

import pytest

from plexrt.data.access import local_principal
from plexrt.data.userstore import UserStore
from plexrt.ui import writes
from tests.app.conftest import on_user_db
from tests.unit.own_frames import make_frames


@pytest.fixture
def owned(tmp_path, monkeypatch):
    """A user database holding one series of the local user (who manages it)."""
    path = tmp_path / "user.duckdb"
    store = UserStore(path)
    store.apply_import(local_principal(), "Ours", make_frames(2), pseudonymised=False)
    store.release()
    with on_user_db(monkeypatch, path):
        yield path


def _errors(at) -> list[str]:
    """The page's error messages as read (markdown escapes removed)."""
    return [e.value.replace("\\", "") for e in at.error]


def _sharing(app):
    at = app().run()
    at.switch_page("pages/sharing.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_blank_new_owner_is_refused_in_words(app, owned):
    at = _sharing(app)
    at.text_input(key="new_owner").set_value("   ")
    at.checkbox(key="sure").check()
    at.button(key=writes.SHARING_TRANSFER).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _errors(at) == [
        "Not changed: new owner: is empty; give the new owner's e-mail address or user id"
    ]
    assert UserStore(owned).own_series(local_principal()).iloc[0]["owner"] == (
        local_principal().user_id
    )


def test_a_name_with_an_invisible_character_is_not_shared_with(app, owned):
    at = _sharing(app)
    at.text_input(key="grant_who").set_value("bob\u200b@x.org")
    at.button(key=writes.SHARING_GRANT).click().run()
    assert not at.exception, [e.value for e in at.exception]
    (error,) = _errors(at)
    assert error.startswith("Not changed: grantee: line breaks, control characters")
    store = UserStore(owned)
    sid = str(store.own_series(local_principal()).iloc[0]["series_id"])
    assert store.grants(local_principal(), sid).empty
