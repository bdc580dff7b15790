"""`hotline calls list` and `hotline voicemail list`."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from base.config import Settings
from hotline.bootstrap import build_components
from hotline.cli.common import print_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    calls = sub.add_parser("calls", help="call records")
    calls_actions = calls.add_subparsers(dest="calls_command", required=True, metavar="ACTION")
    calls_list = calls_actions.add_parser("list", help="the latest call records")
    calls_list.add_argument("--limit", type=int, default=20)
    calls_list.add_argument("--json", action="store_true")
    calls_list.set_defaults(handler=_calls)
    mail = sub.add_parser("voicemail", help="voicemail messages")
    mail_actions = mail.add_subparsers(dest="voicemail_command", required=True, metavar="ACTION")
    mail_list = mail_actions.add_parser("list", help="the latest voicemails")
    mail_list.add_argument("--limit", type=int, default=20)
    mail_list.add_argument("--json", action="store_true")
    mail_list.set_defaults(handler=_voicemails)


def _calls(args: argparse.Namespace, settings: Settings) -> int:
    async def load() -> list[dict[str, Any]]:
        async with build_components(settings, load_directory=False) as components:
            return await components.call_recorder.recent(limit=args.limit)

    records = asyncio.run(load())
    if args.json:
        print_json(records)
        return 0
    for r in records:
        print(f"{r['started_at'][:19]}  {r['hotline_number']:>6} {r['caller']:>12}  "
              f"{r['outcome']:<18} {r['reason'] or '':<20} {r['department'] or ''}")  # fmt: skip
    return 0


def _voicemails(args: argparse.Namespace, settings: Settings) -> int:
    async def load() -> list[dict[str, object]]:
        async with build_components(settings, load_directory=False) as components:
            return [v.to_json() for v in await components.voicemail.recent(limit=args.limit)]

    messages = asyncio.run(load())
    if args.json:
        print_json(messages)
        return 0
    for m in messages:
        print(f"#{m['id']}  {str(m['recorded_at'])[:19]}  {m['mailbox']:<28} {m['caller']:>12}  "
              f"{m['reason']:<20} {m['duration_s']:>5.0f} s  due {m['reply_due']}"
              + ("  (empty)" if m["empty"] else ""))  # fmt: skip
    return 0
