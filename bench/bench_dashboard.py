"""Benchmark of a month's supervisor dashboard over 1 M call records and 300 k work orders.

Run: .venv/bin/python bench/bench_dashboard.py [--calls 1000000] [--days 90] [--db both]
Fills a fresh SQLite file and a throw-away PostgreSQL cluster (tests/servers.py) with demo
history by bulk insert (which ends by rebuilding the hourly call rollups), migrates them
(with the statistics indexes), then times the dashboard of the last full month — from the
rollups, and from the raw call records for comparison, with the parts of the dashboard
timed one by one — and the supervision views: best and median of several runs after one
warm-up. Prints the figures and PASS/FAIL against the 500 ms target.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker  # noqa: E402

from agent_desk.stats.definitions import Dimension  # noqa: E402
from agent_desk.stats.demo import DemoPlan, generate, sample_departments  # noqa: E402
from agent_desk.stats.kpis import StatsService  # noqa: E402
from agent_desk.stats.periods import Period, parse_period  # noqa: E402
from agent_desk.stats.queries import grouped_counters  # noqa: E402
from agent_desk.stats.rollup_upkeep import rebuild  # noqa: E402
from agent_desk.stats.supervision import SupervisionService  # noqa: E402
from base.clock import CHINA_TZ  # noqa: E402
from base.database import create_engine, create_session_factory  # noqa: E402
from hotline.migrate import upgrade_async  # noqa: E402
from tests.servers import create_postgres_database, postgres_server  # noqa: E402

TARGET_MS = 500.0
LAST_DAY = date(2026, 9, 30)  # the benchmark month is September 2026
SITES = ("linjiang", "qingshan", "baisha")


class FixedClock:
    """The benchmark's 'now': the day after the history ends."""

    def now(self) -> datetime:
        return datetime.combine(date(2026, 10, 1), dtime(9), CHINA_TZ)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


async def _timed(action: Callable[[], Awaitable[object]], runs: int) -> tuple[float, float]:
    await action()  # warm-up: caches, prepared plans
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await action()
        samples.append((time.perf_counter() - started) * 1000)
    return min(samples), statistics.median(samples)


async def _fill(sessions: async_sessionmaker[AsyncSession], args: argparse.Namespace) -> None:
    per_day = args.calls / args.days / len(SITES) / (5 / 7 + 2 / 7 * 0.35)
    plan = DemoPlan(
        last_day=LAST_DAY, days=args.days, calls_per_day=int(per_day),
        departments=sample_departments(80), sites=SITES, order_events=False, order_share=1.0,
        web_order_share=0.025,
    )  # fmt: skip
    started = time.perf_counter()
    written = await generate(sessions, plan)
    print(f"  generated {written} in {time.perf_counter() - started:.1f} s")


async def _settle(engine: AsyncEngine) -> None:
    """What a live database has had time to do: statistics, WAL checkpoint, visibility map."""
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        if engine.dialect.name == "sqlite":
            await autocommit.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            await autocommit.execute(text("ANALYZE"))
        else:
            await autocommit.execute(text("VACUUM ANALYZE"))


async def _parts(sessions: async_sessionmaker[AsyncSession], month: Period, runs: int) -> None:
    """The dashboard's queries one at a time: where the time goes."""
    today = FixedClock().now().date()
    parts = {
        "calls by slot, city, number (rollups)": ((Dimension.SLOT, Dimension.SITE,
            Dimension.HOTLINE), ("calls",), True),
        "callbacks by slot, city, number": ((Dimension.SLOT, Dimension.SITE,
            Dimension.HOTLINE), ("callbacks",), False),
        "voicemails and orders by slot": ((Dimension.SLOT,), ("voicemails", "orders"), False),
        "calls by department (rollups)": ((Dimension.DEPARTMENT,), ("calls",), True),
        "voicemails and orders by department": ((Dimension.DEPARTMENT,),
            ("voicemails", "orders"), False),
    }  # fmt: skip
    for name, (dims, sources, rollups) in parts.items():

        async def part(dims: tuple[Dimension, ...] = dims, sources: tuple[str, ...] = sources,
                       rollups: bool = rollups) -> object:  # fmt: skip
            async with sessions() as session:
                return await grouped_counters(
                    session, dims, month.start, month.end, today=today, sources=sources,
                    call_rollups=rollups,
                )  # fmt: skip

        best, median = await _timed(part, runs)
        print(f"    {name}: best {best:.0f} ms, median {median:.0f} ms")


async def run(url: str, label: str, args: argparse.Namespace) -> bool:
    await upgrade_async(url)
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    print(f"{label}:")
    try:
        await _fill(sessions, args)
        await _settle(engine)
        clock = FixedClock()
        stats = StatsService(sessions=sessions, clock=clock)
        supervision = SupervisionService(sessions=sessions, clock=clock)
        month = parse_period("2026-09")
        started = time.perf_counter()
        rolled = await rebuild(sessions, month.start, month.end)
        took = time.perf_counter() - started
        print(f"  rollups of 2026-09 rebuilt from {rolled} calls in {took:.1f} s")
        raw = StatsService(sessions=sessions, clock=clock, rollups=False)
        r_best, r_median = await _timed(lambda: raw.dashboard(month), args.runs)
        print(f"  dashboard 2026-09 from call records: best {r_best:.0f} ms, "
              f"median {r_median:.0f} ms")  # fmt: skip
        await _parts(sessions, month, args.runs)
        best, median = await _timed(lambda: stats.dashboard(month), args.runs)
        print(f"  dashboard 2026-09: best {best:.0f} ms, median {median:.0f} ms")
        s_best, s_median = await _timed(lambda: supervision.overview(month), args.runs)
        print(f"  supervision views: best {s_best:.0f} ms, median {s_median:.0f} ms")
        # Other processes on the machine skew the median; say how busy it was.
        print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        ok = median <= TARGET_MS
        print(f"  {'PASS' if ok else 'FAIL'}: dashboard median {median:.0f} ms "
              f"(target ≤ {TARGET_MS:.0f} ms)")  # fmt: skip
        return ok
    finally:
        await engine.dispose()


async def main(args: argparse.Namespace) -> int:
    results = []
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as workdir:
            url = f"sqlite+aiosqlite:///{Path(workdir) / 'bench.sqlite3'}"
            results.append(await run(url, "SQLite", args))
    if args.db in ("postgresql", "both"):
        with postgres_server() as admin_url:
            url = create_postgres_database(admin_url, "bench_dashboard")
            results.append(await run(url, "PostgreSQL", args))
    print("PASS" if all(results) else "FAIL")
    return 0 if all(results) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    sys.exit(asyncio.run(main(parser.parse_args())))
