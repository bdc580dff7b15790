"""Migration 0015 moves every existing row to the default (city) platform, both databases."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from base.database import create_engine
from hotline.migrate import downgrade, upgrade

ROWS = [
    "INSERT INTO work_orders (id, number, order_type, urgency, status, subject, description,"
    " caller_number, caller_name, hotline_number, call_id, channel, accepted_at, due_date,"
    " supervised, redo_count, created_by, updated_at) VALUES (1, '20261201-0001', 'help',"
    " 'normal', 'accepted', 'old order', '', '', '', '12345', '', 'phone',"
    " '2026-12-01 09:00:00+08:00', '2026-12-08', FALSE, 0, 'op1', '2026-12-01 09:00:00+08:00')",
    "INSERT INTO order_events (id, order_id, at, actor, transition, to_status, reason) VALUES"
    " (1, 1, '2026-12-01 09:00:00+08:00', 'op1', 'accept', 'accepted', 'old order')",
    "INSERT INTO voicemails (id, mailbox, caller_number, hotline_number, call_id, recorded_at,"
    " duration_s, reason, recording_name, audio_path, empty, reply_due) VALUES (1, 'general',"
    " '', '114', 'c1', '2026-12-01 09:00:00+08:00', 3.0, 'busy', 'vm-1', '', FALSE,"
    " '2026-12-08')",
    *(
        "INSERT INTO call_records (call_id, channel_id, hotline_number, caller_number, site,"
        f" started_at, outcome, steps, dials, transfer_attempted, transfer_bridged) VALUES"
        f" ('{call_id}', 'ch-{call_id}', '12345', '', '{site}', '2026-12-01 09:00:00+08:00',"
        " 'abandoned', '[]', '[]', FALSE, FALSE)"
        for call_id, site in (("c1", "linjiang"), ("c2", "qingshan"), ("c3", ""))
    ),
    "INSERT INTO desk_users (id, name, role, password_hash, active, created_at) VALUES"
    " (1, 'op1', 'operator', 'x', TRUE, '2026-12-01 09:00:00+08:00')",
]


QUERIES = {
    "work_orders": "SELECT number, platform FROM work_orders",
    "order_events": "SELECT transition, platform FROM order_events",
    "voicemails": "SELECT recording_name, platform FROM voicemails",
    "call_records": "SELECT call_id, platform FROM call_records ORDER BY call_id",
    "desk_users": "SELECT name, platform FROM desk_users",
}


async def test_existing_rows_move_to_the_default_platform(empty_database_url: str) -> None:
    await asyncio.to_thread(upgrade, empty_database_url, "0016")
    engine = create_engine(empty_database_url)
    try:
        async with engine.begin() as connection:
            for statement in ROWS:
                await connection.execute(sa.text(statement))
        await asyncio.to_thread(upgrade, empty_database_url)
        async with engine.connect() as connection:
            found = {
                table: [tuple(row) for row in await connection.execute(sa.text(query))]
                for table, query in QUERIES.items()
            }
        await asyncio.to_thread(downgrade, empty_database_url, "0016")  # the columns go, rows stay
        async with engine.connect() as connection:
            left = await connection.scalar(sa.text("SELECT count(*) FROM call_records"))
    finally:
        await engine.dispose()
    assert found["work_orders"] == [("20261201-0001", "linjiang")]
    assert found["order_events"] == [("accept", "linjiang")]
    assert found["voicemails"] == [("vm-1", "linjiang")]
    # a call keeps the site that took it; one with no site goes to the default
    assert found["call_records"] == [("c1", "linjiang"), ("c2", "qingshan"), ("c3", "linjiang")]
    assert found["desk_users"] == [("op1", None)]  # bound to no platform: sees all, as before
    assert left == 3
