"""A PostgreSQL connection lost during COMMIT (``userstore.outcome``): the write is looked up again
by its audit entry, and the user is told it was saved, that it was not (do it again), or, when the
server cannot be asked, that it is not known and where to check. Real server, real cut: a proxy
between the store and the server cuts the connection that sends COMMIT, after the server answered
it (saved) or before the server got it (not saved). No timing is involved: the proxy acts on the
bytes it forwards, and the look-up waits for the server to end the lost write."""

from __future__ import annotations

import contextlib
import socket
import threading
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from plexrt.data.access import local_principal
from plexrt.data.userstore import (
    UserDataUnavailable,
    UserStore,
    WriteOutcomeUnknown,
    audit,
    outcome,
)
from plexrt.data.userstore import engine as eng

PUBLISHED = {"citation": "Lost C. 2024", "n_patients": "4", "n_patients_source": "T1"}
COMMIT = b"COMMIT\x00"  # the statement as the driver sends it (simple or extended protocol)


class CuttingProxy:
    """TCP between the store and the server. ``arm(mode)``: the next connection that sends COMMIT
    is cut, the COMMIT delivered and its answer withheld ("deliver") or not delivered ("drop");
    "hang" does not deliver it either but cuts only the store's side, leaving the server's open as
    a network partition does (the server does not learn the client is gone); with
    ``refuse_after`` every later connection is closed at once (the server unreachable)."""

    def __init__(self, server_port: int) -> None:
        self.server_port = server_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.mode: str | None = None
        self.refusing = False
        self.refuse_after = False
        self.cut = threading.Event()
        self.held: list[socket.socket] = []  # the server sides left open by "hang"
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def arm(self, mode: str, *, refuse_after: bool = False) -> None:
        self.mode, self.refuse_after = mode, refuse_after

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.refusing:
                client.close()
                continue
            server = socket.create_connection(("127.0.0.1", self.server_port))
            pair = {"client": client, "server": server, "withhold": False}
            threading.Thread(target=self._up, args=(pair,), daemon=True).start()
            threading.Thread(target=self._down, args=(pair,), daemon=True).start()

    def _end(self, pair: dict) -> None:
        with self._lock:
            self.mode = None
            self.refusing = self.refuse_after
        for side in pair.keys() & {"client", "server"}:
            with contextlib.suppress(OSError):
                pair[side].shutdown(socket.SHUT_RDWR)
            pair[side].close()
        self.cut.set()

    def _up(self, pair: dict) -> None:
        while True:
            try:
                data = pair["client"].recv(65536)
            except OSError:
                return
            if not data:
                with contextlib.suppress(OSError):
                    pair["server"].shutdown(socket.SHUT_WR)
                return
            with self._lock:
                mode = self.mode if COMMIT in data else None
            if mode == "drop":
                self._end(pair)
                return
            if mode == "hang":
                self.held.append(pair["server"])
                self._end({"client": pair["client"]})
                return
            if mode == "deliver":
                pair["withhold"] = True
            try:
                pair["server"].sendall(data)
            except OSError:
                return

    def _down(self, pair: dict) -> None:
        while True:
            try:
                data = pair["server"].recv(65536)
            except OSError:
                return
            if not data or pair["withhold"]:  # the COMMIT's answer: never reaches the store
                if pair["withhold"]:
                    self._end(pair)
                return
            try:
                pair["client"].sendall(data)
            except OSError:
                return

    def close(self) -> None:
        self.listener.close()
        for server in self.held:
            server.close()


@pytest.fixture
def through_proxy(pg_server):
    """(store reached through the proxy, the proxy, the database's direct URL)."""
    direct = pg_server.new_database()
    parts = urlsplit(direct)
    proxy = CuttingProxy(pg_server.port)
    url = f"postgresql://{parts.username}@127.0.0.1:{proxy.port}{parts.path}"
    us = UserStore(url)
    yield us, proxy, direct
    eng.release(us.location)
    proxy.close()


def _stored(direct: str) -> tuple[list[str], int]:
    """(citations, audit entries) read straight from the server, not through the proxy."""
    check = UserStore(direct)
    try:
        citations = list(check.series(local_principal())["citation"])
        return citations, check.verify_audit().entries
    finally:
        eng.release(check.location)


def test_a_commit_whose_answer_was_lost_but_which_landed_is_reported_saved(through_proxy):
    us, proxy, direct = through_proxy
    proxy.arm("deliver")
    key = us.add_series(local_principal(), PUBLISHED)  # no error: the write is there
    assert proxy.cut.is_set()  # the connection was really cut after the server committed
    assert _stored(direct) == (["Lost C. 2024"], 1)
    assert list(us.series(local_principal())["series_key"]) == [key]
    assert us.verify_audit().ok


def test_a_commit_that_never_reached_the_server_is_reported_not_saved(through_proxy):
    us, proxy, direct = through_proxy
    proxy.arm("drop")
    with pytest.raises(UserDataUnavailable) as info:
        us.add_series(local_principal(), PUBLISHED)
    assert proxy.cut.is_set()
    assert not isinstance(info.value, WriteOutcomeUnknown)
    assert "lost while the change was being saved" in str(info.value)
    assert "it was not saved: do it again" in str(info.value)
    assert _stored(direct) == ([], 0)
    us.add_series(local_principal(), PUBLISHED)  # doing it again works, once
    assert _stored(direct) == (["Lost C. 2024"], 1)


def test_when_the_server_cannot_be_asked_the_outcome_is_said_to_be_unknown(
    through_proxy, monkeypatch
):
    us, proxy, direct = through_proxy
    monkeypatch.setattr(outcome, "LOOKUP_DELAY_S", 0.0)
    proxy.arm("drop", refuse_after=True)
    with pytest.raises(WriteOutcomeUnknown) as info:
        us.add_series(local_principal(), PUBLISHED)
    text = str(info.value)
    assert "It is not known whether the change was saved" in text
    assert "Nothing was changed" not in text
    # where to look: the entry the write appended, which is there only if it was saved
    assert "Audit trail page" in text and "entry 1 (create by " in text
    assert _stored(direct) == ([], 0)  # (this one was not: the COMMIT never arrived)


def test_a_lost_write_whose_commit_never_arrived_is_ended_and_reported_not_saved(
    through_proxy, monkeypatch
):
    """The server still holds the lost write open (it never saw the client go): the look-up ends
    it rather than wait for the server's idle limit. The look-up's own wait is cut far below that
    limit here, so without ending it the outcome would be called unknown."""
    us, proxy, direct = through_proxy
    monkeypatch.setattr(outcome, "LOOKUP_WAIT_S", 3)
    assert outcome.LOOKUP_WAIT_S < eng.WRITE_IDLE_S
    proxy.arm("hang")
    with pytest.raises(UserDataUnavailable) as info:
        us.add_series(local_principal(), PUBLISHED)
    assert proxy.cut.is_set() and proxy.held  # the server's side was left open
    assert not isinstance(info.value, WriteOutcomeUnknown)
    assert "it was not saved: do it again" in str(info.value)
    assert _stored(direct) == ([], 0)
    us.add_series(local_principal(), PUBLISHED)  # the writers' lock is free again
    assert _stored(direct) == (["Lost C. 2024"], 1)


def test_the_look_up_outwaits_a_lost_write_the_server_ends_when_idle():
    """A client gone before its COMMIT arrived leaves the write open until the server ends it
    (``WRITE_IDLE_S``): the look-up waits longer than that before calling the outcome unknown."""
    assert outcome.LOOKUP_WAIT_S > eng.WRITE_IDLE_S


def test_a_commit_the_server_refused_is_not_taken_for_a_lost_connection(through_proxy):
    """A failure the server answered rolled the write back: reported as before, no look-up."""
    us, _, direct = through_proxy
    with eng.writing(us.location) as conn:
        conn.execute(sa.text("CREATE TABLE later (x int UNIQUE DEFERRABLE INITIALLY DEFERRED)"))
    with pytest.raises(sa.exc.IntegrityError), eng.writing(us.location) as conn:
        audit.append(conn, actor="ann", action="edit", detail={"later": 1})
        conn.execute(sa.text("INSERT INTO later VALUES (1), (1)"))  # refused at COMMIT
    assert _stored(direct) == ([], 0)
