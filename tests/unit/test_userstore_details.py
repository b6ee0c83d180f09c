"""An own series' name, institution and period changed in place (``UserStore.edit_details``), on
both backends: checked whole by the import's rules, every problem at once, nothing written unless
all is valid, only by those who may edit the series, one audit entry saying old -> new, a stale
edit refused in words; a series stored before the present text checks can be renamed, then updated.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from plexrt.data.access import PermissionDenied, Principal
from plexrt.data.userstore import Change, SeriesDetails, SeriesInvalid, UserStore
from plexrt.data.userstore import engine as eng
from plexrt.data.userstore.details import stored_problems
from tests.unit.own_frames import make_frames

ANN = Principal("ann@x.org", "editor", email="ann@x.org")
BOB = Principal("bob@x.org", "editor", email="bob@x.org")
VIEWER = Principal("vic@x.org", "viewer", email="vic@x.org")
ADMIN = Principal("root", "admin")
DATE = "looks like a calendar date (dates are never stored)"
HIDDEN = "line breaks, control characters and invisible formatting characters are not allowed"
IDENT = (
    "holds an e-mail address or a number as long as a hospital, NHS or telephone number "
    "(identifiers are never stored)"
)


HIDDEN_NAME = (
    "name: '{}' is not available for this series (a name is unique among all series of the "
    "series' owner); give another name"
)


def _import(us: UserStore, who: Principal, name: str, seed: int = 0, **kw) -> str:
    frames = make_frames(3, seed=seed)
    return us.apply_import(who, name, frames, pseudonymised=False, **kw).series_id


def _record(us: UserStore, sid: str) -> tuple:
    row = us.own_series(ADMIN).set_index("series_id").loc[sid]
    return (row["name"], row["institution"], row["period_text"], row["updated_by"])


def _entries(us: UserStore) -> int:
    return us.verify_audit().entries


def test_name_institution_and_period_change_in_one_audited_write(user_db):
    us = UserStore(user_db)
    sid = _import(us, ANN, "Ours", institution="RT dept", period="2015-2020")
    before = us.series_frames(ANN, sid)
    stored = SeriesDetails("Ours", "RT dept", "2015-2020")
    changed = us.edit_details(
        ANN, sid, SeriesDetails("  Psoas series ", "Radiotherapy", ""), previous=stored
    )
    assert changed == ["name", "institution", "period"]
    assert _record(us, sid) == ("Psoas series", "Radiotherapy", None, "ann@x.org")
    # the rows are those imported, the series' id stays
    after = us.series_frames(ANN, sid)
    for table in ("patients", "courses", "assessments"):
        assert after.table(table).equals(before.table(table))
    entry = us.audit_log(ADMIN).iloc[0]
    assert (entry["action"], entry["actor"], entry["series_id"]) == ("edit", "ann@x.org", sid)
    assert json.loads(entry["detail"]) == {
        "series_details": {
            "name": {"was": "Ours", "now": "Psoas series"},
            "institution": {"was": "RT dept", "now": "Radiotherapy"},
            "period": {"was": "2015-2020", "now": None},
        }
    }
    assert us.verify_audit().ok and _entries(us) == 2
    # the new name is the one an import now updates
    assert us.import_target(ANN, "Psoas series")["series_id"] == sid


def test_only_what_changed_is_written_and_the_same_details_write_nothing(user_db):
    us = UserStore(user_db)
    sid = _import(us, ANN, "Ours", institution="RT dept")
    assert us.edit_details(ANN, sid, SeriesDetails("Ours", " RT dept ", None)) == []
    assert _entries(us) == 1
    assert us.edit_details(ANN, sid, SeriesDetails("Ours", "RT dept", "2019-2021")) == ["period"]
    detail = json.loads(us.audit_log(ADMIN).iloc[0]["detail"])
    assert detail == {"series_details": {"period": {"was": None, "now": "2019-2021"}}}


def test_every_problem_is_reported_at_once_and_nothing_is_written(user_db):
    us = UserStore(user_db)
    sid = _import(us, ANN, "Ours")
    _import(us, ANN, "Theirs", seed=1)
    entries = _entries(us)
    with pytest.raises(SeriesInvalid) as refused:
        us.edit_details(ANN, sid, SeriesDetails("Theirs", "seen 04.03.2021", "2019\u202e-2021"))
    assert refused.value.messages == [
        f"institution: {DATE}",
        f"period: {HIDDEN}",
        "name: you already have another series called 'Theirs'; give another name",
    ]
    with pytest.raises(SeriesInvalid) as refused:
        us.edit_details(ANN, sid, SeriesDetails("  ", "x" * 201, "a\x00b"))
    assert refused.value.messages == [
        "name: is required",
        "institution: is longer than 200 characters (201)",
        "period: contains a NUL character",
    ]
    with pytest.raises(SeriesInvalid) as refused:
        us.edit_details(ANN, sid, SeriesDetails("Ours j.doe@h.org", "Tel 020 7946 0958"))
    assert refused.value.messages == [f"name: {IDENT}", f"institution: {IDENT}"]
    with pytest.raises(SeriesInvalid, match="name: contains a NUL character"):
        us.edit_details(ANN, sid, SeriesDetails("Ou\x00rs"))  # never reaches a query
    assert _record(us, sid) == ("Ours", None, None, "ann@x.org")
    assert _entries(us) == entries


def test_a_name_is_unique_per_owner_only(user_db):
    """Bob's series of a name leaves the name free for Ann's; her own of it does not."""
    us = UserStore(user_db)
    sid = _import(us, ANN, "Ours")
    bobs = _import(us, BOB, "Shared", seed=1)
    us.set_sharing(BOB, bobs, "department")
    assert us.edit_details(ANN, sid, SeriesDetails("Shared")) == ["name"]
    names = us.own_series(ADMIN).sort_values("owner")[["owner", "name"]].values.tolist()
    assert names == [["ann@x.org", "Shared"], ["bob@x.org", "Shared"]]


def test_only_those_who_may_edit_the_series_change_its_details(user_db):
    us = UserStore(user_db)
    sid = _import(us, ANN, "Ours")
    _import(us, ANN, "Other", seed=1)
    us.grant(ANN, sid, VIEWER.user_id)
    us.grant(ANN, sid, BOB.user_id)  # read only
    for who in (VIEWER, BOB):
        with pytest.raises(PermissionDenied, match="may not change the series 'Ours'"):
            us.edit_details(who, sid, SeriesDetails("Renamed"))
    assert _record(us, sid)[0] == "Ours"
    us.grant(ANN, sid, BOB.user_id, can_edit=True)
    # an editor granted edit renames it; the owner's other series' name is still taken, and
    # the refusal says no more than Bob may see ('Other' is private to Ann)
    with pytest.raises(SeriesInvalid) as refused:
        us.edit_details(BOB, sid, SeriesDetails("Other"))
    assert refused.value.messages == [HIDDEN_NAME.format("Other")]
    assert us.edit_details(BOB, sid, SeriesDetails("Renamed")) == ["name"]
    assert _record(us, sid) == ("Renamed", None, None, "bob@x.org")


def test_a_stale_edit_is_refused_in_words(user_db):
    us = UserStore(user_db)
    sid = _import(us, ANN, "Ours", institution="RT dept")
    seen = SeriesDetails("Ours", "RT dept")
    us.edit_details(ANN, sid, SeriesDetails("Ours", "Radiotherapy"), previous=seen)  # session 2
    with pytest.raises(SeriesInvalid) as refused:
        us.edit_details(ANN, sid, SeriesDetails("Mine", "RT dept"), previous=seen)
    assert refused.value.messages == [
        "series: the details of 'Ours' were changed in another session since this edit was "
        "begun; nothing was written: look at the details stored now and edit them again"
    ]
    assert _record(us, sid)[:2] == ("Ours", "Radiotherapy")
    us.delete_own_series(ANN, sid)  # another session
    with pytest.raises(SeriesInvalid, match=f"series: {sid} is not stored"):
        us.edit_details(ANN, sid, SeriesDetails("Mine"), previous=SeriesDetails("Ours"))


LEGACY = "Smith J 1970-01-01 \u202eMRN 4412093"  # as an older PlexRT stored it


def _legacy(us: UserStore) -> str:
    """A series whose name an older PlexRT accepted: its record changed directly in SQL."""
    sid = _import(us, ANN, "Ours", period="2015-2023")
    with eng.writing(us.location) as conn:
        conn.execute(
            sa.text("UPDATE own_series SET name = :n, institution = :i WHERE series_id = :s"),
            {"n": LEGACY, "i": "Ward\u200b 3", "s": sid},
        )
    return sid


def test_the_stored_details_that_fail_todays_checks_are_named():
    assert stored_problems(SeriesDetails("Ours", "RT dept", "2015-2023")) == []
    assert stored_problems(SeriesDetails(LEGACY, "Ward\u200b 3", "2015-2023")) == [
        f"name: {HIDDEN} (the name as stored, accepted before this check; change it)",
        f"institution: {HIDDEN} (the institution as stored, accepted before this check; change it)",
    ]
    assert stored_problems(SeriesDetails("Seen 1970-01-01")) == [
        f"name: {DATE} (the name as stored, accepted before this check; change it)"
    ]


def test_a_series_stored_with_a_name_now_refused_is_renamed_then_updated(user_db):
    us = UserStore(user_db)
    sid = _legacy(us)
    listed = us.own_series(ANN).iloc[0]
    stored = SeriesDetails.of(listed)
    assert stored == SeriesDetails(LEGACY, "Ward\u200b 3", "2015-2023")
    newer = make_frames(4, seed=0)
    # Before: no update of it can be written, for its stored name fails the checks.
    with pytest.raises(SeriesInvalid, match=f"name: {HIDDEN}"):
        us.apply_import(ANN, LEGACY, newer, pseudonymised=False, series_id=sid)
    # Kept as stored, a detail is refused as the stored one, and nothing is written.
    with pytest.raises(SeriesInvalid) as refused:
        us.edit_details(ANN, sid, SeriesDetails(LEGACY, "RT dept", "2015-2023"), previous=stored)
    assert refused.value.messages == [
        f"name: {HIDDEN} (the name as stored, accepted before this check; change it)"
    ]
    assert _entries(us) == 1
    changed = us.edit_details(
        ANN, sid, SeriesDetails("Psoas RT", "RT dept", "2015-2023"), previous=stored
    )
    assert changed == ["name", "institution"]
    # The trail names the old values' problems, never copies them (a date, an override).
    entry = us.audit_log(ADMIN).iloc[0]
    assert json.loads(entry["detail"]) == {
        "series_details": {
            "name": {"now": "Psoas RT", "was_not_copied": HIDDEN},
            "institution": {"now": "RT dept", "was_not_copied": HIDDEN},
        }
    }
    assert "1970" not in entry["detail"] and "4412093" not in entry["detail"]
    # After: an import updates it, and a follow-up entry is recorded.
    result = us.apply_import(ANN, "Psoas RT", newer, pseudonymised=False, series_id=sid)
    assert (result.series_id, result.created, result.patients) == (sid, False, 4)
    pid = newer.patients.loc[0, "patient_id"]
    assert us.record_follow_up(ANN, sid, [Change.update("patients", (pid,), death_day=900)])
    assert us.verify_audit().ok


def test_a_taken_name_is_named_only_to_one_who_may_see_the_series_holding_it(user_db):
    """Bob edits Ann's 'Ours' (granted edit). A name of Ann's private series, or of one shared
    with Vic only, is refused without a word of that series; once Bob may see it (shared with
    him, or department-wide) the refusal says whose series holds the name. An admin sees every
    series. Free names pass."""
    us = UserStore(user_db)
    sid = _import(us, ANN, "Ours")
    us.grant(ANN, sid, BOB.user_id, can_edit=True)
    private = _import(us, ANN, "Private plan", seed=1)
    others = _import(us, ANN, "Vic's view", seed=2)
    us.grant(ANN, others, VIEWER.user_id)
    bobs = _import(us, BOB, "Bob's own", seed=3)
    for name in ("Private plan", "Vic's view"):
        with pytest.raises(SeriesInvalid) as refused:
            us.edit_details(BOB, sid, SeriesDetails(name))
        assert refused.value.messages == [HIDDEN_NAME.format(name)]
        assert "ann@x.org" not in refused.value.messages[0] and private not in str(refused.value)
    seen = "name: its owner ann@x.org already has another series called '{}'; give another name"
    us.grant(ANN, others, BOB.user_id)
    with pytest.raises(SeriesInvalid) as refused:
        us.edit_details(BOB, sid, SeriesDetails("Vic's view"))
    assert refused.value.messages == [seen.format("Vic's view")]
    us.set_sharing(ANN, private, "department")
    with pytest.raises(SeriesInvalid) as refused:
        us.edit_details(BOB, sid, SeriesDetails("Private plan"))
    assert refused.value.messages == [seen.format("Private plan")]
    # Bob's own series' name is free for Ann's series (names are unique per owner)
    assert us.edit_details(BOB, sid, SeriesDetails("Bob's own")) == ["name"]
    assert _record(us, bobs)[0] == "Bob's own"


def test_a_transfer_to_one_who_has_the_name_says_no_more_than_the_giver_may_see(user_db):
    us = UserStore(user_db)
    anns = _import(us, ANN, "Ours")
    bobs = _import(us, BOB, "Ours", seed=1)  # private: Ann may not see it
    with pytest.raises(SeriesInvalid) as refused:
        us.transfer(ANN, anns, BOB.user_id)
    assert refused.value.messages == [
        "new owner: bob@x.org cannot be given this series under its name 'Ours'; give it another "
        "name first"
    ]
    us.grant(BOB, bobs, ANN.user_id)
    with pytest.raises(SeriesInvalid) as refused:
        us.transfer(ANN, anns, BOB.user_id)
    assert refused.value.messages == [
        "new owner: bob@x.org already owns a series called 'Ours'; one of the two needs another "
        "name first"
    ]


def test_a_refusal_of_a_series_one_may_not_see_names_it_by_its_id_only(user_db):
    us = UserStore(user_db)
    sid = _import(us, ANN, "Secret plan")
    with pytest.raises(PermissionDenied) as refused:
        us.edit_details(BOB, sid, SeriesDetails("Mine"))
    assert str(refused.value) == f"bob@x.org (role editor) may not change the series {sid}."
    with pytest.raises(PermissionDenied) as refused:
        us.series_frames(BOB, sid)
    assert "Secret plan" not in str(refused.value)
    us.grant(ANN, sid, BOB.user_id)  # read only: he sees it, and is told its name
    with pytest.raises(PermissionDenied, match="may not change the series 'Secret plan'"):
        us.edit_details(BOB, sid, SeriesDetails("Mine"))


PERIOD_REFUSED = (
    "give the period in years, or months and years ('2010-2015', 'Jan 2010 to Dec 2015', "
    "'2010/01-2015/12'); identifiers and dates are never stored"
)


def test_a_period_that_may_identify_is_refused_on_edit_and_import_with_every_problem(user_db):
    us = UserStore(user_db)
    sid = _import(us, ANN, "Ours", period="2010–2015, 2016–2023")
    entries = _entries(us)
    with pytest.raises(SeriesInvalid) as refused:
        us.edit_details(
            ANN, sid, SeriesDetails("Ours x@h.org", None, "2010-2015 ring 020 7946 0958")
        )
    assert refused.value.messages == [
        f"name: {IDENT}",
        "period: holds a number that is neither a year nor a month (a telephone, hospital or "
        f"record number): {PERIOD_REFUSED}",
    ]
    with pytest.raises(SeriesInvalid) as refused:
        _import(us, ANN, "New", period="15 Jan 2010 to 2015, j.doe@h.org")
    assert refused.value.messages == [
        f"period: holds an e-mail address and a calendar date with its day: {PERIOD_REFUSED}"
    ]
    assert _record(us, sid)[2] == "2010–2015, 2016–2023" and _entries(us) == entries
    assert us.edit_details(ANN, sid, SeriesDetails("Ours", None, "Jan 2010 to Dec 2015")) == [
        "period"
    ]
