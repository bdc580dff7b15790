"""rate counts: the public forms' per-address limits, shared by every desk process

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "desk_rate_counts",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("window_ends", sa.Float(), nullable=False),
    )
    op.create_index("ix_desk_rate_counts_window_ends", "desk_rate_counts", ["window_ends"])


def downgrade() -> None:
    op.drop_table("desk_rate_counts")
