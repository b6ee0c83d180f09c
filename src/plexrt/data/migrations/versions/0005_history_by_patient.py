"""One patient's change history is found by an index, not by reading the series' history.

Revision ID: 0005
Revises: 0004

The Follow-up page reads the history of one patient (``followup.history`` with a patient code):
its lines of ``change_history`` for the series and that code. 0001 indexed the table by series
and by batch only, so the read went through every line of the series. Now (series_id,
patient_id) is indexed too, and the read names the series of the lines. Adding an index changes no
row; on both backends it is built inside the migration's one transaction.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEX = "change_history_patient"


def upgrade() -> None:
    op.execute(f"CREATE INDEX {INDEX} ON change_history (series_id, patient_id)")


def downgrade() -> None:
    raise NotImplementedError("the user store only moves forward")
