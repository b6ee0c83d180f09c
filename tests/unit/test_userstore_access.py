"""The store enforces the access policy on every read and write (issue 15), on both backends:
A imports and keeps a series private, B cannot reach it by any call; A shares it, B reads it."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from plexrt.data.access import PermissionDenied, Principal
from plexrt.data.userstore import Change, SeriesInvalid, UserStore
from plexrt.data.userstore import engine as eng
from tests.unit.own_frames import make_frames

A = Principal("a@example.org", "editor", email="a@example.org")
B = Principal("b@example.org", "viewer", email="b@example.org")
C = Principal("c@example.org", "editor", email="c@example.org")
ADMIN = Principal("admin@example.org", "admin", email="admin@example.org")


@pytest.fixture
def private(user_db):
    us = UserStore(user_db)
    frames = make_frames(3)
    sid = us.apply_import(A, "A's series", frames, pseudonymised=True).series_id
    return us, sid, frames.patients.loc[0, "patient_id"]


def _every_read(us: UserStore, who: Principal, sid: str):
    return [
        lambda: us.series_frames(who, sid),
        lambda: us.history(who, sid),
        lambda: us.grants(who, sid),
        lambda: us.log_event(who, "export", series_id=sid),
    ]


def test_a_private_series_is_out_of_reach(private):
    us, sid, pid = private
    assert us.own_series(B).empty and us.own_series(C).empty
    for call in _every_read(us, B, sid) + _every_read(us, C, sid):
        # named by its id: the name of a series they may not see is not told to them
        with pytest.raises(PermissionDenied, match=f"may not see the series {sid}\\.$"):
            call()
    with pytest.raises(PermissionDenied):
        us.record_follow_up(C, sid, [Change.update("patients", (pid,), death_day=500)])
    with pytest.raises(PermissionDenied, match="may not import a series"):
        us.apply_import(B, "B's own", make_frames(2), pseudonymised=True)
    with pytest.raises(PermissionDenied):
        us.set_sharing(C, sid, "department")
    with pytest.raises(PermissionDenied):
        us.delete_own_series(C, sid)
    assert us.verify_audit().entries == 1  # refused calls wrote nothing


def test_sharing_with_a_named_viewer_gives_read_only_access(private):
    us, sid, pid = private
    us.grant(A, sid, "B@example.org")  # e-mail compared without case
    assert list(us.own_series(B)["series_id"]) == [sid]
    assert not us.own_series(B).iloc[0]["can_edit"]
    assert len(us.series_frames(B, sid).patients) == 3
    with pytest.raises(PermissionDenied, match="b@example.org .role viewer. may not change"):
        us.record_follow_up(B, sid, [Change.update("patients", (pid,), death_day=500)])
    assert us.own_series(C).empty  # still private to the others
    us.revoke(A, sid, "b@example.org")
    assert us.own_series(B).empty


def test_the_last_revoke_makes_a_series_shared_with_named_users_private(private):
    """Shared with B and C, then unshared from both: it stayed 'shared with named users' (with no
    one named), in the listing and the trail. Private once the last grantee is gone; a series
    shared with the department keeps that level when a grant to it is revoked."""
    us, sid, _ = private
    us.grant(A, sid, B.user_id)
    us.grant(A, sid, C.user_id)
    assert us.revoke(A, sid, B.user_id) == "users"
    assert us.own_series(A).iloc[0]["sharing"] == "users"
    assert us.revoke(A, sid, C.user_id) == "private"
    assert us.own_series(A).iloc[0]["sharing"] == "private"
    last = us.audit_log(ADMIN).iloc[0]
    assert (last["action"], json.loads(last["detail"])) == (
        "sharing",
        {"revoke": C.user_id, "sharing": "private", "was": "users"},
    )
    us.set_sharing(A, sid, "department")
    us.grant(A, sid, C.user_id, can_edit=True)
    assert us.revoke(A, sid, C.user_id) == "department"
    assert us.own_series(A).iloc[0]["sharing"] == "department"
    assert us.verify_audit().ok


def test_an_edit_grant_lets_an_editor_record_follow_up(private):
    us, sid, pid = private
    us.grant(A, sid, C.user_id, can_edit=True)
    batch = us.record_follow_up(C, sid, [Change.update("patients", (pid,), death_day=500)])
    hist = us.history(A, sid)
    assert hist.loc[hist["batch_id"] == batch, "actor"].iloc[0] == C.user_id
    with pytest.raises(PermissionDenied):
        us.grant(C, sid, B.user_id)  # editing is not managing


def test_department_sharing_reaches_everyone_signed_in(private):
    us, sid, _ = private
    us.set_sharing(A, sid, "department")
    d = Principal("d@example.org", "viewer")
    assert list(us.own_series(d)["series_id"]) == [sid]
    us.log_event(d, "export", series_id=sid, detail={"format": "csv"})
    assert us.audit_log(ADMIN).iloc[0]["action"] == "export"


def test_admin_reads_all_manages_sharing_and_edits_only_after_a_grant(private):
    us, sid, pid = private
    assert list(us.own_series(ADMIN)["series_id"]) == [sid]
    with pytest.raises(PermissionDenied):
        us.record_follow_up(ADMIN, sid, [Change.update("patients", (pid,), death_day=500)])
    us.grant(ADMIN, sid, ADMIN.user_id, can_edit=True)
    assert us.record_follow_up(ADMIN, sid, [Change.update("patients", (pid,), death_day=500)])
    us.transfer(ADMIN, sid, C.user_id)
    assert us.own_series(C).iloc[0]["owner"] == C.user_id
    actions = list(us.audit_log(ADMIN)["action"])
    assert actions == ["sharing", "follow_up", "sharing", "import"]


def test_only_an_admin_reads_the_audit_trail(private):
    us, _, _ = private
    for who in (A, B):
        with pytest.raises(PermissionDenied, match="may not read the audit trail"):
            us.audit_log(who)
    assert len(us.audit_log(ADMIN)) == 1


BAD_PERSONS = [
    ("b\u200b@example.org", "invisible formatting"),  # looks like B's address, is not
    ("nul\x00@example.org", "NUL"),
    ("b" * 1_000_000, "longer than 254 characters"),
    ("b@example.org\n=HYPERLINK(1)", "line breaks"),
    ("\u202eb@example.org", "invisible formatting"),
    (None, "is empty"),
    (42, "is not text"),
    ("   ", "is empty"),
    ("group:  ", "names no group"),
]


@pytest.mark.parametrize(("value", "why"), BAD_PERSONS)
def test_share_with_and_new_owner_follow_the_stored_text_rules(private, value, why):
    us, sid, _ = private
    with pytest.raises(SeriesInvalid) as refused:
        us.grant(A, sid, value)
    assert len(refused.value.messages) == 1
    assert refused.value.messages[0].startswith("grantee: ") and why in refused.value.messages[0]
    with pytest.raises(SeriesInvalid) as refused:
        us.transfer(A, sid, value)
    assert refused.value.messages[0].startswith("new owner: ") and why in refused.value.messages[0]
    assert us.grants(A, sid).empty
    assert us.own_series(A).iloc[0]["owner"] == A.user_id
    assert us.verify_audit().entries == 1  # refused changes wrote nothing


def test_a_blank_new_owner_or_revoke_is_refused_in_words(private):
    us, sid, _ = private
    with pytest.raises(SeriesInvalid) as refused:
        us.transfer(A, sid, "  ")
    assert refused.value.messages == [
        "new owner: is empty; give the new owner's e-mail address or user id"
    ]
    with pytest.raises(SeriesInvalid) as refused:
        us.revoke(A, sid, " ")
    assert refused.value.messages == [
        "grantee: is empty; give whom to stop sharing with, as the list of grants names them"
    ]
    with pytest.raises(SeriesInvalid) as refused:
        us.revoke(A, sid, "nobody@example.org")
    assert refused.value.messages == [
        "grantee: nobody@example.org is not among the grants of this series"
    ]
    assert us.verify_audit().entries == 1


def test_a_grant_stored_before_the_text_rules_can_still_be_revoked(private):
    us, sid, _ = private
    with eng.writing(us.location) as conn:
        conn.execute(
            sa.text(
                "INSERT INTO grants (series_id, grantee, can_edit, granted_by, granted_at) "
                "VALUES (:s, :g, false, :by, current_timestamp)"
            ),
            {"s": sid, "g": "b\u200b@example.org", "by": A.user_id},
        )
    us.revoke(A, sid, "b\u200b@example.org")
    assert us.grants(A, sid).empty
    assert us.audit_log(ADMIN).iloc[0]["action"] == "sharing"


def test_older_spellings_of_a_grantee_are_one_grant(private):
    """Grants stored before names were normalised as now (another case, a decomposed accent):
    a new grant to the person replaced neither (two rows for one person), and a revoke typed as
    the list shows the person now was refused as 'not among the grants'."""
    us, sid, _ = private
    with eng.writing(us.location) as conn:
        for old in ("jose\u0301@example.org", "Jos\u00e9@Example.org"):
            conn.execute(
                sa.text(
                    "INSERT INTO grants (series_id, grantee, can_edit, granted_by, granted_at) "
                    "VALUES (:s, :g, false, :by, current_timestamp)"
                ),
                {"s": sid, "g": old, "by": A.user_id},
            )
        conn.execute(sa.text("UPDATE own_series SET sharing = 'users'"))
    us.grant(A, sid, "jose\u0301@example.org", can_edit=True)
    assert us.grants(A, sid)[["grantee", "can_edit"]].values.tolist() == [
        ["jos\u00e9@example.org", True]
    ]
    with eng.writing(us.location) as conn:  # an older spelling again, then revoked
        conn.execute(
            sa.text(
                "INSERT INTO grants (series_id, grantee, can_edit, granted_by, granted_at) "
                "VALUES (:s, :g, false, :by, current_timestamp)"
            ),
            {"s": sid, "g": "JOSE\u0301@EXAMPLE.ORG", "by": A.user_id},
        )
    assert us.revoke(A, sid, "jos\u00e9@example.org") == "private"
    assert us.grants(A, sid).empty
    assert us.verify_audit().ok


def test_a_group_cannot_become_the_owner(private):
    """Owned by 'group:radonc', a series could be managed, given away or deleted by every editor
    of that group; the transfer is refused in words and the group may still be granted access."""
    us, sid, _ = private
    member = Principal("d@example.org", "editor", groups={"radonc"})
    with pytest.raises(SeriesInvalid) as refused:
        us.transfer(A, sid, " group:radonc")
    assert refused.value.messages == [
        "new owner: group:radonc is a group, and a series is owned by one person; give the new "
        "owner's e-mail address or user id (share with the group instead)"
    ]
    assert us.own_series(A).iloc[0]["owner"] == A.user_id
    assert us.own_series(member).empty
    with pytest.raises(PermissionDenied):
        us.delete_own_series(member, sid)
    assert us.verify_audit().entries == 1  # nothing written


def test_sharing_with_the_owner_is_refused_and_keeps_the_series_private(private):
    """A grant to the owner (in any spelling of their address) would give nothing, yet turned the
    private series into one 'shared with named users' and wrote a sharing change."""
    us, sid, _ = private
    for who, spelling in ((A, " A@Example.ORG "), (ADMIN, "a@example.org")):
        with pytest.raises(SeriesInvalid) as refused:
            us.grant(who, sid, spelling, can_edit=True)
        assert refused.value.messages == [
            "grantee: a@example.org owns this series and always sees it; share with another"
        ]
    assert us.grants(A, sid).empty
    assert us.own_series(A).iloc[0]["sharing"] == "private"
    assert us.verify_audit().entries == 1  # nothing written


def test_giving_a_series_to_its_owner_is_refused(private):
    """A transfer to the owner (in another spelling of the address) changed nothing, yet wrote an
    ownership change to the audit trail (owner a@example.org, was a@example.org)."""
    us, sid, _ = private
    for who in (A, ADMIN):
        with pytest.raises(SeriesInvalid) as refused:
            us.transfer(who, sid, "A@EXAMPLE.org ")
        assert refused.value.messages == ["new owner: a@example.org already owns this series"]
    assert us.own_series(A).iloc[0]["owner"] == A.user_id
    assert us.verify_audit().entries == 1  # nothing written
