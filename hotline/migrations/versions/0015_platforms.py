"""platforms: every order, order event, call record and voicemail belongs to one platform

A city platform with county platforms under it (routing.platforms, docs/platforms.md).
`work_orders`, `call_records` and `voicemails` gain `platform` (the site id of the
platform they came through), `order_events` the platform the order stood at after each
move, `desk_users` the platform a user works for (NULL: every platform, as before).

Existing rows move to the default (city) platform: call records to the site that took
them (the site id since 0013), everything else to the packaged sample's home city. A
deployment whose home city is another site updates the column afterwards (a migration
does not read config; docs/platforms.md says how).

Revision ID: 0015
Revises: 0016
Create Date: 2026-12-02 13:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0016"  # after main's head 0016 at the merge (brief: 0013)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_PLATFORM = "linjiang"  # the packaged sites file's home city (临江市)
KEYED_TABLES = ("work_orders", "call_records", "voicemails")


def upgrade() -> None:
    for table_name in KEYED_TABLES:
        with op.batch_alter_table(table_name) as table:
            table.add_column(
                sa.Column("platform", sa.String(length=64), nullable=False, server_default="")
            )
            table.create_index(table.f(f"ix_{table_name}_platform"), ["platform"], unique=False)
    with op.batch_alter_table("order_events") as table:
        table.add_column(sa.Column("platform", sa.String(length=64), nullable=True))
    with op.batch_alter_table("desk_users") as table:
        table.add_column(sa.Column("platform", sa.String(length=64), nullable=True))
    op.execute("UPDATE call_records SET platform = site WHERE site <> ''")
    for table_name in ("call_records", "work_orders", "voicemails", "order_events"):
        op.execute(
            sa.text(
                f"UPDATE {table_name} SET platform = :platform "
                "WHERE platform IS NULL OR platform = ''"
            ).bindparams(platform=DEFAULT_PLATFORM)
        )


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+), not a batch copy: recreating
    # work_orders would break the foreign keys of order_events pointing at it.
    op.drop_column("desk_users", "platform")
    op.drop_column("order_events", "platform")
    for table_name in reversed(KEYED_TABLES):
        op.drop_index(op.f(f"ix_{table_name}_platform"), table_name=table_name)
        op.drop_column(table_name, "platform")
