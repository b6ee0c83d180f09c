"""Where a bundled store came from, read from its ``meta`` table: the data folder it was built
from, when, and whether this code can still read it.

A store is a derived file, rebuilt when the data or the code change. But a store built from one
data folder must never be replaced by a build from another (``$PLEXRT_DATA`` pointing elsewhere,
or unset, beside a registry's ``$PLEXRT_DB``): its origin is kept with it, as a path relative to
the store's own folder (so a checkout or a registry folder moved as a whole keeps it).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from plexrt.data.fingerprint import schema_version, tables_version
from plexrt.data.paths import DEFAULT_DATA_DIR

# meta keys written by the build besides schema_version
DATA_DIR_KEY = "data_dir"
TABLES_KEY = "tables_version"
BUILT_AT_KEY = "built_at_utc"


def data_dir_text(data_dir: Path, db_path: Path) -> str:
    """The data folder as recorded in a store: relative to the store's folder."""
    return os.path.relpath(Path(data_dir).resolve(), Path(db_path).resolve().parent)


@dataclass(frozen=True)
class StoreState:
    """What is at a store's path, compared with a data folder."""

    path: Path
    exists: bool = False
    locked: bool = False  # another process holds it: in use, not stale
    held_by: str | None = None  # when locked: the program holding it, as DuckDB names it
    readable: bool = False  # opened and its meta read
    problem: str | None = None  # why it could not be read
    current: bool = False  # built by this code from these data files
    built_from: Path | None = None  # None: not recorded (an older PlexRT) or unreadable
    same_folder: bool = False
    tables_match: bool = False  # this code can read its tables
    built_at: str | None = None

    @property
    def is_project_default(self) -> bool:
        """The project's own store (data/plexrt.duckdb), always rebuildable from data/."""
        return self.path.resolve() == (DEFAULT_DATA_DIR / "plexrt.duckdb").resolve()


def _meta(db_path: Path) -> dict[str, str]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return dict(con.execute("SELECT key, value FROM meta").fetchall())
    finally:
        con.close()


def store_state(db_path: Path | str, data_dir: Path | str) -> StoreState:
    """Read a store's origin (never writes, never waits)."""
    db_path, data_dir = Path(db_path), Path(data_dir)
    if not db_path.exists():
        return StoreState(db_path)
    if db_path.is_dir():
        return StoreState(db_path, exists=True, problem="it is a folder, not a database file")
    try:
        meta = _meta(db_path)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            return StoreState(
                db_path,
                exists=True,
                locked=True,
                readable=True,
                current=True,
                held_by=_holder(exc),
            )
        return StoreState(db_path, exists=True, problem=_first_line(exc))
    except duckdb.Error as exc:
        return StoreState(db_path, exists=True, problem=_first_line(exc))
    recorded = meta.get(DATA_DIR_KEY)
    built_from = (db_path.resolve().parent / recorded).resolve() if recorded else None
    return StoreState(
        db_path,
        exists=True,
        readable=True,
        current=meta.get("schema_version") == schema_version(data_dir),
        built_from=built_from,
        same_folder=built_from is not None and built_from == data_dir.resolve(),
        tables_match=meta.get(TABLES_KEY) == tables_version(),
        built_at=meta.get(BUILT_AT_KEY),
    )


def _holder(exc: BaseException) -> str | None:
    """'/usr/bin/python3 (PID 4242)' from DuckDB's 'Conflicting lock is held in ... (PID ...)'."""
    found = re.search(r"lock is held in (.+?\(PID \d+\))", str(exc))
    return found.group(1) if found else None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
