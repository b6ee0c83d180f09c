"""Patient-level exports and the audit page's reads, on both backends: an export of an own series
passes the store's read rule at the moment it is made and is recorded; the trail filters by actor,
action and series, in pages; exporting the trail is itself recorded."""

from __future__ import annotations

import json

import pytest

from plexrt.data.access import PermissionDenied, Principal
from plexrt.data.userstore import UserStore
from tests.unit.own_frames import make_frames

ANN = Principal("ann@h.example", "editor", email="ann@h.example")
BOB = Principal("bob@h.example", "viewer", email="bob@h.example")
BOSS = Principal("boss@h.example", "admin", email="boss@h.example")


@pytest.fixture
def shared(user_db):
    us = UserStore(user_db)
    sid = us.apply_import(ANN, "Ours", make_frames(4), pseudonymised=True).series_id
    return us, sid


def test_an_export_of_a_private_series_is_refused_then_allowed_once_shared(shared):
    us, sid = shared
    with pytest.raises(PermissionDenied, match="bob@h.example \\(role viewer\\) may not see"):
        us.record_export(BOB, sid, what="cohort CSV", rows=6)
    assert us.audit_count(BOSS, action="export") == 0  # a refused export leaves no entry
    us.grant(ANN, sid, "bob@h.example")
    seq = us.record_export(BOB, sid, what="cohort CSV", rows=6)
    row = us.audit_log(BOSS, action="export").iloc[0]
    assert (int(row["seq"]), row["actor"], row["series_id"]) == (seq, "bob@h.example", sid)
    assert json.loads(row["detail"]) == {"what": "cohort CSV", "rows": 6}
    us.revoke(ANN, sid, "bob@h.example")
    with pytest.raises(PermissionDenied):
        us.record_export(BOB, sid, what="HTML report")
    assert us.verify_audit().ok


def test_the_trail_filters_and_pages(shared):
    us, sid = shared
    us.log_event(BOB, "sign_in")
    us.log_event(ANN, "sign_in")
    us.set_sharing(ANN, sid, "department")
    for n in range(3):
        us.record_export(BOB, sid, what="cohort CSV", rows=n)
    # Entries so far: import (ann), sign_in (bob), sign_in (ann), sharing (ann), 3 exports (bob).
    assert us.audit_count(BOSS) == 7
    assert us.audit_count(BOSS, actor="bob@h.example") == 4
    assert us.audit_count(BOSS, actor="ann@h.example", action="sign_in") == 1
    assert us.audit_count(BOSS, series_id=sid) == 5
    assert us.audit_actors(BOSS) == ["ann@h.example", "bob@h.example"]
    page1 = us.audit_log(BOSS, limit=3)
    page2 = us.audit_log(BOSS, limit=3, offset=3)
    page3 = us.audit_log(BOSS, limit=3, offset=6)
    assert list(page1["seq"]) == [7, 6, 5]
    assert list(page2["seq"]) == [4, 3, 2]
    assert list(page3["seq"]) == [1]
    bob_exports = us.audit_log(BOSS, actor="bob@h.example", action="export")
    assert [json.loads(d)["rows"] for d in bob_exports["detail"]] == [2, 1, 0]


def test_only_an_admin_reads_or_exports_the_trail_and_the_export_is_recorded(shared):
    us, sid = shared
    for who in (ANN, BOB):
        with pytest.raises(PermissionDenied):
            us.audit_log(who)
        with pytest.raises(PermissionDenied):
            us.audit_count(who)
        with pytest.raises(PermissionDenied):
            us.export_audit(who)
    before = us.audit_count(BOSS)
    out = us.export_audit(BOSS, series_id=sid)
    assert len(out) == 1  # the import
    assert us.audit_count(BOSS) == before + 1
    last = us.audit_log(BOSS, limit=1).iloc[0]
    assert (last["actor"], last["action"], last["series_id"]) == ("boss@h.example", "export", None)
    assert json.loads(last["detail"]) == {
        "what": "audit trail",
        "rows": 1,
        "filter": {"series_id": sid},
    }
    assert us.verify_audit().ok


def test_the_download_of_saved_board_cases_is_recorded(shared):
    """The Tumour board's 'Download saved cases (CSV)' (patients discussed at the board: cancer,
    NRS, dose, a label) was a plain download, recorded nowhere. It passes the one record of
    patient-level exports now (ui.exports.record, as every audited download does)."""
    from plexrt.ui.exports import record

    us, sid = shared
    record(us, ANN, None, "saved board cases", 2)
    row = us.audit_log(BOSS, action="export").iloc[0]
    assert (row["actor"], row["series_id"]) == ("ann@h.example", None)
    assert json.loads(row["detail"]) == {"what": "saved board cases", "rows": 2}
    with pytest.raises(PermissionDenied):  # a series' rows: still checked first
        record(us, BOB, sid, "cohort CSV", 4)
    assert us.audit_count(BOSS, action="export") == 1
