"""Scripted inbound callers.

An inbound call looks like the dialplan `Answer()` then `Stasis(app, NUMBER)`: StasisStart
in state Up with args [NUMBER]. The caller then follows its script on the simulated clock:
DTMF (one ChannelDtmfReceived per digit ~350 ms apart, `,` one second of pause, `w` half a
second), speech (a WAV the caller starts sending), and hanging up. A step's `at` counts from
the call's start, or with `"on": "recording"` from the moment a live recording on the channel
not yet answered by an earlier step starts capturing (a caller who answers the prompt once the
line listens: the same events however busy the machine is); such a script is followed in the
order given. If no WebSocket holds the app, Stasis() fails: the call is answered and hung up
and the app never hears of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ivr.simulator import audio, channel_events, channels, recordings
from ivr.simulator.core import PbxCore
from ivr.simulator.state import Channel, Dialplan, Origin, SimCall

DIGIT_GAP = 0.35
PAUSES = {",": 1.0, "w": 0.5}
DTMF_DIGITS = set("0123456789*#ABCD")


def validate_script(script: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Check a script up front so a bad test fails at placement, not mid-call."""
    steps = []
    for raw in script:
        step = dict(raw)
        at = float(step.get("at", 0.0))
        if at < 0:
            raise ValueError("script step 'at' must not be negative")
        step["at"] = at
        if step.get("on", "call") not in ("call", "recording"):
            raise ValueError(f"script step 'on' must be 'call' or 'recording': {raw}")
        if "dtmf" in step:
            bad = set(str(step["dtmf"])) - DTMF_DIGITS - set(PAUSES)
            if bad:
                raise ValueError(f"not DTMF: {''.join(sorted(bad))}")
        elif "say" in step:
            step["samples"] = audio.read_wav(Path(str(step["say"])))
        elif not step.get("hangup"):
            raise ValueError(f"script step needs dtmf, say or hangup: {raw}")
        steps.append(step)
    if any(step.get("on") == "recording" for step in steps):
        return steps
    return sorted(steps, key=lambda s: s["at"])


def place_call(
    sim: PbxCore,
    *,
    number: str,
    caller: str,
    caller_name: str,
    app: str | None,
    script: Sequence[Mapping[str, Any]],
    hangup_after: float | None,
    trunk: str,
) -> SimCall:
    steps = validate_script(script)
    seq = sim.next_seq()
    suffix = ";2" if trunk.startswith("Local/") else ""
    in_stasis = app is not None
    ch = Channel(
        id=sim.new_channel_id(),
        name=f"{trunk}-{seq:08x}{suffix}",
        state="Up",
        origin=Origin.DIALPLAN,
        endpoint=trunk,
        dialplan=Dialplan("from-public", number, 3, "Stasis", f"{app},{number}")
        if in_stasis
        else Dialplan("from-public", number, 3, "Wait", "3600"),
        created=sim.clock.now(),
        caller_name=caller_name,
        caller_number=caller,
    )
    call = SimCall(call_id=f"call-{seq}", channel_id=ch.id, number=number, app=app)
    ch.call_id = call.call_id
    sim.calls[call.call_id] = call
    if app is not None and not sim.bus.active(app):
        # Stasis() on an inactive app fails at once; the dialplan then hangs up.
        call.ended, call.hangup_cause = True, 16
        return call
    sim.channels[ch.id] = ch
    if app is not None:
        sim.apps.add(app)
        ch.app, ch.args, ch.in_stasis = app, [number], True
        channel_events.emit(sim, ch, "StasisStart", args=[number])
    start = sim.clock.monotonic()
    if steps:
        sim.spawn(_follow(sim, ch, call, steps, start), owner=ch)
    if hangup_after is not None:
        sim.spawn(_hang_up_after(sim, ch, hangup_after), owner=ch)
    return call


async def _follow(
    sim: PbxCore, ch: Channel, call: SimCall, steps: list[dict[str, Any]], start: float
) -> None:
    for step in steps:
        if step.get("on") == "recording":
            await ch.capturing.wait()
            ch.capturing.clear()
            await sim.clock.sleep(step["at"])
        else:
            await sim.clock.sleep(start + step["at"] - sim.clock.monotonic())
        if "dtmf" in step:
            await send_dtmf(sim, ch, call, str(step["dtmf"]))
        elif "say" in step:
            ch.audio.say(sim.clock.monotonic(), step["samples"])
        elif step.get("hangup"):
            channels.far_end_hang_up(sim, ch, 16)
            return


async def send_dtmf(sim: PbxCore, ch: Channel, call: SimCall | None, digits: str) -> None:
    first = True
    for digit in digits:
        if digit in PAUSES:
            await sim.clock.sleep(PAUSES[digit])
            continue
        if not first:
            await sim.clock.sleep(DIGIT_GAP)
        first = False
        if ch.gone:
            return
        if call is not None:
            call.dtmf_sent += digit
        if ch.in_stasis:
            channel_events.emit(sim, ch, "ChannelDtmfReceived", digit=digit, duration_ms=100)
        recordings.on_dtmf(sim, ch, digit)


async def _hang_up_after(sim: PbxCore, ch: Channel, seconds: float) -> None:
    await sim.clock.sleep(seconds)
    channels.far_end_hang_up(sim, ch, 16)
