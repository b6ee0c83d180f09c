"""An own series' name is unique per owner, not among all users' series.

Revision ID: 0004
Revises: 0003

0001 made ``own_series.name`` unique over the whole store: one user could not use a name another
had taken, and an import under it answered with the other user's series, private or not. Now
(owner, name) is unique. PostgreSQL drops the old constraint and adds the new one. DuckDB cannot
drop a constraint: the table is rebuilt -- created under a new name with the new constraint, every
row copied, the old table dropped only once its rows are in the new one and the new one renamed --
in the migration's one transaction, so the upgrade keeps every row or changes nothing. Column
list frozen here as 0001 had it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TEXT, BOOL, TS = "VARCHAR", "BOOLEAN", "TIMESTAMP"
NN = " NOT NULL"
OWN_SERIES = [
    ("series_id", f"{TEXT} PRIMARY KEY"),
    ("name", TEXT + NN),
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
PER_OWNER = "own_series_owner_name"
REBUILT = "own_series_0004"


def _name_only_constraints() -> list[str]:
    """PostgreSQL's name of the UNIQUE constraint on ``name`` alone (0001 left it unnamed)."""
    rows = op.get_bind().execute(
        sa.text(
            "SELECT c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
            "WHERE t.relname = 'own_series' AND t.relnamespace = current_schema()::regnamespace "
            "AND c.contype = 'u' AND c.conkey = ARRAY[("
            "SELECT attnum FROM pg_attribute WHERE attrelid = t.oid AND attname = 'name')]::int2[]"
        )
    )
    return [r[0] for r in rows]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for constraint in _name_only_constraints():
            op.execute(f'ALTER TABLE own_series DROP CONSTRAINT "{constraint}"')
        op.execute(f"ALTER TABLE own_series ADD CONSTRAINT {PER_OWNER} UNIQUE (owner, name)")
        return
    columns = ", ".join(name for name, _ in OWN_SERIES)
    body = ", ".join(f"{name} {sql}" for name, sql in OWN_SERIES)
    op.execute(f"CREATE TABLE {REBUILT} ({body}, CONSTRAINT {PER_OWNER} UNIQUE (owner, name))")
    op.execute(f"INSERT INTO {REBUILT} ({columns}) SELECT {columns} FROM own_series")  # noqa: S608
    op.execute("DROP TABLE own_series")
    op.execute(f"ALTER TABLE {REBUILT} RENAME TO own_series")


def downgrade() -> None:
    raise NotImplementedError("the user store only moves forward")
