"""The desk's services as one typed bundle, held in the aiohttp application under `DESK`."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.auth import AuthService
from agent_desk.intake import PublicIntake
from agent_desk.integrations.clients import ApiClients
from agent_desk.integrations.webhooks import Webhooks
from agent_desk.kb import KnowledgeBase
from agent_desk.notifier import Notifier
from agent_desk.orders import OrderService
from agent_desk.quality import QualityDesk
from agent_desk.seat_occupants import SeatOccupants
from agent_desk.seats import SeatDesk
from agent_desk.voicemails import VoicemailInbox
from base.calendar_store import CalendarStore
from base.clock import Clock
from base.workdays import WorkingCalendar
from directory import DirectoryService
from ivr.ports import CallControl
from routing.platforms import PlatformTree


@dataclass(slots=True)
class Desk:
    """Everything a desk handler needs; built once by `install_desk`."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    directory: DirectoryService
    auth: AuthService
    orders: OrderService
    voicemails: VoicemailInbox
    kb: KnowledgeBase
    notifier: Notifier
    call_control: CallControl | None
    https: bool  # served behind https: cookies get the Secure flag
    occupants: SeatOccupants  # who sits at which seat
    quality: QualityDesk  # 质检: recordings of bridged calls, supervisors only
    api_clients: ApiClients  # departments' systems (bearer tokens)
    webhooks: Webhooks  # departments' webhook endpoints and the outbox
    calendar: WorkingCalendar  # holidays: deadlines, and the wallboard's warning
    calendar_store: CalendarStore  # the admins' holidays page edits it
    closing: asyncio.Event = field(default_factory=asyncio.Event)
    seats: SeatDesk | None = None  # set by the composition root once routing runs
    intake: PublicIntake | None = None  # the citizen's form, follow page and SMS webhook
    # The platform tree (routing.platforms); empty: one platform, nothing scoped by it.
    platforms: PlatformTree = field(default_factory=PlatformTree)


DESK = web.AppKey("agent_desk", Desk)
