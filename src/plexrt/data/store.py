"""The bundled store: open it, and every read query as a named function.

Values are bound parameters; filter columns come from the whitelist in ``plexrt.data.filters``. Each
query takes its own cursor, so one cached connection can serve several threads (DuckDB refuses
concurrent calls on one connection object). The store is written by ``plexrt.ingest.build`` through
``plexrt.data.bundled_write``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from plexrt.data import deferred
from plexrt.data.filters import CohortFilter, Options
from plexrt.data.paths import default_db_path
from plexrt.data.vocab import SOURCE_LABELS


def connect(db_path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the bundled store (several processes may share the file)."""
    db_path = Path(db_path) if db_path else default_db_path()
    if not db_path.exists():
        raise FileNotFoundError(f"no PlexRT database at {db_path}; run `plexrt build-db`")
    return duckdb.connect(str(db_path), read_only=True)


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    cur = con.cursor()
    try:
        return cur.execute(sql, params or []).df()
    finally:
        cur.close()


def _row(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...] | None:
    cur = con.cursor()
    try:
        return cur.execute(sql).fetchone()
    finally:
        cur.close()


def natural(column: str) -> str:
    """ORDER BY terms that sort ids as people number them: by the first and the second number in
    the id, then as text ('2.1' < '10.1', 'X2' < 'X10', 'D9' < 'D14'). The SQL form of
    ``plexrt.data.values.natural_key`` for ids like '<prefix><n>[.<m>]'."""
    first = f"TRY_CAST(regexp_extract({column}, '(\\d+)', 1) AS INTEGER)"
    second = f"TRY_CAST(regexp_extract({column}, '\\d+\\D+(\\d+)', 1) AS INTEGER)"
    return f"{first} NULLS LAST, {second} NULLS FIRST, {column}"


_SITE_ORDER = f"{natural('patient_id')}, course_no"


def _all(con: duckdb.DuckDBPyConnection, table: str, order: str) -> pd.DataFrame:
    """Every row of a stored table in ``order`` (both fixed in this module, never user input)."""
    return _df(con, f"SELECT * FROM {table} ORDER BY {order}")  # noqa: S608 -- constants only


def cohort(con: duckdb.DuckDBPyConnection, flt: CohortFilter | None = None) -> pd.DataFrame:
    """``course_summary`` rows that pass the filter, in patient/course order."""
    where, params = (flt or CohortFilter()).where()
    return _df(con, f"SELECT * FROM course_summary WHERE {where} ORDER BY {_SITE_ORDER}", params)  # noqa: S608 -- where() builds from whitelisted columns, values bound


@functools.cache
def _frames() -> duckdb.DuckDBPyConnection:
    """Runs a filter's SQL on a frame already read (``filter_sites``); each call takes its own
    cursor, whose registered frame no other cursor sees. Results keep the frame's row order."""
    return duckdb.connect(":memory:", config={"preserve_insertion_order": True})


def filter_sites(sites: pd.DataFrame, flt: CohortFilter) -> pd.DataFrame:
    """The rows of ``sites`` (``cohort`` of the whole store, in its order) that pass ``flt``, as
    ``cohort(con, flt)`` returns them: the filter's own SQL condition run on the frame, so that a
    new filter reads only the columns it names instead of joining, sorting and converting every
    site again (a registry has 100,000). A site whose value is missing does not pass, as in
    ``WHERE``."""
    where, params = flt.where()
    cur = _frames().cursor()
    try:
        cur.register("course_summary", sites)
        keep = cur.execute(f"SELECT ({where}) AS keep FROM course_summary", params).fetchnumpy()  # noqa: S608 -- as in cohort()
    finally:
        cur.close()
    mask = np.ma.filled(keep["keep"], False).astype(bool)
    return sites[mask].reset_index(drop=True)


def options(con: duckdb.DuckDBPyConnection) -> Options:
    """The values present in the store, for filter widgets and URL checking."""

    def distinct(col: str) -> tuple[str, ...]:
        frame = _df(
            con,
            f"SELECT DISTINCT {col} AS v FROM course_summary WHERE {col} IS NOT NULL ORDER BY v",  # noqa: S608
        )
        return tuple(frame["v"].tolist())

    ids = _df(con, f"SELECT course_id FROM course_summary ORDER BY {_SITE_ORDER}")["course_id"]  # noqa: S608
    return Options(
        primary_cancers=distinct("primary_cancer"),
        primary_groups=distinct("primary_group"),
        muscles=distinct("involved_muscle"),
        intents=distinct("intent"),
        sexes=distinct("sex"),
        course_ids=tuple(ids.tolist()),
    )


def ranges(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[float, float]]:
    """Observed (min, max) of the range-filtered columns."""
    frame = _df(
        con,
        "SELECT min(age) a0, max(age) a1, min(nrs_before) n0, max(nrs_before) n1, "
        "min(dose_per_fraction_gy) d0, max(dose_per_fraction_gy) d1, "
        "min(eqd2_10_gy) e0, max(eqd2_10_gy) e1 FROM course_summary",
    ).iloc[0]
    return {
        "age": (frame.a0, frame.a1),
        "nrs": (frame.n0, frame.n1),
        "dpf": (frame.d0, frame.d1),
        "eqd2": (frame.e0, frame.e1),
    }


def analgesics(con: duckdb.DuckDBPyConnection, flt: CohortFilter | None = None) -> pd.DataFrame:
    where, params = (flt or CohortFilter()).where()
    deferred.fill(con, "analgesics")
    return _df(
        con,
        "SELECT a.* FROM analgesics a WHERE (a.series_id, a.course_id) IN "  # noqa: S608
        f"(SELECT series_id, course_id FROM course_summary WHERE {where}) "
        f"ORDER BY {natural('a.course_id')}, a.timepoint, a.is_opioid DESC, a.drug",
        params,
    )


def opioid_factors(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _all(con, "opioid_factors", "table_key, drug")


def series(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _all(con, "series", "series_id")


def citations(con: duckdb.DuckDBPyConnection) -> str:
    """The citation(s) of the bundled series, for a footnote ('Source: ...')."""
    row = _row(con, "SELECT string_agg(citation, '; ' ORDER BY series_id) FROM series")
    return str(row[0]) if row and row[0] else ""


def analgesic_change_counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int] | None:
    """The published after-RT analgesic change (reduced, unchanged, increased), or None when the
    series does not publish all three counts."""
    row = _row(
        con,
        "SELECT analgesic_reduced, analgesic_unchanged, analgesic_increased FROM series "
        "ORDER BY series_id LIMIT 1",
    )
    if row is None or any(v is None for v in row):
        return None
    return int(row[0]), int(row[1]), int(row[2])


_PROVENANCE_SELECT = (
    "SELECT table_name, row_key, column_name, source, location, note FROM provenance"
)
_PROVENANCE_ORDER = f"ORDER BY table_name, {natural('row_key')}, column_name"


def provenance(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every provenance row (a value per row: millions for a registry; pages use
    ``provenance_page``)."""
    return _df(con, f"{_PROVENANCE_SELECT} {_PROVENANCE_ORDER}")


def _provenance_where(tables: Sequence[str], sources: Sequence[str]) -> tuple[str, list]:
    """WHERE clause (bound lists; none chosen = all) for the chosen tables and source codes."""
    clauses, params = [], []
    for column, chosen in (("table_name", tables), ("source", sources)):
        if chosen:
            clauses.append(f"list_contains(?, {column})")
            params.append([str(v) for v in chosen])
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def provenance_count(
    con: duckdb.DuckDBPyConnection, tables: Sequence[str] = (), sources: Sequence[str] = ()
) -> int:
    """How many provenance rows the chosen tables and source codes have."""
    where, params = _provenance_where(tables, sources)
    sql = f"SELECT count(*) AS n FROM provenance{where}"  # noqa: S608 -- constants and ? only
    return int(_df(con, sql, params)["n"].iloc[0])


def provenance_page(
    con: duckdb.DuckDBPyConnection,
    tables: Sequence[str] = (),
    sources: Sequence[str] = (),
    start: int = 0,
    stop: int = 500,
) -> pd.DataFrame:
    """Rows ``start`` to ``stop`` (0-based, ``stop`` excluded) of the provenance of the chosen
    tables and source codes, in the order of ``provenance``."""
    where, params = _provenance_where(tables, sources)
    limit = max(0, int(stop) - int(start))
    sql = (
        f"{_PROVENANCE_SELECT}{where} {_PROVENANCE_ORDER} LIMIT {limit} OFFSET {max(0, int(start))}"
    )
    return _df(con, sql, params)


def provenance_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables the provenance rows cover, alphabetically."""
    return list(_df(con, "SELECT DISTINCT table_name FROM provenance ORDER BY 1")["table_name"])


def source_counts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """[(source in words, number of stored values)] in ``vocab.SOURCE_LABELS`` order, zeros left out."""
    counts = _df(con, "SELECT source, count(*) AS n FROM provenance GROUP BY source")
    n = dict(zip(counts["source"], counts["n"], strict=True))
    return [(label, int(n[k])) for k, label in SOURCE_LABELS.items() if n.get(k, 0)]


def discrepancies(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _all(con, "discrepancies", natural("discrepancy_id"))


def case_details(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _all(con, "case_details", natural("detail_id"))


def not_published(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """What the paper does not publish, with where in the paper that shows."""
    return _all(con, "not_published", f"series_id, {natural('item_id')}")


def patient_facts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every fact the paper states about one patient and how the reconstruction treats it:
    ``status`` kept / dropped (conflict) / relaxed (conflict) for a constraint, else not used."""
    sql = f"""
        SELECT f.*,
               CASE WHEN f.use <> 'constraint' THEN 'not used'
                    WHEN c.status IN ('dropped', 'relaxed') THEN c.status || ' (conflict)'
                    ELSE coalesce(c.status, 'not checked') END AS status
        FROM patient_facts f
        LEFT JOIN reconstruction_checks c
               ON c.series_id = f.series_id AND c.constraint_id = f.constraint_id
        ORDER BY f.series_id, {natural("f.fact_id")}
    """  # noqa: S608
    return _df(con, sql)


def literature(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The bundled comparison series (read-only)."""
    return _all(con, "literature", "year, series_key")


def events(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per-patient event times (reconstructed or real), with their *_source flags."""
    deferred.fill(con, "events")
    return _all(con, "events", natural("patient_id"))


def course_events(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    deferred.fill(con, "course_events")
    return _all(con, "course_events", natural("course_id"))


def published_times(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _all(con, "published_times", "constraint_id")


def reconstruction_checks(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _df(con, "SELECT * FROM reconstruction_checks")


def reconstruction_conflicts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _all(con, "reconstruction_conflicts", "conflict_id")


def toxicities(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _all(con, "toxicities", natural("toxicity_id"))
