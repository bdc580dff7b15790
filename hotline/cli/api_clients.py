"""`hotline api-clients create|list|rotate|revoke`: departments' systems from the shell.

A token is printed once, when it is made (create, rotate); only its hash is stored.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta

from agent_desk.integrations import ApiClients
from agent_desk.integrations.clients import IssuedToken, client_to_json
from agent_desk.integrations.models import ApiClient
from base.config import Settings
from base.errors import HotlineError
from hotline.bootstrap import Components, build_components
from hotline.cli.common import CommandError, print_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("api-clients", help="departments' systems calling the API")
    actions = parser.add_subparsers(dest="api_clients_command", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="a new client of one department (prints its token)")
    create.add_argument("name")
    create.add_argument("--department", required=True, metavar="CODE")
    create.add_argument("--scope", choices=["read", "write"], default="read",
                        help="read: see orders; write: also move them (default: read)")  # fmt: skip
    create.set_defaults(handler=_create)
    listing = actions.add_parser("list", help="clients, scopes, last use")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)
    rotate = actions.add_parser("rotate", help="a new token (prints it); the old one overlaps")
    rotate.add_argument("client", help="name or id")
    rotate.add_argument("--overlap-minutes", type=int, default=60,
                        help="old token stays valid this long (0: ends now)")  # fmt: skip
    rotate.set_defaults(handler=_rotate)
    revoke = actions.add_parser("revoke", help="refuse every token of the client, at once")
    revoke.add_argument("client", help="name or id")
    revoke.set_defaults(handler=_revoke)


def _clients(components: Components) -> ApiClients:
    return ApiClients(sessions=components.sessions, clock=components.clock)


def _issued(verb: str, issued: IssuedToken) -> None:
    client = issued.client
    print(f"{verb} API client {client.name} ({client.department_code}, {client.scopes})")
    print(f"token (shown once): {issued.token}")


def _create(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> IssuedToken:
        async with build_components(settings, load_directory=False) as components:
            if await components.directory_repository.get(args.department) is None:
                raise CommandError(f"no department with code {args.department!r}")
            try:
                return await _clients(components).create(
                    args.name, department_code=args.department, scope=args.scope, actor="cli"
                )
            except HotlineError as exc:
                raise CommandError(exc.message) from None

    _issued("created", asyncio.run(run()))
    return 0


def _list(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> list[dict[str, object]]:
        async with build_components(settings, load_directory=False) as components:
            clients = _clients(components)
            return [client_to_json(c, clients.now()) for c in await clients.list()]

    rows = asyncio.run(run())
    if args.json:
        print_json({"clients": rows})
        return 0
    for row in rows:
        state = "active" if row["active"] else f"revoked {row['revoked_at']}"
        scopes = " ".join(str(s) for s in row["scopes"])  # type: ignore[attr-defined]
        print(f"{row['id']}\t{row['name']}\t{row['department_code']}\t{scopes}\t{state}\t"
              f"last used {row['last_used_at'] or 'never'} {row['last_used_ip']}")  # fmt: skip
    return 0


async def _find(clients: ApiClients, name_or_id: str) -> ApiClient:
    try:
        return await clients.find(name_or_id)
    except HotlineError as exc:
        raise CommandError(exc.message) from None


def _rotate(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> IssuedToken:
        async with build_components(settings, load_directory=False) as components:
            clients = _clients(components)
            client = await _find(clients, args.client)
            try:
                return await clients.rotate(
                    client.id, actor="cli", overlap=timedelta(minutes=args.overlap_minutes)
                )
            except HotlineError as exc:
                raise CommandError(exc.message) from None

    _issued("rotated", asyncio.run(run()))
    if args.overlap_minutes:
        print(f"the old token stays valid for {args.overlap_minutes} minutes")
    return 0


def _revoke(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> ApiClient:
        async with build_components(settings, load_directory=False) as components:
            clients = _clients(components)
            client = await _find(clients, args.client)
            try:
                return await clients.revoke(client.id, actor="cli")
            except HotlineError as exc:
                raise CommandError(exc.message) from None

    print(f"revoked API client {asyncio.run(run()).name}")
    return 0
