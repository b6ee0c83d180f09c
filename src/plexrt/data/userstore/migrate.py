"""Bring a user database to the schema this PlexRT expects: Alembic ``upgrade head`` on open.

Runs inside one transaction (both backends have transactional DDL): an upgrade either completes or
leaves the database as it was. Two processes opening a new database at once take turns (PostgreSQL:
an advisory lock; DuckDB: the file lock and this process's write lock). A database written by a
newer PlexRT is refused with a clear message, never altered.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.ddl.postgresql import PostgresqlImpl
from alembic.script import ScriptDirectory

from plexrt.data.userstore import engine as eng
from plexrt.data.userstore.errors import UserDataUnavailable

SCRIPT_LOCATION = Path(__file__).resolve().parents[1] / "migrations"
_ADVISORY_KEY = 0x706C657872  # "plexr": serialises migrations of one PostgreSQL database


class _DuckDBImpl(PostgresqlImpl):
    """Alembic talks to DuckDB as to PostgreSQL (duckdb-engine's dialect derives from it)."""

    __dialect__ = "duckdb"
    transactional_ddl = True


def _config(script_location: Path) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    return cfg


@lru_cache(maxsize=8)
def _revisions(script_location: str) -> tuple[str, frozenset[str]]:
    script = ScriptDirectory.from_config(_config(Path(script_location)))
    head = script.get_current_head()
    if head is None:
        raise RuntimeError(f"no migration in {script_location}")
    return head, frozenset(r.revision for r in script.walk_revisions())


def head_revision(script_location: Path = SCRIPT_LOCATION) -> str:
    return _revisions(str(script_location))[0]


VERSION_TABLE = "alembic_version"  # Alembic's: every user database has it once opened
# A user database has the version table; one from before the migrations has these of the first
# schema. The bundled store has the last two and none of these.
USER_TABLES = (VERSION_TABLE, "user_meta", "own_series", "audit")
BUNDLED_TABLES = ("meta", "course_summary")
_PRESENT = sa.text(
    "SELECT DISTINCT table_name FROM information_schema.tables "
    "WHERE table_schema = current_schema() AND table_name IN :names"
).bindparams(sa.bindparam("names", expanding=True))


def _present(conn: sa.Connection, names: tuple[str, ...]) -> set[str]:
    """Which of these tables the database holds."""
    return {row[0] for row in conn.execute(_PRESENT, {"names": list(names)})}


def holds_user_data(db_path: Path) -> bool:
    """Whether the DuckDB file at ``db_path`` is a PlexRT user database (opened read-only, never
    waits; a file DuckDB cannot open is not one)."""
    try:
        engine = sa.create_engine(
            f"duckdb:///{db_path}", connect_args={"read_only": True}, poolclass=sa.pool.NullPool
        )
        with engine.connect() as conn:
            return bool(_present(conn, USER_TABLES))
    except sa.exc.DBAPIError:
        return False


def current_revision(conn: sa.Connection) -> str | None:
    if not _present(conn, (VERSION_TABLE,)):
        return None
    return conn.execute(sa.text(f"SELECT max(version_num) FROM {VERSION_TABLE}")).scalar()  # noqa: S608 -- a constant


def ensure_current(
    loc: eng.Location, wait_s: float = eng.BUSY_WAIT_S, script_location: Path = SCRIPT_LOCATION
) -> str:
    """Upgrade the database to head when it is behind; returns the revision it is at."""
    head, known = _revisions(str(script_location))
    with eng.reading(loc, wait_s) as conn:
        have = current_revision(conn)
        bundled = have is None and _present(conn, BUNDLED_TABLES) == set(BUNDLED_TABLES)
    if bundled:  # never add user tables to it: the next build replaces the file, and them with it
        eng.release(loc)  # nor keep it open for writing (the bundled store is opened read-only)
        raise UserDataUnavailable(
            loc.shown,
            "it is PlexRT's bundled data store (rebuilt from the data folder, which replaces the "
            "file), not a user database; give the user database's own path",
        )
    if have == head:
        return head
    if have is not None and have not in known:
        raise UserDataUnavailable(
            loc.shown,
            f"it was written by a newer PlexRT (schema {have}); update PlexRT to use it",
        )
    with eng.write_lock(loc), eng.translated(loc):
        conn = eng.connect(loc, wait_s)
        try:
            with conn.begin():
                if loc.is_postgres:
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_KEY})
                cfg = _config(script_location)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        finally:
            conn.close()
    return head
