"""After the message: the caller hears the number of the work order it was filed on.

The voicemail is journaled during the call and filed on an order by the journal's
writer a moment later, so the number is looked up for a short while (on the call's
clock) while the caller hears the thanks; a number not ready in time is not made up —
the caller is told nothing more, and gets it by SMS where they have a mobile.
"""

from __future__ import annotations

from ivr.flow.context import RunningCall
from ivr.ports import VoicemailOrderNumbers

WAIT_S = 3.0
POLL_S = 0.25
REPEAT_KEY = "1"
MAX_READINGS = 3
REPEAT_TIMEOUT_S = 4.0


async def _wait_for_number(
    flow: RunningCall, source: VoicemailOrderNumbers, recording_name: str
) -> str | None:
    clock = flow.services.clock
    deadline = clock.monotonic() + WAIT_S
    while True:
        number = await source.order_number_for_recording(recording_name)
        if number is not None or clock.monotonic() >= deadline:
            return number
        await clock.sleep(POLL_S)


async def read_order_number(flow: RunningCall, recording_name: str) -> None:
    """Read the order number; 1 repeats it (up to three readings in all)."""
    source = flow.services.order_numbers
    if source is None:
        return
    number = await _wait_for_number(flow, source, recording_name)
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
