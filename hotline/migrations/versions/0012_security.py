"""security: atomic sign-in attempt counters, forced change of one-time passwords

`desk_sign_in_attempts` replaces `desk_sign_in_throttle`: one row per key (name,
address, name and address), bumped by an upsert before the password is checked, so
parallel guesses cannot overrun the limit. The old table's counts are not carried
over (they only lasted 15 minutes). `desk_users.must_change_password` marks a one-time
password (generated or reset): until it is changed the session can do nothing else.
`desk_seat_occupants` records which desk user sits at which seat (one each way): only
they or a supervisor change the seat's state, and their callbacks ring that seat.

Revision ID: 0012
Revises: 0014
Create Date: 2026-12-02 10:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0014"  # re-chained after main's 0014 at the merge
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "desk_sign_in_attempts",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("window_ends", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_desk_sign_in_attempts")),
    )
    op.drop_table("desk_sign_in_throttle")
    op.create_table(
        "desk_seat_occupants",
        sa.Column("seat_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["desk_users.id"],
            name=op.f("fk_desk_seat_occupants_user_id_desk_users"),
        ),
        sa.PrimaryKeyConstraint("seat_id", name=op.f("pk_desk_seat_occupants")),
        sa.UniqueConstraint("user_id", name=op.f("uq_desk_seat_occupants_user_id")),
    )
    with op.batch_alter_table("desk_users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade() -> None:
    op.drop_table("desk_seat_occupants")
    with op.batch_alter_table("desk_users", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
    op.create_table(
        "desk_sign_in_throttle",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_desk_sign_in_throttle")),
    )
    op.drop_table("desk_sign_in_attempts")
