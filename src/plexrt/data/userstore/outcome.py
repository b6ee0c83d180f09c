"""What became of a PostgreSQL write whose connection was lost during COMMIT.

A connection that ends after COMMIT was sent (the server killed, the network cut) leaves the
client without the server's answer: the write may have landed or not. Every write transaction
appends an audit entry; its number and hash, computed here before the commit and unique to this
transaction (the hash covers the previous entry's hash and the time to the microsecond), are the
write's id. When the connection is lost during COMMIT, ``settle`` connects again (``LOOKUP_TRIES``
tries) and looks the entry up:

- there: the write was saved and the call succeeds as if the answer had arrived;
- not there: it was not saved, and ``UserDataUnavailable`` says so (do it again);
- the server cannot be reached (or still holds the lost write open past ``LOOKUP_WAIT_S``):
  ``WriteOutcomeUnknown`` says plainly that it is not known, and how to check (the audit entry).

The look-up first takes a lock every writer's lock excludes, so it waits for the lost write to end
(committed, or rolled back) before it reads. A lost write whose COMMIT never arrived sits idle in
its transaction, holding the writers' lock: the server would end it only after
``engine.WRITE_IDLE_S``. The look-up ends it at once instead (``pg_terminate_backend`` of the
server process that ran the write, known by its process id, and only while that process is idle in
a transaction holding the writers' lock), which rolls it back: the answer "not saved" then comes in
about a second. Where the server refuses that (a role without the right), the look-up waits as before. A failure the server answered (a refused constraint,
a conflict) is not a lost connection: the server rolled the write back, and it passes unchanged.
DuckDB runs inside the process: a failed commit is rolled back, and a process killed while
committing leaves the old state or the new one on the next open.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from plexrt.data.userstore.errors import UserDataUnavailable, WriteOutcomeUnknown
from plexrt.data.userstore.failures import first_line

_log = logging.getLogger(__name__)

LOOKUP_TRIES = 3  # connections tried after a lost COMMIT before the outcome is called unknown
LOOKUP_DELAY_S = 1.0  # between tries (doubling)
LOOKUP_WAIT_S = 75  # at most this long for the lost write to end (> engine.WRITE_IDLE_S)
# PostgreSQL error codes of a connection that ended (no answer to the COMMIT came back).
_LOST_STATES = ("08", "57P01", "57P02", "57P03")


@dataclass(frozen=True)
class WriteId:
    """The first audit entry a write transaction appended: there only if the write was saved."""

    seq: int
    hash: str
    actor: str
    action: str
    at_utc: str

    def shown(self) -> str:
        return f"entry {self.seq} ({self.action} by {self.actor} at {self.at_utc})"


_CURRENT: contextvars.ContextVar[list[WriteId] | None] = contextvars.ContextVar(
    "plexrt_write_ids", default=None
)


def note(entry: Mapping[str, Any]) -> None:
    """Called by ``audit.append`` with each entry it writes (kept for the write transaction open
    in this thread, if any)."""
    ids = _CURRENT.get()
    if ids is not None:
        ids.append(
            WriteId(
                int(entry["seq"]),
                str(entry["hash"]),
                str(entry["actor"]),
                str(entry["action"]),
                str(entry["at_utc"]),
            )
        )


@contextmanager
def recording() -> Iterator[list[WriteId]]:
    """The audit entries appended while the block runs (the write transaction's ids)."""
    ids: list[WriteId] = []
    token = _CURRENT.set(ids)
    try:
        yield ids
    finally:
        _CURRENT.reset(token)


def lost(exc: BaseException) -> bool:
    """Whether a failed COMMIT ended without the server's answer (its outcome unknown here)."""
    if not isinstance(exc, sa_exc.DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    state = str(getattr(exc.orig, "sqlstate", None) or "")
    return isinstance(exc, sa_exc.OperationalError) and (
        not state or state.startswith(_LOST_STATES)
    )


def settle(
    where: str, engine: sa.Engine, write: WriteId, exc: BaseException, backend: int | None = None
) -> None:
    """Return when the write was saved; raise why not, or that it is not known. ``backend``: the
    server process id of the lost write's connection, if known."""
    why = first_line(getattr(exc, "orig", None) or exc)
    delay = LOOKUP_DELAY_S
    for attempt in range(LOOKUP_TRIES):
        try:
            saved = _look_up(engine, write, backend)
        except sa_exc.DBAPIError as failed:
            why = first_line(failed.orig or failed)
            if str(getattr(failed.orig, "sqlstate", None) or "") == "55P03":
                break  # the lost write is still open on the server: it may yet commit
            if attempt + 1 < LOOKUP_TRIES:
                time.sleep(delay)
                delay *= 2
            continue
        if saved:
            _log.warning("connection lost during COMMIT; %s is stored: saved", write.shown())
            return
        raise UserDataUnavailable(
            where,
            "the connection to the PostgreSQL server was lost while the change was being saved; "
            f"PlexRT checked afterwards and it was not saved: do it again ({why})",
        ) from exc
    raise WriteOutcomeUnknown(where, why, write.shown()) from exc


# The lost write's server process, while its COMMIT has not arrived: idle in its transaction and
# holding the writers' lock on the audit table (a process id reused since would hold neither).
_END_LOST_WRITE = sa.text(
    "SELECT pg_terminate_backend(a.pid) FROM pg_stat_activity a"
    " WHERE a.pid = :pid AND a.state LIKE 'idle in transaction%'"
    " AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted"
    " AND l.relation = 'audit'::regclass AND l.mode = 'ExclusiveLock')"
)


def _end_lost_write(conn: sa.Connection, backend: int) -> None:
    """Roll back the lost write if its COMMIT never arrived (see the module docstring)."""
    try:
        with conn.begin():
            ended = conn.execute(_END_LOST_WRITE, {"pid": backend}).scalar()
    except sa_exc.DBAPIError as refused:
        if str(getattr(refused.orig, "sqlstate", None) or "") != "42501":
            raise  # not a refused right: the connection failed, tried again by ``settle``
        _log.warning("cannot end the lost write's server process %s: waiting for it", backend)
        return
    if ended:
        _log.warning("ended the lost write's server process %s (its COMMIT never arrived)", backend)


def _look_up(engine: sa.Engine, write: WriteId, backend: int | None = None) -> bool:
    """Whether the write's audit entry is stored, read once the lost write has ended."""
    with engine.connect() as conn:
        if backend is not None:
            _end_lost_write(conn, backend)
        conn.execution_options(isolation_level="READ COMMITTED")  # sees what committed meanwhile
        with conn.begin():
            conn.execute(sa.text(f"SET LOCAL lock_timeout = '{int(LOOKUP_WAIT_S)}s'"))
            conn.execute(sa.text("LOCK TABLE audit IN SHARE MODE"))  # every writer's excludes it
            stored = conn.execute(
                sa.text("SELECT hash FROM audit WHERE seq = :seq"), {"seq": write.seq}
            ).scalar()
    return stored == write.hash
