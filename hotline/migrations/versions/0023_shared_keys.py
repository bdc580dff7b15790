"""shared keys: secrets every desk process must agree on (the report form's challenges)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "desk_keys",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("secret", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("desk_keys")
