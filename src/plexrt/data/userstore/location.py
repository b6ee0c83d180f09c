"""Where the user store lives: a DuckDB file (``$PLEXRT_USER_DB``, else the user's data folder)
or a PostgreSQL server (a ``postgresql://`` URL), as one ``Location``."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from plexrt.data.userstore.errors import UserDataUnavailable

FILE_NAME = "plexrt-user.duckdb"
# Any driver named after the dialect ('postgresql+psycopg2://', as SQLAlchemy's examples write it)
# is a PostgreSQL URL: PlexRT connects through psycopg 3 whatever the URL names.
_PG_URL = re.compile(r"^postgres(ql)?(\+[a-z0-9_]+)?://", re.IGNORECASE)
# Any other address with a scheme ('mysql://...', 'sqlite:///...') was taken for a file path: a
# new, empty DuckDB database was created at './mysql:/...' and written to.
_OTHER_URL = re.compile(r"^([a-z][a-z0-9+.-]*)://", re.IGNORECASE)
NOT_A_STORE = (
    "that is an address of another kind of database; give a DuckDB file path or a postgresql:// URL"
)


def _platform_dir() -> Path:
    # Outside the checkout and the virtualenv, so a re-clone or a new .venv keeps the user's rows.
    import platformdirs

    return platformdirs.user_data_path("plexrt", appauthor=False)


def default_target() -> str:
    """``$PLEXRT_USER_DB`` (a file path or a postgresql:// URL), else the user's data folder
    (Linux: ~/.local/share/plexrt/plexrt-user.duckdb)."""
    return os.environ.get("PLEXRT_USER_DB") or str(_platform_dir() / FILE_NAME)


@dataclass(frozen=True)
class Location:
    """One user database: its backend, SQLAlchemy URL and (DuckDB) file path."""

    backend: str  # "duckdb" | "postgresql"
    url: sa.URL
    path: Path | None = None

    @property
    def shown(self) -> str:
        """For messages: the file, or the server URL without its password."""
        return str(self.path) if self.path else self.url.render_as_string(hide_password=True)

    @property
    def key(self) -> str:
        return self.url.render_as_string(hide_password=False)

    @property
    def is_postgres(self) -> bool:
        return self.backend == "postgresql"


def locate(target: str | os.PathLike[str] | None = None) -> Location:
    text = default_target() if target is None else os.fspath(target)
    if _PG_URL.match(text):
        return Location("postgresql", sa.make_url(text).set(drivername="postgresql+psycopg"))
    other = _OTHER_URL.match(text)
    if other:  # shown by its scheme alone: the rest may hold a password
        raise UserDataUnavailable(f"{other.group(1)}://…", NOT_A_STORE)
    path = Path(text).expanduser().absolute()
    return Location("duckdb", sa.URL.create("duckdb", database=str(path)), path)
