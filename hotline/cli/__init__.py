"""The `hotline` command: one subcommand module per area, registered here."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from alembic.util.exc import CommandError as AlembicError
from sqlalchemy.exc import DBAPIError

from base.config import ConfigError, load_settings
from base.errors import HotlineError
from hotline.cli import (
    api_clients,
    calendar,
    call,
    db,
    demo_data,
    dialplan,
    directory,
    ivr,
    journal,
    kb,
    records,
    serve,
    stats,
    users,
)
from hotline.cli.common import CommandError

_MODULES = (
    db, directory, serve, ivr, call, records, journal, users, api_clients, kb, dialplan,
    demo_data, stats, calendar,
)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hotline", description="Hotline: IVR and contact-center backend (12345 / 114 / 96128)."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in _MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"hotline: configuration error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        code: int = args.handler(args, settings)
    except CommandError as exc:
        print(f"hotline: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # every other failure too is one line, never a traceback
        print(f"hotline: {one_line_error(exc)}", file=sys.stderr)
        logging.getLogger(__name__).debug("the failure in full", exc_info=True)
        return 1
    return code


def one_line_error(exc: BaseException) -> str:
    """What went wrong, in one line a person can act on."""
    if isinstance(exc, HotlineError):
        return exc.message
    if isinstance(exc, AlembicError):
        return f"migration: {exc}".splitlines()[0]
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
    if isinstance(exc, DBAPIError):
        return f"database: {str(exc.orig or exc).splitlines()[0]}"
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text} (HOTLINE_LOG_LEVEL=debug shows the trace)"
