"""quality recordings: bridged calls' audio kept for 质检, with retention and a score

Revision ID: 0020
Revises: 0015
Create Date: 2026-12-02 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0015"  # re-chained after main's head (0015 platforms) at the merge
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quality_recordings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("call_id", sa.String(64), nullable=False),
        sa.Column("recording_name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("audio_path", sa.String(500), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retention_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("scored_by", sa.String(100), nullable=True),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "uq_quality_recordings_recording_name",
        "quality_recordings",
        ["recording_name"],
        unique=True,
    )
    op.create_index("ix_quality_recordings_call_id", "quality_recordings", ["call_id"])
    op.create_index("ix_quality_recordings_started_at", "quality_recordings", ["started_at"])
    op.create_index(
        "ix_quality_recordings_retention_until", "quality_recordings", ["retention_until"]
    )


def downgrade() -> None:
    op.drop_table("quality_recordings")
