"""call survey: the after-call rating (1-5) a caller keyed, on the call record

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-02 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("call_records") as table:
        table.add_column(sa.Column("survey_rating", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("call_records") as table:
        table.drop_column("survey_rating")
