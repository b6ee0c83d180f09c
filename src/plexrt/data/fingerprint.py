"""When the bundled store must be rebuilt: a fingerprint of the code that decides stored values and
of the data files, kept in the store's ``meta`` table."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from plexrt.data.paths import default_data_dir

# What the stored values depend on besides the data files: the DDL and the code that reads,
# validates, derives, reconstructs and writes values (whole packages, so a new module is never
# missed): data (reading incl. the literature table, validation, DDL, writing), clinical (dose,
# OMED), stats, reconstruct, ingest (the build). A change to any of them makes a store out of date.
_FINGERPRINTED = ("data", "clinical", "stats", "reconstruct", "ingest")


def _code_files() -> list[tuple[str, bytes]]:
    root = Path(__file__).resolve().parents[1]
    out = []
    for pkg in _FINGERPRINTED:
        for path in sorted((root / pkg).rglob("*")):
            if path.suffix in (".py", ".sql") and path.is_file():
                out.append((str(path.relative_to(root)), path.read_bytes()))
    return out


def tables_version() -> str:
    """Fingerprint of the store's DDL alone: a store with the same one can still be read by this
    code (its values may come from older deriving code or older data files)."""
    from plexrt.data.bundled_write import schema_sql

    return hashlib.sha256(schema_sql().encode()).hexdigest()[:16]


def schema_version(data_dir: Path | str | None = None) -> str:
    """Fingerprint of the schema, the deriving code and the data files a store is built from."""
    h = hashlib.sha256()
    for name, content in _code_files():
        h.update(name.encode())
        h.update(content)
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    if data_dir.is_dir():
        for path in sorted(data_dir.rglob("*.csv")):
            h.update(str(path.relative_to(data_dir)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def is_current(db_path: Path | str, data_dir: Path | str | None = None) -> bool:
    """True when the file exists and was built by this code from these data files.

    A file another process holds (locked) counts as current: it is in use, not stale.
    """
    db_path = Path(db_path)
    if not db_path.exists():
        return False
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.IOException as exc:
        return "lock" in str(exc).lower()
    except duckdb.Error:
        return False
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except duckdb.Error:
        return False
    finally:
        con.close()
    return row is not None and row[0] == schema_version(data_dir)
