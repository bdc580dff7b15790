"""call outcomes: the queue outcome of every call, its waits, overflow and empty voicemails

`call_records` gains `queue_outcome` (answered, abandoned, timeout_voicemail, voicemail,
callback_requested; NULL: never queued), `call_wait_s` (call start to a seat's answer),
`overflowed` and `voicemail_empty`, written by the call flow when each happens; the KPIs
count from them. Older records are filled in as far as they tell (an operator outcome was
answered, an abandon with a queue wait was abandoned in the queue; a voicemail's empty
flag from the voicemail), and the city key becomes the site id everywhere (live calls
used to be filed under the city's name). The hourly rollups gain the new counters; their
rows are dropped (they are derived): run `hotline stats rebuild` after upgrading.

Revision ID: 0013
Revises: 0014
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"  # chained after security's 0012 at the merge
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The packaged sites file's cities, name → site id (a migration does not read config).
SITE_IDS = {"临江市": "linjiang", "青山市": "qingshan", "白沙市": "baisha"}
NEW_COUNTERS = [
    ("op_answered_fast_entry", sa.Integer()), ("op_abandon_wait_sum", sa.Float()),
    ("op_abandon_wait_n", sa.Integer()), ("op_overflowed", sa.Integer()),
    ("op_timeout_voicemail", sa.Integer()), ("op_callback_requested", sa.Integer()),
    ("empty_voicemail_calls", sa.Integer()),
]  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("call_records") as table:
        table.add_column(sa.Column("queue_outcome", sa.String(length=32), nullable=True))
        table.add_column(sa.Column("call_wait_s", sa.Float(), nullable=True))
        table.add_column(
            sa.Column("overflowed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        table.add_column(
            sa.Column("voicemail_empty", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute(
        "UPDATE call_records SET queue_outcome = 'answered' "
        "WHERE outcome = 'operator' OR (seat IS NOT NULL AND queue_wait_s IS NOT NULL)"
    )
    op.execute(
        "UPDATE call_records SET queue_outcome = 'abandoned' "
        "WHERE queue_outcome IS NULL AND outcome = 'abandoned' AND queue_wait_s IS NOT NULL"
    )
    op.execute(
        "UPDATE call_records SET queue_outcome = 'callback_requested' "
        "WHERE outcome = 'callback_requested'"
    )
    op.execute("UPDATE call_records SET overflowed = TRUE WHERE overflow_to IS NOT NULL")
    op.execute(
        "UPDATE call_records SET voicemail_empty = TRUE WHERE voicemail_id IN "
        "(SELECT id FROM voicemails WHERE empty = TRUE)"
    )
    for name, site_id in SITE_IDS.items():
        for table_name in ("call_records", "callback_requests"):
            op.execute(
                sa.text(f"UPDATE {table_name} SET site = :id WHERE site = :name").bindparams(
                    id=site_id, name=name
                )
            )
    op.execute("DELETE FROM call_stats_hourly")
    with op.batch_alter_table("call_stats_hourly") as table:
        for name, kind in NEW_COUNTERS:
            table.add_column(sa.Column(name, kind, nullable=False, server_default="0"))


def downgrade() -> None:
    op.execute("DELETE FROM call_stats_hourly")
    with op.batch_alter_table("call_stats_hourly") as table:
        for name, _ in NEW_COUNTERS:
            table.drop_column(name)
    with op.batch_alter_table("call_records") as table:
        for name in ("voicemail_empty", "overflowed", "call_wait_s", "queue_outcome"):
            table.drop_column(name)
