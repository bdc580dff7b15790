"""The holiday calendar (节假日安排): supervisors read it, admins enter next year's days.

Each change is audited and reloads the shared `WorkingCalendar` at once, so deadlines
computed after it follow the new days.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from aiohttp import web

from agent_desk import audit
from agent_desk.desk import DESK
from agent_desk.http.common import json_body, text_field
from agent_desk.permissions import Action, authorize
from agent_desk.timeutil import china
from base.calendar_store import parse_entry
from base.errors import InvalidInput
from base.workdays import WorkingCalendar

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_CSV = 200_000  # characters: a year is ~40 rows


def _year(request: web.Request) -> int:
    raw = request.match_info["year"]
    if not (raw.isascii() and raw.isdigit()) or not FIRST_YEAR <= int(raw) <= LAST_YEAR:
        raise InvalidInput(f"year must be from {FIRST_YEAR} to {LAST_YEAR}")
    return int(raw)


def _day(request: web.Request) -> date:
    raw = request.match_info["day"]
    try:
        day = date.fromisoformat(raw) if raw.isascii() and len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(f"day {raw[:20]!r} is not a date YYYY-MM-DD from {FIRST_YEAR}")
    return day


def year_to_json(calendar: WorkingCalendar, year: int, today: date) -> dict[str, Any]:
    first = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - first).days
    return {
        "year": year,
        "known": calendar.has_year(year),
        "fallback": "" if calendar.has_year(year) else "monday-friday",
        "working_days": sum(calendar.is_working_day(first + timedelta(n)) for n in range(days)),
        "warning": calendar.missing_year_warning(today),
        "days": [
            {"date": e.day.isoformat(), "kind": e.kind.value, "name": e.name}
            for e in calendar.entries(year)
        ],
    }


async def show_year(request: web.Request) -> web.Response:
    await authorize(request, Action.CALENDAR_READ)
    desk = request.app[DESK]
    year = _year(request)
    today = china(desk.clock.now()).date()
    return web.json_response(year_to_json(desk.calendar, year, today))


async def _audit(request: web.Request, actor: str, action: str, target: str, detail: str) -> None:
    desk = request.app[DESK]
    async with desk.sessions() as session:
        audit.record(session, at=china(desk.clock.now()), actor=actor, action=action,
                     target=target[:100], detail=detail[:200])  # fmt: skip
        await session.commit()


async def put_day(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.CALENDAR_MANAGE)
    day = _day(request)
    body = await json_body(request)
    kind = text_field(body, "kind", required=True, max_length=20) or ""
    name = text_field(body, "name", max_length=100) or ""
    entry = parse_entry(day.isoformat(), kind, name)
    await request.app[DESK].calendar_store.save([entry], actor=principal.name)
    await _audit(request, principal.name, "calendar.set", day.isoformat(), entry.kind.value)
    return web.json_response({"date": day.isoformat(), "kind": entry.kind.value, "name": name})


async def delete_day(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.CALENDAR_MANAGE)
    day = _day(request)
    removed = await request.app[DESK].calendar_store.remove(day)
    if removed:
        await _audit(request, principal.name, "calendar.remove", day.isoformat(), "")
    return web.json_response({"date": day.isoformat(), "removed": removed})


async def import_days(request: web.Request) -> web.Response:
    """CSV `date,kind,name` in a JSON body: the good rows are saved, the bad ones listed."""
    principal = await authorize(request, Action.CALENDAR_MANAGE)
    body = await json_body(request)
    text = text_field(body, "csv", required=True, max_length=MAX_CSV) or ""
    report = await request.app[DESK].calendar_store.import_csv(text, actor=principal.name)
    if report.saved:
        years = ",".join(str(y) for y in sorted(report.years))
        await _audit(request, principal.name, "calendar.import", years, f"{report.saved} days")
    return web.json_response({
        "saved": report.saved,
        "years": sorted(report.years),
        "errors": [{"line": line, "reason": reason} for line, reason in report.errors],
    })  # fmt: skip


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/calendar/years/{year}", show_year),
        web.put("/api/calendar/days/{day}", put_day),
        web.delete("/api/calendar/days/{day}", delete_day),
        web.post("/api/calendar/import", import_days),
    ]
