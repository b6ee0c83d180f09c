"""The DuckDB store: build it from ``data/``, open it, and every query as a named function.

All SQL of PlexRT lives here and in ``schema.sql``. Values are bound parameters; filter columns come
from the whitelist in ``plexrt.filters``. Each query takes its own cursor, so one cached connection can
serve several threads (DuckDB refuses concurrent calls on one connection object).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from plexrt import dose
from plexrt.filters import CohortFilter, Options
from plexrt.sources import ROW_KEYS, TRACED_TABLES, DataError, SeriesData, read_data_folder

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"


def default_db_path() -> Path:
    """``$PLEXRT_DB`` if set, else ``data/plexrt.duckdb`` in the project."""
    env = os.environ.get("PLEXRT_DB")
    return Path(env) if env else DEFAULT_DATA_DIR / "plexrt.duckdb"


def schema_sql() -> str:
    return resources.files("plexrt").joinpath("schema.sql").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildReport:
    db_path: Path
    series: tuple[str, ...]
    counts: dict

    def __str__(self) -> str:
        parts = ", ".join(f"{k} {v}" for k, v in self.counts.items())
        return f"built {self.db_path} from {', '.join(self.series)}: {parts}"


def _derived(courses: pd.DataFrame, analgesics: pd.DataFrame) -> pd.DataFrame:
    """Per-course values computed by PlexRT (one implementation each: plexrt.dose, plexrt.response)."""
    from plexrt.response import omed_by_course

    baseline = analgesics[analgesics["timepoint"] == "baseline"]
    omed = omed_by_course(baseline, "cdc2022") if len(baseline) else pd.Series(dtype=float)
    rows = []
    for r in courses.itertuples():
        rows.append(
            {
                "series_id": r.series_id,
                "course_id": r.course_id,
                "dose_per_fraction_gy": dose.dose_per_fraction(r.dose_gy, r.fractions),
                "bed10_gy": dose.bed(r.dose_gy, r.fractions, 10),
                "eqd2_10_gy": dose.eqd2(r.dose_gy, r.fractions, 10),
                "bed3_gy": dose.bed(r.dose_gy, r.fractions, 3),
                "eqd2_3_gy": dose.eqd2(r.dose_gy, r.fractions, 3),
                # No analgesic rows for a course -> unknown, not 0.
                "baseline_omed_mg": float(omed[r.course_id]) if r.course_id in omed.index else None,
            }
        )
    return pd.DataFrame(rows)


DERIVED_NOTES = {
    "dose_per_fraction_gy": "dose_gy / fractions",
    "bed10_gy": "BED = D (1 + d / 10), alpha/beta 10 Gy (plexrt.dose.bed)",
    "eqd2_10_gy": "EQD2 = D (d + 10) / 12, alpha/beta 10 Gy (plexrt.dose.eqd2)",
    "bed3_gy": "BED with alpha/beta 3 Gy (plexrt.dose.bed)",
    "eqd2_3_gy": "EQD2 with alpha/beta 3 Gy (plexrt.dose.eqd2)",
    "baseline_omed_mg": "Oral morphine equivalent of the baseline opioids, CDC 2022 factors, oral "
    "route assumed (route not stated); population estimates",
}


def _provenance(sd: SeriesData, derived: pd.DataFrame) -> pd.DataFrame:
    """One row per stored cell, from the rules in provenance.csv (row-specific rules win)."""
    rules = sd.tables["provenance_rules"]
    series_id = sd.tables["series"]["series_id"].iloc[0]
    by_key = {(r.table_name, r.column_name, r.row_key): r for r in rules.itertuples()}
    out = []
    for table in TRACED_TABLES:
        frame = sd.tables[table]
        key_cols = ROW_KEYS[table]
        cols = [c for c in frame.columns if c not in ("_line", "series_id")]
        for rec in frame.itertuples(index=False):
            rec = rec._asdict()
            row_key = "/".join(str(rec[k]) for k in key_cols)
            first_key = str(rec[key_cols[0]])
            for col in cols:
                rule = None
                for cand in (
                    (table, col, row_key),
                    (table, col, first_key),
                    (table, "*", row_key),
                    (table, "*", first_key),
                    (table, col, "*"),
                    (table, "*", "*"),
                ):
                    rule = by_key.get(cand)
                    if rule is not None:
                        break
                if rec[col] is None or (isinstance(rec[col], float) and pd.isna(rec[col])):
                    note = "Not stated in the paper (unknown)"
                    if rule is not None and rule.note:
                        note = f"{note}. {rule.note}"
                else:
                    note = rule.note if rule is not None else None
                out.append(
                    {
                        "series_id": series_id,
                        "table_name": table,
                        "row_key": row_key,
                        "column_name": col,
                        "source": rule.source,
                        "location": rule.location,
                        "note": note,
                    }
                )
    for rec in derived.itertuples(index=False):
        for col, note in DERIVED_NOTES.items():
            out.append(
                {
                    "series_id": series_id,
                    "table_name": "course_derived",
                    "row_key": rec.course_id,
                    "column_name": col,
                    "source": "derived",
                    "location": "computed by PlexRT",
                    "note": note,
                }
            )
    return pd.DataFrame(out)


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    cols = [c for c in frame.columns if c != "_line"]
    frame = frame[cols].astype(object).where(frame[cols].notna(), None)
    con.register("_incoming", frame)
    try:
        col_list = ", ".join(cols)
        con.execute(f"INSERT INTO {table} ({col_list}) SELECT {col_list} FROM _incoming")  # noqa: S608 -- names from the schema specs
    finally:
        con.unregister("_incoming")


def _read_literature(data_dir: Path) -> pd.DataFrame | None:
    """The bundled comparison series (optional file); problems stop the build like any other."""
    from plexrt.literature import LiteratureFileError, load_literature
    from plexrt.sources import Problem

    path = data_dir / "literature.csv"
    if not path.exists():
        return None
    try:
        return load_literature(path)
    except LiteratureFileError as exc:
        raise DataError(
            [Problem("literature.csv", line, col, msg) for _, line, col, msg in exc.problems]
        ) from None


def build_db(data_dir: Path | str | None = None, db_path: Path | str | None = None) -> BuildReport:
    """Build the store from a data folder into a temporary file, then rename it into place.

    Validation problems raise ``plexrt.sources.DataError`` before anything is written; any failure
    leaves the existing database untouched and removes the temporary file.
    """
    data_dir = Path(data_dir) if data_dir else DEFAULT_DATA_DIR
    db_path = Path(db_path) if db_path else default_db_path()
    series, factors = read_data_folder(data_dir)
    literature = _read_literature(data_dir)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # DuckDB wants to create the file itself
    counts: dict[str, int] = {}
    try:
        con = duckdb.connect(str(tmp))
        try:
            con.execute("BEGIN TRANSACTION")
            con.execute(schema_sql())
            _insert(con, "opioid_factors", factors)
            if literature is not None:
                _insert(con, "literature", literature)
            for sd in series:
                t = sd.tables
                derived = _derived(t["courses"], t["analgesics"])
                for table in TRACED_TABLES:
                    _insert(con, table, t[table])
                _insert(con, "course_derived", derived)
                _insert(con, "discrepancies", t["discrepancies"])
                _insert(con, "provenance", _provenance(sd, derived))
            con.execute("COMMIT")
            for table in ("series", "patients", "courses", "analgesics", "provenance"):
                counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            counts["discrepancies"] = con.execute("SELECT count(*) FROM discrepancies").fetchone()[
                0
            ]
        finally:
            con.close()
        os.replace(tmp, db_path)
    except BaseException:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
        raise
    return BuildReport(db_path, tuple(sd.folder.name for sd in series), counts)


# ---------------------------------------------------------------------------------------------
# Connect and query
# ---------------------------------------------------------------------------------------------


def connect(db_path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the bundled store (several processes may share the file)."""
    db_path = Path(db_path) if db_path else default_db_path()
    if not db_path.exists():
        raise FileNotFoundError(f"no PlexRT database at {db_path}; run `plexrt build-db`")
    return duckdb.connect(str(db_path), read_only=True)


def _df(con, sql: str, params: list | None = None) -> pd.DataFrame:
    cur = con.cursor()
    try:
        return cur.execute(sql, params or []).df()
    finally:
        cur.close()


_ORDER = "TRY_CAST(patient_id AS INTEGER) NULLS LAST, patient_id, course_no"


def cohort(con, flt: CohortFilter | None = None) -> pd.DataFrame:
    """``course_summary`` rows that pass the filter, in patient/course order."""
    where, params = (flt or CohortFilter()).where()
    return _df(con, f"SELECT * FROM course_summary WHERE {where} ORDER BY {_ORDER}", params)  # noqa: S608 -- where() builds from whitelisted columns, values bound


def options(con) -> Options:
    """The values present in the store, for filter widgets and URL checking."""

    def distinct(col: str) -> tuple[str, ...]:
        frame = _df(
            con,
            f"SELECT DISTINCT {col} AS v FROM course_summary WHERE {col} IS NOT NULL ORDER BY v",  # noqa: S608
        )
        return tuple(frame["v"].tolist())

    ids = _df(con, f"SELECT course_id FROM course_summary ORDER BY {_ORDER}")["course_id"]  # noqa: S608
    return Options(
        primary_cancers=distinct("primary_cancer"),
        primary_groups=distinct("primary_group"),
        muscles=distinct("involved_muscle"),
        intents=distinct("intent"),
        sexes=distinct("sex"),
        course_ids=tuple(ids.tolist()),
    )


def ranges(con) -> dict[str, tuple[float, float]]:
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


def analgesics(con, flt: CohortFilter | None = None) -> pd.DataFrame:
    where, params = (flt or CohortFilter()).where()
    return _df(
        con,
        "SELECT a.* FROM analgesics a WHERE (a.series_id, a.course_id) IN "  # noqa: S608
        f"(SELECT series_id, course_id FROM course_summary WHERE {where}) "
        "ORDER BY TRY_CAST(split_part(a.course_id, '.', 1) AS INTEGER), a.course_id, "
        "a.timepoint, a.is_opioid DESC, a.drug",
        params,
    )


def opioid_factors(con) -> pd.DataFrame:
    return _df(con, "SELECT * FROM opioid_factors ORDER BY table_key, drug")


def series(con) -> pd.DataFrame:
    return _df(con, "SELECT * FROM series ORDER BY series_id")


def provenance(con) -> pd.DataFrame:
    return _df(
        con,
        "SELECT table_name, row_key, column_name, source, location, note FROM provenance "
        "ORDER BY table_name, TRY_CAST(split_part(row_key, '.', 1) AS INTEGER) NULLS LAST, "
        "row_key, column_name",
    )


def discrepancies(con) -> pd.DataFrame:
    return _df(
        con,
        "SELECT * FROM discrepancies ORDER BY TRY_CAST(substr(discrepancy_id, 2) AS INTEGER)",
    )


def case_details(con) -> pd.DataFrame:
    return _df(
        con,
        "SELECT * FROM case_details ORDER BY TRY_CAST(substr(detail_id, 2) AS INTEGER)",
    )


def literature(con) -> pd.DataFrame:
    """The bundled comparison series (read-only)."""
    return _df(con, "SELECT * FROM literature ORDER BY year, series_key")


def toxicities(con) -> pd.DataFrame:
    return _df(con, "SELECT * FROM toxicities ORDER BY toxicity_id")
