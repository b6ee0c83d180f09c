"""An own series as a store of its own: an in-memory DuckDB with the bundled schema.

The pages read every series through the queries of ``plexrt.data.store`` (and filter it with
``CohortFilter.where()``). Loading an own series' analytic tables (``plexrt.clinical.own_series``)
into a fresh in-memory database with the same schema lets those queries run unchanged, so a page
needs no own-series code path. Three differences, all additions:
- ``courses.weeks_to_max_response`` holds real, unrounded weeks (DOUBLE; the paper gives whole
  weeks);
- ``course_summary`` carries ``omed_before`` and ``omed_after`` (mg/day, default factor table)
  from the assessments, which the response definitions read (ICPRE then needs no published
  aggregate);
- ``patients.age_90_plus`` (also in ``course_summary``) says an age was over 89 and stored as 90
  (shown as '90+': ``plexrt.data.own_schema.age_text``).
Nothing reconstructed is stored: ``published_times`` and the reconstruction tables stay empty,
``events``/``course_events`` flag every time 'imported'. The database lives as long as its
connection and is never written to disk; once loaded it is only read, so ``course_summary`` is
stored as the rows its view gives rather than joined again by every query. ``events``,
``course_events`` and ``analgesics`` are built and loaded when a query first reads them
(``plexrt.data.deferred``): a page that never reads them (the cohort) does not wait for them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import duckdb
import pandas as pd

from plexrt.clinical.own_series import LATER_TABLES, own_tables
from plexrt.data import bundled_write, deferred
from plexrt.data.ddl import column_ddl
from plexrt.data.own_schema import OwnSeriesFrames
from plexrt.data.specs import COURSES
from plexrt.data.values import is_missing

# The tables loaded with the store, in the order they are written (references first); the
# others (``own_series.LATER_TABLES``) when first read (``plexrt.data.deferred``).
_TABLES = ("patients", "courses", "course_derived")

_OMED_VIEW = """
ALTER VIEW course_summary RENAME TO course_summary_base;
CREATE VIEW course_summary AS
SELECT b.*, d.baseline_omed_mg AS omed_before, d.omed_after_mg AS omed_after, p.age_90_plus
FROM course_summary_base b
JOIN course_derived d USING (series_id, course_id)
JOIN patients p USING (series_id, patient_id);
"""

# Once the tables are loaded the store is only read: ``course_summary`` is stored as the table its
# view gives (the same columns, types and rows), so that each of the many queries a page makes
# on it (filter options, ranges, the cohort, analgesics) reads one table instead of joining
# three tables of 100,000 rows again.
_SUMMARY_TABLE = """
CREATE TABLE course_summary_rows AS SELECT * FROM course_summary;
DROP VIEW course_summary;
ALTER TABLE course_summary_rows RENAME TO course_summary;
"""


def find_own(listing: pd.DataFrame, name: str) -> dict[str, Any] | None:
    """The listing row (``UserStore.own_series``) of the series ``name`` (its series id, or its
    name), or None. Names are unique per owner only: a name that several listed series bear is
    refused (ValueError naming their owners and ids), never one of them taken at random."""
    rows = listing[listing["series_id"] == name]
    if rows.empty:
        rows = listing[listing["name"] == name]
    if len(rows) > 1:
        pairs = zip(rows["series_id"], rows["owner"], strict=True)
        which = ", ".join(f"{i} (owner {o})" for i, o in pairs)
        raise ValueError(f"{len(rows)} series are called {name!r}: {which}; give the series id")
    return None if rows.empty else rows.iloc[0].to_dict()


def own_schema_sql() -> str:
    """The bundled schema with weeks to maximum response as real numbers (the paper gives whole
    weeks; imported days give exact ones); its range check is kept."""
    weeks = next(c for c in COURSES.columns if c.name == "weeks_to_max_response")
    whole, real = column_ddl(weeks), column_ddl(replace(weeks, kind="float"))
    schema = bundled_write.schema_sql()
    if schema.count(whole) != 1:  # the schema changed under this module
        raise RuntimeError("courses.weeks_to_max_response not found once in the bundled schema")
    return schema.replace(whole, real)


# The computed tables no other table refers to: their primary keys are added once their rows are
# in (one index built over a whole table costs about half of one kept up row by row; at 100,000
# courses 0.1 s of CPU); a duplicate or missing key is refused all the same, by the ALTER.
_KEYED_AFTER_LOAD = ("course_derived", "analgesics", "events", "course_events")
_KEY_CLAUSE = re.compile(r",\s*PRIMARY KEY \(([^)]*)\)")


def keys_after_load(schema: str) -> tuple[str, dict[str, str]]:
    """``schema`` without the primary keys of ``_KEYED_AFTER_LOAD``, and each one's key columns
    (to add to the loaded table: ``add_key``)."""
    keys = {}
    for table in _KEYED_AFTER_LOAD:
        start = schema.index(f"CREATE TABLE {table} (")
        end = schema.index("\n);", start)
        block = schema[start:end]
        found = _KEY_CLAUSE.findall(block)
        if len(found) != 1:  # the schema changed under this module
            raise RuntimeError(f"{table}: its primary key not found once in the bundled schema")
        schema = schema[:start] + _KEY_CLAUSE.sub("", block) + schema[end:]
        keys[table] = found[0]
    return schema, keys


def add_key(table: str, key: str) -> str:
    """The statement that adds the primary key ``key`` (its columns) to the loaded ``table``."""
    return f"ALTER TABLE {table} ADD PRIMARY KEY ({key})"


def citation(record: Mapping[str, Any]) -> str:
    """How an own series is cited on screen and in exports: its name, institution and period as
    recorded at import, 'own series'."""
    parts = [str(record["name"])]
    for key in ("institution", "period_text"):
        if not is_missing(record.get(key)) and str(record.get(key)).strip():
            parts.append(str(record[key]).strip())
    return ", ".join(parts) + " (own series, imported per-patient data)"


def series_row(record: Mapping[str, Any], frames: OwnSeriesFrames) -> pd.DataFrame:
    """The ``series`` row of an own series: its name, citation and counts; nothing published."""
    return pd.DataFrame(
        [
            {
                "series_id": record["series_id"],
                "short_name": str(record["name"]),
                "citation": citation(record),
                "design": "department's own series (imported)",
                "pain_scale": "NRS 0-10",
                "n_patients_reported": len(frames.patients),
                "n_sites_reported": len(frames.courses),
            }
        ]
    )


def own_connection(
    record: Mapping[str, Any],
    frames: OwnSeriesFrames,
    factors: pd.DataFrame,
    literature: pd.DataFrame | None = None,
) -> duckdb.DuckDBPyConnection:
    """A connection to an in-memory store holding one own series (``record``: its ``own_series``
    listing row, with series_id, name, institution, period_text), the opioid ``factors`` and,
    when given, the bundled ``literature`` so every store query answers as for the bundled
    series."""
    sid = str(record["series_id"])
    tables = own_tables(frames, sid, factors)
    # Loaded on one thread: DuckDB's parallel insert of a few hundred thousand rows into tables
    # with primary keys spends more CPU, and no less time, than one thread (measured at 100,000
    # courses); the queries afterwards run on the default threads.
    con = duckdb.connect(":memory:", config={"threads": 1})
    try:
        schema, keys = keys_after_load(own_schema_sql())
        con.execute(schema)
        con.execute("ALTER TABLE course_derived ADD COLUMN omed_after_mg DOUBLE")
        con.execute("ALTER TABLE patients ADD COLUMN age_90_plus BOOLEAN DEFAULT FALSE")
        con.execute(_OMED_VIEW)
        bundled_write.insert(con, "opioid_factors", factors)
        if literature is not None:
            bundled_write.insert(con, "literature", literature)
        bundled_write.insert(con, "series", series_row(record, frames))
        for name in _TABLES:
            bundled_write.insert(con, name, getattr(tables, name))
        con.execute(add_key("course_derived", keys["course_derived"]))
        # the per-patient tables are built and loaded when a query first reads them
        for name in LATER_TABLES:
            deferred.defer(con, name, tables.later[name], keys[name])
        bundled_write.set_meta(con, "own_series", sid)
        con.execute(_SUMMARY_TABLE)
        con.execute("RESET threads")
    except BaseException:
        con.close()
        raise
    return con
