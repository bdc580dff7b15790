"""Wiring of the desk into an aiohttp application (the composition root calls this)."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import ClientSession, web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.auth import AuthPolicy, AuthService, Passwords
from agent_desk.citizen import CitizenOutbox
from agent_desk.desk import DESK, Desk
from agent_desk.desk_tools import DESK_TOOLS, build_tools
from agent_desk.http import (
    api_auth,
    api_calendar,
    api_callback_list,
    api_calls,
    api_departments,
    api_desk,
    api_inbox,
    api_intake_sms,
    api_integrations,
    api_kb_edit,
    api_my_seat,
    api_orders,
    api_quality,
    api_seats,
    api_users_admin,
    api_voicemails,
    openapi,
    pages,
    pages_calls,
    pages_integrations,
    pages_orders,
    pages_supervision,
    public_intake,
)
from agent_desk.intake import CitizenIntake, ProofOfWork, PublicIntake, RateLimit
from agent_desk.integrations import ApiClients, RetryPolicy, WebhookDispatcher, delivery_context
from agent_desk.integrations.audit_calls import api_call_audit
from agent_desk.integrations.url_policy import UrlPolicy
from agent_desk.integrations.webhooks import Webhooks
from agent_desk.kb import KnowledgeBase
from agent_desk.notifier import Notifier
from agent_desk.orders import DeadlinePolicy, DeadlineTable, OrderService
from agent_desk.orders.hops import PlatformHops
from agent_desk.platform_filing import department_platform
from agent_desk.quality import QualityDesk
from agent_desk.seat_occupants import SeatOccupants
from agent_desk.stats.http import stats_routes
from agent_desk.voicemails import VoicemailInbox
from base.calendar_store import CalendarStore
from base.clock import Clock
from base.config import Settings
from base.input_limits import input_limits_middleware
from base.web import error_middleware
from base.workdays import WorkingCalendar
from directory import DirectoryService
from directory import http as directory_http
from ivr.ports import CallControl
from routing.platforms import PlatformTree


def build_desk(
    *,
    sessions: async_sessionmaker[AsyncSession],
    directory: DirectoryService,
    clock: Clock,
    calendar: WorkingCalendar,
    settings: Settings,
    call_control: CallControl | None = None,
    deadline_table: DeadlineTable | None = None,
    passwords: Passwords | None = None,
    auth_policy: AuthPolicy | None = None,
    notifier: Notifier | None = None,
    platforms: PlatformTree | None = None,
) -> Desk:
    """The desk's services, sharing one notifier."""
    notifier = notifier or Notifier()
    platforms = platforms or PlatformTree()
    policy = DeadlinePolicy(table=deadline_table or DeadlineTable(), calendar=calendar)
    webhooks = Webhooks(
        sessions=sessions,
        clock=clock,
        deadlines=policy,
        url_policy=UrlPolicy.from_setting(settings.webhook_allowed_hosts),
    )
    citizen = (
        CitizenOutbox(follow_url=f"{settings.base_url}/follow")
        if settings.citizen_messages
        else None
    )
    hops = PlatformHops(platforms, department_platform(directory, platforms))
    orders = OrderService(sessions=sessions, clock=clock, deadlines=policy, notifier=notifier,
                          listener=citizen, on_moved=webhooks.order_moved,
                          hops=hops)  # fmt: skip
    return Desk(
        sessions=sessions,
        clock=clock,
        directory=directory,
        auth=AuthService(
            sessions=sessions,
            clock=clock,
            passwords=passwords or Passwords(),
            policy=auth_policy,
            on_sessions_ended=notifier.sessions_ended,
            platforms=platforms,
        ),
        orders=orders,
        voicemails=VoicemailInbox(sessions=sessions, clock=clock, orders=orders, notifier=notifier),
        kb=KnowledgeBase(sessions=sessions, clock=clock),
        notifier=notifier,
        call_control=call_control,
        https=settings.public_url.startswith("https://"),
        occupants=SeatOccupants(sessions),
        quality=QualityDesk(sessions=sessions, clock=clock),
        platforms=platforms,
        api_clients=ApiClients(sessions=sessions, clock=clock),
        webhooks=webhooks,
        calendar=calendar,
        calendar_store=CalendarStore(sessions=sessions, calendar=calendar, clock=clock),
        intake=public_intake_for(sessions=sessions, orders=orders, clock=clock, settings=settings),
    )


def public_intake_for(
    *,
    sessions: async_sessionmaker[AsyncSession],
    orders: OrderService,
    clock: Clock,
    settings: Settings,
) -> PublicIntake:
    """The citizen's intake with its guards, as the settings say."""
    window = timedelta(hours=settings.intake_duplicate_hours)
    intake = CitizenIntake(sessions=sessions, orders=orders, clock=clock, duplicate_window=window)
    return PublicIntake(
        intake=intake,
        proof_of_work=ProofOfWork(sessions=sessions, clock=clock, bits=settings.report_pow_bits),
        report_limit=RateLimit(
            sessions=sessions,
            clock=clock,
            name="report",
            limit=settings.report_rate_limit,
            window_s=3600,
        ),
        follow_limit=RateLimit(
            sessions=sessions,
            clock=clock,
            name="follow",
            limit=settings.report_rate_limit * 6,
            window_s=3600,
        ),
        sms_secret=settings.sms_webhook_secret,
    )


async def _release_event_streams(app: web.Application) -> None:
    # Open SSE responses would otherwise hold the shutdown until its timeout.
    app[DESK].closing.set()


def install_desk(app: web.Application, desk: Desk, *, passwords: Passwords | None = None) -> None:
    """Add the desk's API, pages and static files to `app` (which has error_middleware).

    `passwords` hashes the one-time passwords of password resets (default: argon2's own
    parameters, as sign-in uses).
    """
    app[DESK] = desk
    app[DESK_TOOLS] = build_tools(desk, passwords=passwords or Passwords())
    pages.setup(app)
    app.add_routes(
        [
            *openapi.routes(),
            *api_auth.routes(),
            *api_users_admin.routes(),
            *api_calendar.routes(),
            *api_inbox.routes(),  # before api_orders: /api/orders/page is not an order id
            *api_orders.routes(),
            *api_voicemails.routes(),
            *api_kb_edit.routes(),
            *api_departments.routes(),
            *api_calls.routes(),
            *api_quality.routes(),
            *api_desk.routes(),
            *pages.routes(),
            *pages_orders.routes(),
            *pages_calls.routes(),
            *pages_supervision.routes(),
            *stats_routes(),
            *api_seats.routes(),
            *api_my_seat.routes(),
            *api_callback_list.routes(),
            *api_integrations.routes(),
            *pages_integrations.routes(),
            *api_intake_sms.routes(),
            *public_intake.routes(),
        ]
    )
    app.middlewares.append(api_call_audit)  # inside error_middleware: sees the raised errors
    app.on_shutdown.append(_release_event_streams)


def install_webhook_delivery(
    app: web.Application, desk: Desk, *, policy: RetryPolicy | None = None
) -> None:
    """Deliver the webhook outbox while `app` runs (the composition root's choice: every
    HTTP server may, the leases keep them from sending one row at once)."""

    def build(http: ClientSession) -> WebhookDispatcher:
        return WebhookDispatcher(sessions=desk.sessions, clock=desk.clock,
                                 webhooks=desk.webhooks, http=http, policy=policy)  # fmt: skip

    app.cleanup_ctx.append(delivery_context(build, desk.notifier, desk.webhooks.url_policy))


def build_desk_app(
    *,
    sessions: async_sessionmaker[AsyncSession],
    directory: DirectoryService,
    clock: Clock,
    calendar: WorkingCalendar,
    settings: Settings,
    call_control: CallControl | None = None,
    passwords: Passwords | None = None,
    platforms: PlatformTree | None = None,
    webhook_policy: RetryPolicy | None = None,
    deliver_webhooks: bool = False,
) -> web.Application:
    """A standalone desk application (with the directory API the console uses): tests, demos.

    `deliver_webhooks` runs the outbox's dispatcher with the application."""
    app = web.Application(middlewares=[error_middleware, input_limits_middleware])
    app[directory_http.DIRECTORY_SERVICE] = directory
    app[directory_http.DIRECTORY_CLOCK] = clock
    app.add_routes(directory_http.routes())
    desk = build_desk(
        sessions=sessions, directory=directory, clock=clock, calendar=calendar,
        settings=settings, call_control=call_control, passwords=passwords,
        platforms=platforms,
    )  # fmt: skip
    install_desk(app, desk, passwords=passwords)
    if deliver_webhooks:
        install_webhook_delivery(app, desk, policy=webhook_policy)
    return app
