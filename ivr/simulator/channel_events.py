"""Events on one channel: state changes, variables, and the publishing of its events.

The lowest part of the channel model: bridges, callers and endpoints change a channel's
state or variables through here, while its life cycle (channels.py) builds on it.
"""

from __future__ import annotations

from typing import Any

from ivr.simulator.core import PbxCore
from ivr.simulator.events import Json, build
from ivr.simulator.state import Channel


def emit(
    sim: PbxCore, ch: Channel, event_type: str, *, lead: Json | None = None, **fields: Any
) -> None:
    """Publish a channel event (fields first, the channel snapshot last) to its app."""
    sim.bus.publish(
        [ch.app], build(event_type, sim.clock.now(), lead=lead, **fields, channel=ch.to_json())
    )


def set_state(sim: PbxCore, ch: Channel, state: str) -> None:
    if ch.state != state:
        ch.state = state
        emit(sim, ch, "ChannelStateChange")
        call = sim.calls.get(ch.call_id or "")
        if call is not None:
            call.state = state


def set_var(sim: PbxCore, ch: Channel, name: str, value: str) -> None:
    ch.variables[name] = value
    emit(sim, ch, "ChannelVarset", lead={"variable": name, "value": value})
