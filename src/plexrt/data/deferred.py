"""Tables of an in-memory store filled the first time a query reads them.

An own series' store (``plexrt.ingest.own_store``) is built when a page first shows the series;
its per-patient tables (``events``, ``course_events``, ``analgesics``) are needed only by some
pages, and at 100,000 courses working them out and loading them costs about half a CPU second.
``defer`` sets such a table aside under another name (``pending_<table>``) with the function that
gives its rows; ``fill`` (called by the store queries that read it: ``plexrt.data.store``) loads
those rows, adds its primary key and gives the table its name back, once, in one transaction.

Until then the table does not exist under its name: a query that reads it without ``fill`` (on
another cursor, say) fails loudly instead of finding an empty table. The rows, the column types
and the key checks are those of a table loaded at once (the same insert, the same ALTER).
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from plexrt.data.bundled_write import insert

Rows = Callable[[], pd.DataFrame]


def pending_name(table: str) -> str:
    """The name a deferred table bears until it is filled."""
    return f"pending_{table}"


@dataclass
class _Pending:
    lock: threading.Lock = field(default_factory=threading.Lock)
    # table -> (its rows, the columns of its primary key)
    tables: dict[str, tuple[Rows, str]] = field(default_factory=dict)


_STORES: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, _Pending] = (
    weakref.WeakKeyDictionary()
)
_REGISTER = threading.Lock()


def defer(con: duckdb.DuckDBPyConnection, table: str, rows: Rows, key: str) -> None:
    """Set the (empty) ``table`` of ``con`` aside until a query reads it; ``rows()`` gives its
    rows then, and ``key`` (column names, comma-separated) its primary key."""
    con.execute(f"ALTER TABLE {table} RENAME TO {pending_name(table)}")
    with _REGISTER:
        pending = _STORES.setdefault(con, _Pending())
    pending.tables[table] = (rows, key)


def is_pending(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    pending = _STORES.get(con)
    return pending is not None and table in pending.tables


def fill(con: duckdb.DuckDBPyConnection, *tables: str) -> None:
    """Load each of ``tables`` still set aside on ``con`` (nothing for any other table or store).
    A load that fails (a duplicate key) leaves the table set aside, its rows unloaded."""
    pending = _STORES.get(con)
    if pending is None:
        return
    with pending.lock:  # one session loads; another reading it meanwhile waits for the rows
        todo = [table for table in tables if table in pending.tables]
        if not todo:
            return
        cur = con.cursor()
        try:
            with _one_thread(cur):
                for table in todo:
                    rows, key = pending.tables[table]
                    _load(cur, table, rows(), key)
                    del pending.tables[table]
        finally:
            cur.close()


@contextlib.contextmanager
def _one_thread(cur: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB on one thread meanwhile, as the store was loaded (``own_store``): its parallel
    insert and key build spend more CPU, for no less time (at 100,000 courses 0.43 against 0.35
    CPU s for the three tables). The setting is the database's: other sessions' queries
    meanwhile run on one thread too; the previous setting is back afterwards."""
    row = cur.execute("SELECT current_setting('threads')").fetchone()
    cur.execute("SET threads = 1")
    try:
        yield
    finally:
        cur.execute(f"SET threads = {int(row[0]) if row else 1}")


def _load(cur: duckdb.DuckDBPyConnection, table: str, rows: pd.DataFrame, key: str) -> None:
    aside = pending_name(table)
    cur.begin()
    try:
        insert(cur, aside, rows)
        cur.execute(f"ALTER TABLE {aside} ADD PRIMARY KEY ({key})")
        cur.execute(f"ALTER TABLE {aside} RENAME TO {table}")
        cur.commit()
    except BaseException:
        # a failed statement may already have ended the transaction (DuckDB rolls it back)
        with contextlib.suppress(duckdb.TransactionException):
            cur.rollback()
        raise
