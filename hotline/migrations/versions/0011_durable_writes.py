"""durable writes: one voicemail per recording, order numbers from a daily counter

The journal's writer applies each kept voicemail exactly once by its recording name, so
the name becomes unique (an empty name, from before recordings were named, is exempt).
A recording kept twice before this revision (a resumed call that asked the caller
again) keeps its oldest row under its name; the later rows are renamed `name#id`.

`order_counters` holds the last order number taken each day, bumped by one upsert;
a day's first number still starts above the orders already filed that day.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-02 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAMED = sa.text("recording_name != ''")


def upgrade() -> None:
    op.execute(
        "UPDATE voicemails SET recording_name = recording_name || '#' || CAST(id AS VARCHAR)"
        " WHERE recording_name != '' AND id NOT IN"
        " (SELECT min(id) FROM voicemails WHERE recording_name != '' GROUP BY recording_name)"
    )
    op.create_index(
        "uq_voicemails_recording_name",
        "voicemails",
        ["recording_name"],
        unique=True,
        sqlite_where=NAMED,
        postgresql_where=NAMED,
    )
    op.create_table(
        "order_counters",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_order_counters")),
    )


def downgrade() -> None:
    op.drop_table("order_counters")
    op.drop_index("uq_voicemails_recording_name", table_name="voicemails")
