"""Real calls for the statistics tests: one scripted day placed through the PBX simulator.

Every call goes through the controller, the operator queue and the call recorder, exactly
as in production; the simulator's clock runs `SPEED` times faster than real time, so the
waits below are simulated seconds. The seats are signed in and out between the phases so
that each call meets exactly the seats its scenario needs.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ivr.flow.context import Voice
from ivr.flow.hold import DEFAULT_HOLD_MUSIC, HOLD_MUSIC_S, QUEUE_OPTIONS
from ivr.flow.queue_handoff import CALLBACK_CONFIRMED
from ivr.live_transfer import transfer_live_call
from ivr.prompts import Hotline, PromptCatalog
from ivr.simulator import SimCall
from routing import SeatState
from tests.ivr.flow.conftest import Harness
from tests.ivr.flow.routing_harness import routing_of
from tests.ivr.flow.tones import write_tone

SEATS = ("lj-01", "lj-02", "qs-01")
# Talk times the seats keep (they hang up after these), by scenario.
TALK_5S, TALK_20S, TALK_OVERFLOW = 10, 20, 15
LIAISON_TALK = 10


@dataclass(frozen=True, slots=True)
class PlacedDay:
    """The records of the scripted day, by scenario name, and the IVR time before queueing."""

    records: dict[str, dict[str, Any]]
    ivr_s: float  # seconds from a call's start to its entering the queue (greeting, key 0)


def seat_endpoint(seat: str) -> str:
    return f"PJSIP/seat-{seat}"


async def only_signed_in(hotline: Harness, *seats: str) -> None:
    """Every test seat signed out, then `seats` signed in, in order, a simulated second
    apart: the first has been idle longest, so it rings first."""
    routing = routing_of(hotline)
    for seat in SEATS:
        await routing.presence.sign_out(seat)
    for seat in seats:
        await routing.presence.sign_in(seat)
        await hotline.clock.sleep(1.0)


async def _bridged(hotline: Harness, call: SimCall) -> None:
    async with asyncio.timeout(60):
        while True:
            flow = hotline.running.controller.flows.get(call.channel_id)
            if flow is not None and any(s["step"] == "operator_bridged" for s in flow.log.steps):
                return
            await asyncio.sleep(0.01)


def _step(record: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in record["steps"] if s["step"] == name)


async def warm_up(hotline: Harness) -> None:
    """Render what the queued callers hear before the day starts: at 25 times real speed a
    phrase synthesised mid-call would stretch a wait by simulated seconds."""
    renderer = hotline.running.renderer
    texts = {QUEUE_OPTIONS, CALLBACK_CONFIRMED, "预计等待不超过一分钟"}
    for number in Hotline:
        catalog = PromptCatalog(number)
        texts.update(catalog.fixed().values())
        texts.update(catalog.queue_position(ahead) for ahead in range(4))
        texts.update((catalog.overflow("青山市"), catalog.voicemail_saved(5)))
        texts.update((catalog.transferring("临江市公安局"), catalog.transferring("公安局")))
    await renderer.render_many(sorted(texts))
    voice = Voice(renderer=renderer, base_url=hotline.running.http_url)
    await voice.music(DEFAULT_HOLD_MUSIC, seconds=HOLD_MUSIC_S)


async def place_the_day(hotline: Harness, speech_dir: Path) -> PlacedDay:
    """Nine calls: answered in 5 s, answered in 20 s, abandoned after 25 s, overflowed,
    transferred by the operator, a voicemail from the queue (key 1, spoken), an empty
    voicemail (department busy, caller silent), a callback asked for (key 2) and a queue
    timeout to voicemail (silent). The hotline runs with `queue_max_wait_s=45`."""
    await warm_up(hotline)
    sim, routing = hotline.sim, routing_of(hotline)
    records: dict[str, dict[str, Any]] = {}

    # 1. answered in 5 s: one seat, ringing 5 s. The department call runs alongside.
    await only_signed_in(hotline, "lj-01")
    sim.set_endpoint(seat_endpoint("lj-01"), "answer:5", hangup_after=TALK_5S)
    sim.set_endpoint("PJSIP/lj-001-a", "busy")
    sim.set_endpoint("PJSIP/lj-001-b", "busy")
    empty = hotline.call(keys="425#", caller="13900000107", hangup_after=80)
    records["answered_5s"] = await hotline.record_of(
        hotline.call(keys="0", caller="13900000101", hangup_after=200)
    )
    records["empty_voicemail"] = await hotline.record_of(empty)
    ivr_s = float(_step(records["answered_5s"], "queued")["t"])

    # 2. answered in 20 s: the longest-idle seat rings out (15 s), the next answers in 5 s.
    await only_signed_in(hotline, "lj-01", "lj-02")
    sim.set_endpoint(seat_endpoint("lj-01"), "noanswer")
    sim.set_endpoint(seat_endpoint("lj-02"), "answer:5", hangup_after=TALK_20S)
    records["answered_20s"] = await hotline.record_of(
        hotline.call(keys="0", caller="13900000102", hangup_after=200)
    )

    # 3. nobody free: hang up after 25 s, key 1 after 6 s and speak, key 2 after 8 s, and
    #    one who waits out the queue's 45 s and says nothing.
    await only_signed_in(hotline)
    tone = write_tone(speech_dir / "message.wav", seconds=12.0)
    abandoned = hotline.call(keys="0", caller="13900000103", hangup_after=ivr_s + 25)
    spoken = hotline.call(
        keys="0", caller="13900000106", hangup_after=ivr_s + 60,
        script=[{"at": ivr_s + 6, "dtmf": "1"}, {"at": ivr_s + 14, "say": str(tone)}],
    )  # fmt: skip
    callback = hotline.call(
        keys="0", caller="13900000108", hangup_after=ivr_s + 30,
        script=[{"at": ivr_s + 8, "dtmf": "2"}],
    )  # fmt: skip
    timeout = hotline.call(keys="0", caller="13900000109", hangup_after=ivr_s + 75)
    for name, call in (("abandoned_25s", abandoned), ("voicemail", spoken),
                       ("callback", callback), ("queue_timeout", timeout)):  # fmt: skip
        records[name] = await hotline.record_of(call)

    # 4. no local seat: after 30 s the call overflows to qingshan's seat (ringing 3 s).
    await only_signed_in(hotline, "qs-01")
    sim.set_endpoint(seat_endpoint("qs-01"), "answer:3", hangup_after=TALK_OVERFLOW)
    records["overflowed"] = await hotline.record_of(
        hotline.call(keys="0", caller="13900000104", hangup_after=200)
    )

    # 5. the operator (answering in 2 s) puts the caller through to the police liaison.
    await only_signed_in(hotline, "lj-01")
    sim.set_endpoint(seat_endpoint("lj-01"), "answer:2")
    sim.set_endpoint("PJSIP/lj-001-a", "answer:1", hangup_after=LIAISON_TALK)
    transferred = hotline.call(keys="0", caller="13900000105", hangup_after=200)
    await _bridged(hotline, transferred)
    await transfer_live_call(
        hotline.running.controller, ref="13900000105", department_code="linjiang.gongan"
    )
    records["transferred"] = await hotline.record_of(transferred)
    seat = await routing.presence.seat("lj-01")
    assert seat.state is not SeatState.ON_CALL
    return PlacedDay(records, ivr_s)
