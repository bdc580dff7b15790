"""How simulated far ends behave when dialled, and the dial/originate event sequences.

A behaviour is one of `answer[:SECONDS]`, `busy`, `noanswer`, `unavailable`,
`congestion`, `unregistered` (no channel can be made to it at all), plus an optional
`hangup_after` (seconds after answer the far end hangs up). The sequences reproduce the
recorded Asterisk traces: an ARI dial keeps the channel alive after BUSY/CONGESTION until
the far end clears ~10 s later; a dial timeout is a soft hang-up and ChannelDestroyed
cause 19 with no NOANSWER Dial event; an originate that fails destroys the channel with
cause 0 (the Local `;1` half's view). A behaviour change that takes an endpoint on- or
offline sends EndpointStateChange to the apps subscribed to it.
"""

from __future__ import annotations

from ivr.simulator import channel_events, channels
from ivr.simulator.behaviours import Behaviour
from ivr.simulator.core import PbxCore
from ivr.simulator.events import Json, build
from ivr.simulator.state import Channel

# Seconds of Asterisk-side latency between steps, as seen in the traces.
STEP = 0.004
# Busy()/Congestion() in the far end's dialplan hang up this long after signalling.
FAR_END_CLEARS_AFTER = 10.0
CLEAR_CAUSE = {"busy": 17, "congestion": 34}


def endpoint_json(sim: PbxCore, endpoint: str) -> Json:
    """ARI's Endpoint model."""
    tech, _, resource = endpoint.partition("/")
    return {
        "technology": tech,
        "resource": resource,
        "state": "online" if sim.behaviour(endpoint).online else "offline",
        "channel_ids": [c.id for c in sim.channels.values() if c.endpoint == endpoint],
    }


def watchers(sim: PbxCore, endpoint: str) -> list[str]:
    """Apps that hear this endpoint's events: subscribed to it or its technology, or all."""
    tech = endpoint.partition("/")[0]
    wanted = {f"endpoint:{endpoint}", f"endpoint:{tech}"}
    return sorted(
        app
        for app in sim.apps
        if app in sim.subscribe_all or wanted & sim.subscriptions.get(app, set())
    )


def state_changed(sim: PbxCore, endpoint: str) -> None:
    """EndpointStateChange: a phone registered or went away."""
    sim.bus.publish(
        watchers(sim, endpoint),
        build("EndpointStateChange", sim.clock.now(), endpoint=endpoint_json(sim, endpoint)),
    )


def dial_event(sim: PbxCore, ch: Channel, status: str, dialstring: str) -> None:
    sim.bus.publish(
        [ch.app],
        build(
            "Dial",
            sim.clock.now(),
            dialstatus=status,
            forward="",
            dialstring=dialstring,
            peer=ch.to_json(),
        ),
    )


async def _ring(sim: PbxCore, ch: Channel, dialstring: str) -> None:
    await sim.clock.sleep(STEP)
    channel_events.set_state(sim, ch, "Ringing")
    dial_event(sim, ch, "RINGING", dialstring)


async def _talk_then_clear(sim: PbxCore, ch: Channel, behaviour: Behaviour) -> None:
    if behaviour.hangup_after is not None:
        await sim.clock.sleep(behaviour.hangup_after)
        channels.far_end_hang_up(sim, ch, 16)


async def run_dial(sim: PbxCore, ch: Channel, limit: float) -> None:
    """POST /channels/{id}/dial on a created channel."""
    behaviour = sim.behaviour(ch.endpoint)
    await sim.clock.sleep(STEP)
    if behaviour.kind == "unavailable":
        channels.destroy(sim, ch, 16)
        return
    dial_event(sim, ch, "", channels.dialstring(ch))
    if behaviour.kind in CLEAR_CAUSE:
        await sim.clock.sleep(STEP)
        dial_event(sim, ch, behaviour.kind.upper(), "")
        await sim.clock.sleep(FAR_END_CLEARS_AFTER)
        channels.far_end_hang_up(sim, ch, CLEAR_CAUSE[behaviour.kind])
        return
    started = sim.clock.monotonic()
    if behaviour.kind == "noanswer" or behaviour.ring_seconds > 0:
        await _ring(sim, ch, "")
    if behaviour.kind == "noanswer" or (limit > 0 and behaviour.ring_seconds >= limit):
        if limit <= 0:
            return  # rings until someone hangs it up
        await sim.clock.sleep(limit - (sim.clock.monotonic() - started))
        await channels.time_out(sim, ch, 19)
        return
    await sim.clock.sleep(behaviour.ring_seconds - (sim.clock.monotonic() - started))
    channel_events.set_state(sim, ch, "Up")
    dial_event(sim, ch, "ANSWER", "")
    await _talk_then_clear(sim, ch, behaviour)


async def run_originate(sim: PbxCore, ch: Channel, limit: float, app: str, args: list[str]) -> None:
    """POST /channels with an app: StasisStart only once the far end answers."""
    behaviour = sim.behaviour(ch.endpoint)
    dialstring = channels.dialstring(ch)
    await sim.clock.sleep(STEP)
    if behaviour.kind == "unavailable":
        channels.destroy(sim, ch, 0)
        return
    dial_event(sim, ch, "", dialstring)
    if behaviour.kind in CLEAR_CAUSE:
        await sim.clock.sleep(STEP)
        dial_event(sim, ch, behaviour.kind.upper(), dialstring)
        channels.destroy(sim, ch, 0)
        return
    started = sim.clock.monotonic()
    if behaviour.kind == "noanswer" or behaviour.ring_seconds > 0:
        await _ring(sim, ch, dialstring)
    if behaviour.kind == "noanswer" or (limit > 0 and behaviour.ring_seconds >= limit):
        if limit <= 0:
            return
        await sim.clock.sleep(limit - (sim.clock.monotonic() - started))
        channels.destroy(sim, ch, 19)
        return
    await sim.clock.sleep(behaviour.ring_seconds - (sim.clock.monotonic() - started))
    channel_events.set_state(sim, ch, "Up")
    dial_event(sim, ch, "ANSWER", dialstring)
    channels.enter_stasis(sim, ch, app, args)
    await _talk_then_clear(sim, ch, behaviour)
