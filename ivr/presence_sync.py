"""Seat presence follows the seats' phones: ARI endpoint states, polled and pushed.

Every `every_s` seconds `GET /endpoints` is read (it also catches up after a lost
WebSocket) and the app is subscribed to the seat endpoints, so an `EndpointStateChange`
(a phone unregistering, or registering again) reaches presence at once in between.
On Asterisk 22 a PJSIP endpoint with no registered phone cannot even be dialled
(`POST /channels/create` → 500 "Allocation failed"): such a seat must not be offered.
Presence decides what a state means (an offline phone takes its seat offline; back
online, only a seat the phone took offline becomes available again).
"""

from __future__ import annotations

import logging

from base.clock import Clock
from ivr.ari import AriClient, AriEvent, AriFailure, EndpointStateChange
from routing import Presence, SitesConfig

logger = logging.getLogger(__name__)


def endpoint_name(raw: dict[str, object]) -> str:
    return f"{raw.get('technology', '')}/{raw.get('resource', '')}"


class PresenceSync:
    """Reports the seat endpoints' online/offline state to `Presence`."""

    def __init__(
        self,
        *,
        ari: AriClient,
        presence: Presence,
        sites: SitesConfig,
        clock: Clock,
        every_s: float = 15.0,
    ) -> None:
        self._ari = ari
        self._presence = presence
        self._seat_endpoints = {
            seat.endpoint for site in sites.sites for seat in site.seats if seat.enabled
        }
        self._clock = clock
        self._every_s = every_s

    async def subscribe(self) -> None:
        """Ask for the seat endpoints' EndpointStateChange events (idempotent)."""
        if self._seat_endpoints:
            await self._ari.subscribe([f"endpoint:{e}" for e in sorted(self._seat_endpoints)])

    async def on_event(self, event: AriEvent) -> None:
        """An EndpointStateChange of a seat phone: tell presence now, not at the next poll."""
        if not isinstance(event, EndpointStateChange):
            return
        if event.endpoint not in self._seat_endpoints or event.state not in ("online", "offline"):
            return
        logger.info("seat endpoint %s is now %s", event.endpoint, event.state)
        await self._presence.endpoint_state_changed(
            event.endpoint, "online" if event.state == "online" else "offline"
        )

    async def sync_once(self) -> int:
        """Read every endpoint once; returns how many seat endpoints were reported.

        Every round reports every seat endpoint, not only changes: presence may have
        been changed meanwhile by others (the queue takes an unreachable seat offline).
        """
        reported = 0
        for raw in await self._ari.list_endpoints():
            name = endpoint_name(raw)
            state = raw.get("state")
            # Endpoints Asterisk does not know (never registered) are left alone, and
            # "unknown" says nothing either way.
            if name not in self._seat_endpoints or state not in ("online", "offline"):
                continue
            await self._presence.endpoint_state_changed(
                name, "online" if state == "online" else "offline"
            )
            reported += 1
            logger.debug("seat endpoint %s is %s", name, state)
        return reported

    async def run(self) -> None:
        """Sync until cancelled; an unreachable Asterisk is retried on the next round."""
        while True:
            try:
                await self.subscribe()
                await self.sync_once()
            except AriFailure as exc:
                logger.warning("presence sync: cannot read endpoints: %s", exc)
            await self._clock.sleep(self._every_s)
