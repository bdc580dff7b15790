"""The hourly call rollups give every KPI exactly as the call records do, kept by the call
recorder and by `rebuild`, and the KPIs fall back to the records when the rollups lag."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.stats import Dimension, StatsService, Thresholds, parse_period
from agent_desk.stats.demo import DemoPlan, generate, sample_departments
from agent_desk.stats.periods import date_range
from agent_desk.stats.rollup_upkeep import add_call_record, rebuild, rollups_complete
from agent_desk.stats.rollups import CallStatsHourly
from hotline.journal_writer import JournalWriter
from ivr.call_records import CallRecord
from ivr.flow.call_log import CallLog, CallRecorder
from tests.agent_desk.stats.conftest import NOW, FixedClock, at, call, small_month
from tests.journaling import open_journal, running

# Float sums added in another order may differ in the last bit; everything else is exact.
FLOAT_SUMS = {
    "op_wait_sum",
    "op_abandon_wait_sum",
    "average_speed_of_answer",
    "average_abandon_wait",
}
GROUPINGS: tuple[tuple[Dimension, ...], ...] = (
    (),
    (Dimension.DEPARTMENT,),
    (Dimension.SITE,),
    (Dimension.HOTLINE,),
    (Dimension.HOUR,),
    (Dimension.DAY,),
    (Dimension.SLOT,),
    (Dimension.DEPARTMENT, Dimension.HOUR),
    (Dimension.SITE, Dimension.HOTLINE, Dimension.DAY),
)


def assert_same(raw: Any, rolled: Any, path: str = "") -> None:
    if isinstance(raw, dict):
        assert isinstance(rolled, dict), path
        assert raw.keys() == rolled.keys(), path
        for key in raw:
            assert_same(raw[key], rolled[key], f"{path}.{key}")
    elif isinstance(raw, list):
        assert isinstance(rolled, list), path
        assert len(raw) == len(rolled), path
        for i, (a, b) in enumerate(zip(raw, rolled, strict=True)):
            assert_same(a, b, f"{path}[{i}]")
    elif isinstance(raw, float) and path.rsplit(".", 1)[-1] in FLOAT_SUMS:
        assert isinstance(rolled, float), path
        assert math.isclose(raw, rolled, rel_tol=1e-12), path
    else:
        assert raw == rolled, path


async def assert_every_kpi_the_same(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, first: date, last: date
) -> None:
    raw = StatsService(sessions=sessions, clock=clock, rollups=False)
    rolled = StatsService(sessions=sessions, clock=clock)
    for period in (parse_period(first.strftime("%Y-%m")), date_range(first, last)):
        assert_same(
            (await raw.dashboard(period)).to_json(), (await rolled.dashboard(period)).to_json()
        )
        for group in GROUPINGS:
            assert_same(
                (await raw.kpis(period, group)).to_json(),
                (await rolled.kpis(period, group)).to_json(),
                str(group),
            )


async def rolled_up(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[Any, ...]]:
    async with sessions() as session:
        rows = await session.execute(
            select(CallStatsHourly).order_by(
                CallStatsHourly.slot,
                CallStatsHourly.site,
                CallStatsHourly.hotline_number,
                CallStatsHourly.department_code,
            )
        )
        return [
            tuple(getattr(row, column.name) for column in CallStatsHourly.__table__.c)
            for row in rows.scalars()
        ]


async def test_demo_history_gives_every_kpi_the_same_from_rollups(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    plan = DemoPlan(
        last_day=date(2026, 9, 30), days=35, calls_per_day=120, sites=("linjiang", "qingshan"),
        departments=sample_departments(12), seed=7, order_events=False,
    )  # fmt: skip
    written = await generate(sessions, plan)  # rebuilds the rollups of its days
    september = parse_period("2026-09")
    async with sessions() as session:
        assert await rollups_complete(session, september.start, september.end, Thresholds())
    assert written["calls"] > 3000
    clock = FixedClock(datetime.combine(date(2026, 10, 1), datetime.min.time(), NOW.tzinfo))
    await assert_every_kpi_the_same(sessions, clock, date(2026, 9, 1), date(2026, 9, 17))


async def test_the_recorder_adds_each_call_as_rebuild_computes_it(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    clock = FixedClock()
    records = [item for item in small_month() if isinstance(item, CallRecord)]
    edge_cases = [  # exactly on the thresholds, and the NULLs the filters must skip
        call(20, at(9, 59), "abandoned", queue_wait_s=5.0, queue_outcome="abandoned"),
        call(
            21,
            at(9, 1),
            "operator",
            queue_wait_s=15.0,
            talk_s=None,
            queue_outcome="answered",
            call_wait_s=15.0,
        ),
        call(22, at(9, 2), "operator", queue_wait_s=None, talk_s=30, queue_outcome="answered"),
        call(
            23,
            at(9, 3),
            "abandoned",
            queue_wait_s=None,
            department_code=None,
            queue_outcome="abandoned",
        ),
        call(24, at(23, 59, date(2026, 9, 30)), "voicemail", department_code="linjiang.gongan"),
    ]
    async with open_journal(tmp_path, clock) as journal:
        recorder = CallRecorder(sessions=sessions, journal=journal, clock=clock,
                                on_record=add_call_record)  # fmt: skip
        writer = JournalWriter(journal=journal, sessions=sessions,
                               store={"call_record": recorder.store_fact})  # fmt: skip
        async with running(writer):
            for record in [*records, *edge_cases]:
                await recorder.save(
                    CallLog(**{
                        name: getattr(record, name)
                        for name in CallLog.__dataclass_fields__
                        if getattr(record, name, None) is not None
                    })
                )  # fmt: skip
            assert await writer.drain()
    incremental = await rolled_up(sessions)
    assert sum(row[4] for row in incremental) == len(records) + len(edge_cases)  # offered
    assert await rebuild(sessions) == len(records) + len(edge_cases)
    assert await rolled_up(sessions) == incremental
    await assert_every_kpi_the_same(sessions, FixedClock(), date(2026, 9, 1), date(2026, 9, 30))


async def test_kpis_read_the_records_while_the_rollups_lag_behind(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    september = parse_period("2026-09")
    async with sessions.begin() as session:
        session.add_all(small_month())  # bulk written, bypassing the recorder
    async with sessions() as session:
        assert not await rollups_complete(session, september.start, september.end, Thresholds())
    stats = StatsService(sessions=sessions, clock=FixedClock())
    assert (await stats.kpis(september)).total.counters["offered"] == 9
    assert await rebuild(sessions, september.start, september.end) == 9
    async with sessions() as session:
        assert await rollups_complete(session, september.start, september.end, Thresholds())
        # Other thresholds or a period cut inside an hour cannot come from the rollups.
        assert not await rollups_complete(
            session, september.start, september.end, Thresholds(short_abandon_s=3.0)
        )
        assert not await rollups_complete(
            session, september.start + timedelta(minutes=30), september.end, Thresholds()
        )
    assert (await stats.kpis(september)).total.counters["offered"] == 9
