"""How the user database is opened (where it is: ``location``): one SQLAlchemy engine per database
per process.

- DuckDB file (default): ``$PLEXRT_USER_DB`` or the platform data folder. DuckDB lets one process
  hold a file; inside that process every connection to the file shares one database instance
  (DuckDB's own instance cache), so readers never queue behind each other. A keeper connection holds
  the file while the process uses it and releases it after ``IDLE_S`` without use, so the command
  line or a second program can take its turn. Writes in this process are serialised by a lock (the
  file lock serialises them across processes).
- PostgreSQL when ``$PLEXRT_USER_DB`` is a ``postgresql://`` URL (driver psycopg 3): a connection
  pool; every write transaction first takes ``LOCK TABLE audit IN EXCLUSIVE MODE``, so writers of
  all processes take turns (readers are not blocked) and the audit chain cannot fork.

Every failure to reach or read the database becomes ``UserDataUnavailable`` (or ``UserDataBusy``)
naming the file or server and the reason (``failures``); programming errors pass through unchanged.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.pool import NullPool

from plexrt.data.userstore import outcome
from plexrt.data.userstore.errors import UserDataBusy
from plexrt.data.userstore.failures import preflight, translated
from plexrt.data.userstore.location import Location
from plexrt.data.userstore.location import default_target as default_target
from plexrt.data.userstore.location import locate as locate

# A connection the driver invalidated (a full disk during a commit) fails again when the pool
# resets it; SQLAlchemy logs that at ERROR with a traceback, which Python prints on stderr when the
# program configured no logging (the command line). The failure itself reaches the caller as
# UserDataUnavailable; a program with logging configured still gets the record.
logging.getLogger("sqlalchemy.pool").addHandler(logging.NullHandler())

IDLE_S = 1.0  # a DuckDB file is released after this long unused
BUSY_WAIT_S = 3.0  # how long one call waits for another process to release a DuckDB file
CONNECT_TIMEOUT_S = 5  # PostgreSQL: an unreachable server is reported after this long
# PostgreSQL writers take turns on one lock. A replica that froze or lost its network in the middle
# of a write would otherwise hold it until the server noticed the dead client (hours): every
# write of every replica, sign-in included, would wait that long. The server ends a write left
# idle this long (releasing the lock), and a writer waits at most WRITE_WAIT_S for its turn, then
# is told so. A write of 100,000 courses holds the lock a few seconds and is never idle that long.
WRITE_IDLE_S = 60
WRITE_WAIT_S = 180
# -- engines, keepers and write locks: one of each per database per process -------------------

_GUARD = threading.Lock()
_ENGINES: dict[str, sa.Engine] = {}
_KEEPERS: dict[str, _Keeper] = {}
_WRITE_LOCKS: dict[str, threading.RLock] = {}


class _Keeper:
    """Holds one connection to a DuckDB file while the process uses it: the connections of one
    page run then share the open instance (a few ms each instead of ~40 ms to open the file)."""

    def __init__(self, engine: sa.Engine, idle_s: float):
        self._engine = engine
        self._idle_s = idle_s
        self._lock = threading.Lock()
        self._conn: object | None = None
        self._last = 0.0
        self._timer: threading.Timer | None = None

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    def hold(self) -> None:
        with self._lock:
            if self._conn is None:
                self._conn = self._engine.raw_connection()
            self._last = time.monotonic()
            if self._timer is None:
                self._schedule()

    def _schedule(self) -> None:
        self._timer = threading.Timer(self._idle_s, self._tick)
        self._timer.daemon = True
        self._timer.start()

    def _tick(self) -> None:
        with self._lock:
            self._timer = None
            if self._conn is None:
                return
            if time.monotonic() - self._last >= self._idle_s:
                self._close()
            else:
                self._schedule()

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):  # closing a connection the file lost
                conn.close()  # type: ignore[attr-defined]

    def release(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._close()


def engine(loc: Location) -> sa.Engine:
    with _GUARD:
        eng = _ENGINES.get(loc.key)
        if eng is None:
            if loc.is_postgres:
                eng = sa.create_engine(
                    loc.url,
                    pool_pre_ping=True,
                    pool_size=5,
                    max_overflow=10,
                    connect_args={
                        "connect_timeout": CONNECT_TIMEOUT_S,
                        "application_name": "plexrt",
                    },
                )
            else:
                # DuckDB's instance cache is the pool (see the module docstring).
                eng = sa.create_engine(loc.url, poolclass=NullPool)
                _KEEPERS[loc.key] = _Keeper(eng, IDLE_S)
            _ENGINES[loc.key] = eng
            _WRITE_LOCKS[loc.key] = threading.RLock()
        return eng


def release(loc: Location) -> None:
    """Let go of the database now (a DuckDB file is closed once no call is using it)."""
    with _GUARD:
        keeper = _KEEPERS.pop(loc.key, None)
        eng = _ENGINES.pop(loc.key, None)
        _WRITE_LOCKS.pop(loc.key, None)
    if keeper is not None:
        keeper.release()
    if eng is not None:
        eng.dispose()


@atexit.register
def _release_all() -> None:
    """At exit, before Python stops its threads: a keeper's timer closing its DuckDB connection
    while the interpreter shuts down aborts the process ("terminate called ... exception not
    rethrown": DuckDB's C++ unwinding through a thread Python is ending)."""
    with _GUARD:
        keepers = list(_KEEPERS.values())
    for keeper in keepers:
        keeper.release()


def write_lock(loc: Location) -> threading.RLock:
    engine(loc)
    return _WRITE_LOCKS[loc.key]


def connect(loc: Location, wait_s: float = BUSY_WAIT_S) -> sa.Connection:
    """A connection, waiting up to ``wait_s`` while another process holds a DuckDB file."""
    eng = engine(loc)
    deadline = time.monotonic() + wait_s
    delay = 0.01
    while True:
        try:
            with translated(loc):
                keeper = _KEEPERS.get(loc.key)
                if keeper is not None:
                    if not keeper.is_open:
                        preflight(loc)
                    keeper.hold()
                return eng.connect()
        except UserDataBusy:
            if time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.1)


@contextmanager
def reading(loc: Location, wait_s: float = BUSY_WAIT_S) -> Iterator[sa.Connection]:
    """One read-only snapshot (PostgreSQL: REPEATABLE READ) of the database."""
    with translated(loc):
        conn = connect(loc, wait_s)
        try:
            if loc.is_postgres:
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn
        finally:
            conn.close()


@contextmanager
def writing(loc: Location, wait_s: float = BUSY_WAIT_S) -> Iterator[sa.Connection]:
    """One write transaction; writers of every process take turns (see the module docstring).
    PostgreSQL: a connection lost during COMMIT is resolved by ``outcome.settle``."""
    with write_lock(loc), translated(loc), outcome.recording() as ids:
        conn = connect(loc, wait_s)
        try:
            trans, backend = conn.begin(), None
            try:
                if loc.is_postgres:
                    backend = _bounded_write(conn)
                    conn.execute(sa.text("LOCK TABLE audit IN EXCLUSIVE MODE"))
                yield conn
            except BaseException:
                with contextlib.suppress(sa_exc.DBAPIError):  # a lost connection: nothing to end
                    trans.rollback()
                raise
            try:
                trans.commit()
            except sa_exc.DBAPIError as exc:
                if not (loc.is_postgres and ids and outcome.lost(exc)):
                    raise
                outcome.settle(loc.shown, engine(loc), ids[0], exc, backend)
            if not loc.is_postgres:
                _checkpoint(conn)
        finally:
            conn.close()


def _bounded_write(conn: sa.Connection) -> int:
    """This write transaction's limits on PostgreSQL (``WRITE_IDLE_S``, ``WRITE_WAIT_S``); returns
    the server process id running it (to end it if its COMMIT is lost: ``outcome``)."""
    conn.execute(sa.text(f"SET LOCAL idle_in_transaction_session_timeout = '{int(WRITE_IDLE_S)}s'"))
    conn.execute(sa.text(f"SET LOCAL lock_timeout = '{int(WRITE_WAIT_S)}s'"))
    return int(conn.connection.dbapi_connection.info.backend_pid)  # type: ignore[union-attr]


def _checkpoint(conn: sa.Connection) -> None:
    """Move a committed DuckDB write from the .wal file into the database file, so the file alone
    (a backup, a copy) holds every row. DuckDB otherwise does this only when the process closes the
    file cleanly or the WAL passes 16 MB; a process that ends abruptly leaves the rows in the WAL.
    The write is durable either way: a checkpoint that cannot run now (another transaction in this
    process, a full disk) leaves it in the WAL, which DuckDB replays on the next open."""
    try:
        conn.exec_driver_sql("CHECKPOINT")
    except sa_exc.DBAPIError:
        conn.rollback()
