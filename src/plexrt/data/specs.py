"""What each data file holds: its columns, their types, allowed values and plausible ranges.

A data folder holds ``opioid_factors.csv``, ``literature.csv`` (see ``plexrt.data.literature``) and
one sub-folder per case series (``sanuki2022/``) with the files of ``SERIES_FILES``; a series with
real per-patient times adds ``events.csv`` and ``course_times.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plexrt.data.vocab import (
    INTENTS,
    LATERALITIES,
    MUSCLES,
    PLEXUS_LEVELS,
    PRIMARY_GROUPS,
    PROVENANCE_SOURCES,
    SEXES,
)


@dataclass(frozen=True)
class Col:
    """One column of a source file: its type, whether it may be blank, and its allowed values."""

    name: str
    kind: str = "text"  # text | int | float | bool
    required: bool = True
    choices: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    positive: bool = False


@dataclass(frozen=True)
class FileSpec:
    filename: str
    table: str
    columns: tuple[Col, ...]
    key: tuple[str, ...]
    optional: bool = False
    traced: bool = False  # every stored cell must be covered by a provenance rule

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def row_key(self) -> tuple[str, ...]:
        """The column(s) that name a row within its series (the provenance table's row_key)."""
        return self.key[1:] if len(self.key) > 1 and self.key[0] == "series_id" else self.key


def _c(name: str, kind: str = "text", **kw: Any) -> Col:
    return Col(name, kind, **kw)


def _series_table(
    filename: str, columns: tuple[Col, ...], key: tuple[str, ...], **kw: Any
) -> FileSpec:
    """A table of one case series: ``series_id`` first, rows keyed within their series."""
    table = filename.removesuffix(".csv")
    return FileSpec(filename, table, (_c("series_id"), *columns), ("series_id", *key), **kw)


SERIES = FileSpec(
    "series.csv",
    "series",
    (
        _c("series_id"),
        _c("short_name"),
        _c("citation"),
        _c("doi", required=False),
        _c("licence", required=False),
        _c("design", required=False),
        _c("period_start", required=False),
        _c("period_end", required=False),
        _c("data_cutoff", required=False),
        _c("pain_scale", required=False),
        _c("n_patients_reported", "int", required=False, min=0),
        _c("n_sites_reported", "int", required=False, min=0),
        # After-RT analgesic change published only as counts (Sanuki: reduced 2, unchanged 6,
        # increased 4; read as sites, see discrepancy X6).
        _c("analgesic_change_unit", required=False, choices=("sites", "patients")),
        _c("analgesic_reduced", "int", required=False, min=0),
        _c("analgesic_unchanged", "int", required=False, min=0),
        _c("analgesic_increased", "int", required=False, min=0),
    ),
    ("series_id",),
    traced=True,
)

PATIENTS = _series_table(
    "patients.csv",
    (
        _c("patient_id"),
        _c("age", "int", required=False, min=0, max=120),
        _c("sex", required=False, choices=SEXES),
        _c("primary_cancer"),
        _c("primary_group", choices=PRIMARY_GROUPS),
    ),
    ("patient_id",),
    traced=True,
)

COURSES = _series_table(
    "courses.csv",
    (
        _c("course_id"),
        _c("patient_id"),
        _c("course_no", "int", min=1, max=50),
        _c("pain_at_presentation", required=False),
        _c("involved_muscle", choices=MUSCLES),
        _c("plexus_level", required=False, choices=PLEXUS_LEVELS),
        _c("laterality", required=False, choices=LATERALITIES),
        _c("intent", choices=INTENTS),
        _c("dose_gy", "float", positive=True, max=200),
        _c("fractions", "int", positive=True, max=100),
        _c("nrs_before", "int", required=False, min=0, max=10),
        _c("nrs_after", "int", required=False, min=0, max=10),
        _c("weeks_to_max_response", "int", required=False, min=0, max=520),
    ),
    ("course_id",),
    traced=True,
)

ANALGESICS = _series_table(
    "analgesics.csv",
    (
        _c("course_id"),
        _c("timepoint", choices=("baseline", "after")),
        _c("drug"),
        _c("mg_per_day", "float", required=False, min=0, max=100000),
        _c("route", required=False),
        _c("is_opioid", "bool"),
    ),
    (
        "course_id",
        "timepoint",
        "drug",
    ),
    traced=True,
)

TOXICITIES = _series_table(
    "toxicities.csv",
    (
        _c("toxicity_id"),
        _c("event"),
        _c("ctcae_grade", "int", required=False, min=1, max=5),
        _c("n_patients", "int", required=False, min=0),
        _c("patient_id", required=False),
        _c("attribution", required=False),
        _c("location", required=False),
    ),
    ("toxicity_id",),
    optional=True,
    traced=True,
)

CASE_DETAILS = _series_table(
    "case_details.csv",
    (
        _c("detail_id"),
        _c("patient_id", required=False),
        _c("course_id", required=False),
        _c("topic"),
        _c("detail"),
        _c("location"),
    ),
    ("detail_id",),
    optional=True,
    traced=True,
)

DISCREPANCIES = _series_table(
    "discrepancies.csv",
    (
        _c("discrepancy_id"),
        _c("topic"),
        _c("affects", required=False),
        _c("reading_a"),
        _c("where_a"),
        _c("reading_b"),
        _c("where_b"),
        _c("resolution"),
    ),
    ("discrepancy_id",),
    optional=True,
)

# What the paper does not publish, in PlexRT's words, and where in the paper that shows.
NOT_PUBLISHED = _series_table(
    "not_published.csv",
    (
        _c("item_id"),
        _c("topic"),
        _c("detail"),
        _c("location"),
    ),
    ("item_id",),
    optional=True,
)

# Every fact the paper states about one patient, and whether the reconstruction uses it: as the
# constraint ``constraint_id`` of published_times.csv, or not, for the stated reason.
FACT_USES = ("constraint", "not used")
PATIENT_FACTS = FileSpec(
    "patient_facts.csv",
    "patient_facts",
    (
        _c("series_id"),
        _c("fact_id"),
        _c("patient_id", required=False),
        _c("detail_id", required=False),
        _c("fact"),
        _c("location"),
        _c("use", choices=FACT_USES),
        _c("constraint_id", required=False),
        _c("reason"),
    ),
    ("series_id", "fact_id"),
    optional=True,
)

_SOURCE = _c("source", choices=PROVENANCE_SOURCES)

PROVENANCE_RULES = FileSpec(
    "provenance.csv",
    "provenance_rules",
    (
        _c("table_name"),
        _c("column_name"),
        _c("row_key"),
        _SOURCE,
        _c("location", required=False),
        _c("note", required=False),
    ),
    ("table_name", "column_name", "row_key"),
)

# The stored provenance table: one row per stored cell, from the rules above (plexrt.ingest).
PROVENANCE_COLUMNS = (
    _c("series_id", required=False),
    _c("table_name"),
    _c("row_key"),
    _c("column_name"),
    _SOURCE,
    _c("location", required=False),
    _c("note", required=False),
)

SERIES_FILES: tuple[FileSpec, ...] = (
    SERIES,
    PATIENTS,
    COURSES,
    ANALGESICS,
    TOXICITIES,
    CASE_DETAILS,
    DISCREPANCIES,
    NOT_PUBLISHED,
    PATIENT_FACTS,
    PROVENANCE_RULES,
)

OPIOID_FACTORS = FileSpec(
    "opioid_factors.csv",
    "opioid_factors",
    (
        _c("table_key"),
        _c("table_label"),
        _c("drug"),
        _c("route"),
        _c("factor", "float", positive=True),
        _c("source"),
    ),
    ("table_key", "drug", "route"),
)

# The file tables stored as they are read, in the order they are created (references first):
# the series' tables (the provenance rules become the provenance table), then the factor table.
STORED_FILES: tuple[FileSpec, ...] = (
    *(spec for spec in SERIES_FILES if spec is not PROVENANCE_RULES),
    OPIOID_FACTORS,
)

# Real per-patient times for an imported series (no reconstruction then). Days from the start of
# the patient's first RT course; no calendar dates.
EVENTS_FILE = FileSpec(
    "events.csv",
    "events",
    (
        _c("patient_id"),
        _c("death", "bool"),
        _c("last_contact_day", "int", min=0),
        _c("assessable_for_relief", "bool"),
        _c("relapse", "bool", required=False),
        _c("relapse_day", "int", required=False, min=0),
    ),
    ("patient_id",),
)
COURSE_TIMES_FILE = FileSpec(
    "course_times.csv",
    "course_times",
    (
        _c("course_id"),
        _c("rt_start_day", "int", min=0),
        _c("rt_end_day", "int", min=0),
        _c("max_response_day", "int", required=False, min=0),
    ),
    ("course_id",),
)

# Tables whose every cell must be traceable (the provenance rules must cover each column).
TRACED_TABLES = tuple(spec.table for spec in SERIES_FILES if spec.traced)

# The column(s) that name a row in the provenance table.
ROW_KEYS = {spec.table: spec.row_key for spec in SERIES_FILES if spec.traced}


def spec_of(table: str) -> FileSpec:
    """The file spec of a series table."""
    return next(s for s in SERIES_FILES if s.table == table)
