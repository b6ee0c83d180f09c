"""The Series & sharing page refuses what the store refuses in words, never a trace: a blank new
owner, a name with an invisible character to share with."""

from __future__ import annotations

import pytest

from plexrt.data.access import Principal, local_principal
from plexrt.data.userstore import UserStore
from plexrt.ui import writes
from tests.app.conftest import as_read, on_user_db
from tests.app.test_signin import team, user  # noqa: F401 -- the signed-in app fixture
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
    return [as_read(e.value) for e in at.error]


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


def test_a_look_alike_address_is_not_shared_with_and_a_capitalised_group_is(app, owned):
    """'аlice@h.example' (a Cyrillic a) reads as Alice's address and was stored as a grant;
    'Group: RadOnc' was stored as a user id, a grant reaching no member of the group."""
    at = _sharing(app)
    at.text_input(key="grant_who").set_value("аlice@h.example")
    at.button(key=writes.SHARING_GRANT).click().run()
    assert not at.exception, [e.value for e in at.exception]
    (error,) = _errors(at)
    assert error.startswith("Not changed: grantee: mixes Latin letters with Cyrillic ones")
    store = UserStore(owned)
    sid = str(store.own_series(local_principal()).iloc[0]["series_id"])
    assert store.grants(local_principal(), sid).empty
    store.release()
    at.text_input(key="grant_who").set_value("Group: RadOnc")
    at.button(key=writes.SHARING_GRANT).click().run()
    assert not at.exception and _errors(at) == []
    assert list(UserStore(owned).grants(local_principal(), sid)["grantee"]) == ["group:RadOnc"]


@pytest.mark.parametrize("others", [0, 1])
def test_giving_away_a_series_is_confirmed_without_a_warning(team, tmp_path, others):  # noqa: F811
    """An editor gives her series to Bob and can no longer see it: the page confirmed nothing when
    it was her only series, and otherwise warned that 'the series in the address is not one you
    can see', with the confirmation drawn under her other series."""
    ann = Principal("ann@h.example", "editor", email="ann@h.example")
    store = UserStore(tmp_path / "user.duckdb")
    mine = store.apply_import(ann, "Mine", make_frames(2), pseudonymised=True).series_id
    if others:
        store.apply_import(ann, "Other", make_frames(2), pseudonymised=True)
    store.release()
    at = team(user("ann@h.example")).run()
    at.switch_page("pages/sharing.py").run()
    at.text_input(key="new_owner").set_value("Bob@H.example")
    at.checkbox(key="sure").check()
    at.button(key=writes.SHARING_TRANSFER).click().run()
    assert not at.exception, [e.value for e in at.exception]
    # named as stored (an e-mail address without case), not as typed
    assert [as_read(s.value) for s in at.success] == ["The series now belongs to bob@h.example."]
    assert not at.warning and not at.error
    left = "There is no own series you can see."
    assert [i.value for i in at.info if i.value == left] == ([left] if not others else [])
    assert mine not in at.query_params.get("manage", "")  # the address names it no longer


def test_a_share_typed_for_a_series_deleted_meanwhile_shares_no_other(app, owned):
    """Two series; 'Theirs' chosen and a colleague typed to share it with; another session deletes
    it. On 'Share' the page falls back to the other series, which must not be shared instead."""
    me = local_principal()
    store = UserStore(owned)
    store.apply_import(me, "Theirs", make_frames(2, seed=3), pseudonymised=False)
    listing = store.own_series(me)
    ours = listing.loc[listing["name"] == "Ours", "series_id"].item()
    theirs = listing.loc[listing["name"] == "Theirs", "series_id"].item()
    at = _sharing(app)
    at.selectbox(key="sharing_series").set_value(theirs).run()
    at.text_input(key="grant_who").set_value("bob@x.org")
    store.delete_own_series(me, theirs)  # another session
    at.button(key=writes.SHARING_GRANT).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert store.grants(me, ours).empty  # 'Ours' stays as it was
    assert store.own_series(me).set_index("series_id").loc[ours, "sharing"] == "private"
    assert any(e.startswith("Not changed: the series 'Theirs' was deleted") for e in _errors(at))
    # Sent again now, for the series shown: shared.
    at.text_input(key="grant_who").set_value("carol@x.org")
    at.button(key=writes.SHARING_GRANT).click().run()
    assert list(store.grants(me, ours)["grantee"]) == ["carol@x.org"]


def test_stopping_the_last_share_says_the_series_is_private_again(app, owned):
    """The page said only 'No longer shared with bob@x.org' and its sharing choice stayed on
    'shared with named users' with no one named."""
    me = local_principal()
    store = UserStore(owned)
    sid = str(store.own_series(me).iloc[0]["series_id"])
    store.grant(me, sid, "bob@x.org")
    at = _sharing(app)
    assert at.radio(key="sharing_level_choice").value == "users"
    at.button(key=writes.SHARING_REVOKE).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [as_read(s.value) for s in at.success] == [
        "No longer shared with bob@x.org. No one else was named, so the series is "
        "private (owner only) again."
    ]
    assert at.radio(key="sharing_level_choice").value == "private"
    assert store.own_series(me).iloc[0]["sharing"] == "private"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [(" Bob@X.org ", "bob@x.org"), ("jose\u0301@example.org", "jos\u00e9@example.org")],
)
def test_a_grant_is_confirmed_with_the_name_as_stored(app, owned, typed, stored):
    """The confirmation echoed the name as typed ('Shared with Bob@X.org.', a decomposed accent),
    while the store keeps it normalised, as the list of grants and 'Stop sharing with' name it."""
    at = _sharing(app)
    at.text_input(key="grant_who").set_value(typed)
    at.button(key=writes.SHARING_GRANT).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [as_read(s.value) for s in at.success] == [f"Shared with {stored}."]
    store = UserStore(owned)
    sid = str(store.own_series(local_principal()).iloc[0]["series_id"])
    assert list(store.grants(local_principal(), sid)["grantee"]) == [stored]
