"""desk workspace: which signed-in operator sits at which seat; supervision items (督办)

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

    op.create_table(
        "desk_supervision_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("department_code", sa.String(length=128), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("opened_by", sa.String(length=100), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=100), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review", sa.Text(), nullable=True),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["work_orders.id"],
            name=op.f("fk_desk_supervision_items_order_id_work_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_supervision_items")),
    )
    for column in ("order_id", "department_code", "state"):
        op.create_index(
            op.f(f"ix_desk_supervision_items_{column}"), "desk_supervision_items", [column]
        )


def downgrade() -> None:
    op.drop_table("desk_supervision_items")
    op.drop_table("desk_seat_users")
