"""Writing the bundled store: its DDL, one transaction on a temporary file, and the rename into place.

The build (``plexrt.ingest.build``) decides what to write; this module is how. A failed build leaves
the existing store untouched and no temporary file behind.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from plexrt.data.ddl import specified_ddl


def schema_sql() -> str:
    """All DDL of the store: the tables specified in Python, then ``schema.sql``."""
    schema = resources.files("plexrt.data").joinpath("schema.sql").read_text(encoding="utf-8")
    return f"{specified_ddl()}\n\n{schema}"


def _remove_stale_temps(db_path: Path, older_than_s: float = 3600) -> None:
    """Temporary files of builds that were killed (kill -9) and never cleaned up."""
    for tmp in db_path.parent.glob(f".{db_path.name}.*.tmp*"):
        try:
            if time.time() - tmp.stat().st_mtime > older_than_s:
                tmp.unlink()
        except OSError:
            pass


def _temp_path(db_path: Path) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # DuckDB wants to create the file itself
    return tmp


def _durable(tmp: Path) -> None:
    """The finished file is whole on disk before it replaces the old store."""
    wal = tmp.with_name(tmp.name + ".wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise OSError(f"the database could not be written completely (is the disk full?): {tmp}")
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())


def _sync_folder(folder: Path) -> None:
    """The rename itself survives a power cut (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def new_store(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to an empty store (schema created) in a temporary file, inside one transaction.

    On leaving the block the transaction commits and the file replaces ``db_path``; on any failure
    the temporary file is removed and ``db_path`` is left as it was.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(db_path)
    tmp = _temp_path(db_path)
    try:
        con = duckdb.connect(str(tmp))
        try:
            con.execute("BEGIN TRANSACTION")
            con.execute(schema_sql())
            yield con
            con.execute("COMMIT")
            # Written into the file now, or an error: closing would swallow a failed checkpoint
            # (a full disk) and leave the rows in a .wal file that the rename leaves behind.
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _durable(tmp)
        os.replace(tmp, db_path)
        _sync_folder(db_path.parent)
    except BaseException as exc:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
        if isinstance(exc, duckdb.Error) and "could not write" in str(exc).lower():
            reason = str(exc).strip().splitlines()[0].split("error: ")[-1]
            raise OSError(f"the store could not be written ({reason}); is the disk full?") from exc
        raise


def insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Append a frame's rows (its ``_line`` bookkeeping column left out; NaN stored as NULL:
    DuckDB reads a pandas NaN, None or NA as NULL, so the columns go in as they are)."""
    cols = [c for c in frame.columns if c != "_line"]
    frame = frame[cols]
    incoming: object = frame
    if any(isinstance(t, pd.CategoricalDtype) for t in frame.dtypes):
        # Texts held once (millions of provenance rows) go in as Arrow dictionaries: DuckDB
        # reads each distinct text once instead of a Python string per cell.
        incoming = pa.Table.from_pandas(frame, preserve_index=False)
    con.register("_incoming", incoming)
    try:
        col_list = ", ".join(cols)
        con.execute(f"INSERT INTO {table} ({col_list}) SELECT {col_list} FROM _incoming")  # noqa: S608 -- names from the schema specs
    finally:
        con.unregister("_incoming")


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT INTO meta VALUES (?, ?)", [key, value])


def row_counts(con: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> dict[str, int]:
    """Rows per table, for the build report."""
    counts = {}
    for table in tables:
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608 -- fixed names
        counts[table] = int(row[0]) if row else 0
    return counts
