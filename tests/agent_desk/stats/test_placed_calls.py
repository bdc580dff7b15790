"""Every call KPI from real calls: a scripted day placed through the simulator, the KPIs
worked out by hand from the script, on SQLite and PostgreSQL, from the hourly rollups the
recorder keeps and from the raw records."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.stats import Dimension, StatsService, parse_period
from agent_desk.stats.queries import Thresholds
from agent_desk.stats.rollup_upkeep import rebuild, rollups_complete
from agent_desk.stats.rollups import CallStatsHourly
from tests.agent_desk.stats.placed_calls import (
    LIAISON_TALK,
    TALK_5S,
    TALK_20S,
    TALK_OVERFLOW,
    PlacedDay,
    place_the_day,
)
from tests.ivr.flow.routing_harness import NO_SEATS, queue_hotlines

NOVEMBER = parse_period("2026-11")
# Waits are simulated seconds; the scaled clock and the queue's 2-s poll blur them a little.
WAIT_SLACK_S = 1.5


@pytest.fixture
async def day(
    tmp_path: Path, prompt_cache: Path, database_url: str
) -> AsyncIterator[tuple[PlacedDay, StatsService, async_sessionmaker[AsyncSession]]]:
    async with queue_hotlines(tmp_path, prompt_cache) as start:
        # The talk times below are the seats' hang-up timers, counted from their answer;
        # the quality-recording consent prompt (its own tests: tests/ivr/flow/test_quality.py)
        # would take its length off each, so this day is placed without it.
        settings: dict[str, Any] = {"queue_max_wait_s": 45, "quality_consent_prompt": False}
        if database_url.startswith("postgresql"):
            settings["database_url"] = database_url
        async with start(seat_plan=NO_SEATS, **settings) as hotline:
            placed = await place_the_day(hotline, tmp_path)
            sessions = hotline.components.sessions
            yield placed, StatsService(sessions=sessions, clock=hotline.clock), sessions


async def test_every_kpi_of_placed_calls_matches_the_hand_computed_value(
    day: tuple[PlacedDay, StatsService, async_sessionmaker[AsyncSession]],
) -> None:
    placed, stats, sessions = day
    assert_outcomes_recorded(placed.records)
    expected = hand_computed(placed)
    async with sessions() as session:
        assert await rollups_complete(session, NOVEMBER.start, NOVEMBER.end, Thresholds())
    from_rollups = await stats.kpis(NOVEMBER)
    assert from_rollups.total.values() == expected
    dashboard = await stats.dashboard(NOVEMBER)
    assert dashboard.total.values() == expected
    assert [row.key for row in dashboard.by_site.rows] == [("linjiang",)]  # one city key

    async with sessions.begin() as session:
        await session.execute(delete(CallStatsHourly))
    async with sessions() as session:
        assert not await rollups_complete(session, NOVEMBER.start, NOVEMBER.end, Thresholds())
    from_records = await stats.kpis(NOVEMBER)
    assert from_records.total.values() == expected
    assert from_records.total.counters == pytest.approx(from_rollups.total.counters)
    by_site = await stats.kpis(NOVEMBER, (Dimension.SITE,))
    assert [row.key for row in by_site.rows] == [("linjiang",)]

    assert await rebuild(sessions, NOVEMBER.start, NOVEMBER.end) == 9
    assert (await stats.kpis(NOVEMBER)).total.values() == expected

    seats = await stats.seats(NOVEMBER)  # lj-01 took the 5-s call and the transfer
    assert {seat: (f.calls, f.transferred) for seat, f in seats.items()} == {
        "lj-01": (2, 1), "lj-02": (1, 0), "qs-01": (1, 0),
    }  # fmt: skip
    talk = seats["lj-01"].average_talk_s
    assert talk == pytest.approx((TALK_5S + 1 + LIAISON_TALK) / 2, abs=WAIT_SLACK_S)


def assert_outcomes_recorded(records: dict[str, dict[str, Any]]) -> None:
    """Each call's queue outcome, waits and flags, as written when they happened."""
    outcomes = {name: (r["outcome"], r["queue_outcome"]) for name, r in records.items()}
    assert outcomes == {
        "answered_5s": ("operator", "answered"),
        "answered_20s": ("operator", "answered"),
        "abandoned_25s": ("abandoned", "abandoned"),
        "overflowed": ("operator", "answered"),
        "transferred": ("transferred", "answered"),  # answered, then put through
        "voicemail": ("voicemail", "voicemail"),
        "empty_voicemail": ("voicemail", None),  # never queued
        "callback": ("callback_requested", "callback_requested"),
        "queue_timeout": ("voicemail", "timeout_voicemail"),
    }
    waits = {name: r["queue_wait_s"] for name, r in records.items()}
    assert waits["answered_5s"] == pytest.approx(5, abs=WAIT_SLACK_S)
    assert waits["answered_20s"] == pytest.approx(20, abs=WAIT_SLACK_S)
    assert waits["abandoned_25s"] == pytest.approx(25, abs=WAIT_SLACK_S)
    assert waits["queue_timeout"] == pytest.approx(45, abs=WAIT_SLACK_S)
    # over 30 s, at a 2-s poll (whose own work the 25x clock stretches), then 3 s of ringing
    assert 33 <= waits["overflowed"] <= 42
    assert records["overflowed"]["overflowed"] is True
    assert records["empty_voicemail"]["voicemail_empty"] is True
    assert records["queue_timeout"]["voicemail_empty"] is True  # said nothing
    assert records["voicemail"]["voicemail_empty"] is False
    assert {r["site"] for r in records.values()} == {"linjiang"}  # the site id, not 临江市


def hand_computed(day: PlacedDay) -> dict[str, Any]:
    """The KPIs of the scripted day, from the script (see placed_calls.place_the_day)."""
    # The overflow's wait is the one the script does not fix to the second (see above).
    overflow_wait = day.records["overflowed"]["queue_wait_s"]
    waits = {"answered_5s": 5.0, "answered_20s": 20.0, "overflowed": overflow_wait,
             "transferred": 2.0}  # fmt: skip
    talks = [TALK_5S, TALK_20S, TALK_OVERFLOW, 1 + LIAISON_TALK]  # transfer: ring + liaison
    offered = 9
    # Queued: both answered, the abandon, the overflow, the transfer, key 1, key 2 and the
    # timeout (not the department call); none hung up within 5 s: all are operator calls.
    queued = 8
    fast = sum(1 for w in waits.values() if w <= 15)
    fast_from_start = sum(1 for w in waits.values() if w + day.ivr_s <= 15)
    return {
        "calls_offered": offered,
        "calls_answered": offered,
        "operator_offered": queued,
        "operator_answered": 4,
        "operator_answer_rate": pytest.approx(4 / queued),
        "answered_15s_rate": pytest.approx(fast / queued),  # 5 s and 2 s
        "answered_15s_entry_rate": pytest.approx(fast_from_start / queued),
        "average_speed_of_answer": pytest.approx(sum(waits.values()) / 4, abs=WAIT_SLACK_S),
        "abandonment_rate": pytest.approx(1 / queued),
        "average_abandon_wait": pytest.approx(25.0, abs=WAIT_SLACK_S),
        "overflow_rate": pytest.approx(1 / queued),
        "queue_timeouts": 1,
        "queue_callback_requests": 1,
        "average_handling_time": pytest.approx(sum(talks) / 4, abs=WAIT_SLACK_S),
        "transfer_success_rate": pytest.approx(1 / 2),  # the operator's; the busy department
        "voicemail_rate": pytest.approx(1 / offered),  # the spoken one; two empty left out
        "empty_voicemail_calls": 2,
        "voicemails": 1,
        "voicemail_on_time_rate": None,  # none replied, none past its due day yet
        "orders_accepted": 3,  # the voicemail follow-up opens an order for each voicemail
        "orders_on_time_rate": None,  # none replied or due yet
        "resolution_rate": pytest.approx(0.0),
        "redo_rate": None,
        "callback_rate": None,
        "satisfaction_rate": None,
        "missed_call_callback_rate": pytest.approx(0.0),  # the abandon and key 2, pending
    }
