"""desk workspace: which signed-in operator sits at which seat

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-02 10:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "desk_seat_users",
        sa.Column("seat_id", sa.String(length=32), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=False),
        sa.Column("site", sa.String(length=32), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seat_id", name=op.f("pk_desk_seat_users")),
        sa.UniqueConstraint("user_name", name=op.f("uq_desk_seat_users_user_name")),
    )


def downgrade() -> None:
    op.drop_table("desk_seat_users")
