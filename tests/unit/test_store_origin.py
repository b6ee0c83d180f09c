"""The bundled store is never replaced by a build from another data folder, and a good store is
served when the data beside it are invalid or the disk is full (issue 16 §3); real files and real
processes throughout."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from plexrt.cli import main as cli_main
from plexrt.data.manifest import write_manifest
from plexrt.data.store_origin import store_state
from plexrt.ingest.build import build_db
from plexrt.ingest.ensure import StoreUnavailable, ensure_store
from tests.conftest import DATA, ROOT

PLEXRT = str(Path(sys.executable).with_name("plexrt"))


@pytest.fixture
def registry(data_copy, tmp_path):
    """A department's own data folder (here a copy of data/) built into its own store."""
    db = tmp_path / "registry" / "plexrt.duckdb"
    build_db(data_copy, db)
    return data_copy, db


def _meta(db: Path, key: str) -> str | None:
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    con.close()
    return None if row is None else row[0]


def _set_meta(db: Path, key: str, value: str | None) -> None:
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM meta WHERE key = ?", [key])
    if value is not None:
        con.execute("INSERT INTO meta VALUES (?, ?)", [key, value])
    con.close()


def test_the_store_records_the_folder_it_was_built_from(registry):
    data, db = registry
    state = store_state(db, data)
    assert state.built_from == data.resolve() and state.same_folder and state.current
    assert _meta(db, "data_dir") == "../data"  # relative: the two move together
    assert not store_state(db, DATA).same_folder


def test_another_data_folder_never_overwrites_the_store(registry):
    data, db = registry
    _set_meta(db, "schema_version", "older")  # even when it is out of date
    before = db.read_bytes()
    ready = ensure_store(db, DATA)
    assert ready.path == db and db.read_bytes() == before
    assert f"built from {data.resolve()}, not from {DATA}" in ready.notice
    assert "never rebuilt from this folder" in ready.notice


def test_a_store_of_an_older_plexrt_without_its_folder_is_kept(registry):
    data, db = registry
    _set_meta(db, "data_dir", None)
    _set_meta(db, "schema_version", "older")
    before = db.read_bytes()
    ready = ensure_store(db, DATA)
    assert db.read_bytes() == before and "a data folder it did not record" in ready.notice


def test_an_out_of_date_store_is_rebuilt_from_its_own_folder(registry):
    data, db = registry
    _set_meta(db, "schema_version", "older")
    _set_meta(db, "tables_version", "older")  # an older PlexRT with other tables
    assert ensure_store(db, data).notice is None
    assert store_state(db, data).current and store_state(db, data).tables_match


def test_invalid_data_beside_a_good_store_serve_the_store_and_say_why(registry):
    data, db = registry
    (data / "sanuki2022" / "discrepancies.csv").write_text("finding\n")  # a bad partial copy
    before = db.read_bytes()
    ready = ensure_store(db, data)
    assert db.read_bytes() == before and ready.path == db
    assert "has problems, so the store was not rebuilt" in ready.notice
    assert "sanuki2022/discrepancies.csv: has 0 data rows, the manifest expects 19" in ready.notice
    assert "is shown as it is" in ready.notice
    # the same with a store whose tables this code cannot read: refused in words
    _set_meta(db, "tables_version", "older")
    with pytest.raises(StoreUnavailable, match="another version of PlexRT whose tables differ"):
        ensure_store(db, data)
    assert db.read_bytes() != before  # only our meta edit; the build wrote nothing
    assert not list(db.parent.glob(".plexrt.duckdb.*"))


def test_a_missing_store_is_built_and_invalid_data_without_one_is_explained(data_copy, tmp_path):
    db = tmp_path / "new" / "plexrt.duckdb"
    assert ensure_store(db, data_copy).notice is None and store_state(db, data_copy).current
    (data_copy / "literature.csv").write_text('series_key,citation\nx,"cut')
    other = tmp_path / "other.duckdb"
    with pytest.raises(StoreUnavailable, match="There is no store to show yet") as info:
        ensure_store(other, data_copy)
    assert "literature.csv" in str(info.value) and not other.exists()


def test_a_file_that_is_not_a_store_is_never_overwritten(data_copy, tmp_path):
    db = tmp_path / "mine.duckdb"
    db.write_bytes(b"a spreadsheet someone saved here\n" * 100)
    with pytest.raises(StoreUnavailable, match="is not a PlexRT store PlexRT may replace"):
        ensure_store(db, data_copy)
    assert db.read_bytes() == b"a spreadsheet someone saved here\n" * 100


def test_build_db_refuses_to_replace_a_store_from_another_folder(registry, capsys):
    data, db = registry
    before = db.read_bytes()
    assert cli_main(["build-db", "--data", str(DATA), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert f"was built from {data.resolve()}" in err and "nothing was changed" in err
    assert db.read_bytes() == before
    assert cli_main(["build-db", "--data", str(DATA), "--db", str(db), "--replace"]) == 0
    assert store_state(db, DATA).same_folder


def test_build_db_never_replaces_a_user_database(tmp_path, capsys):
    from plexrt.data.access import local_principal
    from plexrt.data.userstore import UserStore
    from tests.unit.own_frames import make_frames

    user = tmp_path / "user.duckdb"
    us = UserStore(user)
    us.apply_import(local_principal(), "Ours", make_frames(5), pseudonymised=False)
    us.release()
    before = user.read_bytes()
    for extra in ([], ["--replace"]):
        assert cli_main(["build-db", "--data", str(DATA), "--db", str(user), *extra]) == 2
        err = capsys.readouterr().err
        assert f"{user} is a PlexRT user database" in err and "nothing was changed" in err
    assert user.read_bytes() == before
    assert len(UserStore(user).own_series(local_principal())) == 1


def test_build_db_never_replaces_a_database_another_program_holds_open(tmp_path, capsys):
    """A running PlexRT holds its user database open for writing: DuckDB then refuses even a
    read-only look from another process, so what the file holds cannot be checked."""
    from plexrt.data.access import local_principal
    from plexrt.data.userstore import UserStore
    from tests.unit.own_frames import make_frames

    user = tmp_path / "user.duckdb"
    us = UserStore(user)
    us.apply_import(local_principal(), "Ours", make_frames(5), pseudonymised=False)
    us.release()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, str(user)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        state = store_state(user, DATA)
        assert state.locked and state.held_by and f"(PID {holder.pid})" in state.held_by
        inode = user.stat().st_ino
        for extra in ([], ["--replace"]):
            assert cli_main(["build-db", "--data", str(DATA), "--db", str(user), *extra]) == 2
            err = capsys.readouterr().err
            assert f"{user} is open for writing in another program" in err
            assert f"(PID {holder.pid})" in err and "nothing was changed" in err
        assert user.stat().st_ino == inode  # not replaced by a new file under the same name
    finally:
        holder.kill()
        holder.wait()
    assert len(UserStore(user).own_series(local_principal())) == 1


HOLD_OPEN = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])  # read-write, as the user store opens it
print("open", flush=True)
time.sleep(120)
"""


def test_build_db_overwrites_a_file_that_is_not_a_store_only_with_replace(tmp_path, capsys):
    db = tmp_path / "notes.duckdb"
    db.write_text("someone's notes\n")
    assert cli_main(["build-db", "--data", str(DATA), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert f"{db} is not a PlexRT store" in err and "--replace" in err
    assert db.read_text() == "someone's notes\n"
    assert cli_main(["build-db", "--data", str(DATA), "--db", str(db), "--replace"]) == 0
    assert store_state(db, DATA).same_folder


def _limited(max_bytes: int):
    def apply() -> None:  # in the child: a full disk as the kernel reports it (EFBIG)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return apply


def test_a_full_disk_during_a_build_changes_nothing(registry):
    data, db = registry
    write_manifest(data)  # files unchanged; only to be sure the build would run
    _set_meta(db, "schema_version", "older")  # out of date: the build will try
    before = db.read_bytes()
    run = subprocess.run(
        [PLEXRT, "build-db", "--data", str(data), "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limited(256 * 1024),
    )
    assert run.returncode == 1, run.stderr
    assert "could not be written" in run.stderr and "File too large" in run.stderr
    assert "nothing was changed" in run.stderr and "Traceback" not in run.stderr
    assert db.read_bytes() == before  # not replaced by the part that was written
    assert not list(db.parent.glob(".plexrt.duckdb.*"))  # the temporary file (and WAL) gone
    # the app's path: the good store is served, with the reason
    code = (
        "import sys; from pathlib import Path; from plexrt.ingest.ensure import ensure_store; "
        "print(ensure_store(Path(sys.argv[1]), Path(sys.argv[2])).notice)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(db), str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limited(256 * 1024),
    )
    assert run.returncode == 0, run.stderr
    assert "The store could not be rebuilt" in run.stdout and "is shown as it is" in run.stdout
    assert db.read_bytes() == before
