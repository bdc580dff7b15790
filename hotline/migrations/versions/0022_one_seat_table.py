"""one seat table: `desk_seat_occupants` is the only record of who sits at which seat

`desk_seat_users` (the console's, keyed by user name) said the same thing as
`desk_seat_occupants` (the seat-state route's, keyed by user id), so the two could
disagree about who sits at a seat. Its rows move into `desk_seat_occupants` (the user
found by name; a name no account has is dropped). Where the two tables disagree — a
seat held by two users, or a user holding two seats — the row with the most recent
`since` wins (on a tie the `desk_seat_occupants` row). Its `site` column is not kept:
the sites file says which site a seat is at.

The downgrade recreates `desk_seat_users` empty (its site cannot be known here); the
seats stay in `desk_seat_occupants`, so an operator who sat down from the console sits
down there again after a downgrade.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 19:00:00.000000
"""

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"  # after main's 0021 (rate counts) at the merge
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite gives `since` back without its offset; the desk writes it in China time.
CHINA = timezone(timedelta(hours=8))

occupants = sa.table(
    "desk_seat_occupants",
    sa.column("seat_id", sa.String()),
    sa.column("user_id", sa.Integer()),
    sa.column("since", sa.DateTime(timezone=True)),
)
seat_users = sa.table(
    "desk_seat_users",
    sa.column("seat_id", sa.String()),
    sa.column("user_name", sa.String()),
    sa.column("since", sa.DateTime(timezone=True)),
)
users = sa.table("desk_users", sa.column("id", sa.Integer()), sa.column("name", sa.String()))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=CHINA)


def upgrade() -> None:
    bind = op.get_bind()
    kept = bind.execute(sa.select(occupants.c.seat_id, occupants.c.user_id, occupants.c.since))
    moved = bind.execute(
        sa.select(seat_users.c.seat_id, users.c.id, seat_users.c.since).join(
            users, users.c.name == seat_users.c.user_name
        )
    )
    # (since, preference, seat, user): newest first, the kept table's row first on a tie.
    rows = [(_aware(r[2]), 1, r[0], r[1]) for r in kept]
    rows += [(_aware(r[2]), 0, r[0], r[1]) for r in moved]
    seats: dict[str, tuple[int, datetime]] = {}
    seated: set[int] = set()
    for since, _, seat_id, user_id in sorted(rows, reverse=True):
        if seat_id not in seats and user_id not in seated:
            seats[seat_id] = (user_id, since)
            seated.add(user_id)
    op.execute(occupants.delete())
    if seats:
        op.bulk_insert(
            occupants,
            [{"seat_id": seat_id, "user_id": user_id, "since": since}
             for seat_id, (user_id, since) in sorted(seats.items())],
        )  # fmt: skip
    op.drop_table("desk_seat_users")


def downgrade() -> None:
    op.create_table(
        "desk_seat_users",
        sa.Column("seat_id", sa.String(length=32), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=False),
        sa.Column("site", sa.String(length=32), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seat_id", name=op.f("pk_desk_seat_users")),
        sa.UniqueConstraint("user_name", name=op.f("uq_desk_seat_users_user_name")),
    )
