"""`hotline demo-data`: a plausible history, quickly, through the command's own parser."""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from agent_desk.stats import Dimension, StatsService, date_range
from base.config import Settings
from base.database import create_engine, create_session_factory
from hotline.cli import demo_data
from hotline.cli.common import CommandError
from ivr.call_records import CallRecord
from tests.agent_desk.stats.conftest import FixedClock


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hotline")
    demo_data.register(parser.add_subparsers(dest="command", required=True))
    return parser


async def _outcomes(url: str) -> dict[str, float | None]:
    """What the demo's calls recorded: the queue outcomes, as the recorder writes them."""
    engine = create_engine(url)
    try:
        sessions = create_session_factory(engine)
        async with sessions() as session:
            unqueued_operator = await session.scalar(
                select(func.count()).where(
                    CallRecord.seat.is_not(None), CallRecord.queue_outcome.is_(None)
                )
            )
            waitless_abandons = await session.scalar(
                select(func.count()).where(
                    CallRecord.queue_outcome == "abandoned", CallRecord.queue_wait_s.is_(None)
                )
            )
            first = await session.scalar(select(func.min(CallRecord.started_at)))
        assert first is not None
        period = date_range(first.date(), first.date() + timedelta(days=6))
        total = (await StatsService(sessions=sessions, clock=FixedClock()).kpis(period)).total
        return {
            "unqueued_operator": unqueued_operator, "waitless_abandons": waitless_abandons,
            **{key: total.value(key) for key in (
                "abandonment_rate", "answered_15s_rate", "answered_15s_entry_rate",
                "overflow_rate", "empty_voicemail_calls", "queue_callback_requests",
            )},
        }  # fmt: skip
    finally:
        await engine.dispose()


async def _history(url: str) -> tuple[int, dict[int, float], float | None, float | None]:
    engine = create_engine(url)
    try:
        sessions = create_session_factory(engine)
        async with sessions() as session:
            first = await session.scalar(select(func.min(CallRecord.started_at)))
        assert first is not None
        period = date_range(first.date(), first.date() + timedelta(days=6))
        stats = StatsService(sessions=sessions, clock=FixedClock())
        hours = await stats.kpis(date_range(first.date(), first.date()), (Dimension.HOUR,))
        total = (await stats.kpis(period)).total
        by_hour = {int(row.key[0]): row.value("calls_offered") or 0 for row in hours.rows}
        return (int(total.value("calls_offered") or 0), by_hour,
                total.value("transfer_success_rate"), total.value("satisfaction_rate"))  # fmt: skip
    finally:
        await engine.dispose()


def test_demo_data_fills_a_realistic_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}"
    settings = Settings(data_dir=tmp_path, database_url=url)
    args = _parser().parse_args(
        ["demo-data", "--days", "7", "--calls-per-day", "400", "--site", "linjiang"]
    )
    started = time.perf_counter()
    assert args.handler(args, settings) == 0
    assert time.perf_counter() - started < 30
    assert "calls" in capsys.readouterr().out
    calls, by_hour, transfer_rate, satisfaction = asyncio.run(_history(url))
    assert 7 * 400 * 0.5 < calls < 7 * 400 * 1.2  # weekends are quieter
    assert by_hour.get(10, 0) > 5 * by_hour.get(3, 0)  # the morning peak over the night
    assert transfer_rate is not None
    assert 0.7 < transfer_rate < 1.0
    assert satisfaction is not None
    assert 0.8 < satisfaction < 1.0
    outcomes = asyncio.run(_outcomes(settings.resolved_database_url))
    assert outcomes["unqueued_operator"] == outcomes["waitless_abandons"] == 0
    assert 0.05 < (outcomes["abandonment_rate"] or 0) < 0.5  # hang-ups in the queue count
    entry, queue = outcomes["answered_15s_entry_rate"], outcomes["answered_15s_rate"]
    assert entry is not None
    assert queue is not None
    assert entry < queue  # the greeting comes before the queue
    assert (outcomes["overflow_rate"] or 0) > 0
    assert (outcomes["empty_voicemail_calls"] or 0) > 0
    assert (outcomes["queue_callback_requests"] or 0) > 0


def test_demo_data_refuses_an_unknown_site(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    args = _parser().parse_args(["demo-data", "--days", "1", "--site", "atlantis"])
    with pytest.raises(CommandError, match="atlantis"):
        args.handler(args, settings)
