"""working calendar: holidays and make-up workdays per year (seeded at start from chinese-calendar)

Revision ID: 0018
Revises: 0019
Create Date: 2026-12-02 13:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0019"  # re-chained after main's 0019 (survey) at the merge
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "working_calendar",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_working_calendar")),
    )
    op.create_index(op.f("ix_working_calendar_year"), "working_calendar", ["year"])


def downgrade() -> None:
    op.drop_index(op.f("ix_working_calendar_year"), table_name="working_calendar")
    op.drop_table("working_calendar")
