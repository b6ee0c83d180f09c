"""An own series' name is unique per owner (on both backends): an import under a name matches only
series the importer may see, so it never tells that another's private series exists, and the name
stays free for them; of two series of one name they may see, their own is updated, and two of
others are refused naming their owners (the update then names one by its id)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from plexrt.data.access import PermissionDenied, Principal
from plexrt.data.userstore import SeriesInvalid, UserStore
from plexrt.data.userstore import engine as eng
from tests.unit.own_frames import make_frames

ALICE = Principal("alice@x.org", "editor", email="alice@x.org")
BOB = Principal("bob@x.org", "editor", email="bob@x.org")
CAROL = Principal("carol@x.org", "editor", email="carol@x.org")
ADMIN = Principal("root", "admin")
SECRET = "Palliative RT 2019-2024 (confidential audit)"


def _import(us: UserStore, who: Principal, name: str, seed: int = 0, **kw):
    return us.apply_import(who, name, make_frames(3, seed=seed), pseudonymised=False, **kw)


def test_a_taken_name_of_a_series_the_importer_cannot_see_is_theirs_to_use(user_db):
    us = UserStore(user_db)
    alices = _import(us, ALICE, SECRET).series_id
    before = us.series_frames(ALICE, alices)
    assert us.import_target(BOB, SECRET) is None  # the Import page and the CLI: a new series
    bobs = _import(us, BOB, SECRET, seed=1)
    assert bobs.created and bobs.series_id != alices
    assert list(us.own_series(BOB)["series_id"]) == [bobs.series_id]
    assert list(us.own_series(ALICE)["series_id"]) == [alices]
    assert us.series_frames(ALICE, alices).courses.equals(before.courses)
    again = _import(us, ALICE, SECRET, seed=2)  # Alice's name still means her series
    assert (again.series_id, again.created) == (alices, False)
    owners = us.own_series(ADMIN).set_index("series_id")["owner"].to_dict()
    assert owners == {alices: "alice@x.org", bobs.series_id: "bob@x.org"}


def test_the_importers_own_series_of_a_name_is_updated_before_one_shared_with_them(user_db):
    us = UserStore(user_db)
    bobs = _import(us, BOB, "Bone mets").series_id
    carols = _import(us, CAROL, "Bone mets").series_id
    us.grant(CAROL, carols, BOB.user_id, can_edit=True)
    assert us.import_target(BOB, "Bone mets")["series_id"] == bobs
    result = _import(us, BOB, "Bone mets", seed=1)
    assert (result.series_id, result.created) == (bobs, False)
    assert us.history(CAROL, carols)["batch_id"].nunique() == 1  # Carol's: its import only
    # Bob updates Carol's series by naming it.
    other = _import(us, BOB, "Bone mets", seed=2, series_id=carols)
    assert (other.series_id, other.created) == (carols, False)
    with pytest.raises(SeriesInvalid) as refused:
        _import(us, BOB, "Other name", series_id=carols)
    assert refused.value.messages == [
        f"name: 'Other name' is not the name of the series {carols} ('Bone mets')"
    ]


def test_one_name_of_two_others_series_is_refused_naming_their_owners(user_db):
    us = UserStore(user_db)
    alices = _import(us, ALICE, "Audit").series_id
    carols = _import(us, CAROL, "Audit").series_id
    us.set_sharing(ALICE, alices, "department")
    us.grant(CAROL, carols, BOB.user_id, can_edit=True)
    ids = ", ".join(sorted([alices, carols]))
    message = (
        "name: 2 series you can see are called 'Audit' (owners alice@x.org, carol@x.org); "
        f"choose the one to update by its series id ({ids}), or give another name"
    )
    with pytest.raises(SeriesInvalid) as refused:
        us.import_target(BOB, "Audit")
    assert refused.value.messages == [message]
    entries = us.verify_audit().entries
    with pytest.raises(SeriesInvalid) as refused:
        _import(us, BOB, "Audit", seed=1)
    assert refused.value.messages == [message]
    assert us.verify_audit().entries == entries and len(us.own_series(ADMIN)) == 2
    # Only the one he may see: Alice's (department-wide), which he may not change.
    us.revoke(CAROL, carols, BOB.user_id)
    with pytest.raises(PermissionDenied, match="may not change the series 'Audit'"):
        _import(us, BOB, "Audit", seed=1)


def test_a_series_is_not_given_to_an_owner_who_has_one_of_its_name(user_db):
    us = UserStore(user_db)
    alices = _import(us, ALICE, "Ours").series_id
    _import(us, BOB, "Ours")
    with pytest.raises(SeriesInvalid) as refused:
        us.transfer(ALICE, alices, "Bob@X.org")
    assert refused.value.messages == [  # Bob's 'Ours' is private: Alice is not told of it
        "new owner: bob@x.org cannot be given this series under its name 'Ours'; give it another "
        "name first"
    ]
    assert us.own_series(ALICE).iloc[0]["owner"] == "alice@x.org"
    us.transfer(ALICE, alices, CAROL.user_id)
    assert list(us.own_series(CAROL)["series_id"]) == [alices]


def test_the_database_keeps_a_name_unique_per_owner(user_db):
    us = UserStore(user_db)
    sid = _import(us, ALICE, "Ours").series_id
    copy = (
        "INSERT INTO own_series SELECT :id, name, institution, period_text, :owner, sharing, "
        "pseudonymised, column_mapping, content_hash, created_at, created_by, updated_at, "
        "updated_by FROM own_series WHERE series_id = :s"
    )
    with eng.writing(us.location) as conn:
        conn.execute(sa.text(copy), {"id": "own-other", "owner": "bob@x.org", "s": sid})
    with pytest.raises(sa.exc.IntegrityError), eng.writing(us.location) as conn:
        conn.execute(sa.text(copy), {"id": "own-twice", "owner": "alice@x.org", "s": sid})
    assert len(us.own_series(ADMIN)) == 2
