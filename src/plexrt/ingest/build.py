"""Build the bundled store: read and validate the data folder (plexrt.data), derive dose and OMED
values (plexrt.clinical), reconstruct unpublished times (plexrt.reconstruct), note where every value
comes from, and write it all in one transaction (plexrt.data.bundled_write)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from plexrt.data import bundled_write
from plexrt.data.csvfile import DataError, Problem
from plexrt.data.fingerprint import schema_version, tables_version
from plexrt.data.paths import default_data_dir, default_db_path
from plexrt.data.sources import SeriesData, read_data_folder, read_literature
from plexrt.data.specs import TRACED_TABLES
from plexrt.data.store_origin import BUILT_AT_KEY, DATA_DIR_KEY, TABLES_KEY, data_dir_text
from plexrt.ingest.derived import derived_values
from plexrt.ingest.provenance import cell_provenance, event_provenance
from plexrt.ingest.provenance import stack as stack_provenance
from plexrt.ingest.times import event_times

# The row counts the build reports.
REPORTED_TABLES = ("series", "patients", "courses", "analgesics", "provenance", "discrepancies")


@dataclass(frozen=True)
class BuildReport:
    db_path: Path
    series: tuple[str, ...]
    counts: dict[str, int]

    def __str__(self) -> str:
        parts = ", ".join(f"{k} {v}" for k, v in self.counts.items())
        return f"built {self.db_path} from {', '.join(self.series)}: {parts}"


def series_tables(sd: SeriesData, factors: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every stored table of one series (table -> rows), in the order they are written; ``factors``
    are the opioid conversion factors (data/opioid_factors.csv) the baseline OMED uses."""
    derived = derived_values(sd.tables["courses"], sd.tables["analgesics"], factors)
    tables = {table: sd.tables[table] for table in TRACED_TABLES}
    tables["course_derived"] = derived
    tables["discrepancies"] = sd.tables["discrepancies"]
    tables["not_published"] = sd.tables["not_published"]
    tables["patient_facts"] = sd.tables["patient_facts"]
    provenance = cell_provenance(sd, derived)
    times = event_times(sd)
    check_fact_constraints(sd, times)
    if times is not None:
        tables.update({name: frame.assign(series_id=sd.series_id) for name, frame in times.items()})
        provenance = stack_provenance([provenance, event_provenance(sd.series_id, times)])
    tables["provenance"] = provenance
    return tables


def check_fact_constraints(sd: SeriesData, times: dict[str, pd.DataFrame] | None) -> None:
    """Every constraint a patient fact names is in the series' published_times.csv (when the
    series is reconstructed from it; with real times no constraint is used)."""
    published = times.get("published_times") if times is not None else None
    if published is None:
        return
    facts = sd.tables["patient_facts"]
    used = facts[facts["use"] == "constraint"]
    known = set(published["constraint_id"])
    bad = [r for r in used.to_dict("records") if r["constraint_id"] not in known]
    if bad:
        where = f"{sd.folder.name}/patient_facts.csv"
        raise DataError(
            [
                Problem(
                    where,
                    r["_line"],
                    "constraint_id",
                    f"'{r['constraint_id']}' is not in published_times.csv",
                )
                for r in bad
            ]
        )


def origin_meta(data_dir: Path, db_path: Path) -> dict[str, str]:
    """Where a store comes from (``plexrt.data.store_origin``): the data folder, the tables'
    fingerprint and the build time (UTC)."""
    from datetime import UTC, datetime

    return {
        DATA_DIR_KEY: data_dir_text(data_dir, db_path),
        TABLES_KEY: tables_version(),
        BUILT_AT_KEY: datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _read_all(
    data_dir: Path, manifest: bool
) -> tuple[list[SeriesData], pd.DataFrame, pd.DataFrame | None]:
    """The series, the factors and the literature table; every problem of all of them at once."""
    problems: list[Problem] = []
    series: list[SeriesData] = []
    factors = literature = None
    try:
        series, factors = read_data_folder(data_dir, manifest=manifest)
    except DataError as exc:
        problems += exc.problems
    try:
        literature = read_literature(data_dir)
    except DataError as exc:
        problems += exc.problems
    if problems or factors is None:
        raise DataError(problems)
    return series, factors, literature


def build_db(
    data_dir: Path | str | None = None,
    db_path: Path | str | None = None,
    *,
    manifest: bool = True,
) -> BuildReport:
    """Build the store from a data folder into a temporary file, then rename it into place.

    The files are checked against the folder's manifest first (``manifest=False`` only when the
    manifest is about to be written). Validation problems raise ``plexrt.data.csvfile.DataError``
    before anything is written; any failure leaves the existing database untouched and removes the
    temporary file.
    """
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    db_path = Path(db_path) if db_path else default_db_path()
    series, factors, literature = _read_all(data_dir, manifest)
    contents = [series_tables(sd, factors) for sd in series]
    version = schema_version(data_dir)
    with bundled_write.new_store(db_path) as con:
        bundled_write.insert(con, "opioid_factors", factors)
        if literature is not None:
            bundled_write.insert(con, "literature", literature)
        for tables in contents:
            for table, frame in tables.items():
                bundled_write.insert(con, table, frame)
        bundled_write.set_meta(con, "schema_version", version)
        for key, value in origin_meta(data_dir, db_path).items():
            bundled_write.set_meta(con, key, value)
        counts = bundled_write.row_counts(con, REPORTED_TABLES)
    return BuildReport(db_path, tuple(sd.folder.name for sd in series), counts)


def write_checked_manifest(data_dir: Path | str) -> list:
    """Check a data folder whole (a build into a temporary file that is then thrown away) and,
    only when it builds, write its manifest (``plexrt manifest``). Raises DataError otherwise."""
    import tempfile

    from plexrt.data.manifest import write_manifest

    data_dir = Path(data_dir)
    with tempfile.TemporaryDirectory(prefix="plexrt-manifest-") as tmp:
        build_db(data_dir, Path(tmp) / "check.duckdb", manifest=False)
    return write_manifest(data_dir)
