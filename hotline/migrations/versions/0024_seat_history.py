"""seat history: every presence change of a seat, and every user's sittings at seats

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seat_state_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("seat_id", sa.String(64), nullable=False),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("call_id", sa.String(64), nullable=True),
        sa.Column("wrapup_s", sa.Float(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
    )
    op.create_index("ix_seat_state_changes_seat_at", "seat_state_changes", ["seat_id", "at"])
    op.create_index("ix_seat_state_changes_at", "seat_state_changes", ["at"])
    op.create_table(
        "desk_seat_sittings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("seat_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("desk_users.id"), nullable=False),
        sa.Column("started", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_desk_seat_sittings_seat_id", "desk_seat_sittings", ["seat_id"])
    op.create_index("ix_desk_seat_sittings_user_id", "desk_seat_sittings", ["user_id"])
    op.create_index("ix_desk_seat_sittings_started", "desk_seat_sittings", ["started"])


def downgrade() -> None:
    op.drop_table("desk_seat_sittings")
    op.drop_table("seat_state_changes")
