"""After the message: the caller hears the number of the work order it was filed on.

The voicemail is journaled during the call and filed on an order by the journal's
writer a moment later, so the number is looked up for a short while (on the call's
clock) while the caller hears the thanks; a number not ready in time is not made up —
the caller is told nothing more, and gets it by SMS where they have a mobile.
"""

from __future__ import annotations

import asyncio
import logging

from ivr.flow.call_objects import CallerHungUp
from ivr.flow.context import RunningCall
from ivr.ports import VoicemailOrderNumbers

logger = logging.getLogger(__name__)

WAIT_S = 3.0
POLL_S = 0.25
REPEAT_KEY = "1"
MAX_READINGS = 3
REPEAT_TIMEOUT_S = 4.0


async def _lookup(source: VoicemailOrderNumbers, recording_name: str) -> str | None:
    try:
        return await source.order_number_for_recording(recording_name)
    except Exception as exc:
        logger.warning("order number of %s not read: %s", recording_name, exc)
        return None


async def _wait_for_number(
    flow: RunningCall, source: VoicemailOrderNumbers, recording_name: str
) -> str | None:
    """The number, looked up every POLL_S for WAIT_S on the call's clock.

    A database that is locked or down does not hold the call: a lookup still running when
    the time is up is abandoned, and a caller who hangs up meanwhile ends the wait at once.
    """
    clock = flow.services.clock
    deadline = clock.monotonic() + WAIT_S
    lookup = asyncio.ensure_future(_lookup(source, recording_name))
    try:
        while True:
            if flow.session.hung_up:
                raise CallerHungUp(flow.session.channel_id)
            if lookup.done():
                number = lookup.result()
                if number is not None or clock.monotonic() >= deadline:
                    return number
                await clock.sleep(POLL_S)
                lookup = asyncio.ensure_future(_lookup(source, recording_name))
                continue
            remaining = deadline - clock.monotonic()
            if remaining <= 0:
                return None
            sleeper = asyncio.ensure_future(clock.sleep(min(POLL_S, remaining)))
            try:
                await asyncio.wait({lookup, sleeper}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                sleeper.cancel()
    finally:
        lookup.cancel()


async def read_order_number(flow: RunningCall, recording_name: str) -> None:
    """Read the order number; 1 repeats it (up to three readings in all)."""
    source = flow.services.order_numbers
    if source is None:
        return
    number = await _wait_for_number(flow, source, recording_name)
    flow.session.waited_on_purpose()
    if number is None:
        flow.step("order_number_pending", recording=recording_name)
        return
    flow.step("order_number", order=number)
    text = flow.profile.catalog.order_number_is(number)
    for _reading in range(MAX_READINGS):
        key = await flow.ask(
            text, max_digits=1, stop_on=REPEAT_KEY, first_timeout_s=REPEAT_TIMEOUT_S
        )
        if key != REPEAT_KEY:
            return
