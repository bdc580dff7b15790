"""Keeping quality recordings: journaled before the row, purged past retention on the clock."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.clock import CHINA_TZ
from base.database import create_engine, create_session_factory
from base.journal import Journal
from ivr.quality_store import FACT_KIND, QualityRecordings, purge_task
from ivr.simulator.audio import encode_wav, silence

START = datetime(2026, 11, 24, 9, 30, tzinfo=CHINA_TZ)


class HourlyClock:
    """Each sleep moves the time on by what was asked (and lets the loop run)."""

    def __init__(self) -> None:
        self.current = START

    def now(self) -> datetime:
        return self.current

    def monotonic(self) -> float:
        return self.current.timestamp()

    async def sleep(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)
        await asyncio.sleep(0.001)


async def _store(
    sessions: async_sessionmaker[AsyncSession], journal: Journal, quality: QualityRecordings,
    name: str, started_at: datetime,
) -> Path:  # fmt: skip
    path = await quality.keep(call_id=name, kind="transfer", recording_name=name,
                              audio=encode_wav(silence(1.0)), duration_s=1.0,
                              started_at=started_at)  # fmt: skip
    entry = await journal.find(FACT_KIND, name)
    assert entry is not None  # journaled before anything else
    async with sessions.begin() as session:
        await quality.store_fact(session, entry)
        await quality.store_fact(session, entry)  # applied twice: still one row
    return Path(path)


async def test_the_purge_removes_what_is_past_retention_and_keeps_the_rest(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    clock = HourlyClock()
    journal = Journal(tmp_path / "journal.sqlite3", clock=clock)
    await journal.open()
    try:
        quality = QualityRecordings(sessions=sessions, journal=journal, clock=clock,
                                    audio_dir=tmp_path / "quality", retention_days=180)  # fmt: skip
        old = await _store(sessions, journal, quality, "quality/old-transfer",
                           START - timedelta(days=181))  # fmt: skip
        young = await _store(sessions, journal, quality, "quality/young-transfer",
                             START - timedelta(days=179, hours=12))  # fmt: skip
        assert [r.recording_name for r in await quality.of_call("quality/old-transfer")] == [
            "quality/old-transfer"
        ]
        assert await quality.purge_due() == 1
        assert not old.exists()
        assert await quality.of_call("quality/old-transfer") == []
        assert young.exists()
        assert len(await quality.of_call("quality/young-transfer")) == 1
        # the app's purge task runs on the clock: a day later the young one has gone too
        app = web.Application()
        app.cleanup_ctx.append(purge_task(quality, every_s=3600.0))
        runner = web.AppRunner(app)
        await runner.setup()
        try:
            async with asyncio.timeout(30):
                while True:
                    if not await quality.of_call("quality/young-transfer"):
                        break
                    await asyncio.sleep(0.01)
        finally:
            await runner.cleanup()
        assert not young.exists()
        assert clock.now() - START >= timedelta(hours=12)
    finally:
        await journal.close()


async def test_a_purge_while_the_database_is_unavailable_is_one_warning_and_tried_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = HourlyClock()
    journal = Journal(tmp_path / "journal.sqlite3", clock=clock)
    await journal.open()
    # A database file in a folder that does not exist: every connection is refused.
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'gone' / 'hotline.sqlite3'}")
    try:
        quality = QualityRecordings(sessions=create_session_factory(engine), journal=journal,
                                    clock=clock, audio_dir=tmp_path / "quality",
                                    retention_days=180)  # fmt: skip
        purging = asyncio.create_task(quality.run_purge(every_s=3600.0))
        async with asyncio.timeout(30):
            while clock.now() - START < timedelta(hours=2):  # noqa: ASYNC110  # two rounds
                await asyncio.sleep(0.01)
        assert not purging.done()  # it keeps trying
        purging.cancel()
        warnings = [r for r in caplog.records if r.name == "ivr.quality_store"]
        assert len(warnings) >= 2
        assert all(r.levelno == logging.WARNING and r.exc_info is None for r in warnings)
        assert "database unavailable" in warnings[0].getMessage()
    finally:
        await engine.dispose()
        await journal.close()
