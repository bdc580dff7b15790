"""voicemails: a plain index on recording_name, which SQLite can use for lookups

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 14:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_voicemails_recording_name", "voicemails", ["recording_name"])


def downgrade() -> None:
    op.drop_index("ix_voicemails_recording_name", table_name="voicemails")
