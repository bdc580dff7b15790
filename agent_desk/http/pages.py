"""Server-rendered desk pages (aiohttp-jinja2); the scripts they load call the JSON API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from agent_desk.auth import Principal, Role
from agent_desk.desk import DESK
from agent_desk.desk_tools import DESK_TOOLS
from agent_desk.http.api_calendar import year_to_json
from agent_desk.i18n import MESSAGES, language
from agent_desk.manage_messages import MANAGE_MESSAGES
from agent_desk.order_messages import ORDER_MESSAGES
from agent_desk.orders.models import OrderType, Urgency
from agent_desk.permissions import current_principal
from agent_desk.timeutil import china

JINJA = web.AppKey("agent_desk_jinja", jinja2.Environment)
LANG_COOKIE = "desk_lang"
PACKAGE_DIR = Path(__file__).resolve().parent.parent
PASSWORD_PAGE = "/desk/password"
HOME = {
    Role.OPERATOR: "/desk/console",
    Role.LIAISON: "/desk/inbox",
    Role.SUPERVISOR: "/desk/supervisor",
    Role.ADMIN: "/desk/supervisor",
}
PAGE_ROLES = {
    "console": frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN}),
    "inbox": frozenset({Role.LIAISON, Role.SUPERVISOR, Role.ADMIN}),
    "supervisor": frozenset({Role.SUPERVISOR, Role.ADMIN}),
    "departments": frozenset({Role.LIAISON, Role.SUPERVISOR, Role.ADMIN}),
    "kb": frozenset({Role.LIAISON, Role.SUPERVISOR, Role.ADMIN}),
    "users": frozenset({Role.ADMIN}),
    "integrations": frozenset({Role.ADMIN}),  # served by pages_integrations
    "calendar": frozenset({Role.SUPERVISOR, Role.ADMIN}),
    "orders": frozenset(Role),
    "supervision": frozenset({Role.LIAISON, Role.SUPERVISOR, Role.ADMIN}),
    # Served by agent_desk.stats; listed here so the navigation bar shows them.
    "stats": frozenset({Role.SUPERVISOR, Role.ADMIN}),
}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def setup(app: web.Application) -> None:
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(PACKAGE_DIR / "templates")),
        autoescape=True,
        app_key=JINJA,
    )


def render(
    request: web.Request, template: str, principal: Principal | None, **extra: Any
) -> web.Response:
    """A desk page with the common context: words, user, CSRF token, roles for the menu."""
    return _render(request, template, principal, **extra)


def _render(
    request: web.Request, template: str, principal: Principal | None, **extra: Any
) -> web.Response:
    lang = language(request.query.get("lang") or request.cookies.get(LANG_COOKIE))
    # The management pages' words sit in their own catalogue, over the desk's.
    catalogue = {**MESSAGES["zh"], **MANAGE_MESSAGES["zh"], **ORDER_MESSAGES["zh"],
                 **MESSAGES[lang], **MANAGE_MESSAGES[lang], **ORDER_MESSAGES[lang]}  # fmt: skip
    context = {
        "t": lambda key: catalogue.get(key, key),
        "lang": lang,
        "other_lang": "en" if lang == "zh" else "zh",
        "user": principal,
        "platform_name": request.app[DESK].platforms.name_of,
        "csrf_token": principal.csrf_token if principal else "",
        "messages_json": json.dumps(catalogue, ensure_ascii=False),
        "order_types": [t.value for t in OrderType],
        "urgencies": [u.value for u in Urgency],
        "roles": PAGE_ROLES,
        **extra,
    }
    response = aiohttp_jinja2.render_template(template, request, context, app_key=JINJA)
    response.headers.update(SECURITY_HEADERS)
    response.headers["Cache-Control"] = "no-store"
    if "lang" in request.query:
        response.set_cookie(LANG_COOKIE, lang, samesite="Strict", path="/", httponly=True)
    return response


async def login_page(request: web.Request) -> web.Response:
    return _render(request, "login.html", None)


async def home(request: web.Request) -> web.Response:
    principal = await current_principal(request)
    if principal is None:
        raise web.HTTPFound("/desk/login")
    if principal.must_change_password:
        raise web.HTTPFound(PASSWORD_PAGE)
    raise web.HTTPFound(HOME[principal.role])


async def password_page(request: web.Request) -> web.Response:
    """Change one's own password (the only page a one-time password opens)."""
    principal = await current_principal(request)
    if principal is None:
        raise web.HTTPFound("/desk/login")
    return _render(request, "password.html", principal, page="password")


async def _page_data(request: web.Request, name: str, principal: Principal) -> dict[str, Any]:
    """What a page renders on the server besides the common context."""
    if name in ("console", "supervisor"):
        targets = request.app[DESK].directory.targets()
        return {"departments": sorted(targets, key=lambda t: (t.city, t.name))}
    if name == "calendar":
        desk = request.app[DESK]
        today = china(desk.clock.now()).date()
        # In December the year to check is the next one.
        default = today.year + 1 if today.month == 12 else today.year
        raw = request.query.get("year", "")
        year = int(raw) if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100 else default
        return {"calendar": year_to_json(desk.calendar, year, today),
                "can_edit": principal.role is Role.ADMIN}  # fmt: skip
    if name == "users":
        accounts = await request.app[DESK_TOOLS].users.accounts()
        names = {t.code: t.name for t in request.app[DESK].directory.targets()}
        return {"accounts": accounts, "all_roles": [r.value for r in Role], "names": names}
    return {}


def _page(name: str) -> Any:
    async def handler(request: web.Request) -> web.Response:
        principal = await current_principal(request)
        if principal is None:
            raise web.HTTPFound("/desk/login")
        if principal.must_change_password:
            raise web.HTTPFound(PASSWORD_PAGE)
        if principal.role not in PAGE_ROLES[name]:
            raise web.HTTPFound(HOME[principal.role])
        extra = await _page_data(request, name, principal)
        return _render(request, f"{name}.html", principal, page=name, **extra)

    return handler


def routes() -> list[web.RouteDef | web.StaticDef]:
    return [
        web.get("/desk", home),
        web.get("/desk/", home),
        web.get("/desk/login", login_page),
        web.get(PASSWORD_PAGE, password_page),
        web.get("/desk/console", _page("console")),
        web.get("/desk/inbox", _page("inbox")),
        web.get("/desk/supervisor", _page("supervisor")),
        web.get("/desk/departments", _page("departments")),
        web.get("/desk/kb", _page("kb")),
        web.get("/desk/users", _page("users")),
        web.get("/desk/calendar", _page("calendar")),
        web.static("/desk/static", PACKAGE_DIR / "static"),
    ]
