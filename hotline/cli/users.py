"""`hotline users add|ensure-admin|list|set-pin|set-contact`: desk accounts from the shell."""

from __future__ import annotations

import argparse
import asyncio

from agent_desk.auth import AuthService, Passwords, Role
from agent_desk.auth.policy import PasswordRejected
from agent_desk.errors import OrderInputInvalid, UserExists
from agent_desk.mailboxes import LiaisonPins
from agent_desk.user_admin import KEEP, ContactInvalid, Keep, UserAdmin, UserNotFound
from base.config import Settings
from hotline.bootstrap import Components, build_components
from hotline.cli.common import CommandError
from hotline.routing_wiring import platforms_for


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("users", help="desk users and roles")
    actions = parser.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="create a user (prints a one-time password if none given)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--department", action="append", default=[], metavar="CODE",
                     help="a department a liaison answers for (repeatable)")  # fmt: skip
    add.add_argument("--password", help="the password (default: a generated one-time password)")
    add.add_argument("--platform", metavar="SITE",
                     help="the platform (a site id, e.g. qinghe) the user works for: they see "
                          "it and the platforms below it (default: every platform)")  # fmt: skip
    add.add_argument("--email", help="where voicemail notifications are e-mailed")
    add.add_argument("--phone", help="the mobile number notifications are texted to")
    add.set_defaults(handler=_add)
    ensure = actions.add_parser("ensure-admin", help="create 'admin' if no administrator exists")
    ensure.set_defaults(handler=_ensure_admin)
    listing = actions.add_parser("list", help="list users, roles and departments")
    listing.set_defaults(handler=_list)
    set_pin = actions.add_parser(
        "set-pin", help="a liaison's PIN for the voicemail line (prints their phone id)"
    )
    set_pin.add_argument("name")
    set_pin.add_argument("--pin", help="4 to 8 digits (default: a generated one, printed)")
    set_pin.set_defaults(handler=_set_pin)
    contact = actions.add_parser(
        "set-contact", help="a user's e-mail and mobile for notifications ('' clears one)"
    )
    contact.add_argument("name")
    contact.add_argument("--email")
    contact.add_argument("--phone")
    contact.set_defaults(handler=_set_contact)


def _service(components: Components) -> AuthService:
    return AuthService(sessions=components.sessions, clock=components.clock, passwords=Passwords(),
                       platforms=platforms_for(components.settings))  # fmt: skip


def _add(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> str:
        async with build_components(settings, load_directory=False) as components:
            for code in args.department:
                if await components.directory_repository.get(code) is None:
                    raise CommandError(f"no department with code {code!r}")
            try:
                user, password = await _service(components).add_user(
                    args.name,
                    Role(args.role),
                    departments=args.department,
                    password=args.password,
                    platform=args.platform,
                )
                if args.email is not None or args.phone is not None:
                    await _set_user_contact(components, user.id, args.email, args.phone)
            except (UserExists, OrderInputInvalid, ContactInvalid, PasswordRejected) as exc:
                raise CommandError(exc.message) from None
            return password

    password = asyncio.run(run())
    print(f"created {args.role} {args.name}")
    if not args.password:
        print(f"one-time password: {password}")
    return 0


def _ensure_admin(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> str | None:
        async with build_components(settings, load_directory=False) as components:
            return await _service(components).ensure_admin()

    password = asyncio.run(run())
    if password is None:
        print("an administrator exists: nothing to do")
    else:
        print(f"created administrator 'admin' with one-time password: {password}")
    return 0


def _list(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> None:
        async with build_components(settings, load_directory=False) as components:
            for user in await _service(components).users():
                platform = f"\t{user.platform}" if user.platform else ""  # bound to one
                print(f"{user.name}\t{user.role.value}\t{','.join(sorted(user.departments))}"
                      f"{platform}")  # fmt: skip

    asyncio.run(run())
    return 0


def _set_pin(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> tuple[int, str]:
        async with build_components(settings, load_directory=False) as components:
            pins = LiaisonPins(
                sessions=components.sessions, clock=components.clock, passwords=Passwords()
            )
            pin = args.pin or pins.new_pin()
            try:
                return await pins.set_pin(args.name, pin, actor="cli"), pin
            except OrderInputInvalid as exc:
                raise CommandError(exc.message) from None

    phone_id, pin = asyncio.run(run())
    print(f"liaison {args.name}: phone id {phone_id}, PIN set")
    if not args.pin:
        print(f"PIN: {pin}")
    return 0


def _admin(components: Components) -> UserAdmin:
    return UserAdmin(sessions=components.sessions, clock=components.clock, passwords=Passwords())


async def _set_user_contact(
    components: Components, user_id: int, email: str | None, phone: str | None
) -> None:
    # An option not given leaves that contact as it is; an empty one clears it.
    email_value: str | Keep = KEEP if email is None else email
    phone_value: str | Keep = KEEP if phone is None else phone
    await _admin(components).set_contact(user_id, email=email_value, phone=phone_value,
                                         actor="cli")  # fmt: skip


def _set_contact(args: argparse.Namespace, settings: Settings) -> int:
    if args.email is None and args.phone is None:
        raise CommandError("give --email and/or --phone")

    async def run() -> None:
        async with build_components(settings, load_directory=False) as components:
            try:
                user_id = await _admin(components).id_of(args.name)
                await _set_user_contact(components, user_id, args.email, args.phone)
            except (UserNotFound, ContactInvalid) as exc:
                raise CommandError(exc.message) from None

    asyncio.run(run())
    print(f"contact of {args.name} updated")
    return 0
