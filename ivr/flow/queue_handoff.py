"""The operator hand-off over routing's queue: hold, ring seats, bridge, or leave early.

Routing decides (which seat rings, when a call overflows, who is next); this module
executes over ARI. A queued caller hears music with periodic place-in-line announcements
and may press 1 for the general mailbox or 2 for a callback. Every few seconds, and right
after a seat rang out, the queue is asked for a seat; an answered seat is bridged to the
caller until either hangs up. A caller who hangs up while queued goes on the callback list.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from base.clock import Clock
from ivr.call_records import (
    QUEUE_ABANDONED,
    QUEUE_CALLBACK,
    QUEUE_TIMEOUT_VOICEMAIL,
    QUEUE_VOICEMAIL,
)
from ivr.flow.bridging import bridge_and_wait
from ivr.flow.context import RunningCall
from ivr.flow.hold import (
    DEFAULT_HOLD_MUSIC,
    HOLD_MUSIC_S,
    QUEUE_OPTIONS,
    Hold,
    position_announcement,
)
from ivr.flow.quality import OPERATOR, bridge_recording
from ivr.flow.session import CallerHungUp
from ivr.flow.voicemail import leave_voicemail
from routing import (
    CallbackList,
    Offer,
    OperatorQueue,
    Presence,
    QueuedCall,
    QueueEntry,
    Site,
    SitesConfig,
)

logger = logging.getLogger(__name__)

VOICEMAIL_KEY = "1"
CALLBACK_KEY = "2"
CALLBACK_CONFIRMED = "已为您登记回电，工作人员将尽快给您回电，感谢您的来电，再见"
NO_CALLBACK_NUMBER = "对不起，无法获取您的来电号码，无法为您回电"
# A seat that says BUSY or is unreachable answers the same way a moment later: pause
# before asking again. A seat that rang out is different: the next seat rings at once.
RETRY_AT_ONCE = frozenset({"NOANSWER"})


def resolve_site(sites: SitesConfig, key: str) -> Site:
    """The site a controller serves, by id (`linjiang`) or by name (`临江市`)."""
    for site in sites.sites:
        if key in (site.id, site.name):
            return site
    known = ", ".join(f"{site.id} ({site.name})" for site in sites.sites)
    raise KeyError(f"no site {key!r} in the sites file; known: {known}")


class QueueHandoff:
    """`OperatorHandoff` through routing's `OperatorQueue`."""

    def __init__(
        self,
        *,
        queue: OperatorQueue,
        callbacks: CallbackList,
        sites: SitesConfig,
        clock: Clock,
        presence: Presence | None = None,
        ring_timeout_s: float = 15.0,
        poll_s: float = 2.0,
        announce_every_s: float = 30.0,
        max_wait_s: float = 300.0,
        hold_music: Sequence[str] = DEFAULT_HOLD_MUSIC,
    ) -> None:
        self.queue = queue
        self.callbacks = callbacks
        self.sites = sites
        self.clock = clock
        self.presence = presence
        self.ring_timeout_s = ring_timeout_s
        self.poll_s = poll_s
        self.announce_every_s = announce_every_s
        self.max_wait_s = max_wait_s
        self.hold_music = tuple(hold_music)

    async def hand_off(self, flow: RunningCall) -> str:
        site = queue_site(self.sites, flow)
        call = QueuedCall(
            call_id=flow.log.call_id,
            caller=flow.log.caller_number,
            site=site.id,
            hotline_number=flow.log.hotline_number,
        )
        await self.queue.enqueue(call)
        flow.step("queued", site=site.id)
        return await _QueuedCaller(self, flow).run()


def queue_site(sites: SitesConfig, flow: RunningCall) -> Site:
    """Where the caller queues: the county whose own number they dialled (its seats, then
    its overflow neighbours), else the controller's site."""
    platform = flow.log.platform
    if platform and platform != flow.services.site:
        try:
            return sites.site(platform)
        except KeyError:
            pass
    return resolve_site(sites, flow.services.site)


class _QueuedCaller:
    """One caller's stay in the queue, from enqueue to the outcome."""

    def __init__(self, handoff: QueueHandoff, flow: RunningCall) -> None:
        self.handoff = handoff
        self.flow = flow
        self.session = flow.session
        self.call_id = flow.log.call_id
        self.hold = Hold(flow.session, music=handoff.hold_music)
        self.left_queue = False
        self.told_overflow = False

    async def run(self) -> str:
        try:
            return await self._wait()
        except CallerHungUp:
            if not self.left_queue:
                await self._abandoned()
            raise

    async def _abandoned(self) -> None:
        self.left_queue = True
        entry = await self.handoff.queue.abandoned(self.call_id)
        if entry is not None:
            self.flow.log.queue_left(QUEUE_ABANDONED, wait_s=self._waited(entry))
            added = await self.handoff.callbacks.keep_from_queue(entry, requested=False)
            self.flow.step("abandoned_in_queue", callback=added)

    def _waited(self, entry: QueueEntry) -> float:
        """Seconds the caller spent in the queue, on routing's clock (shared by controllers)."""
        return self.handoff.clock.now().timestamp() - entry.enqueued_at

    async def _wait(self) -> str:
        handoff, flow, session = self.handoff, self.flow, self.session
        clock = handoff.clock
        started = clock.monotonic()
        give_up_at = started + handoff.max_wait_s
        self.hold.use_music(
            await flow.services.voice.music(handoff.hold_music, seconds=HOLD_MUSIC_S)
        )
        await self.hold.announce(
            await flow.services.voice.media(
                flow.profile.catalog.text("operator_queue"), QUEUE_OPTIONS
            )
        )
        next_announcement = started + handoff.announce_every_s
        pause_until = 0.0
        while True:
            now = clock.monotonic()
            if now >= pause_until:
                offer = await handoff.queue.next_offer(self.call_id)
                if offer is not None:
                    status = await self._ring(offer)
                    if status == "ANSWER":
                        return "operator"
                    if status not in RETRY_AT_ONCE:
                        pause_until = clock.monotonic() + handoff.poll_s
                    continue
            now = clock.monotonic()
            if now >= give_up_at:
                flow.step("queue_timeout", waited_s=round(now - started, 1))
                return await self._voicemail("queue_timeout", QUEUE_TIMEOUT_VOICEMAIL)
            if now >= next_announcement:
                await self._announce_position()
                next_announcement = now + handoff.announce_every_s
            await self.hold.keep_up()
            wake_at = min(now + handoff.poll_s, give_up_at, next_announcement)
            await session.wait_until(
                lambda: session.has_digits() or self.hold.needs_attention(),
                max(0.0, wake_at - clock.monotonic()),
            )
            key = session.take_digit()
            if key == VOICEMAIL_KEY:
                return await self._voicemail("queue_voicemail", QUEUE_VOICEMAIL)
            if key == CALLBACK_KEY:
                return await self._callback()

    async def _announce_position(self) -> None:
        queue, flow = self.handoff.queue, self.flow
        position = await queue.position(self.call_id)
        site = queue_site(self.handoff.sites, flow).id
        wait_s = await queue.expected_wait_s(site, self.call_id)
        texts = position_announcement(flow.profile.catalog, position - 1, wait_s)
        await self.hold.announce(await flow.services.voice.media(*texts))

    async def _ring(self, offer: Offer) -> str:
        """Ring the offered seat; on an answer, talk until the call ends. The dial status."""
        handoff, flow, session, log = self.handoff, self.flow, self.session, self.flow.log
        await self.hold.stop()
        if offer.overflowed and not self.told_overflow:
            self.told_overflow = True
            city = handoff.sites.site(offer.seat_site).name
            await flow.say(flow.profile.catalog.overflow(city))
        if offer.overflowed:
            log.queue_overflowed()
        leg = await session.dial(
            offer.endpoint, timeout_s=handoff.ring_timeout_s, caller_id=log.caller_number
        )
        log.dials.append({"endpoint": offer.endpoint, "dialstatus": leg.dialstatus})
        flow.step("seat_dial", seat=offer.seat_id, site=offer.seat_site,
                  origin_site=offer.origin_site, dialstatus=leg.dialstatus)  # fmt: skip
        if not leg.answered:
            await handoff.queue.ring_timed_out(self.call_id, offer.seat_id)
            if leg.dialstatus == "CHANUNAVAIL" and handoff.presence is not None:
                # An unreachable phone would be offered again and again: take the seat
                # out until presence sync sees its endpoint online.
                await handoff.presence.endpoint_state_changed(offer.endpoint, "offline")
            return leg.dialstatus
        connected = await handoff.queue.answered(self.call_id, offer.seat_id)
        self.left_queue = True
        log.queue_answered(handoff.clock.now(), wait_s=connected.queue_wait_s,
                           seat=offer.seat_id, overflow_to=offer.overflow_to)  # fmt: skip

        def bridged() -> None:
            flow.step("operator_bridged", seat=offer.seat_id, site=offer.seat_site,
                      origin_site=offer.origin_site, overflow_to=offer.overflow_to,
                      queue_wait_s=log.queue_wait_s)  # fmt: skip

        def ended(seconds: float) -> None:
            log.talk_s = int(seconds)

        try:
            await bridge_and_wait(session, leg, on_bridged=bridged, on_ended=ended,
                                  recorder=bridge_recording(flow, OPERATOR))  # fmt: skip
        finally:
            await handoff.queue.finished(self.call_id)
        return "ANSWER"

    async def _leave_queue(self, how: str) -> None:
        await self.hold.stop()
        self.left_queue = True
        entry = await self.handoff.queue.abandoned(self.call_id)
        if entry is not None:
            self.flow.log.queue_left(how, wait_s=self._waited(entry))

    async def _voicemail(self, reason: str, how: str | None) -> str:
        """Leave a message; `how` the queue outcome (None: the queue was left already)."""
        if how is not None:
            await self._leave_queue(how)
        flow = self.flow
        flow.voicemail_reason = reason
        flow.voicemail_mailbox = None
        await leave_voicemail(flow)
        return "voicemail" if flow.log.outcome == "voicemail" else "abandoned"

    async def _callback(self) -> str:
        await self.hold.stop()
        self.left_queue = True
        entry = await self.handoff.queue.abandoned(self.call_id)
        added = False
        if entry is not None:
            added = await self.handoff.callbacks.keep_from_queue(entry, requested=True)
        if not added:
            await self.flow.say(NO_CALLBACK_NUMBER)
            if entry is not None:
                self.flow.log.queue_left(QUEUE_VOICEMAIL, wait_s=self._waited(entry))
            return await self._voicemail("queue_voicemail", None)
        assert entry is not None  # added means it had an entry
        self.flow.log.queue_left(QUEUE_CALLBACK, wait_s=self._waited(entry))
        self.flow.step("callback_requested", callback=True)
        await self.flow.say(CALLBACK_CONFIRMED)
        return "callback_requested"
