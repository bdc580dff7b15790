"""HTTP side of the statistics: JSON API, report downloads, live stream and pages.

Supervisors and admins only. The composition root may put a `LiveCallSource` in the app
under `LIVE_SOURCE`; without one the wallboard shows today's KPIs and says live state is
not connected.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from agent_desk.auth import Principal, Role
from agent_desk.desk import DESK
from agent_desk.errors import Forbidden, NotSignedIn, PasswordChangeRequired
from agent_desk.http.pages import JINJA, LANG_COOKIE, PAGE_ROLES, SECURITY_HEADERS
from agent_desk.i18n import MESSAGES, language, translator
from agent_desk.permissions import current_principal
from agent_desk.stats import charts
from agent_desk.stats.definitions import KPIS, Dimension
from agent_desk.stats.kpis import StatsService
from agent_desk.stats.live import LiveCallSource, wallboard
from agent_desk.stats.pdf import public_pdf, report_pdf
from agent_desk.stats.periods import (
    Period,
    PeriodInvalid,
    date_range,
    parse_day,
    parse_period,
    previous_period,
)
from agent_desk.stats.platform_scope import stats_platforms, whole_hotline
from agent_desk.stats.reports import Report, build_report, public_summary, report_csv
from agent_desk.stats.supervision import SupervisionService
from agent_desk.stats.targets import DEFAULT_TARGETS, Targets
from agent_desk.timeutil import china

logger = logging.getLogger(__name__)
LIVE_SOURCE = web.AppKey("stats_live_source", LiveCallSource)
STATS_TARGETS = web.AppKey("stats_targets", Targets)
STATS_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
PUSH_EVERY_S = 5.0
STATIC = Path(__file__).resolve().parent / "static"
REPORT_FORMATS = ("json", "csv", "pdf", "public")
STATIC_FILES = {"wallboard.js": "wallboard.js", "stats.css": "stats.css"}


async def _supervisor(request: web.Request) -> Principal:
    principal = await current_principal(request)
    if principal is None:
        raise NotSignedIn("sign in first")
    if principal.must_change_password:
        raise PasswordChangeRequired("change your one-time password first")
    if principal.role not in STATS_ROLES:
        raise Forbidden(f"a {principal.role.value} may not read statistics")
    return principal


def _stats(request: web.Request) -> StatsService:
    desk = request.app[DESK]
    return StatsService(sessions=desk.sessions, clock=desk.clock)


def _targets(request: web.Request) -> Targets:
    return request.app.get(STATS_TARGETS, DEFAULT_TARGETS)


def _department_names(request: web.Request, codes: Iterable[str]) -> dict[str, str]:
    """Department codes to names for charts and the PDF (a code the directory lost stays)."""
    directory = request.app[DESK].directory
    names = {}
    for code in codes:
        record = directory.get(code) if code else None
        if record is not None:
            names[code] = record.name
    return names


def _unit_namer(request: web.Request) -> Callable[[str | None], str]:
    """For the pages: a department's name by its code (a code the directory lost stays)."""
    directory = request.app[DESK].directory

    def name(code: str | None) -> str:
        record = directory.get(code) if code else None
        return record.name if record is not None else (code or "—")

    return name


def _report_names(request: web.Request, report: Report) -> dict[str, str]:
    codes = {str(row.key[0]) for row in report.dashboard.by_department.rows}
    codes.update(r.department_code for r in report.supervision.ranking)
    return _department_names(request, codes)


def _current_month(request: web.Request) -> Period:
    today = request.app[DESK].clock.now().date()
    return date_range(today.replace(day=1), today)


def _period(request: web.Request) -> Period:
    """?period=2026-Q3, or ?from=&to= (days, inclusive), or this month so far."""
    # Not stripped: "?period=%09" is a bad period (400), not "this month" (the spec's pattern).
    name = request.query.get("period", "")
    if name:
        return parse_period(name)
    start, end = request.query.get("from", "").strip(), request.query.get("to", "").strip()
    if start or end:
        if not (start and end):
            raise PeriodInvalid("give both from and to")
        return date_range(parse_day(start, "from"), parse_day(end, "to"))
    return _current_month(request)


def _dimensions(raw: str) -> tuple[Dimension, ...]:
    dims = []
    for part in filter(None, (p.strip() for p in raw.split(","))):
        try:
            dims.append(Dimension(part))
        except ValueError:
            allowed = ", ".join(d.value for d in Dimension)
            raise PeriodInvalid(f"group {part[:40]!r} is not one of {allowed}") from None
    if len(set(dims)) != len(dims) or len(dims) > 3:
        raise PeriodInvalid("group by up to three different dimensions")
    return tuple(dims)


async def kpis_api(request: web.Request) -> web.Response:
    principal = await _supervisor(request)
    platforms = stats_platforms(
        request.app[DESK].platforms, principal, request.query.get("platform", "").strip()
    )
    table = await _stats(request).kpis(
        _period(request), _dimensions(request.query.get("group", "")), platforms=platforms
    )
    return web.json_response(table.to_json())


async def seats_api(request: web.Request) -> web.Response:
    whole_hotline(await _supervisor(request))
    period = _period(request)
    seats = await _stats(request).seats(period)
    return web.json_response(
        {"period": period.name, "seats": [figures.to_json() for figures in seats.values()]}
    )


async def operators_api(request: web.Request) -> web.Response:
    whole_hotline(await _supervisor(request))
    period = _period(request)
    operators = await _stats(request).operators(period)
    return web.json_response(
        {"period": period.name, "operators": [figures.to_json() for figures in operators]}
    )


async def supervision_api(request: web.Request) -> web.Response:
    whole_hotline(await _supervisor(request))
    desk = request.app[DESK]
    service = SupervisionService(sessions=desk.sessions, clock=desk.clock)
    return web.json_response((await service.overview(_period(request))).to_json())


async def report_api(request: web.Request) -> web.Response:
    whole_hotline(await _supervisor(request))
    fmt = request.query.get("format", "json")
    if fmt not in REPORT_FORMATS:
        raise PeriodInvalid(f"format must be one of {', '.join(REPORT_FORMATS)}")
    desk = request.app[DESK]
    period = _period(request)
    report = await build_report(desk.sessions, desk.clock, period)
    filename = f"hotline-report-{period.name.replace('..', '_')}"
    if fmt == "csv":
        return web.Response(
            text=report_csv(report), content_type="text/csv", charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
        )  # fmt: skip
    if fmt == "pdf":
        names = _report_names(request, report)
        pdf = await asyncio.get_running_loop().run_in_executor(None, report_pdf, report, names)
        return web.Response(
            body=pdf, content_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{filename}.pdf"'},
        )  # fmt: skip
    if fmt == "public":
        return web.json_response(public_summary(report))
    return web.json_response(report.to_json())


async def _wallboard_json(request: web.Request) -> dict[str, Any]:
    desk = request.app[DESK]
    calendar_warning = desk.calendar.missing_year_warning(china(desk.clock.now()).date())
    return await wallboard(
        request.app.get(LIVE_SOURCE), _stats(request), desk.clock, _targets(request),
        warnings=[calendar_warning] if calendar_warning else [],
    )  # fmt: skip


async def live_api(request: web.Request) -> web.Response:
    whole_hotline(await _supervisor(request))
    return web.json_response(await _wallboard_json(request))


async def live_stream(request: web.Request) -> web.StreamResponse:
    """Server-sent events: the wallboard's JSON every few seconds until the browser leaves."""
    principal = whole_hotline(await _supervisor(request))
    desk = request.app[DESK]
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    try:
        await response.write(b"retry: 5000\n\n")
        while not desk.closing.is_set() and await desk.auth.still_valid(principal):
            data = json.dumps(await _wallboard_json(request), ensure_ascii=False)
            await response.write(f"event: wallboard\ndata: {data}\n\n".encode())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(desk.closing.wait(), PUSH_EVERY_S)
    except ConnectionResetError:
        logger.debug("wallboard stream of %s closed by the browser", principal.name)
    return response


def _render(
    request: web.Request, template: str, principal: Principal, **extra: Any
) -> web.Response:
    lang = language(request.query.get("lang") or request.cookies.get(LANG_COOKIE))
    context = {
        "t": translator(lang), "lang": lang, "other_lang": "en" if lang == "zh" else "zh",
        "user": principal, "csrf_token": principal.csrf_token,
        "messages_json": json.dumps(MESSAGES[lang], ensure_ascii=False), "roles": PAGE_ROLES,
        "kpis": KPIS, **extra,
    }  # fmt: skip
    response = aiohttp_jinja2.render_template(template, request, context, app_key=JINJA)
    response.headers.update(SECURITY_HEADERS)
    response.headers["Cache-Control"] = "no-store"
    return response


async def _whole_hotline_page(request: web.Request) -> Principal:
    """A page of the whole hotline's figures: a platform-bound supervisor goes to the desk."""
    principal = await _page_principal(request)
    if principal.platforms is not None:
        raise web.HTTPFound("/desk")
    return principal


async def _page_principal(request: web.Request) -> Principal:
    principal = await current_principal(request)
    if principal is None:
        raise web.HTTPFound("/desk/login")
    if principal.must_change_password:
        raise web.HTTPFound("/desk/password")
    if principal.role not in STATS_ROLES:
        raise web.HTTPFound("/desk")
    return principal


async def stats_page(request: web.Request) -> web.Response:
    principal = await _whole_hotline_page(request)
    desk = request.app[DESK]
    period = _period(request)
    stats = _stats(request)
    dashboard = await stats.dashboard(period)
    previous = previous_period(period)
    before = (await stats.kpis(previous)).total
    seats = await stats.seats(period)
    operators = await stats.operators(period)
    supervision = await SupervisionService(sessions=desk.sessions, clock=desk.clock).overview(
        period
    )

    names = _department_names(request, (str(row.key[0]) for row in dashboard.by_department.rows))

    def draw() -> dict[str, str]:
        return {
            "rates": charts.svg_data_uri(charts.headline_rates(dashboard.total)),
            "days": charts.svg_data_uri(charts.calls_by_day(dashboard.by_day)),
            "hours": charts.svg_data_uri(charts.arrival_curve(dashboard.by_hour)),
            "departments": charts.svg_data_uri(
                charts.department_bars(dashboard.by_department, "orders_on_time_rate", names=names)
            ),
        }

    images = await asyncio.get_running_loop().run_in_executor(None, draw)
    return _render(request, "stats/stats.html", principal, page="stats", period=period,
                   dashboard=dashboard, supervision=supervision, charts=images,
                   previous=previous, before=before, seats=seats, operators=operators,
                   targets=_targets(request), unit=_unit_namer(request))  # fmt: skip


async def reports_page(request: web.Request) -> web.Response:
    principal = await _whole_hotline_page(request)
    today = request.app[DESK].clock.now().date()
    last_month = today.replace(day=1) - timedelta(days=1)
    quarter = (today.month - 1) // 3 + 1
    periods = [
        f"{last_month.year}-{last_month.month:02d}",
        f"{today.year}-{today.month:02d}",
        f"{today.year}-Q{quarter}",
        f"{today.year}-H{1 if today.month <= 6 else 2}",
        f"{today.year}",
        f"{today.year - 1}",
    ]
    return _render(request, "stats/reports.html", principal, page="reports",
                   periods=[parse_period(p) for p in periods])  # fmt: skip


async def public_page(request: web.Request) -> web.Response:
    """The quarterly public summary (季度公示) as a page, or `&format=pdf` as a PDF."""
    principal = await _whole_hotline_page(request)
    desk = request.app[DESK]
    period = _period(request)
    summary = public_summary(await build_report(desk.sessions, desk.clock, period))
    if request.query.get("format") == "pdf":
        pdf = await asyncio.get_running_loop().run_in_executor(None, public_pdf, summary)
        filename = f"hotline-public-{period.name}.pdf"
        return web.Response(
            body=pdf, content_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )  # fmt: skip
    return _render(request, "stats/public.html", principal, page="reports", summary=summary)


async def wallboard_page(request: web.Request) -> web.Response:
    principal = await _whole_hotline_page(request)
    return _render(request, "stats/wallboard.html", principal, page="wallboard",
                   board=await _wallboard_json(request))  # fmt: skip


async def static_file(request: web.Request) -> web.FileResponse:
    name = STATIC_FILES[request.match_info["name"]]
    return web.FileResponse(STATIC / name, headers={"Cache-Control": "no-cache"})


def stats_routes() -> list[web.RouteDef]:
    return [
        web.get("/api/stats/kpis", kpis_api),
        web.get("/api/stats/seats", seats_api),
        web.get("/api/stats/operators", operators_api),
        web.get("/api/stats/supervision", supervision_api),
        web.get("/api/stats/report", report_api),
        web.get("/api/stats/live", live_api),
        web.get("/api/stats/live/stream", live_stream),
        web.get("/desk/stats", stats_page),
        web.get("/desk/reports", reports_page),
        web.get("/desk/reports/public", public_page),
        web.get("/desk/wallboard", wallboard_page),
        web.get("/desk/stats/{name:wallboard\\.js|stats\\.css}", static_file),
    ]
