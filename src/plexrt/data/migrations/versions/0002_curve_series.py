"""Published Kaplan-Meier curves as data (issue 17): the curve beside its literature series.

Revision ID: 0002
Revises: 0001

Four new tables, keyed by the ``user_series.series_key`` of the literature series they belong to:
``curve_series`` (the curve's provenance: outcome, time unit and zero, figure and arm, the flag
'reconstructed from published curve', the method and cleaning notes in words, the fit, patients and
events, who stored it and when), ``curve_points`` and ``curve_risk`` (the digitised points and the
number-at-risk table as given, in the curve's own time unit), ``curve_ipd`` (one row per
reconstructed patient, days). No foreign key: DuckDB has no ON DELETE CASCADE, so deleting the
series deletes these rows explicitly in the same transaction (``userstore.literature.delete``).
Column lists are frozen here, as in 0001; nothing existing is changed.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TEXT, INT, NUM, TS = "VARCHAR", "INTEGER", "DOUBLE PRECISION", "TIMESTAMP"
NN = " NOT NULL"

CURVE_SERIES = [
    ("series_key", f"{TEXT} PRIMARY KEY"),
    ("outcome", TEXT + NN),
    ("time_unit", TEXT + NN),
    ("time_zero", TEXT),
    ("arm", TEXT),
    ("figure", TEXT),
    ("flag", TEXT + NN),
    ("method", "TEXT" + NN),
    ("cleaning", "TEXT"),
    ("fit", "TEXT"),
    ("n_patients", INT + NN),
    ("total_events", INT),
    ("published_median", NUM),
    ("points_file", TEXT),
    ("risk_file", TEXT),
    ("created_at", TS + NN),
    ("created_by", TEXT + NN),
]
CURVE_POINTS = [
    ("series_key", TEXT + NN),
    ("point_no", INT + NN),
    ("time", NUM + NN),
    ("survival", NUM + NN),
]
CURVE_RISK = [
    ("series_key", TEXT + NN),
    ("row_no", INT + NN),
    ("time", NUM + NN),
    ("at_risk", INT + NN),
]
CURVE_IPD = [
    ("series_key", TEXT + NN),
    ("patient_no", INT + NN),
    ("time_days", NUM + NN),
    ("event", f"{INT}{NN} CHECK (event IN (0, 1))"),
]

NEW_TABLES = {
    "curve_series": (CURVE_SERIES, None),
    "curve_points": (CURVE_POINTS, "series_key, point_no"),
    "curve_risk": (CURVE_RISK, "series_key, row_no"),
    "curve_ipd": (CURVE_IPD, "series_key, patient_no"),
}


def upgrade() -> None:
    for table, (columns, key) in NEW_TABLES.items():
        body = ", ".join(f"{name} {sql}" for name, sql in columns)
        if key:
            body += f", PRIMARY KEY ({key})"
        op.execute(f"CREATE TABLE {table} ({body})")


def downgrade() -> None:
    raise NotImplementedError("the user store is never downgraded: it would lose rows")
