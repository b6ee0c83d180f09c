"""plexrt own rename: an own series' name, institution and period changed from the command line,
with the store's checks (every problem printed, exit 2, nothing written), exit 1 when the local
user may not change the series, and a series stored with a name today's checks refuse renamed."""

from __future__ import annotations

import json

import sqlalchemy as sa

from plexrt.cli import main
from plexrt.data.access import Principal, local_principal
from plexrt.data.userstore import SeriesDetails, UserStore
from plexrt.data.userstore import engine as eng
from tests.unit.own_frames import make_frames

ME = local_principal()
ADMIN = Principal("root", "admin")


def _store(tmp_path) -> tuple[str, UserStore, str]:
    db = str(tmp_path / "u.duckdb")
    us = UserStore(db)
    frames = make_frames(2)
    sid = us.apply_import(
        ME, "Ours", frames, pseudonymised=False, institution="RT dept", period="2015-2020"
    ).series_id
    return db, us, sid


def _details(us: UserStore, sid: str) -> SeriesDetails:
    listing = us.own_series(ADMIN)
    return SeriesDetails.of(listing[listing["series_id"] == sid].iloc[0])


def test_a_series_is_renamed_keeping_what_is_not_given(tmp_path, capsys):
    db, us, sid = _store(tmp_path)
    rc = main(["own", "rename", "--series", "Ours", "--name", "Psoas RT", "--user-db", db])
    assert rc == 0
    assert capsys.readouterr().out == f"updated series {sid} ('Psoas RT'): name changed.\n"
    assert _details(us, sid) == SeriesDetails("Psoas RT", "RT dept", "2015-2020")
    # by its id; '' clears the institution
    args = ["own", "rename", "--series", sid, "--institution", "", "--period", "2015-2023"]
    assert main([*args, "--user-db", db]) == 0
    out = capsys.readouterr().out
    assert out == f"updated series {sid} ('Psoas RT'): institution, period changed.\n"
    assert _details(us, sid) == SeriesDetails("Psoas RT", None, "2015-2023")
    assert main([*args, "--user-db", db]) == 0
    assert capsys.readouterr().out.startswith("nothing to change: ")
    entry = us.audit_log(ADMIN).iloc[0]
    assert entry["action"] == "edit" and json.loads(entry["detail"]) == {
        "series_details": {
            "institution": {"was": "RT dept", "now": None},
            "period": {"was": "2015-2020", "now": "2015-2023"},
        }
    }


def test_refused_details_print_every_problem_and_write_nothing(tmp_path, capsys):
    db, us, sid = _store(tmp_path)
    us.apply_import(ME, "Theirs", make_frames(2, seed=1), pseudonymised=False)
    entries = us.verify_audit().entries
    args = ["own", "rename", "--series", "Ours", "--name", "Theirs", "--period", "1970-01-01"]
    assert main([*args, "--user-db", db]) == 2
    assert capsys.readouterr().err == (
        "plexrt own rename: the store refused the details; nothing was written.\n"
        "  - period: looks like a calendar date (dates are never stored)\n"
        "  - name: you already have another series called 'Theirs'; give another name\n"
    )
    assert main(["own", "rename", "--series", "Nobody's", "--name", "X", "--user-db", db]) == 2
    assert capsys.readouterr().err == (
        "plexrt own rename: no series you can see is called 'Nobody's'; nothing was written.\n"
    )
    assert _details(us, sid) == SeriesDetails("Ours", "RT dept", "2015-2020")
    assert us.verify_audit().entries == entries


def test_a_series_the_local_user_may_only_read_is_not_renamed(tmp_path, capsys):
    db = str(tmp_path / "u.duckdb")
    us = UserStore(db)
    ann = Principal("ann@x.org", "editor", email="ann@x.org")
    sid = us.apply_import(ann, "Anns", make_frames(2), pseudonymised=False).series_id
    us.set_sharing(ann, sid, "department")
    # The local user (an admin) reads it; editing another's series needs an edit grant.
    assert ME.role == "admin" and us.own_series(ME)["series_id"].tolist() == [sid]
    assert main(["own", "rename", "--series", sid, "--name", "Mine", "--user-db", db]) == 1
    err = capsys.readouterr().err
    assert err.startswith("plexrt own rename: ") and "may not change the series 'Anns'" in err
    assert err.endswith("Nothing was written.\n")
    assert _details(us, sid).name == "Anns"


def test_a_series_stored_with_a_name_now_refused_is_renamed(tmp_path, capsys):
    db, us, sid = _store(tmp_path)
    with eng.writing(us.location) as conn:  # as an older PlexRT stored it
        conn.execute(sa.text("UPDATE own_series SET name = 'Ours\u202e 1970-01-01'"))
    assert main(["own", "rename", "--series", sid, "--period", "2015-2023", "--user-db", db]) == 2
    assert capsys.readouterr().err == (
        "plexrt own rename: the store refused the details; nothing was written.\n"
        "  - name: line breaks, control characters and invisible formatting characters are not "
        "allowed (the name as stored, accepted before this check; change it)\n"
    )
    assert main(["own", "rename", "--series", sid, "--name", "Ours", "--user-db", db]) == 0
    assert capsys.readouterr().out == f"updated series {sid} ('Ours'): name changed.\n"
    assert _details(us, sid) == SeriesDetails("Ours", "RT dept", "2015-2020")


def test_a_period_that_may_identify_is_refused_with_the_other_problems(tmp_path, capsys):
    db, us, sid = _store(tmp_path)
    rc = main(
        ["own", "rename", "--series", "Ours", "--institution", "j@h.org", "--period",
         "since 3 May 2018", "--user-db", db]
    )  # fmt: skip
    assert rc == 2
    err = capsys.readouterr().err
    assert "the store refused the details; nothing was written." in err
    assert "  - institution: holds an e-mail address" in err
    assert "  - period: holds a calendar date with its day: give the period in years" in err
    assert _details(us, sid) == SeriesDetails("Ours", "RT dept", "2015-2020")
    assert (
        main(
            [
                "own",
                "rename",
                "--series",
                "Ours",
                "--period",
                "Jan 2015 to Dec 2020",
                "--user-db",
                db,
            ]
        )
        == 0
    )
    assert _details(us, sid).period == "Jan 2015 to Dec 2020"


def test_a_period_that_ends_before_it_starts_is_refused(tmp_path, capsys):
    db, us, sid = _store(tmp_path)
    args = ["own", "rename", "--series", "Ours", "--period", "2020-2010", "--user-db", db]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "  - period: '2020-2010' ends before it starts: give the first year first" in err
    assert _details(us, sid) == SeriesDetails("Ours", "RT dept", "2015-2020")
