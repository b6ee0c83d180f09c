"""User store v2: own series, change history, grants and the audit trail; adopts the file of v1.

Revision ID: 0001
Revises: (none)

A user file written by PlexRT before Alembic (tables ``user_series``, ``user_cases``, ``user_meta``,
columns added on open) is adopted as it is: its tables are kept with every row, only the columns it
lacks are added (nullable). A new database gets the same tables. Column lists are frozen here (a
migration describes the schema of its own day); ``tests/unit/test_userstore_migrations.py`` checks
that the head schema holds exactly the columns of ``plexrt.data.own_schema`` and
``plexrt.data.literature``, so a column added there without a migration fails the tests.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TEXT, INT, NUM, BOOL, TS, BIG = (
    "VARCHAR",
    "INTEGER",
    "DOUBLE PRECISION",
    "BOOLEAN",
    "TIMESTAMP",
    "BIGINT",
)

# The literature figures of user-added series, as plexrt.data.literature.COLUMNS had them.
_LIT_TEXT = [
    "citation",
    "doi",
    "population",
    "design",
    "n_patients_source",
    "n_sites_source",
    "pain_scale",
    "pain_scale_source",
    "response_definition",
    "response_definition_source",
    "responders_source",
    "complete_responders_source",
    "time_to_response",
    "time_to_response_source",
    "median_relief_months_source",
    "median_followup_months_source",
    "median_survival_months_source",
    "schedules",
    "schedules_source",
    "notes",
]
_LIT_INT = ["year", "n_patients", "n_sites", "responders", "complete_responders"]
_LIT_NUM = ["median_relief_months", "median_followup_months", "median_survival_months"]

USER_SERIES = [
    ("series_key", f"{TEXT} PRIMARY KEY"),
    ("created_at", TS),
    ("updated_at", TS),
    ("created_by", TEXT),
    *[(c, TEXT) for c in _LIT_TEXT],
    *[(c, INT) for c in _LIT_INT],
    *[(c, NUM) for c in _LIT_NUM],
]
USER_CASES = [
    ("case_id", f"{TEXT} PRIMARY KEY"),
    ("saved_at", TS),
    ("label", TEXT),
    ("primary_cancer", TEXT),
    ("primary_group", TEXT),
    ("involved_muscle", TEXT),
    ("nrs_before", INT),
    ("intent", TEXT),
    ("dose_gy", NUM),
    ("fractions", INT),
    ("saved_by", TEXT),
]
USER_META = [("key", f"{TEXT} PRIMARY KEY"), ("value", TEXT)]

NN = " NOT NULL"
OWN_SERIES = [
    ("series_id", f"{TEXT} PRIMARY KEY"),
    ("name", f"{TEXT}{NN} UNIQUE"),
    ("institution", TEXT),
    ("period_text", TEXT),
    ("owner", TEXT + NN),
    ("sharing", f"{TEXT}{NN} CHECK (sharing IN ('private', 'users', 'department'))"),
    ("pseudonymised", BOOL + NN),
    ("column_mapping", "TEXT"),
    ("content_hash", TEXT),
    ("created_at", TS + NN),
    ("created_by", TEXT + NN),
    ("updated_at", TS + NN),
    ("updated_by", TEXT + NN),
]
OWN_PATIENTS = [
    ("series_id", TEXT + NN),
    ("patient_id", TEXT + NN),
    ("age", INT),
    ("age_90_plus", BOOL + NN),
    ("sex", TEXT),
    ("primary_cancer", TEXT + NN),
    ("primary_group", TEXT + NN),
    ("last_contact_day", INT),
    ("death_day", INT),
]
OWN_COURSES = [
    ("series_id", TEXT + NN),
    ("patient_id", TEXT + NN),
    ("course_no", INT + NN),
    ("involved_muscle", TEXT + NN),
    ("plexus_level", TEXT),
    ("laterality", TEXT),
    ("intent", TEXT + NN),
    ("dose_gy", NUM + NN),
    ("fractions", INT + NN),
    ("nrs_before", INT),
    ("nrs_after", INT),
    ("rt_start_day", INT + NN),
    ("rt_end_day", INT + NN),
    ("max_response_day", INT),
    ("relapse_day", INT),
    ("dose_per_fraction_gy", NUM + NN),
    ("bed10_gy", NUM + NN),
    ("eqd2_10_gy", NUM + NN),
    ("bed3_gy", NUM + NN),
    ("eqd2_3_gy", NUM + NN),
]
OWN_ASSESSMENTS = [
    ("series_id", TEXT + NN),
    ("patient_id", TEXT + NN),
    ("course_no", INT + NN),
    ("assessment_no", INT + NN),
    ("day", INT + NN),
    ("nrs", INT),
    ("opioid_drug", TEXT),
    ("opioid_mg_per_day", NUM),
    ("opioid_route", TEXT),
]
CHANGE_BATCHES = [
    ("batch_id", f"{BIG} PRIMARY KEY"),
    ("series_id", TEXT + NN),
    ("kind", TEXT + NN),  # import | reimport | follow_up | undo
    ("actor", TEXT + NN),
    ("at_utc", TEXT + NN),
    ("undoes_batch", BIG),
    ("undone_by_batch", BIG),
    ("rows_added", INT + NN),
    ("rows_changed", INT + NN),
    ("rows_removed", INT + NN),
    ("cells_changed", INT + NN),
]
CHANGE_HISTORY = [
    ("change_id", f"{BIG} PRIMARY KEY"),
    ("batch_id", BIG + NN),
    ("series_id", TEXT + NN),
    ("table_name", TEXT + NN),
    ("change_kind", TEXT + NN),  # added | changed | removed
    ("patient_id", TEXT + NN),
    ("course_no", INT),
    ("assessment_no", INT),
    ("column_name", TEXT),  # NULL for a whole row added or removed
    ("old_value", "TEXT"),  # canonical JSON of the value (or of the whole row)
    ("new_value", "TEXT"),
]
GRANTS = [
    ("series_id", TEXT + NN),
    ("grantee", TEXT + NN),
    ("can_edit", BOOL + NN),
    ("granted_by", TEXT + NN),
    ("granted_at", TS + NN),
]
AUDIT = [
    ("seq", f"{BIG} PRIMARY KEY"),
    ("at_utc", TEXT + NN),
    ("actor", TEXT + NN),
    ("action", TEXT + NN),
    ("series_id", TEXT),
    ("patient_id", TEXT),
    ("detail", "TEXT" + NN),
    ("prev_hash", TEXT + NN),
    ("hash", TEXT + NN),
]

NEW_TABLES = {
    "own_series": (OWN_SERIES, None),
    "own_patients": (OWN_PATIENTS, "series_id, patient_id"),
    "own_courses": (OWN_COURSES, "series_id, patient_id, course_no"),
    "own_assessments": (OWN_ASSESSMENTS, "series_id, patient_id, course_no, assessment_no"),
    "change_batches": (CHANGE_BATCHES, None),
    "change_history": (CHANGE_HISTORY, None),
    "grants": (GRANTS, "series_id, grantee"),
    "audit": (AUDIT, None),
}

# PostgreSQL refuses any UPDATE, DELETE or TRUNCATE of the audit trail (DuckDB has no triggers;
# there only the code's lack of such a path and the hash chain protect it).
_PG_APPEND_ONLY = [
    """CREATE FUNCTION plexrt_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'the PlexRT audit trail is append-only'; END $$""",
    """CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION plexrt_audit_append_only()""",
    """CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION plexrt_audit_append_only()""",
]


def _existing_columns(table: str) -> set[str]:
    rows = op.get_bind().execute(
        sa.text(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = :t"
        ),
        {"t": table},
    )
    return {r[0] for r in rows}


def _create_or_adopt(table: str, columns: list[tuple[str, str]]) -> None:
    """Create the table, or add to the existing one the columns it lacks (nullable)."""
    have = _existing_columns(table)
    if not have:
        body = ", ".join(f"{name} {sql}" for name, sql in columns)
        op.execute(f"CREATE TABLE {table} ({body})")
        return
    for name, sql in columns:
        if name not in have:
            plain = sql.split(" PRIMARY KEY")[0]
            op.execute(f"ALTER TABLE {table} ADD COLUMN {name} {plain}")


def _create(table: str, columns: list[tuple[str, str]], key: str | None) -> None:
    body = ", ".join(f"{name} {sql}" for name, sql in columns)
    if key:
        body += f", PRIMARY KEY ({key})"
    op.execute(f"CREATE TABLE {table} ({body})")


def upgrade() -> None:
    # v1 tables: adopted with their rows.
    _create_or_adopt("user_series", USER_SERIES)
    _create_or_adopt("user_cases", USER_CASES)
    _create_or_adopt("user_meta", USER_META)
    for table, (columns, key) in NEW_TABLES.items():
        _create(table, columns, key)
    op.execute("CREATE INDEX change_batches_series ON change_batches (series_id)")
    op.execute("CREATE INDEX change_history_batch ON change_history (batch_id)")
    op.execute("CREATE INDEX change_history_series ON change_history (series_id)")
    if op.get_bind().dialect.name == "postgresql":
        for statement in _PG_APPEND_ONLY:
            op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("the user store is never downgraded: it would lose rows")
