"""A user file exactly as PlexRT wrote it before the user store v2 (schema version "1").

The DDL and the write path below are copied from ``src/plexrt/data/user_schema.sql`` and
``src/plexrt/data/userstore.py`` of that version (commit fdad22f), so the migration test opens a
file produced by the old code, not one shaped by the new.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import duckdb

OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS user_series (
    series_key  VARCHAR PRIMARY KEY,
    created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS user_meta (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR
);

CREATE TABLE IF NOT EXISTS user_cases (
    case_id          VARCHAR PRIMARY KEY,
    saved_at         TIMESTAMP NOT NULL DEFAULT current_timestamp,
    label            VARCHAR,
    primary_cancer   VARCHAR,
    primary_group    VARCHAR,
    involved_muscle  VARCHAR,
    nrs_before       INTEGER,
    intent           VARCHAR,
    dose_gy          DOUBLE,
    fractions        INTEGER
);
"""

# plexrt.data.literature.COLUMNS of that version: (name, SQL type), added by the old _migrate.
OLD_LITERATURE_COLUMNS = [
    ("series_key", "VARCHAR"),
    ("citation", "VARCHAR"),
    ("doi", "VARCHAR"),
    ("year", "INTEGER"),
    ("population", "VARCHAR"),
    ("design", "VARCHAR"),
    ("n_patients", "INTEGER"),
    ("n_patients_source", "VARCHAR"),
    ("n_sites", "INTEGER"),
    ("n_sites_source", "VARCHAR"),
    ("pain_scale", "VARCHAR"),
    ("pain_scale_source", "VARCHAR"),
    ("response_definition", "VARCHAR"),
    ("response_definition_source", "VARCHAR"),
    ("responders", "INTEGER"),
    ("responders_source", "VARCHAR"),
    ("complete_responders", "INTEGER"),
    ("complete_responders_source", "VARCHAR"),
    ("time_to_response", "VARCHAR"),
    ("time_to_response_source", "VARCHAR"),
    ("median_relief_months", "DOUBLE"),
    ("median_relief_months_source", "VARCHAR"),
    ("median_followup_months", "DOUBLE"),
    ("median_followup_months_source", "VARCHAR"),
    ("median_survival_months", "DOUBLE"),
    ("median_survival_months_source", "VARCHAR"),
    ("schedules", "VARCHAR"),
    ("schedules_source", "VARCHAR"),
    ("notes", "VARCHAR"),
]


def _migrate(con) -> None:
    con.execute(OLD_SCHEMA)
    have = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'user_series'"
        ).fetchall()
    }
    for name, sql_type in OLD_LITERATURE_COLUMNS:
        if name not in have:
            con.execute(f'ALTER TABLE user_series ADD COLUMN "{name}" {sql_type}')
    for name in ("created_at", "updated_at"):
        if name not in have:
            con.execute(f"ALTER TABLE user_series ADD COLUMN {name} TIMESTAMP")
    con.execute("INSERT OR REPLACE INTO user_meta VALUES ('schema_version', ?)", ["1"])


def write_v1_file(path: Path, series: list[dict], cases: list[dict]) -> None:
    """A v1 user file holding ``series`` (clean literature records: numbers as numbers) and
    ``cases`` (case rows without case_id), written the way the old UserStore wrote them."""
    con = duckdb.connect(str(path))
    try:
        _migrate(con)
        for record in series:
            cols = list(record)
            con.execute("BEGIN TRANSACTION")
            con.execute(
                f"INSERT INTO user_series ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",  # noqa: S608
                [record[c] for c in cols],
            )
            con.execute("COMMIT")
        for case in cases:
            row = {"case_id": f"case-{uuid.uuid4().hex[:8]}", **case}
            cols = list(row)
            con.execute(
                f"INSERT INTO user_cases ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",  # noqa: S608
                [row[c] for c in cols],
            )
    finally:
        con.close()
