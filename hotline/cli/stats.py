"""`hotline stats rebuild`: recompute the hourly call rollups of the supervisor KPIs from the
call records — once after upgrading to them, and after writing call records in bulk."""

from __future__ import annotations

import argparse
import asyncio
import time

from agent_desk.stats.periods import PeriodInvalid, parse_period
from agent_desk.stats.rollup_upkeep import rebuild
from base.config import Settings
from hotline.bootstrap import build_components
from hotline.cli.common import CommandError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stats = sub.add_parser("stats", help="supervisor statistics upkeep")
    actions = stats.add_subparsers(dest="stats_command", required=True, metavar="ACTION")
    rebuild_parser = actions.add_parser(
        "rebuild", help="recompute the hourly call rollups from the call records"
    )
    rebuild_parser.add_argument(
        "--period", help="only this period: 2026-09, 2026-Q3, 2026-H1, 2026 (default: all)"
    )
    rebuild_parser.set_defaults(handler=_rebuild)


def _rebuild(args: argparse.Namespace, settings: Settings) -> int:
    try:
        period = parse_period(args.period) if args.period else None
    except PeriodInvalid as exc:
        raise CommandError(str(exc)) from None

    async def run() -> int:
        async with build_components(settings, load_directory=False) as components:
            if period is None:
                return await rebuild(components.sessions)
            return await rebuild(components.sessions, period.start, period.end)

    started = time.perf_counter()
    calls = asyncio.run(run())
    took = time.perf_counter() - started
    print(f"rolled up {calls} call records ({args.period or 'all'}) in {took:.1f} s")
    return 0
