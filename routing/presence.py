"""Seat presence (坐席状态): sign in and out, breaks, calls, wrap-up, endpoint state.

Operators change their presence at the desk; the controller reports calls and the ARI
endpoint states. Wrap-up needs no timer: the store treats a wrap-up whose configured
seconds have passed as an available seat, in every process alike.
"""

from __future__ import annotations

import logging
from typing import Literal

from base.errors import HotlineError, NotFound
from routing.seat_journal import SeatJournal, noted
from routing.sites import SitesConfig
from routing.store.base import LiveStore, SeatRecord, SeatState

log = logging.getLogger(__name__)

S = SeatState
SIGNED_OUT = "signed_out"
ENDPOINT_OFFLINE = "endpoint"


class SeatStateConflict(HotlineError):
    """The seat cannot make that change from the state it is in."""

    status = 409
    code = "seat-state-conflict"


class Presence:
    """Changes seat presence with the allowed transitions, through the live store."""

    def __init__(
        self, *, store: LiveStore, sites: SitesConfig, journal: SeatJournal | None = None
    ) -> None:
        self._store = store
        self._sites = sites
        self._journal = journal

    def _noted(self, record: SeatRecord | None) -> SeatRecord | None:
        return noted(self._journal, record)

    async def define_seats(self) -> None:
        """Put every enabled seat of the sites file in the store (new ones start offline)."""
        for site in self._sites.sites:
            for seat in site.seats:
                if seat.enabled:
                    await self._store.define_seat(
                        seat.id, site=site.id, skills=seat.skills, wrapup_s=site.wrapup_s
                    )

    async def seat(self, seat_id: str) -> SeatRecord:
        record = await self._store.seat(seat_id)
        if record is None:
            raise NotFound(f"no seat {seat_id!r}", details={"seat": seat_id})
        return record

    async def site_seats(self, site: str) -> list[SeatRecord]:
        return await self._store.site_seats(site)

    async def _move(
        self,
        seat_id: str,
        to: SeatState,
        allowed_from: set[SeatState],
        *,
        reason: str = "",
        expect_call: str | None = None,
    ) -> SeatRecord:
        moved = self._noted(
            await self._store.transition_seat(
                seat_id, to, allowed_from=allowed_from, expect_call=expect_call, reason=reason
            )
        )
        if moved is None:
            current = await self.seat(seat_id)
            raise SeatStateConflict(
                f"seat {seat_id} cannot go from {current.state} to {to}",
                details={"seat": seat_id, "state": current.state.value, "wanted": to.value},
            )
        log.info("seat %s: Transition -> %s (%s)", seat_id, to, reason or "-")
        return moved

    async def sign_in(self, seat_id: str) -> SeatRecord:
        return await self._move(seat_id, S.AVAILABLE, {S.OFFLINE})

    async def sign_out(self, seat_id: str) -> SeatRecord:
        return await self._move(
            seat_id, S.OFFLINE, {S.AVAILABLE, S.BREAK, S.WRAP_UP, S.OFFLINE}, reason=SIGNED_OUT
        )

    async def take_break(self, seat_id: str, reason: str = "break") -> SeatRecord:
        return await self._move(seat_id, S.BREAK, {S.AVAILABLE, S.WRAP_UP}, reason=reason)

    async def available(self, seat_id: str) -> SeatRecord:
        """Back from a break, or wrap-up ended early by the operator."""
        return await self._move(seat_id, S.AVAILABLE, {S.BREAK, S.WRAP_UP, S.AVAILABLE})

    async def on_call(self, seat_id: str, call_id: str) -> SeatRecord:
        return await self._move(seat_id, S.ON_CALL, {S.RINGING}, expect_call=call_id)

    async def wrap_up(self, seat_id: str, call_id: str) -> SeatRecord:
        return await self._move(seat_id, S.WRAP_UP, {S.ON_CALL, S.RINGING}, expect_call=call_id)

    async def endpoint_state_changed(
        self, endpoint: str, state: Literal["online", "offline"]
    ) -> SeatRecord | None:
        """Follow an ARI endpoint: offline takes its seat offline; back online, a seat the
        endpoint took offline is available again (a signed-out operator stays out)."""
        seat = self._sites.seat_by_endpoint(endpoint)
        if seat is None or not seat.enabled:
            return None
        if state == "offline":
            return self._noted(
                await self._store.transition_seat(
                    seat.id,
                    S.OFFLINE,
                    allowed_from={S.AVAILABLE, S.RINGING, S.WRAP_UP, S.BREAK},
                    reason=ENDPOINT_OFFLINE,
                )
            )
        current = await self._store.seat(seat.id)
        if current is None or current.reason != ENDPOINT_OFFLINE:
            return current
        return self._noted(
            await self._store.transition_seat(seat.id, S.AVAILABLE, allowed_from={S.OFFLINE})
        )
