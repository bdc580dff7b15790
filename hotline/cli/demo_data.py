"""`hotline demo-data --days 90`: fill the database with a realistic history (calls,
voicemails, work orders and their fates, missed-call callbacks) for screenshots and
benchmarks, with a progress bar."""

from __future__ import annotations

import argparse
import asyncio
from datetime import date, timedelta

from tqdm import tqdm

from agent_desk.kb import SAMPLE_KB, KnowledgeBase
from agent_desk.stats.demo import (
    DemoBatch,
    DemoDepartment,
    DemoPlan,
    generate,
    sample_departments,
)
from base.config import Settings
from hotline.bootstrap import build_components
from hotline.cli.common import CommandError
from hotline.migrate import upgrade_async
from hotline.routing_wiring import platforms_for
from routing import DEFAULT_SITES_FILE, SitesFileError, load_sites


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("demo-data", help="fill the database with a demo history")
    parser.add_argument("--days", type=int, default=90, help="days of history, ending yesterday")
    parser.add_argument("--calls-per-day", type=int, default=1500,
                        help="calls on a working day, per city (weekends are quieter)")  # fmt: skip
    parser.add_argument("--site", action="append", dest="sites", metavar="SITE",
                        help="a city of the sites file (repeatable; default: all)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--no-events", action="store_true", help="skip the order event trail")
    parser.set_defaults(handler=_demo_data)


def _sites(settings: Settings, wanted: list[str] | None) -> tuple[str, ...]:
    try:
        known = [site.id for site in load_sites(settings.sites_file or DEFAULT_SITES_FILE).sites]
    except SitesFileError as exc:
        raise CommandError(str(exc)) from None
    for site in wanted or ():
        if site not in known:
            raise CommandError(f"no site {site!r} in the sites file ({', '.join(known)})")
    return tuple(wanted or known)


def _demo_data(args: argparse.Namespace, settings: Settings) -> int:
    if not 1 <= args.days <= 3660:
        raise CommandError("--days must be between 1 and 3660")
    if not 1 <= args.calls_per_day <= 1_000_000:
        raise CommandError("--calls-per-day must be between 1 and 1000000")
    sites = _sites(settings, args.sites)

    async def run() -> dict[str, int]:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        await upgrade_async(settings.resolved_database_url)
        async with build_components(settings) as components:
            records = await components.directory_repository.all_records()
            tree = platforms_for(settings)
            departments = [
                DemoDepartment(r.code, r.liaison_endpoint, r.backup_endpoint,
                               platform=found.id if (found := tree.by_city(r.city)) else "")
                for r in records
                if r.liaison_endpoint
            ] or sample_departments()  # fmt: skip
            counties = {p.id: p.hotline_numbers for p in tree.platforms if p.is_county}
            plan = DemoPlan(
                last_day=components.clock.now().date() - timedelta(days=1), days=args.days,
                calls_per_day=args.calls_per_day, departments=departments, sites=sites,
                seed=args.seed, order_events=not args.no_events, counties=counties,
            )  # fmt: skip
            with tqdm(total=args.days, unit="day", desc="demo history") as bar:

                def advance(day: date, batch: DemoBatch) -> None:
                    bar.set_postfix(day=day.isoformat(), calls=len(batch.calls))
                    bar.update()

                written = await generate(components.sessions, plan, progress=advance)
            # The sample knowledge base, for the departments the directory has.
            kb = KnowledgeBase(sessions=components.sessions, clock=components.clock)
            sample = await kb.import_csv(
                SAMPLE_KB.read_text(encoding="utf-8"), departments={r.code for r in records}
            )
            return {**written, "knowledge-base entries": sample.created + sample.updated}

    written = asyncio.run(run())
    print(", ".join(f"{count} {name}" for name, count in written.items()))
    return 0
