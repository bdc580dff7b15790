"""desk contacts and history: e-mail and phone of desk users, department change history

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("desk_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("phone", sa.String(length=32), nullable=True))
    op.create_table(
        "department_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_code", sa.String(length=128), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=False),
        sa.Column("new_value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_changes")),
    )
    with op.batch_alter_table("department_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_department_changes_department_code"), ["department_code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("department_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_department_changes_department_code"))
    op.drop_table("department_changes")
    with op.batch_alter_table("desk_users", schema=None) as batch_op:
        batch_op.drop_column("phone")
        batch_op.drop_column("email")
