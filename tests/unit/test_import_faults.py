"""`plexrt import` killed midway or stopped by a full disk (issue 16 §3), with the real command in a
real process: afterwards the store holds the series as it was or as imported, never half of it, the
audit chain verifies, and the database file alone (as a backup copies it) holds every row."""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from plexrt.data.access import Principal
from plexrt.data.userstore import UserStore
from plexrt.data.userstore import engine as eng
from tests.conftest import ROOT

PLEXRT = str(Path(sys.executable).with_name("plexrt"))
ADMIN = Principal("boss", "admin")


def _run(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PLEXRT, *args], cwd=ROOT, capture_output=True, text=True, timeout=600, **kw
    )


@pytest.fixture(scope="module")
def registries(tmp_path_factory):
    """A small series (the state before) and a large one (the update), from `plexrt synth`."""
    root = tmp_path_factory.mktemp("synth")
    for name, courses, seed in (("small", 300, 4), ("large", 20_000, 3)):
        run = _run(
            "synth", "--courses", str(courses), "--out", str(root / name), "--seed", str(seed)
        )
        assert run.returncode == 0, run.stderr
    return root


def _import(folder: Path, db: Path, **kw):
    args = ("import", str(folder / "courses.csv"), str(folder / "assessments.csv"))
    flags = ("--series", "Registry", "--study-codes", "--allow-removals", "--user-db", str(db))
    return [PLEXRT, *args, *flags], kw


def _state(db: Path) -> tuple[int, int, bool, int]:
    """(courses the series lists, courses stored, audit verifies, audit entries)."""
    eng.release(eng.locate(db))
    us = UserStore(db, busy_wait_s=30)
    series = us.own_series(ADMIN)
    assert list(series["name"]) == ["Registry"]
    with eng.reading(us.location) as conn:
        stored = conn.execute(sa.text("SELECT count(*) FROM own_courses")).scalar()
    check = us.verify_audit()
    us.release()
    return int(series["n_courses"].iloc[0]), int(stored), check.ok, check.entries


def _small_store(registries, tmp_path) -> Path:
    db = tmp_path / "user.duckdb"
    cmd, _ = _import(registries / "small", db)
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    return db


def test_the_file_alone_holds_every_row_after_an_import(registries, tmp_path):
    db = _small_store(registries, tmp_path)
    assert not Path(f"{db}.wal").exists() or Path(f"{db}.wal").stat().st_size == 0
    backup = tmp_path / "backup.duckdb"
    shutil.copyfile(db, backup)  # the file alone, as a backup tool copies it
    assert _state(backup) == (300, 300, True, 1)


def test_an_import_killed_midway_leaves_the_old_state_or_the_new(registries, tmp_path):
    db = _small_store(registries, tmp_path)
    cmd, _ = _import(registries / "large", db)
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wal = Path(f"{db}.wal")
    deadline = time.monotonic() + 300
    try:
        # the import reads and checks the files first, then writes: kill it while it writes
        while not (wal.exists() and wal.stat().st_size > 0) and proc.poll() is None:
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.005)
        time.sleep(random.uniform(0.0, 0.3))
        killed_while_running = proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    listed, stored, ok, entries = _state(db)
    assert ok and listed == stored
    if killed_while_running:
        assert (listed, entries) in ((300, 1), (20_000, 2))
    # the store is usable: the same import now completes
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert _state(db)[:3] == (20_000, 20_000, True)


def test_a_full_disk_during_an_import_changes_nothing(registries, tmp_path):
    db = _small_store(registries, tmp_path)
    before = db.read_bytes()
    limit = db.stat().st_size + 256 * 1024  # the file may grow a little, not by the new rows

    def full_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    cmd, _ = _import(registries / "large", db)
    run = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, preexec_fn=full_disk
    )
    assert run.returncode != 0
    assert "the disk is full or the file may not grow" in run.stderr, run.stderr
    assert "Nothing was changed" in run.stderr and "Traceback" not in run.stderr
    assert _state(db) == (300, 300, True, 1)
    assert db.read_bytes()[:4096] == before[:4096]  # the header still names the old state
