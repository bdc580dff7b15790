"""stats rollups: hourly call counters per city, number and department

`call_stats_hourly` holds the call counters of the supervisor KPIs summed per China-time
hour slot ("YYYY-MM-DD HH"), city, hotline number and department ("" for none); the call
recorder adds each call to its row and `hotline stats rebuild` recomputes a period. Calls
recorded before this revision are not in it: run `hotline stats rebuild` once after
upgrading (until then the KPIs aggregate the call records, as before).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTERS = [
    "offered", "answered", "short_abandoned", "op_offered", "op_answered", "op_answered_fast",
    "op_wait_sum", "op_wait_n", "op_abandoned", "talk_sum", "talk_n", "transfer_attempted",
    "transfer_bridged", "voicemail_calls",
]  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "call_stats_hourly",
        sa.Column("slot", sa.String(length=13), nullable=False),
        sa.Column("site", sa.String(length=64), nullable=False),
        sa.Column("hotline_number", sa.String(length=32), nullable=False),
        sa.Column("department_code", sa.String(length=128), nullable=False),
        *(
            sa.Column(name, sa.Float() if name == "op_wait_sum" else sa.Integer(), nullable=False)
            for name in COUNTERS
        ),
        sa.PrimaryKeyConstraint("slot", "site", "hotline_number", "department_code"),
    )


def downgrade() -> None:
    op.drop_table("call_stats_hourly")
