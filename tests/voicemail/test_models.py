"""The voicemails table as the migrations build it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.dialects import sqlite

from voicemail.models import Voicemail


def test_a_lookup_by_recording_uses_an_index_on_sqlite(migrated_sqlite: Path) -> None:
    # The journal's writer, the call flow and the order number all find voicemails so.
    query = select(Voicemail.id).where(Voicemail.recording_name == "hotline/abc")
    sql = str(query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    with sqlite3.connect(migrated_sqlite) as db:
        plan = " ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}"))
    assert "INDEX ix_voicemails_recording_name" in plan, plan
    assert "SCAN" not in plan, plan
