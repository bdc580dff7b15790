"""Nothing a caller leaves is lost: the database locked, stopped, or the journal's disk full.

Real parts throughout: the hotline on the simulator over loopback, the SQLite file locked by
another connection, a real PostgreSQL cluster stopped with pg_ctl and started again, and a
real tmpfs filled up under the journal. Twenty voicemail calls end while the database
cannot be written; once it is back every call has one record, one voicemail, one order.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from agent_desk.orders.models import OrderVoicemail, WorkOrder
from base.clock import ScaledClock
from base.config import Settings
from base.journal import STORE
from directory import import_csv
from hotline.bootstrap import Components, build_components
from hotline.migrate import upgrade_async
from hotline.runtime import RunningHotline, run_embedded
from ivr.call_records import CallRecord
from ivr.flow.operator import GeneralMailboxOperator
from ivr.simulator import SimCall
from tests.conftest import SAMPLE_DIRECTORY
from tests.ivr.flow.conftest import OPEN_HOURS
from tests.servers import PostgresCluster, create_postgres_database, fill, small_tmpfs
from voicemail import Voicemail

CALLS = 20
OUTAGE_S = 60.0
SPEED = 25.0
# Callers wait as long as it takes: the flow hangs up after the message. Under load speech
# synthesis takes real seconds, 25 simulated ones each, and an impatient caller (80 s) left
# before the voicemail prompt.
PATIENCE_S = 1500
pytestmark = pytest.mark.timeout(300)


@asynccontextmanager
async def hotline(settings: Settings) -> AsyncIterator[tuple[Components, RunningHotline]]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    await upgrade_async(settings.resolved_database_url)
    clock = ScaledClock(start=OPEN_HOURS, speed=SPEED)
    async with build_components(settings, clock=clock, load_directory=False) as components:
        await import_csv(SAMPLE_DIRECTORY, components.directory_repository)
        await components.directory.reload()
        async with run_embedded(
            components, clock=clock, sim_port=0, http_port=0, operator=GeneralMailboxOperator()
        ) as running:
            assert running.simulator is not None
            sim = running.simulator.simulator
            sim.set_endpoint("PJSIP/lj-001-a", "busy")
            sim.set_endpoint("PJSIP/lj-001-b", "busy")
            yield components, running


def settings_for(tmp_path: Path, prompt_cache: Path, database_url: str | None = None) -> Settings:
    extra = {"database_url": database_url} if database_url else {}
    return Settings(data_dir=tmp_path / "data", http_port=0, prompt_cache_dir=str(prompt_cache),
                    **extra)  # type: ignore[arg-type]  # fmt: skip


Calls = dict[str, SimCall]  # by caller number


def voicemail_calls(running: RunningHotline, count: int, first: int = 0) -> Calls:
    assert running.simulator is not None
    sim = running.simulator.simulator
    callers = [f"1390000{first + i:04d}" for i in range(count)]
    return {
        caller: sim.place_call("114", caller=caller, script=[{"at": 1.0, "dtmf": "425#"}],
                               hangup_after=PATIENCE_S)
        for caller in callers
    }  # fmt: skip


async def all_ended(running: RunningHotline, calls: Calls) -> None:
    async with asyncio.timeout(120):
        while not all(call.ended for call in calls.values()):  # noqa: ASYNC110
            await asyncio.sleep(0.1)
    await running.controller.idle()


async def counts(components: Components) -> tuple[int, int, int, int]:
    """Call records, voicemails, orders holding a voicemail, voicemail links."""
    async with components.sessions() as session:
        records = await session.scalar(select(func.count()).select_from(CallRecord))
        voicemails = await session.scalar(select(func.count()).select_from(Voicemail))
        orders = await session.scalar(select(func.count(func.distinct(OrderVoicemail.order_id))))
        links = await session.scalar(select(func.count()).select_from(OrderVoicemail))
        return int(records or 0), int(voicemails or 0), int(orders or 0), int(links or 0)


async def assert_every_call_kept(components: Components, calls: Calls) -> None:
    assert await components.journal_writer.drain(timeout_s=60)
    async with components.sessions() as session:
        rows = list(await session.scalars(select(CallRecord)))
        by_channel = {row.channel_id: row for row in rows}
        assert len(rows) == len(by_channel), "one record per call"
        for caller, call in calls.items():
            record = by_channel[call.channel_id]
            assert record.outcome == "voicemail", record.steps
            assert record.voicemail_id is not None
            voicemail = await session.get(Voicemail, record.voicemail_id)
            assert voicemail is not None
            assert voicemail.call_id == record.call_id
            links = list(await session.scalars(
                select(OrderVoicemail).where(OrderVoicemail.voicemail_id == voicemail.id)
            ))  # fmt: skip
            assert len(links) == 1, "one order per voicemail"
            order = await session.get(WorkOrder, links[0].order_id)
            assert order is not None
            assert order.caller_number == caller
    assert await counts(components) == (len(calls), len(calls), len(calls), len(calls))


async def waiting_facts(components: Components) -> str:
    """What the journal holds, for a failure message: kinds, and each record's last steps."""
    entries = await components.journal.due(STORE, limit=1000)
    lines = [
        f"{e.kind} {e.key} {e.data.get('outcome', '')} "
        f"{[(step.get('t'), step.get('step')) for step in e.data.get('steps', [])][-8:]}"
        for e in entries
    ]
    return "\n".join(lines)


async def healthz(running: RunningHotline) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.get(f"{running.http_url}/healthz") as reply:
        assert reply.status == 200
        body: dict[str, Any] = await reply.json()
        return body


@pytest.fixture(scope="module")
def prompt_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("prompts")


async def test_sqlite_locked_for_a_minute_while_twenty_calls_end(
    tmp_path: Path, prompt_cache: Path
) -> None:
    settings = settings_for(tmp_path, prompt_cache)
    async with hotline(settings) as (components, running):
        locker = sqlite3.connect(settings.data_dir / "hotline.sqlite3", isolation_level=None)
        try:
            locker.execute("BEGIN EXCLUSIVE")
            locked_at = time.monotonic()
            calls = voicemail_calls(running, CALLS)
            await all_ended(running, calls)
            depth = await components.journal.depth()
            # a voicemail and a record per call, on disk
            assert depth.waiting == 2 * CALLS, await waiting_facts(components)
            assert await counts(components) == (0, 0, 0, 0)
            health = await healthz(running)
            assert health["journal"]["waiting"] == 2 * CALLS
            assert health["journal"]["oldest_age_s"] > 0
            await asyncio.sleep(max(0.0, OUTAGE_S - (time.monotonic() - locked_at)))
        finally:
            locker.rollback()
            locker.close()
        await assert_every_call_kept(components, calls)


@pytest.fixture
def cluster() -> Iterator[PostgresCluster]:
    server = PostgresCluster()
    server.start()
    try:
        yield server
    finally:
        server.remove()


@pytest.mark.postgres
async def test_postgresql_stopped_for_a_minute_while_twenty_calls_end(
    tmp_path: Path, prompt_cache: Path, cluster: PostgresCluster
) -> None:
    url = create_postgres_database(cluster.url, "nothing_lost")
    settings = settings_for(tmp_path, prompt_cache, url)
    async with hotline(settings) as (components, running):
        cluster.stop()
        stopped_at = time.monotonic()
        try:
            calls = voicemail_calls(running, CALLS)
            await all_ended(running, calls)
            depth = await components.journal.depth()
            assert depth.waiting == 2 * CALLS, await waiting_facts(components)
            await asyncio.sleep(max(0.0, OUTAGE_S - (time.monotonic() - stopped_at)))
        finally:
            cluster.start()
        await assert_every_call_kept(components, calls)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs where the journal lives, so it can be filled for real."""
    with small_tmpfs(tmp_path / "data" / "journal", "4m") as folder:
        yield folder


async def test_a_full_journal_disk_refuses_new_voicemails_and_keeps_what_it_had(
    tmp_path: Path, prompt_cache: Path, small_disk: Path
) -> None:
    settings = settings_for(tmp_path, prompt_cache)
    async with hotline(settings) as (components, running):
        kept = voicemail_calls(running, 3)
        await all_ended(running, kept)
        fill(small_disk)
        refused = voicemail_calls(running, 2, first=100)
        await all_ended(running, refused)
        apology = running.renderer.key_for("非常抱歉，留言暂时无法保存，请您稍后再拨，感谢您的来电")
        # What the journal held may still wait (on a full disk it cannot even mark facts
        # applied); once there is room again, all of it reaches the database.
        (small_disk / "filler").unlink()
        assert await components.journal_writer.drain(timeout_s=60)
        async with components.sessions() as session:
            rows = {row.channel_id: row for row in await session.scalars(select(CallRecord))}
        for call in refused.values():
            record = rows[call.channel_id]  # written straight to the database
            assert (record.outcome, record.reason) == ("failed", "voicemail_unavailable")
            assert record.voicemail_id is None
            assert any(apology in uri for uri in call.heard)
        await assert_kept_before_the_disk_filled(components, kept)


async def assert_kept_before_the_disk_filled(components: Components, kept: Calls) -> None:
    async with components.sessions() as session:
        voicemails = list(await session.scalars(select(Voicemail)))
        assert sorted(v.caller_number for v in voicemails) == sorted(kept)
        links = await session.scalar(select(func.count()).select_from(OrderVoicemail))
        assert links == len(kept)
