"""Stasis bridges: membership changes and their events.

Stasis bridges never dissolve by themselves; a member that hangs up leaves the other alone
in the bridge. BRIDGEPEER is set on every member once two or more share a bridge, and
cleared on a member as it leaves (the one left behind keeps its stale value, as in Asterisk).
"""

from __future__ import annotations

from ivr.simulator import channel_events, playbacks
from ivr.simulator.core import PbxCore
from ivr.simulator.events import build
from ivr.simulator.state import Bridge, Channel

BRIDGE_TYPES = ("mixing", "holding", "dtmf_events", "proxy_media", "video_sfu", "video_single")


def create(sim: PbxCore, bridge_id: str | None, types: str, name: str) -> Bridge:
    if bridge_id and bridge_id in sim.bridges:
        return sim.bridges[bridge_id]
    kinds = [t.strip() for t in types.split(",") if t.strip()]
    bridge_type = "holding" if "holding" in kinds else "mixing"
    bridge = Bridge(
        id=bridge_id or sim.new_uuid(),
        bridge_type=bridge_type,
        name=name,
        created=sim.clock.now(),
    )
    sim.bridges[bridge.id] = bridge
    return bridge


def _bridge_event(sim: PbxCore, bridge: Bridge, ch: Channel, event_type: str) -> None:
    sim.bus.publish(
        [ch.app, *sorted(bridge.apps)],
        build(event_type, sim.clock.now(), bridge=bridge.to_json(), channel=ch.to_json()),
    )


def add(sim: PbxCore, bridge: Bridge, ch: Channel) -> None:
    if ch.bridge_id == bridge.id:
        return
    if ch.bridge_id is not None:
        leave(sim, ch)
    ch.bridge_id = bridge.id
    bridge.channels.append(ch.id)
    if ch.app:
        bridge.apps.add(ch.app)
    _bridge_event(sim, bridge, ch, "ChannelEnteredBridge")
    members = [sim.channels[c] for c in bridge.channels if c in sim.channels]
    if len(members) > 1:
        for member in members:
            peers = ",".join(m.name for m in members if m is not member)
            channel_events.set_var(sim, member, "BRIDGEPEER", peers)


def leave(sim: PbxCore, ch: Channel) -> None:
    bridge = sim.bridges.get(ch.bridge_id or "")
    ch.bridge_id = None
    if bridge is None:
        return
    if ch.variables.get("BRIDGEPEER"):
        channel_events.set_var(sim, ch, "BRIDGEPEER", "")
    if ch.id in bridge.channels:
        bridge.channels.remove(ch.id)
    _bridge_event(sim, bridge, ch, "ChannelLeftBridge")


def destroy(sim: PbxCore, bridge: Bridge) -> None:
    """DELETE /bridges/{id}: members leave (and stay in Stasis), then BridgeDestroyed."""
    playbacks.target_gone(sim, f"bridge:{bridge.id}")
    for channel_id in list(bridge.channels):
        ch = sim.channels.get(channel_id)
        if ch is not None:
            leave(sim, ch)
    sim.bridges.pop(bridge.id, None)
    sim.bus.publish(
        sorted(bridge.apps), build("BridgeDestroyed", sim.clock.now(), bridge=bridge.to_json())
    )
