"""`hotline kb import FILE`: load FAQ entries of departments into the knowledge base."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from agent_desk.kb import SAMPLE_KB, KnowledgeBase
from base.config import Settings
from hotline.bootstrap import build_components
from hotline.cli.common import CommandError, read_text_file


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("kb", help="the knowledge base (FAQ per department)")
    actions = parser.add_subparsers(dest="kb_command", required=True, metavar="ACTION")
    imp = actions.add_parser(
        "import", help="import FAQ entries from CSV: department_code,question,answer[,keywords]"
    )
    imp.add_argument("file", type=Path, nargs="?", help="the CSV file (or --sample)")
    imp.add_argument("--sample", action="store_true",
                     help="import the sample knowledge base of the sample directory")  # fmt: skip
    imp.set_defaults(handler=_import)


def _import(args: argparse.Namespace, settings: Settings) -> int:
    if args.sample == (args.file is not None):
        raise CommandError("give either FILE or --sample")
    path: Path = SAMPLE_KB if args.sample else args.file
    text = read_text_file(path)

    async def run() -> int:
        async with build_components(settings, load_directory=False) as components:
            kb = KnowledgeBase(sessions=components.sessions, clock=components.clock)
            codes = {r.code for r in await components.directory_repository.all_records()}
            report = await kb.import_csv(text, departments=codes)
        for line, reason in report.errors:
            print(f"{path}:{line}: {reason}", file=sys.stderr)
        print(
            f"imported {path}: {report.created} created, {report.updated} updated, "
            f"{len(report.errors)} rejected"
        )
        return 0 if not report.errors else 1

    return asyncio.run(run())
