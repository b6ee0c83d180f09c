"""Several programs writing one PostgreSQL user store at once (a team's replicas and ``plexrt``
commands): what one of them works out from the stored rows is not undone by another's commit in
between. Real processes against a real server; a write is held open in the test so that the other
program's write has to wait for it, which makes each race happen every time."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from plexrt.data.access import local_principal
from plexrt.data.userstore import Change, UserDataUnavailable, UserStore, followup, sharing
from plexrt.data.userstore import engine as eng
from tests.conftest import ROOT

PLEXRT = str(Path(sys.executable).with_name("plexrt"))
PUBLISHED = {"citation": "First F. 2020", "n_patients": "3", "n_patients_source": "T1"}
REFUSED = 2  # the exit code of `plexrt import` when the store refuses the series


def _example(folder: Path) -> tuple[Path, Path]:
    run = subprocess.run(
        [PLEXRT, "synth", "--example", "--out", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return folder / "SYNTHETIC_example_courses.csv", folder / "SYNTHETIC_example_assessments.csv"


def _import(url: str, courses: Path, assessments: Path) -> list[str]:
    return [PLEXRT, "import", str(courses), str(assessments), "--series", "S", "--study-codes"] + [
        "--user-db",
        url,
    ]


def _wait_until_blocked(url: str, proc: subprocess.Popen, waiting: int = 1) -> None:
    """Until ``proc`` (and the others started, ``waiting`` in all) waits for the write the test
    holds open (a lock not granted)."""
    query = "SELECT count(*) FROM pg_locks WHERE NOT granted"
    with psycopg.connect(url, autocommit=True) as watch:
        while watch.execute(query).fetchone()[0] < waiting:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.02)


def test_an_import_update_keeps_follow_up_recorded_while_it_ran(pg_server, tmp_path):
    """`plexrt import` worked out an update's changes from the stored rows ('0 removed'), then
    wrote the file's rows: a follow-up entry another session committed in between was removed,
    without a word and without --allow-removals. Now the update is refused; nothing is written."""
    url = pg_server.new_database()
    courses, assessments = _example(tmp_path)
    first = subprocess.run(
        _import(url, courses, assessments), capture_output=True, text=True, timeout=300
    )
    assert first.returncode == 0, first.stderr
    text = courses.read_text()
    row = "SYN-002,67,F,Melanoma,psoas,upper,left,local_control,50,25,"
    assert f"{row}9," in text
    courses.write_text(text.replace(f"{row}9,", f"{row}8,"))  # the update: one NRS before RT
    us = UserStore(url)
    me = local_principal()
    sid = str(us.own_series(me)["series_id"].iloc[0])
    courses_before = us.series_frames(me, sid).courses
    entry = Change.add("assessments", ("SYN-001", 1, 99), day=200, nrs=1)
    with us._write() as conn:  # a follow-up entry, committed while the import works
        followup.record(conn, me, sid, [entry], None)
        update = subprocess.Popen(
            _import(url, courses, assessments),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        _wait_until_blocked(url, update)
    out, err = update.communicate(timeout=300)
    assert "0 removed" in out  # what it had shown: its changes against the rows it had read
    assert update.returncode == REFUSED, err
    assert "changed in another session" in err and "nothing was written" in err
    stored = us.series_frames(me, sid)
    assert 99 in set(stored.assessments["assessment_no"])  # the follow-up entry is kept
    pd.testing.assert_frame_equal(stored.courses, courses_before)  # nothing of the update
    check = us.verify_audit()
    assert check.ok and check.entries == 2  # the first import and the follow-up entry


_DELETE = """
import sys
from plexrt.data.access import local_principal
from plexrt.data.userstore import SeriesInvalid, UserStore
try:
    UserStore(sys.argv[1]).delete_own_series(local_principal(), sys.argv[2])
except SeriesInvalid as exc:
    print("refused:", exc)
"""


def test_a_series_deleted_by_another_program_meanwhile_is_said_in_words(pg_server, tmp_path):
    """Two programs deleting one series at once, and `plexrt import` updating a series another
    program deletes while it works: the second write failed with a bare KeyError ('no own series
    own-…'; on a page: 'Something went wrong'). Now it is refused in words; nothing is written."""
    url = pg_server.new_database()
    courses, assessments = _example(tmp_path)
    first = subprocess.run(
        _import(url, courses, assessments), capture_output=True, text=True, timeout=300
    )
    assert first.returncode == 0, first.stderr
    courses.write_text(courses.read_text().replace("SYN-001,70,", "SYN-001,71,"))
    us = UserStore(url)
    me = local_principal()
    sid = str(us.own_series(me)["series_id"].iloc[0])
    with us._write() as conn:  # the series is deleted while the others work
        sharing.delete(conn, me, sid)
        others = [
            subprocess.Popen(
                cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for cmd in (
                _import(url, courses, assessments),
                [sys.executable, "-c", _DELETE, url, sid],
            )
        ]
        for proc in others:
            _wait_until_blocked(url, proc, waiting=len(others))
    (update_out, update_err), (delete_out, delete_err) = [
        p.communicate(timeout=300) for p in others
    ]
    assert others[0].returncode == REFUSED, update_err
    assert f"series: {sid} is not stored" in update_err and "nothing was written" in update_err
    assert others[1].returncode == 0, delete_err
    assert delete_out.startswith(f"refused: series: {sid} is not stored")
    assert us.own_series(me).empty
    check = us.verify_audit()
    assert check.ok and check.entries == 2  # the import and the one deletion


def test_a_database_that_takes_no_writes_now_is_said_in_words(pg_server, tmp_path):
    """A team's database switched to read-only (a standby after a failover, maintenance:
    default_transaction_read_only) while PlexRT runs: reads go on, and every write failed with
    psycopg's InternalError, its SQL and values shown ('plexrt import: failed (InternalError: ...
    [SQL: INSERT ...])', on a page 'Something went wrong'). Now it is the store's message."""
    url = pg_server.new_database()
    courses, assessments = _example(tmp_path)
    us = UserStore(url)
    database = url.rsplit("/", 1)[1]
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE {database} SET default_transaction_read_only = on")
    eng.release(us.location)  # a connection takes the setting when it opens
    refused = subprocess.run(
        _import(url, courses, assessments), capture_output=True, text=True, timeout=300
    )
    assert refused.returncode == 1, refused.stderr
    assert "accepts no changes now" in refused.stderr
    assert refused.stderr.count("Nothing was") == 1  # the store's 'Nothing was changed.', once
    assert "SQL" not in refused.stderr
    with pytest.raises(UserDataUnavailable) as info:
        us.add_series(local_principal(), PUBLISHED)
    assert "accepts no changes now" in info.value.reason
    assert us.own_series(local_principal()).empty  # reading goes on
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SET default_transaction_read_only = off")
        admin.execute(f"ALTER DATABASE {database} RESET default_transaction_read_only")
    eng.release(us.location)
    us.add_series(local_principal(), PUBLISHED)  # writable again, nothing half-written before
    assert us.verify_audit().entries == 1 and us.own_series(local_principal()).empty
