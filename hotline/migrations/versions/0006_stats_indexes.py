"""stats indexes: covering indexes for the supervisor KPIs over a period

The KPI queries filter calls and orders on their time column and aggregate a handful of
columns; with every one of those columns in the index, a month's dashboard reads the
index alone instead of the wide rows (call steps and dials JSON, order texts).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 10:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CALL_COLUMNS = [
    "started_at", "site", "hotline_number", "department_code", "outcome", "queue_wait_s",
    "talk_s", "transfer_attempted", "transfer_bridged", "answered_at",
]  # fmt: skip
ORDER_COLUMNS = [
    "accepted_at", "department_code", "hotline_number", "status", "due_date", "replied_at",
    "closed_at", "redo_count", "satisfaction", "merged_into_id",
]  # fmt: skip


def upgrade() -> None:
    op.create_index("ix_call_records_stats", "call_records", CALL_COLUMNS)
    op.create_index("ix_work_orders_stats", "work_orders", ORDER_COLUMNS)
    # Overdue lists: unreplied voicemails by due day, open orders by due date.
    op.create_index("ix_voicemails_stats", "voicemails", ["reply_due", "handled_at", "mailbox"])
    op.create_index("ix_work_orders_overdue", "work_orders", ["status", "due_date"])


def downgrade() -> None:
    op.drop_index("ix_work_orders_overdue", table_name="work_orders")
    op.drop_index("ix_voicemails_stats", table_name="voicemails")
    op.drop_index("ix_work_orders_stats", table_name="work_orders")
    op.drop_index("ix_call_records_stats", table_name="call_records")
