"""The operator's callback (回拨) of a missed caller, placed through ARI.

The desk asks through `ivr.ports.CallControl.originate_callback`. The operator's own
phone rings first (POST /channels to the seat endpoint, app args `callback`); once the
operator picks up and the channel is in our app, the caller's number is dialled through
the trunk and both are bridged until either hangs up. The attempt is noted on today's
callback-list entry for that number, and closes it when the caller answered. While the
callback runs the seat is on a break, so the queue does not ring it meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from dataclasses import dataclass

from base.clock import CHINA_TZ, Clock
from base.errors import HotlineError, InvalidInput
from ivr.ari import AriClient, AriError, ChannelDispatcher
from ivr.flow.bridging import bridge_and_wait
from ivr.flow.session import CallerHungUp, CallSession
from routing import CallbackList, Presence, SeatState, SeatStateConflict, SitesConfig

logger = logging.getLogger(__name__)

CALLBACK_ARGS = "callback"  # the controller ignores StasisStart of channels with these args
DEFAULT_TRUNK = "PJSIP/{number}@trunk"
NUMBER = re.compile(r"\+?[0-9]{3,20}")
ENDPOINT = re.compile(r"[A-Za-z0-9]+/\S+")
CALLBACK_BREAK = "callback"


class TransferUnsupported(HotlineError):
    status = 501
    code = "call-transfer-unsupported"


@dataclass(slots=True)
class CallbackAttempt:
    """One callback: where it stands, and how it ended."""

    id: str
    from_endpoint: str
    to_number: str
    note: str
    state: str = "ringing_seat"  # ringing_seat, ringing_caller, talking, ended
    result: str = ""  # answered, seat_unanswered, BUSY, NOANSWER, CHANUNAVAIL, ...
    talk_s: int | None = None
    callback_entry: int | None = None


class CallbackDialer:
    """Places operators' callbacks; the desk's `CallControl` for `originate_callback`."""

    def __init__(
        self,
        *,
        ari: AriClient,
        dispatcher: ChannelDispatcher,
        clock: Clock,
        callbacks: CallbackList,
        sites: SitesConfig,
        presence: Presence | None = None,
        trunk: str = DEFAULT_TRUNK,
        caller_id: str = "12345",
        ring_s: float = 30.0,
    ) -> None:
        self._ari = ari
        self._dispatcher = dispatcher
        self._clock = clock
        self._callbacks = callbacks
        self._sites = sites
        self._presence = presence
        self._trunk = trunk
        self._caller_id = caller_id
        self._ring_s = ring_s
        self._attempts: dict[str, CallbackAttempt] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    async def transfer_to_department(self, *, call_id: str, department_code: str) -> None:
        raise TransferUnsupported(
            "transferring a live call from the desk is not available yet",
            details={"call": call_id, "department": department_code},
        )

    async def originate_callback(self, *, from_endpoint: str, to_number: str, note: str) -> str:
        """Ring the operator's phone, then the caller; returns the callback's id at once."""
        if not ENDPOINT.fullmatch(from_endpoint):
            raise InvalidInput(f"{from_endpoint!r} is not an endpoint (TECH/resource)")
        if not NUMBER.fullmatch(to_number):
            raise InvalidInput(f"{to_number!r} is not a telephone number")
        seat = self._sites.seat_by_endpoint(from_endpoint)
        on_break = seat is not None and await self._seat_on_break(seat.id)
        attempt = CallbackAttempt(
            id=f"cb-{uuid.uuid4().hex}", from_endpoint=from_endpoint, to_number=to_number,
            note=note,
        )  # fmt: skip
        session = CallSession(
            ari=self._ari,
            dispatcher=self._dispatcher,
            clock=self._clock,
            channel_id=attempt.id,
            app=self._ari.app,
        )
        try:
            # Subscribed (by the session) before the request: the StasisStart of the
            # answered seat may overtake the HTTP reply.
            await self._ari.originate(
                endpoint=from_endpoint, app_args=CALLBACK_ARGS, caller_id=to_number,
                timeout=int(self._ring_s), channel_id=attempt.id,
            )  # fmt: skip
        except AriError:
            session.close()
            if on_break and seat is not None:
                await self._seat_back(seat.id)
            raise
        self._attempts[attempt.id] = attempt
        by = seat.id if seat is not None else from_endpoint
        task = asyncio.create_task(
            self._run(attempt, session, by, seat.id if on_break and seat else None),
            name=f"callback-{attempt.id}",
        )
        self._tasks[attempt.id] = task
        task.add_done_callback(lambda _: self._tasks.pop(attempt.id, None))
        logger.info("%s: callback from %s to %s", attempt.id, from_endpoint, to_number)
        return attempt.id

    def attempt(self, callback_id: str) -> CallbackAttempt | None:
        return self._attempts.get(callback_id)

    async def wait(self, callback_id: str) -> CallbackAttempt | None:
        """Wait until the callback has ended (tests, and the desk's follow-up)."""
        task = self._tasks.get(callback_id)
        if task is not None:
            await asyncio.gather(task, return_exceptions=True)
        return self._attempts.get(callback_id)

    async def close(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    async def _seat_on_break(self, seat_id: str) -> bool:
        """Keep the queue off the seat during the callback; True if we put it on a break."""
        if self._presence is None:
            return False
        seat = await self._presence.seat(seat_id)
        if seat.state in (SeatState.RINGING, SeatState.ON_CALL):
            raise SeatStateConflict(
                f"seat {seat_id} is {seat.state}: finish that call first",
                details={"seat": seat_id, "state": seat.state.value},
            )
        if seat.state in (SeatState.AVAILABLE, SeatState.WRAP_UP):
            await self._presence.take_break(seat_id, reason=CALLBACK_BREAK)
            return True
        return False

    async def _seat_back(self, seat_id: str) -> None:
        if self._presence is None:
            return
        current = await self._presence.seat(seat_id)
        if current.state is SeatState.BREAK and current.reason == CALLBACK_BREAK:
            await self._presence.available(seat_id)

    async def _run(
        self, attempt: CallbackAttempt, session: CallSession, by: str, seat_on_break: str | None
    ) -> None:
        try:
            await self._call(attempt, session)
        except CallerHungUp:
            # the operator's phone did not answer, or the operator hung up
            if not attempt.result:
                reached = attempt.state != "ringing_seat"
                attempt.result = "operator_hung_up" if reached else "seat_unanswered"
        finally:
            reached_caller = attempt.state != "ringing_seat"
            attempt.state = "ended"
            await session.hang_up()
            session.close()
            if seat_on_break is not None:
                await self._seat_back(seat_on_break)
            if reached_caller:
                await self._note(attempt, by)
            logger.info("%s: callback ended: %s", attempt.id, attempt.result)

    async def _call(self, attempt: CallbackAttempt, session: CallSession) -> None:
        if not await session.wait_until(lambda: session.in_stasis, self._ring_s + 5.0):
            attempt.result = "seat_unanswered"
            return
        attempt.state = "ringing_caller"
        leg = await session.dial(
            self._trunk.format(number=attempt.to_number),
            timeout_s=self._ring_s,
            caller_id=self._caller_id,
        )
        attempt.result = "answered" if leg.answered else leg.dialstatus
        if not leg.answered:
            return

        def talking() -> None:
            attempt.state = "talking"

        def ended(seconds: float) -> None:
            attempt.talk_s = int(seconds)

        await bridge_and_wait(session, leg, on_bridged=talking, on_ended=ended)

    async def _note(self, attempt: CallbackAttempt, by: str) -> None:
        day = self._clock.now().astimezone(CHINA_TZ).date()
        entry = await self._callbacks.entry_for(attempt.to_number, day)
        if entry is None:
            return  # a callback of a number that is not on today's list
        answered = attempt.result == "answered"
        outcome = "已接通" if answered else f"未接通（{attempt.result}）"
        note = f"{attempt.note}；{outcome}" if attempt.note else outcome
        await self._callbacks.record_attempt(entry.id, by=by, note=note, done=answered)
        attempt.callback_entry = entry.id
