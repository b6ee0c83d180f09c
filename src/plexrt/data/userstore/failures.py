"""What a failure of the user database means, in words a clinician can act on.

``preflight`` checks a DuckDB file before DuckDB sees it; ``translate`` turns a driver's error
(DuckDB, or PostgreSQL by its error code) into ``UserDataUnavailable`` / ``UserDataBusy`` naming
the file or server and the reason; ``translated`` does that for a block. Programming errors (PlexRT's
own SQL going wrong) pass through unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import exc as sa_exc

from plexrt.data.userstore.errors import UserDataBusy, UserDataUnavailable

if TYPE_CHECKING:
    from plexrt.data.userstore.location import Location

DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


def preflight(loc: Location) -> None:
    """Cheap checks of a DuckDB file before DuckDB sees it, each with its own plain reason."""
    path = loc.path
    if path is None:
        return
    if path.is_dir():
        raise UserDataUnavailable(loc.shown, "it is a folder, not a database file")
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = f"its folder cannot be created ({exc.strerror})"
            raise UserDataUnavailable(loc.shown, reason) from None
        if not os.access(path.parent, os.W_OK):
            raise UserDataUnavailable(loc.shown, "its folder is read-only for this account")
        return
    if not os.access(path, os.R_OK):
        raise UserDataUnavailable(loc.shown, "the file cannot be read by this account")
    if not os.access(path, os.W_OK):
        raise UserDataUnavailable(loc.shown, "the file is read-only for this account")
    if path.stat().st_size == 0:
        raise UserDataUnavailable(
            loc.shown,
            "the file is empty (0 bytes); it was left as it is: restore it from a backup, or move "
            "it away to start with an empty store",
        )
    with path.open("rb") as fh:
        head = fh.read(12)
    if head[8:12] != DUCKDB_MAGIC:
        raise UserDataUnavailable(
            loc.shown, "the file is not a PlexRT database (damaged, cut short, or another kind)"
        )


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _is_lock_error(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "could not set lock" in text or "conflicting lock" in text


def translate(loc: Location, exc: BaseException) -> BaseException:
    """The plain-words error for a failure of the database itself; ``exc`` unchanged otherwise."""
    orig = getattr(exc, "orig", None) or exc
    module = type(orig).__module__
    msg = first_line(orig)
    if _is_lock_error(orig):
        return UserDataBusy(loc.shown)
    if module.startswith(("duckdb", "_duckdb")):
        kind = type(orig).__name__
        if kind not in (
            "IOException",
            "InternalException",
            "FatalException",
            "SerializationException",
        ):
            return exc
        low = msg.lower()
        if "permission denied" in low or "read-only" in low:
            return UserDataUnavailable(loc.shown, "the file is read-only for this account")
        if "not a valid duckdb database" in low:
            return UserDataUnavailable(
                loc.shown, "the file is not a PlexRT database (damaged, cut short, or another kind)"
            )
        if "is a directory" in low:
            return UserDataUnavailable(loc.shown, "it is a folder, not a database file")
        if "could not write" in low or "no space left" in low or "file too large" in low:
            reason = f"the disk is full or the file may not grow ({msg.split(': ')[-1]})"
            return UserDataUnavailable(loc.shown, reason)
        return UserDataUnavailable(loc.shown, f"the file is damaged or cut short ({msg})")
    if module.startswith("psycopg"):
        state = str(getattr(orig, "sqlstate", None) or "")
        said = next((r for code, r in _PG_REASONS if state.startswith(code)), None)
        if said is None and (
            isinstance(exc, sa_exc.OperationalError) or type(orig).__name__ == "OperationalError"
        ):
            said = _PG_UNREACHABLE
        if said is not None:
            return UserDataUnavailable(loc.shown, f"{said} ({msg})")
    return exc


_PG_UNREACHABLE = "the PostgreSQL server cannot be reached or refused the connection"
# The server's state, by PostgreSQL's error code (SQLSTATE, or its class): the reason each gives.
# Any other code is PlexRT's own SQL going wrong and passes unchanged.
_PG_REASONS = (
    ("08", _PG_UNREACHABLE),
    ("57P0", _PG_UNREACHABLE),  # the server shut down or is starting
    ("25P03", "the PostgreSQL server ended a connection left idle in a transaction"),
    ("42501", "the database account may not do this"),
    ("25006", "the database accepts no changes now (read-only: a standby, or maintenance)"),
    ("40", "the change met another one made at the same moment; do it again"),
    ("55P03", "the change waited too long for another program's change to finish; do it again"),
    ("57014", "the server cancelled the change (its statement_timeout, or an administrator)"),
    ("53", "the PostgreSQL server is out of disk space, memory or connections"),
)


@contextmanager
def translated(loc: Location) -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        driver = type(exc).__module__.startswith(("duckdb", "_duckdb", "psycopg"))
        if not (driver or isinstance(exc, sa_exc.DBAPIError)):
            raise
        out = translate(loc, exc)
        if out is exc:
            raise
        raise out from exc
