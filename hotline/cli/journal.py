"""`hotline journal status | refused | retry`: the write-ahead journal of this data directory."""

from __future__ import annotations

import argparse
import asyncio

from base.clock import SystemClock
from base.config import Settings
from base.journal import Journal
from hotline.bootstrap import journal_path
from hotline.cli.common import print_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    journal = sub.add_parser("journal", help="facts waiting for the database (write-ahead journal)")
    actions = journal.add_subparsers(dest="journal_command", required=True, metavar="ACTION")
    status = actions.add_parser("status", help="how many facts wait, and for how long")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=_status)
    refused = actions.add_parser("refused", help="facts the database refused, with why")
    refused.set_defaults(handler=_refused)
    retry = actions.add_parser("retry", help="put refused facts back in line for the writer")
    retry.set_defaults(handler=_retry)


def journal_of(settings: Settings) -> Journal:
    return Journal(journal_path(settings), clock=SystemClock())


def _status(args: argparse.Namespace, settings: Settings) -> int:
    async def read() -> dict[str, object]:
        journal = journal_of(settings)
        await journal.open()
        try:
            depth = await journal.depth()
        finally:
            await journal.close()
        return {"journal": str(journal.path), "waiting": depth.waiting,
                "oldest_age_s": round(depth.oldest_age_s, 1), "follow_ups": depth.follow_ups,
                "refused": depth.failed}  # fmt: skip

    status = asyncio.run(read())
    if args.json:
        print_json(status)
    else:
        print(f"{status['journal']}: {status['waiting']} fact(s) waiting for the database "
              f"(oldest {status['oldest_age_s']} s), {status['follow_ups']} follow-up(s), "
              f"{status['refused']} refused")  # fmt: skip
    return 0


def _refused(args: argparse.Namespace, settings: Settings) -> int:
    async def read() -> list[tuple[int, str, str, str]]:
        journal = journal_of(settings)
        await journal.open()
        try:
            return [(e.seq, e.kind, e.key, e.failure or "") for e in await journal.failed()]
        finally:
            await journal.close()

    for seq, kind, key, why in asyncio.run(read()):
        print(f"#{seq}  {kind:<12} {key:<40} {why}")
    return 0


def _retry(args: argparse.Namespace, settings: Settings) -> int:
    async def retry() -> int:
        journal = journal_of(settings)
        await journal.open()
        try:
            return await journal.retry_failed()
        finally:
            await journal.close()

    print(f"{asyncio.run(retry())} refused fact(s) put back in line")
    return 0
