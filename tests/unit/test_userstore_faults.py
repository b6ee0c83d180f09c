"""Faults of the user database (issue 16 §3), each with a real file, process or server: a clear
``UserDataUnavailable`` naming the reason, the file left as it was, nothing written before lost."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from plexrt.data.access import Principal
from plexrt.data.userstore import UserDataBusy, UserDataUnavailable, UserStore
from plexrt.data.userstore import engine as eng
from tests.unit.own_frames import make_frames

ROOT = Path(__file__).resolve().parents[2]
ANN = Principal("ann", "editor")
ADMIN = Principal("boss", "admin")


def _unusable(path: Path, reason: str) -> None:
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(UserDataUnavailable) as info:
        us = UserStore(path)  # opening reads the schema; reading everything reads every block
        for sid in us.own_series(ADMIN)["series_id"]:
            us.series_frames(ADMIN, sid)
    assert reason in info.value.reason
    assert str(path) in str(info.value) and "Nothing was changed" in str(info.value)
    if before is not None:
        assert path.read_bytes() == before  # never "repaired" by overwriting


def test_a_folder(tmp_path):
    folder = tmp_path / "user.duckdb"
    folder.mkdir()
    _unusable(folder, "it is a folder, not a database file")


def test_garbage_and_empty_files(tmp_path):
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"not a database at all\n" * 500)
    _unusable(garbage, "not a PlexRT database")
    empty = tmp_path / "empty.duckdb"
    empty.write_bytes(b"")
    _unusable(empty, "the file is empty (0 bytes)")


def test_the_bundled_store_is_not_taken_for_a_user_database(test_db, tmp_path):
    # PLEXRT_USER_DB or --user-db set to the bundled store by mistake: its next build replaces the
    # file, so user tables added to it (own series, the audit trail) would be lost with it.
    bundled = tmp_path / "plexrt.duckdb"
    shutil.copyfile(test_db, bundled)
    _unusable(bundled, "it is PlexRT's bundled data store")
    con = duckdb.connect(str(bundled), read_only=True)
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    con.close()
    assert "course_summary" in tables and not tables & {"alembic_version", "audit", "own_series"}


def _store_with_rows(path: Path) -> None:
    us = UserStore(path)
    us.apply_import(ANN, "S", make_frames(40), pseudonymised=False)
    us.release()


def test_a_truncated_file(tmp_path):
    path = tmp_path / "user.duckdb"
    _store_with_rows(path)
    with path.open("r+b") as fh:
        fh.truncate(16 * 1024)  # a partial copy: the headers and a little more
    _unusable(path, "the file is damaged or cut short")


def test_a_read_only_file(tmp_path):
    path = tmp_path / "user.duckdb"
    _store_with_rows(path)
    if os.geteuid() == 0:  # root writes any file whose permissions forbid it: make it immutable
        subprocess.run(["chattr", "+i", str(path)], check=True)
    else:
        path.chmod(0o444)
    try:
        _unusable(path, "read-only")
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(0o644)
    assert len(UserStore(path).own_series(ADMIN)) == 1  # usable again, nothing lost


def test_a_file_held_by_another_program(tmp_path):
    path = tmp_path / "user.duckdb"
    us = UserStore(path)
    us.add_series(ANN, {"citation": "Held H. 2020", "n_patients": "4", "n_patients_source": "T1"})
    us.release()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
            "time.sleep(60)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        assert not us.available()  # the cheap check does not wait for the other program
        with pytest.raises(UserDataBusy) as info:
            us.check()
        assert "open in another program" in str(info.value) and "nothing was changed" in str(
            info.value
        )
        with pytest.raises(UserDataBusy):
            UserStore(path, busy_wait_s=0.2).series(ANN)
    finally:
        holder.kill()
        holder.wait()
    assert us.available()
    assert list(us.series(ANN)["citation"]) == ["Held H. 2020"]  # nothing lost


def test_an_unreachable_postgresql_server():
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # a port nobody listens on once closed
    url = f"postgresql://plexrt:s3cret@127.0.0.1:{port}/plexrt"
    with pytest.raises(UserDataUnavailable) as info:
        UserStore(url)
    assert "cannot be reached" in info.value.reason
    assert "s3cret" not in str(info.value) and f"127.0.0.1:{port}" in str(info.value)


def _expected_courses(i: int, n_patients: int) -> int:
    return len(make_frames(n_patients, seed=i).courses)


def test_an_import_killed_midway_leaves_the_old_state_or_the_new(user_db):
    """A real process imports series after series and is killed at a random moment, most likely
    inside a transaction: afterwards every series present is whole, and the trail verifies."""
    n_patients = 3000
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.unit.store_worker", "imports", user_db, str(n_patients)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(2):
            line = worker.stdout.readline()
            assert line.startswith("committed"), worker.stderr.read()
        time.sleep(random.uniform(0.05, 0.6))
    finally:
        worker.kill()
        worker.wait()
    eng.release(eng.locate(user_db))
    us = UserStore(user_db, busy_wait_s=30)
    series = us.own_series(ADMIN)
    assert len(series) >= 2
    for row in series.itertuples():
        i = int(row.name.split()[-1])
        assert row.n_courses == _expected_courses(i, n_patients), row.name
    with eng.reading(us.location) as conn:
        total = conn.execute(sa.text("SELECT count(*) FROM own_courses")).scalar()
    assert total == int(series["n_courses"].sum())  # no rows of a half-written series
    check = us.verify_audit()
    assert check.ok and check.entries == len(series)


def test_the_platform_default_location(monkeypatch, tmp_path):
    monkeypatch.delenv("PLEXRT_USER_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    loc = eng.locate()
    assert loc.path == tmp_path / "xdg" / "plexrt" / "plexrt-user.duckdb"
    monkeypatch.setenv("PLEXRT_USER_DB", "postgresql://u:pw@db.example:5432/plexrt")
    loc = eng.locate()
    assert loc.is_postgres and loc.shown == "postgresql+psycopg://u:***@db.example:5432/plexrt"
    shutil.rmtree(tmp_path / "xdg", ignore_errors=True)


def test_the_postgresql_server_stopped_inside_an_import_keeps_the_old_state(pg_server_alone):
    """The server goes down while an import's transaction holds written rows: the import fails
    with the store's message, and once the server is back nothing of it is there."""
    import threading

    import psycopg

    url = pg_server_alone.new_database()
    us = UserStore(url)
    us.apply_import(ANN, "Before", make_frames(40, seed=1), pseudonymised=True)
    holder = psycopg.connect(url)
    # the import writes the series and its rows, then waits here: change_batches is locked
    holder.execute("LOCK TABLE change_batches IN ACCESS EXCLUSIVE MODE")
    failed: list[BaseException] = []

    def run() -> None:
        try:
            us.apply_import(ANN, "Cut off", make_frames(300, seed=2), pseudonymised=True)
        except BaseException as exc:  # noqa: BLE001 -- handed to the test thread
            failed.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    with psycopg.connect(url, autocommit=True) as watch:
        waiting = 0
        while not waiting and worker.is_alive():  # the import's transaction blocked mid-way
            waiting = watch.execute("SELECT count(*) FROM pg_locks WHERE NOT granted").fetchone()[0]
            time.sleep(0.01)
        written = watch.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'own_courses' AND l.granted AND l.mode = 'RowExclusiveLock'"
        ).fetchone()[0]
    assert waiting and written  # its courses written, its transaction open
    pg_server_alone.pause()
    holder.close()
    worker.join(timeout=60)
    assert not worker.is_alive()
    assert len(failed) == 1 and isinstance(failed[0], UserDataUnavailable), failed
    assert "Nothing was changed" in str(failed[0])
    pg_server_alone.resume()
    eng.release(eng.locate(url))
    after = UserStore(url)
    series = after.own_series(ADMIN)
    assert list(series["name"]) == ["Before"]
    with eng.reading(after.location) as conn:
        courses = conn.execute(sa.text("SELECT count(*) FROM own_courses")).scalar()
    assert courses == len(make_frames(40, seed=1).courses)
    check = after.verify_audit()
    assert check.ok and check.entries == 1
