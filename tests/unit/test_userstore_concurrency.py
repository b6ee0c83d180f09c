"""Concurrency of the user store (issue 16 §2, §3): readers never queue behind a writer or each
other, DuckDB connections of one process share one database instance, and two real processes (or
two sessions) writing at once lose nothing, on both backends."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from plexrt.data.access import Principal
from plexrt.data.userstore import Change, SeriesInvalid, UserStore
from plexrt.data.userstore import engine as eng
from tests.unit.own_frames import make_frames

ROOT = Path(__file__).resolve().parents[2]
ANN = Principal("ann", "editor")
ADMIN = Principal("boss", "admin")


def test_duckdb_connections_of_one_process_share_one_database(tmp_path):
    loc = UserStore(tmp_path / "u.duckdb").location
    first = eng.connect(loc)
    second = eng.connect(loc)  # a second instance of the same file would meet the file lock
    try:
        first.execute(sa.text("SET GLOBAL threads = 3"))
        assert second.execute(sa.text("SELECT current_setting('threads')")).scalar() == 3
        first.execute(sa.text("SET GLOBAL threads = 2"))
        assert second.execute(sa.text("SELECT current_setting('threads')")).scalar() == 2
    finally:
        first.close()
        second.close()


def test_a_reader_does_not_wait_for_an_open_write(user_db):
    us = UserStore(user_db)
    us.add_series(ANN, {"citation": "First F. 2020", "n_patients": "3", "n_patients_source": "T1"})
    writing, release = threading.Event(), threading.Event()
    seen: list[list[str]] = []

    def writer() -> None:
        with us._write() as conn:  # holds the write lock and an open transaction
            conn.execute(
                sa.text(
                    "INSERT INTO user_series (series_key, citation, created_at, updated_at) "
                    "VALUES ('user-pending', 'Pending P. 2021', :t, :t)"
                ),
                {"t": "2026-01-01 00:00:00"},
            )
            writing.set()
            release.wait(60)

    def reader() -> None:
        seen.append(list(us.series(ANN)["citation"]))

    w = threading.Thread(target=writer)
    w.start()
    assert writing.wait(60)
    r = threading.Thread(target=reader)
    r.start()
    r.join(60)  # a reader queued behind the writer would still be waiting when it is released
    finished_while_writing = not r.is_alive()
    release.set()
    w.join(60)
    r.join(60)
    assert finished_while_writing
    assert seen == [["First F. 2020"]]  # the committed state, not the open write


def test_readers_do_not_wait_for_each_other(user_db):
    """Issue 16 §3 found readers queued behind one process-wide lock: while one reader holds its
    snapshot open, other reads of the same process finish."""
    us = UserStore(user_db)
    us.add_series(ANN, {"citation": "First F. 2020", "n_patients": "3", "n_patients_source": "T1"})
    inside, release = threading.Event(), threading.Event()

    def slow_reader() -> None:
        with eng.reading(us.location) as conn:  # an open read transaction, held
            conn.execute(sa.text("SELECT count(*) FROM user_series")).scalar()
            inside.set()
            release.wait(60)

    seen: list[list[str]] = []

    def reader() -> None:
        us.check()
        seen.append(list(us.series(ANN)["citation"]))

    slow = threading.Thread(target=slow_reader)
    slow.start()
    assert inside.wait(60)
    others = [threading.Thread(target=reader) for _ in range(3)]
    for t in others:
        t.start()
    for t in others:
        t.join(60)  # queued behind the open reader, they would still be waiting
    finished_while_reading = not any(t.is_alive() for t in others)
    release.set()
    slow.join(60)
    for t in others:
        t.join(60)
    assert finished_while_reading
    assert seen == [["First F. 2020"]] * 3


def test_two_sessions_recording_follow_up_at_once_lose_nothing(user_db):
    us = UserStore(user_db)
    frames = make_frames(2)
    sid = us.apply_import(ANN, "S", frames, pseudonymised=False).series_id
    pid = frames.courses.loc[0, "patient_id"]
    errors: list[BaseException] = []

    def record(worker: int) -> None:
        try:
            for i in range(6):
                n = 100 * (worker + 1) + i
                us.record_follow_up(
                    ANN, sid, [Change.add("assessments", (pid, 1, n), day=n, nrs=1)]
                )
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=record, args=(w,)) for w in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = set(us.series_frames(ANN, sid).assessments["assessment_no"])
    assert {100, 101, 102, 103, 104, 105, 200, 201, 202, 203, 204, 205} <= numbers
    assert us.verify_audit().entries == 13


def test_two_processes_writing_at_once_lose_nothing(user_db):
    us = UserStore(user_db)
    frames = make_frames(2)
    sid = us.apply_import(ANN, "S", frames, pseudonymised=False).series_id
    us.grant(ANN, sid, "worker", can_edit=True)
    us.release()  # let the workers have the DuckDB file
    n = 5
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.unit.store_worker",
                "follow-up",
                user_db,
                sid,
                str(w),
                str(n),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(2)
    ]
    outputs = [w.communicate(timeout=240) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [err for _, err in outputs]
    assert all(out.strip() == "done" for out, _ in outputs)
    us = UserStore(user_db)
    numbers = set(us.series_frames(ADMIN, sid).assessments["assessment_no"])
    assert {1000 + i for i in range(n)} | {2000 + i for i in range(n)} <= numbers
    assert len(us.series(ADMIN)) == 2 * n
    check = us.verify_audit()
    assert check.ok and check.entries == 2 + 4 * n


def test_the_files_kept_open_are_closed_before_the_interpreter_stops(tmp_path):
    # A keeper's idle timer closing its DuckDB connection while Python finalises aborted the
    # process now and then (exit code 134 after a finished run). At exit every kept connection is
    # closed and every timer cancelled while the interpreter is whole; this hook runs after that
    # one (atexit runs in reverse order) and prints what is still open.
    code = f"""
import atexit

def left():
    from plexrt.data.userstore import engine as eng
    keepers = list(eng._KEEPERS.values())
    print("kept", len(keepers), "open", sum(k.is_open for k in keepers),
          "timers", sum(k._timer is not None for k in keepers))

atexit.register(left)
from plexrt.data.access import Principal
from plexrt.data.userstore import UserStore
us = UserStore({str(tmp_path / "u.duckdb")!r})
from plexrt.data.userstore import engine as eng
us.own_series(Principal("ann", "editor"))
print("used", sum(k.is_open for k in eng._KEEPERS.values()))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["used 1", "kept 1 open 0 timers 0"]


def test_two_sessions_storing_one_name_as_new_do_not_replace_each_other(user_db):
    """Both sessions checked their files as a new series 'S' (no series of that name yet; no
    changes shown). The first stored it; the second then replaced its rows, an update its user
    never saw. Now the second is refused, and the first's rows stay."""
    us = UserStore(user_db)
    first, second = make_frames(3, seed=1), make_frames(2, seed=2)
    made = us.apply_import(ANN, "S", first, pseudonymised=False, create_only=True)
    with pytest.raises(SeriesInvalid) as refused:
        us.apply_import(ANN, "S", second, pseudonymised=False, create_only=True)
    assert refused.value.messages == [
        "name: a series called 'S' was stored meanwhile (by another session or import); import "
        "the files again to see what an update of it changes, or give another name"
    ]
    stored = us.series_frames(ANN, made.series_id)
    assert sorted(stored.patients["patient_id"]) == sorted(first.patients["patient_id"])
    assert us.verify_audit().entries == 1
