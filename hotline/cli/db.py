"""`hotline db upgrade|downgrade`: Alembic migrations."""

from __future__ import annotations

import argparse

from base.config import Settings
from hotline import migrate


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("db", help="database migrations")
    actions = parser.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = actions.add_parser("upgrade", help="migrate the database to the latest schema")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(handler=_upgrade)
    down = actions.add_parser("downgrade", help="migrate the database back to REVISION")
    down.add_argument("revision")
    down.set_defaults(handler=_downgrade)


def _upgrade(args: argparse.Namespace, settings: Settings) -> int:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.resolved_database_url, args.revision)
    print(f"database at {args.revision}")
    return 0


def _downgrade(args: argparse.Namespace, settings: Settings) -> int:
    migrate.downgrade(settings.resolved_database_url, args.revision)
    print(f"database at {args.revision}")
    return 0
