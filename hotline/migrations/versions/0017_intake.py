"""intake: citizens' e-mail on work orders, and the outbox as a queue of citizen messages

`work_orders` gains `caller_email` (orders filed by e-mail, or a web form that gave one).
`sms_outbox` becomes the outbox of every message that leaves for a person: `medium`
(`sms` or `email`; existing rows are SMS), `subject` (e-mail only), `purpose` and
`order_number` (what the message is about: one `filed` and one `replied` message per
order and medium), `next_attempt_at` (a failed send waits until then) and `failed_at`
(given up after too many attempts).

Revision ID: 0017
Revises: 0013
Create Date: 2026-12-02 13:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("caller_email", sa.String(length=254), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_work_orders_caller_email"), ["caller_email"])
    with op.batch_alter_table("sms_outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("medium", sa.String(length=8), nullable=False, server_default="sms")
        )
        batch_op.add_column(sa.Column("subject", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("purpose", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("order_number", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_sms_outbox_order_number"), ["order_number"])


def downgrade() -> None:
    with op.batch_alter_table("sms_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_outbox_order_number"))
        for column in ("failed_at", "next_attempt_at", "order_number", "purpose", "subject",
                       "medium"):  # fmt: skip
            batch_op.drop_column(column)
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_orders_caller_email"))
        batch_op.drop_column("caller_email")
