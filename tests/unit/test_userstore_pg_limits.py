"""A PostgreSQL writer that stops answering in the middle of a write (a frozen replica, a lost
network) must not hold every other writer for hours: the server ends a write left idle
(``engine.WRITE_IDLE_S``) and a writer waits for its turn at most ``engine.WRITE_WAIT_S``. Real
processes against a real server; the limits are made short in the processes that test them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from plexrt.data.access import local_principal
from plexrt.data.userstore import UserDataUnavailable, UserStore
from plexrt.data.userstore import engine as eng
from tests.conftest import ROOT

PUBLISHED = {"citation": "Second S. 2021", "n_patients": "4", "n_patients_source": "T1"}

# A writer that takes its turn, says so, then stops: waiting for a line on its input (frozen) or
# running a long statement (busy). When it goes on, it tries one more statement and commits.
_HOLDER = """
import sys
import sqlalchemy as sa
from plexrt.data.userstore import UserDataUnavailable, UserStore, engine
engine.WRITE_IDLE_S = 1
try:
    with UserStore(sys.argv[1])._write() as conn:
        print("holding", flush=True)
        if sys.argv[2] == "busy":
            conn.execute(sa.text("SELECT pg_sleep(600)"))
        else:
            sys.stdin.readline()
        conn.execute(sa.text("SELECT 1"))
    print("committed", flush=True)
except UserDataUnavailable as exc:
    print("refused:", exc, flush=True)
"""


def _holder(url: str, mode: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, url, mode],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "holding\n", proc.stderr
    return proc


def test_a_writer_that_froze_mid_write_does_not_hold_the_others(pg_server):
    url = pg_server.new_database()
    us = UserStore(url)  # the schema, before the frozen writer takes its turn
    frozen = _holder(url, "frozen")
    try:
        us.add_series(local_principal(), PUBLISHED)  # waits only until the server ends the other
        assert frozen.poll() is None  # the frozen writer has not gone on: it was ended
        assert list(us.series(local_principal())["citation"]) == ["Second S. 2021"]
        out, err = frozen.communicate("go on\n", timeout=120)
    finally:
        frozen.kill()
    assert out.startswith("refused:") and "left idle in a transaction" in out, (out, err)
    assert us.verify_audit().ok and us.verify_audit().entries == 1  # nothing of the frozen one


def test_a_writer_waits_for_its_turn_a_bounded_time_and_is_told(pg_server, monkeypatch):
    url = pg_server.new_database()
    us = UserStore(url)
    busy = _holder(url, "busy")
    monkeypatch.setattr(eng, "WRITE_WAIT_S", 1)
    try:
        with pytest.raises(UserDataUnavailable, match="waited too long for another program"):
            us.add_series(local_principal(), PUBLISHED)
        assert busy.poll() is None  # the other write still runs: only the waiting one gave up
    finally:
        busy.kill()
        busy.communicate(timeout=60)
    assert us.series(local_principal()).empty
