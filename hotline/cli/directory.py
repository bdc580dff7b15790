"""`hotline directory import|export|search`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Never

from tqdm import tqdm

from base.config import Settings
from directory import CsvFormatError, LookupResult, export_csv, import_csv
from directory.csv_io import count_rows
from hotline.bootstrap import build_components
from hotline.cli.common import CommandError, not_utf8, print_json

PROGRESS_MIN_ROWS = 1000


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("directory", help="the department directory")
    actions = parser.add_subparsers(dest="directory_command", required=True, metavar="ACTION")
    imp = actions.add_parser("import", help="import departments from CSV (upsert by code)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--if-empty", action="store_true", help="only when the directory is empty")
    imp.add_argument(
        "--create-cities",
        action="store_true",
        help="add cities the directory does not know yet (else such rows are refused)",
    )
    imp.set_defaults(handler=_import)
    exp = actions.add_parser("export", help="export departments to CSV")
    exp.add_argument("file", type=Path)
    exp.set_defaults(handler=_export)
    search = actions.add_parser("search", help="find departments by name, pinyin or keypad")
    search.add_argument("query", nargs="?", default="")
    search.add_argument("--keys", help="phone-keypad digits of the pinyin initials")
    search.add_argument("--city")
    search.add_argument("--limit", type=int, default=5)
    search.add_argument("--json", action="store_true")
    search.set_defaults(handler=_search)


def _import(args: argparse.Namespace, settings: Settings) -> int:
    path: Path = args.file
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    return asyncio.run(_import_async(path, settings, if_empty=args.if_empty,
                                     create_cities=args.create_cities))  # fmt: skip


async def _import_async(
    path: Path, settings: Settings, *, if_empty: bool, create_cities: bool = False
) -> int:
    async with build_components(settings, load_directory=False) as components:
        if if_empty and await components.directory_repository.count():
            print("directory already has departments: nothing imported")
            return 0
        try:
            total = count_rows(path)
        except UnicodeDecodeError as exc:
            raise not_utf8(path, exc) from None
        with tqdm(
            total=total,
            unit="row",
            desc="import",
            disable=total < PROGRESS_MIN_ROWS,
            file=sys.stderr,
        ) as bar:
            try:
                report = await import_csv(
                    path,
                    components.directory_repository,
                    on_progress=lambda n: _advance(bar, n),
                    create_cities=create_cities,
                )
            except CsvFormatError as exc:
                raise CommandError(f"{path}: {exc}") from None
    for error in report.errors:
        print(f"{path}:{error.line}: {error.reason}", file=sys.stderr)
    counts = report.counts
    print(
        f"imported {path}: {counts.created} created, {counts.updated} updated, "
        f"{counts.unchanged} unchanged, {len(report.errors)} rejected"
    )
    return 0 if report.ok else 1


def _export(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> int:
        async with build_components(settings, load_directory=False) as components:
            return await export_csv(args.file, components.directory_repository)

    rows = asyncio.run(run())
    print(f"exported {rows} departments to {args.file}")
    return 0


def _search(args: argparse.Namespace, settings: Settings) -> int:
    if not args.query and not args.keys:
        raise CommandError("give a QUERY or --keys DIGITS", exit_code=2)
    if args.keys and not args.keys.isdigit():
        raise CommandError(f"--keys must be digits, got {args.keys!r}", exit_code=2)
    if not 1 <= args.limit <= 50:
        raise CommandError("--limit must be between 1 and 50", exit_code=2)

    async def run() -> LookupResult:
        async with build_components(settings) as components:
            if args.keys:
                return components.directory.search_keys(args.keys, city=args.city, limit=args.limit)
            return components.directory.search(args.query, city=args.city, limit=args.limit)

    result = asyncio.run(run())
    if args.json:
        print_json(result.to_json())
        return 0
    if not result.results:
        print("no match")
        return 1
    for rank, match in enumerate(result.results, start=1):
        print(
            f"{rank}. {match.name} ({match.city}) [{match.code}] {match.score:.0f} {match.matched}"
        )
    if result.ambiguous:
        print("(the first candidates are too close to call: ask the caller to choose)")
    return 0


def _advance(bar: tqdm[Never], done: int) -> None:
    bar.update(done - bar.n)
