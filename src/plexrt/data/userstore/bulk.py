"""Whole-table writes and reads inside the caller's transaction, on each backend's fast path.

DuckDB: the DataFrame is registered on the transaction's connection and copied with one
``INSERT ... SELECT``. PostgreSQL: ``COPY ... FROM STDIN`` (CSV) on the transaction's psycopg
connection. Both roll back with the transaction. Table and column names come from the schema
modules (never from user input); values never pass through SQL text.
"""

from __future__ import annotations

import io
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import sqlalchemy as sa

from plexrt.data.own_schema import DTYPES, as_kind

_SQL = {"text": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN"}


def _typed(df: pd.DataFrame, kinds: Mapping[str, str]) -> pd.DataFrame:
    return pd.DataFrame({col: as_kind(df[col], kind) for col, kind in kinds.items()})


def insert_frame(
    conn: sa.Connection, table: str, df: pd.DataFrame, kinds: Mapping[str, str]
) -> int:
    """Append the rows of ``df`` (columns ``kinds``: name -> kind) to ``table``; returns the count."""
    if df.empty:
        return 0
    data = _typed(df, kinds)
    cols = ", ".join(kinds)
    raw: Any = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN (FORMAT csv)") as cp:
            cp.write(_csv(data))
        return len(data)
    name = f"plexrt_in_{uuid.uuid4().hex}"
    select = ", ".join(f"CAST({c} AS {_SQL[k]}) AS {c}" for c, k in kinds.items())
    raw.complete()  # DuckDB 2 refuses register() while a SELECT's result is only partly read
    raw.register(name, data)
    try:
        conn.execute(sa.text(f"INSERT INTO {table} ({cols}) SELECT {select} FROM {name}"))  # noqa: S608 -- schema names
    finally:
        raw.unregister(name)
    return len(data)


def _csv(data: pd.DataFrame) -> bytes:
    """The rows as CSV for PostgreSQL's COPY, formatted by an in-memory DuckDB (several times
    faster than pandas at 100,000 rows; numbers in their shortest exact form, NULL as empty)."""
    con = duckdb.connect()
    try:
        con.register("rows_out", data)
        with tempfile.TemporaryDirectory(prefix="plexrt-copy-") as folder:
            path = Path(folder) / "rows.csv"
            quoted = str(path).replace("'", "''")
            con.execute(f"COPY rows_out TO '{quoted}' (FORMAT csv, HEADER false)")
            return path.read_bytes()
    finally:
        con.close()


def read_frame(
    conn: sa.Connection,
    sql: str,
    params: Mapping[str, Any],
    kinds: Mapping[str, str],
) -> pd.DataFrame:
    """The rows of a SELECT whose columns are ``kinds``, each column in its pandas dtype."""
    if conn.dialect.name == "postgresql":
        df = _copy_out(conn, sql, params, kinds)
        return _typed(df, kinds) if len(df) else _empty(kinds)
    return _arrow_out(conn, sql, params, kinds)


def _compiled(conn: sa.Connection, sql: str, params: Mapping[str, Any]) -> Any:
    """``sql`` compiled for the connection's driver with ``params`` bound (a list as ``IN :ids``):
    its text in the driver's parameter style and the values (``.params``; ``.positiontup`` gives
    their order where the style is positional)."""
    bound = sa.text(sql).bindparams(
        *(
            sa.bindparam(k, value=v, expanding=isinstance(v, list | tuple))
            for k, v in params.items()
        )
    )
    return bound.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})


# DuckDB's whole numbers and booleans as Arrow gives them -> the stored kinds' pandas dtypes
# (texts come as objects with None for NULL, numbers as float64 with NaN, as ``as_kind`` has them).
_ARROW_DTYPES = {
    **{t: pd.Int64Dtype() for t in (pa.int8(), pa.int16(), pa.int32(), pa.int64())},
    pa.bool_(): pd.BooleanDtype(),
}


def _arrow_out(
    conn: sa.Connection, sql: str, params: Mapping[str, Any], kinds: Mapping[str, str]
) -> pd.DataFrame:
    """DuckDB: the rows as one Arrow table, each column converted once into its dtype (about
    half the CPU of a pandas fetch converted column by column afterwards, at 100,000 courses);
    a column Arrow gives in another dtype goes through ``as_kind``."""
    compiled = _compiled(conn, sql, params)
    raw: Any = conn.connection.driver_connection
    raw.complete()  # a SELECT's result still pending on the connection is run to its end first
    values = [compiled.params[k] for k in compiled.positiontup or ()]
    rows = raw.sql(compiled.string, params=values).to_arrow_table()
    if rows.num_rows == 0:
        return _empty(kinds)
    df = rows.to_pandas(types_mapper=_ARROW_DTYPES.get)
    return pd.DataFrame(
        {c: df[c] if str(df[c].dtype) == DTYPES[k] else as_kind(df[c], k) for c, k in kinds.items()}
    )


def _copy_out(
    conn: sa.Connection, sql: str, params: Mapping[str, Any], kinds: Mapping[str, str]
) -> pd.DataFrame:
    """PostgreSQL: ``COPY (query) TO STDOUT`` as CSV (psycopg binds the parameters)."""
    compiled = _compiled(conn, sql, params)
    raw: Any = conn.connection.driver_connection
    buf = io.BytesIO()
    statement = f"COPY ({compiled.string}) TO STDOUT (FORMAT csv, HEADER)"
    with raw.cursor() as cur, cur.copy(statement, compiled.params) as cp:
        for block in cp:
            buf.write(block)
    buf.seek(0)
    return pd.read_csv(
        buf,
        dtype={c: DTYPES[k] for c, k in kinds.items()},
        keep_default_na=False,
        na_values=[""],
        true_values=["t"],
        false_values=["f"],
        float_precision="round_trip",
    )


def _empty(kinds: Mapping[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=DTYPES[k]) for c, k in kinds.items()})


def next_id(conn: sa.Connection, table: str, column: str) -> int:
    """One more than the largest id so far (callers hold the write lock, so ids never collide)."""
    value = conn.execute(sa.text(f"SELECT max({column}) FROM {table}")).scalar()  # noqa: S608
    return int(value or 0) + 1


def kinds_of(columns: Sequence[Any]) -> dict[str, str]:
    """name -> kind of stored columns (own_schema.StoredColumn)."""
    return {c.name: c.kind for c in columns}
