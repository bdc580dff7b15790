"""`hotline calendar import FILE` / `hotline calendar show YEAR`: the holiday calendar.

The State Council publishes next year's holidays late in the year, often after the
chinese-calendar package was last released: an admin enters them here (or on the desk's
holidays page) and every server picks them up at its next start or reload.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date, timedelta
from pathlib import Path

from base.config import Settings
from base.workdays import EntryKind
from hotline.bootstrap import build_components
from hotline.cli.common import CommandError, print_json, read_text_file

_KIND_ZH = {EntryKind.HOLIDAY: "休", EntryKind.WORKDAY: "班（调休上班）"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("calendar", help="the holiday calendar (holidays, make-up workdays)")
    actions = parser.add_subparsers(dest="calendar_command", required=True, metavar="ACTION")
    imp = actions.add_parser(
        "import", help="import days from CSV: date,kind,name (kind: holiday | workday)"
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("--by", default="cli", help="who entered them (kept on each row)")
    imp.set_defaults(handler=_import)
    show = actions.add_parser("show", help="a year's holidays and make-up workdays")
    show.add_argument("year", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_show)


def _import(args: argparse.Namespace, settings: Settings) -> int:
    path: Path = args.file
    text = read_text_file(path)

    async def run() -> int:
        async with build_components(settings, load_directory=False) as components:
            report = await components.calendar_store.import_csv(text, actor=str(args.by)[:100])
        for line, reason in report.errors:
            print(f"{path}:{line}: {reason}", file=sys.stderr)
        years = ", ".join(str(y) for y in sorted(report.years)) or "none"
        print(f"imported {path}: {report.saved} days saved (years {years}), "
              f"{len(report.errors)} rejected")  # fmt: skip
        return 0 if not report.errors else 1

    return asyncio.run(run())


def _show(args: argparse.Namespace, settings: Settings) -> int:
    year: int = args.year
    if not 2000 <= year <= 2100:
        raise CommandError("YEAR must be between 2000 and 2100")

    async def run() -> int:
        async with build_components(settings, load_directory=False) as components:
            await components.calendar_store.load()
            calendar = components.calendar
            known = calendar.has_year(year)
            entries = calendar.entries(year)
            first, last = date(year, 1, 1), date(year, 12, 31)
            working = sum(
                calendar.is_working_day(first + timedelta(days=n))
                for n in range((last - first).days + 1)
            )
        if args.json:
            print_json({
                "year": year, "known": known, "working_days": working,
                "days": [{"date": e.day.isoformat(), "kind": e.kind.value, "name": e.name}
                         for e in entries],
            })  # fmt: skip
            return 0 if known else 1
        if not known:
            print(f"{year}: no holiday calendar entered; working days fall back to "
                  f"Monday-Friday ({working} working days). Enter it with "
                  f"`hotline calendar import FILE`.", file=sys.stderr)  # fmt: skip
            return 1
        print(f"{year}: {len(entries)} days differ from Monday-Friday; {working} working days")
        for entry in entries:
            print(f"{entry.day.isoformat()}  {entry.day:%a}  {_KIND_ZH[entry.kind]}  {entry.name}")
        return 0

    return asyncio.run(run())
