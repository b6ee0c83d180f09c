"""Literature series keep the wording of their figures as typed.

Revision ID: 0003
Revises: 0002

``user_series.entered_text``: a JSON object {figure column: text as typed} for the figures whose
typed text was more than the bare number ("approximately 3.5 months" beside 3.5). Nullable; rows
written before it have no wording to keep (their figures were typed as bare numbers).
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE user_series ADD COLUMN entered_text VARCHAR")


def downgrade() -> None:
    raise NotImplementedError("the user store only moves forward")
