"""Routing for one controller process: sites, live store, presence, queue, callback list.

The store is in-process by default and Redis (with the local fallback of
`ResilientStore`) when `HOTLINE_REDIS_URL` is set; the sites come from
`HOTLINE_SITES_FILE` or the packaged sample. The embedded demo signs seats in at start-up
so callers reach someone; in production operators sign in at the desk.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.clock import Clock
from base.config import Settings
from base.journal import Journal
from ivr.ari import AriClient, ChannelDispatcher
from ivr.callbacks import CallbackDialer
from ivr.flow.context import OperatorHandoff
from ivr.flow.queue_handoff import QueueHandoff, resolve_site
from ivr.presence_sync import PresenceSync
from routing import (
    DEFAULT_SITES_FILE,
    CallbackList,
    InMemoryStore,
    LiveStore,
    OperatorQueue,
    PlatformTree,
    Presence,
    RedisStore,
    ResilientStore,
    SeatJournal,
    SeatState,
    Site,
    SitesConfig,
    load_sites,
    platform_tree,
)

logger = logging.getLogger(__name__)

# A seat plan maps a site id to how many of its seats are signed in at start-up; sites
# it does not name have all their seats signed in. ALL_SEATS is the embedded demo's.
ALL_SEATS: Mapping[str, int] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Routing:
    """The routing objects a controller process shares between its calls."""

    sites: SitesConfig
    home: Site
    store: LiveStore
    presence: Presence
    queue: OperatorQueue
    callbacks: CallbackList
    journal: SeatJournal  # every presence change, for the time-per-state figures


def sites_file(settings: Settings) -> Path:
    return Path(settings.sites_file) if settings.sites_file else DEFAULT_SITES_FILE


def home_site_id(settings: Settings) -> str:
    """The site id of the controller's city (`home_city` may name it `临江市`): the one key
    call records, the queue and the statistics file a city under."""
    try:
        return resolve_site(load_sites(sites_file(settings)), settings.home_city).id
    except KeyError:
        logger.warning("home city %r is not in the sites file", settings.home_city)
        return settings.home_city


def platforms_for(settings: Settings) -> PlatformTree:
    """The platform tree of the sites file, filing what has no origin under the home city."""
    return platform_tree(load_sites(sites_file(settings)), default=home_site_id(settings))


def build_store(settings: Settings, clock: Clock) -> LiveStore:
    if settings.redis_url:
        return ResilientStore(primary=RedisStore(url=settings.redis_url, clock=clock), clock=clock)
    return InMemoryStore(clock=clock)


@asynccontextmanager
async def own_store(settings: Settings, clock: Clock) -> AsyncIterator[LiveStore]:
    """A live store of its own (for checkpoints when no routing runs), closed on exit."""
    store = build_store(settings, clock)
    try:
        yield store
    finally:
        await store.close()


async def sign_in_seats(routing: Routing, plan: Mapping[str, int]) -> list[str]:
    """Make the planned number of each site's seats available; returns their ids."""
    signed_in: list[str] = []
    for site in routing.sites.sites:
        enabled = [seat for seat in site.seats if seat.enabled]
        for seat in enabled[: plan.get(site.id, len(enabled))]:
            record = await routing.presence.seat(seat.id)
            if record.state is SeatState.OFFLINE:
                await routing.presence.sign_in(seat.id)
            elif record.state in (SeatState.BREAK, SeatState.WRAP_UP):
                await routing.presence.available(seat.id)
            signed_in.append(seat.id)
    logger.info("%d seats signed in at start-up", len(signed_in))
    return signed_in


@asynccontextmanager
async def build_routing(
    settings: Settings,
    *,
    clock: Clock,
    sessions: async_sessionmaker[AsyncSession],
    seat_plan: Mapping[str, int] | None = None,
    store: LiveStore | None = None,
    journal: Journal | None = None,
) -> AsyncIterator[Routing]:
    """Load the sites, open the store, define the seats (and sign in `seat_plan`'s).

    With a `journal`, callback requests from the queue go through it (docs/durability.md).
    """
    sites = load_sites(sites_file(settings))
    home = resolve_site(sites, settings.home_city)
    live = store or build_store(settings, clock)
    seat_journal = SeatJournal(sessions)
    presence = Presence(store=live, sites=sites, journal=seat_journal)
    routing = Routing(
        sites=sites,
        home=home,
        store=live,
        presence=presence,
        queue=OperatorQueue(store=live, sites=sites, clock=clock, journal=seat_journal),
        callbacks=CallbackList(sessions=sessions, clock=clock, journal=journal),
        journal=seat_journal,
    )
    try:
        async with seat_journal.running():
            await presence.define_seats()
            if seat_plan is not None:
                await sign_in_seats(routing, seat_plan)
            yield routing
    finally:
        if store is None:
            await live.close()


def queue_handoff(routing: Routing, *, clock: Clock, max_wait_s: float = 300.0) -> QueueHandoff:
    return QueueHandoff(
        queue=routing.queue,
        callbacks=routing.callbacks,
        sites=routing.sites,
        clock=clock,
        presence=routing.presence,
        max_wait_s=max_wait_s,
    )


@asynccontextmanager
async def operator_routing(
    settings: Settings,
    *,
    clock: Clock,
    sessions: async_sessionmaker[AsyncSession],
    operator: OperatorHandoff | None,
    routing: Routing | None,
    seat_plan: Mapping[str, int] | None,
    journal: Journal | None = None,
) -> AsyncIterator[tuple[OperatorHandoff, Routing | None]]:
    """The operator hand-off to use and the routing behind it.

    A hand-off passed in wins (tests use the general mailbox); a routing passed in is
    used as is (several controllers sharing one store); otherwise routing is built from
    the settings and closed on exit.
    """
    if operator is not None:
        yield operator, routing
        return
    if routing is not None:
        yield queue_handoff(routing, clock=clock, max_wait_s=settings.queue_max_wait_s), routing
        return
    async with build_routing(
        settings, clock=clock, sessions=sessions, seat_plan=seat_plan, journal=journal
    ) as built:
        yield queue_handoff(built, clock=clock, max_wait_s=settings.queue_max_wait_s), built


@asynccontextmanager
async def routing_services(
    routing: Routing | None, *, ari: AriClient, dispatcher: ChannelDispatcher, clock: Clock
) -> AsyncIterator[CallbackDialer | None]:
    """Presence following the seat endpoints, and the desk's callback dialer, while in use."""
    if routing is None:
        yield None
        return
    dialer = CallbackDialer(
        ari=ari,
        dispatcher=dispatcher,
        clock=clock,
        callbacks=routing.callbacks,
        sites=routing.sites,
        presence=routing.presence,
        caller_id=routing.home.hotline_numbers[0] if routing.home.hotline_numbers else "",
    )
    sync = PresenceSync(ari=ari, presence=routing.presence, sites=routing.sites, clock=clock)
    dispatcher.on_unrouted(sync.on_event)  # EndpointStateChange concerns no channel
    task = asyncio.create_task(sync.run(), name="presence-sync")
    try:
        yield dialer
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await dialer.close()
