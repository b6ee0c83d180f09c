"""The DDL of every table whose columns are specified in Python, so each column list has one home:
the series' file tables (``plexrt.data.specs``), the stored provenance table and the literature table
(``plexrt.data.literature.COLUMNS``). Tables PlexRT computes (derived values, event times, the
reconstruction report) and the ``course_summary`` view are in ``schema.sql``.

CHECK constraints repeat the build validation (allowed values, plausible ranges) as a second line of
defence; the foreign keys repeat the cross-file checks of ``plexrt.data.links``.
"""

from __future__ import annotations

from plexrt.data.literature import COLUMNS as LITERATURE_COLUMNS
from plexrt.data.specs import PROVENANCE_COLUMNS, STORED_FILES, Col

_SQL_TYPES = {"text": "VARCHAR", "int": "INTEGER", "float": "DOUBLE", "bool": "BOOLEAN"}

_FOREIGN_KEYS = {
    "patients": ("FOREIGN KEY (series_id) REFERENCES series (series_id)",),
    "courses": ("FOREIGN KEY (series_id, patient_id) REFERENCES patients (series_id, patient_id)",),
}


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _check(col: Col) -> str:
    terms = []
    if col.choices is not None:
        terms.append(f"{col.name} IN ({', '.join(_literal(c) for c in col.choices)})")
    if col.positive:
        terms.append(f"{col.name} > 0")
    if col.min is not None:
        terms.append(f"{col.name} >= {col.min:g}")
    if col.max is not None:
        terms.append(f"{col.name} <= {col.max:g}")
    return f" CHECK ({' AND '.join(terms)})" if terms else ""


def column_ddl(col: Col) -> str:
    not_null = " NOT NULL" if col.required else ""
    return f"{col.name} {_SQL_TYPES[col.kind]}{not_null}{_check(col)}"


def table_ddl(table: str, columns: tuple[Col, ...], key: tuple[str, ...] = ()) -> str:
    parts = [column_ddl(c) for c in columns]
    if key:
        parts.append(f"PRIMARY KEY ({', '.join(key)})")
    parts += _FOREIGN_KEYS.get(table, ())
    body = ",\n    ".join(parts)
    return f"CREATE TABLE {table} (\n    {body}\n);"


def literature_ddl() -> str:
    """The literature table from its one specification: every figure followed by its source."""
    cols = ",\n    ".join(
        f'"{c.name}" {c.sql_type}{" PRIMARY KEY" if c.name == "series_key" else ""}'
        for c in LITERATURE_COLUMNS
    )
    return f"CREATE TABLE literature (\n    {cols}\n);"


def specified_ddl() -> str:
    """CREATE TABLE statements of the file tables (in dependency order), provenance, literature."""
    statements = [table_ddl(s.table, s.columns, s.key) for s in STORED_FILES]
    statements.append(table_ddl("provenance", PROVENANCE_COLUMNS))
    statements.append(literature_ddl())
    return "\n\n".join(statements)
