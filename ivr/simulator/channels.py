"""Channel lifecycle: events on a channel, Stasis entry/exit, hang-ups and teardown.

The teardown order is the one Asterisk shows: ChannelHangupRequest, then whatever the
channel was doing (PlaybackFinished failed, RecordingFinished, ChannelLeftBridge), then
StasisEnd, then — only for channels the app created or originated — STASISSTATUS and
ChannelDestroyed. A channel that came in through the dialplan never reports ChannelDestroyed.
"""

from __future__ import annotations

import asyncio

from ivr.simulator import bridges, errors, playbacks, recordings
from ivr.simulator.channel_events import emit, set_var
from ivr.simulator.core import PbxCore
from ivr.simulator.state import CAUSE_TEXT, Channel, Dialplan, Origin

TECHNOLOGIES = {"PJSIP", "SIP", "Local", "IAX2", "DAHDI"}
# Simulated seconds between the frames of a timed-out channel's teardown (traces: 1-2 ms).
TEARDOWN_GAP = 0.002


def parse_endpoint(endpoint: str) -> tuple[str, str]:
    tech, _, resource = endpoint.partition("/")
    if not resource or tech not in TECHNOLOGIES:
        raise errors.AriError(500, "Allocation failed", key="error")
    return tech, resource


def new_outbound(sim: PbxCore, endpoint: str, channel_id: str | None, origin: Origin) -> Channel:
    """A channel towards an endpoint, named and placed in the dialplan as Asterisk does."""
    tech, resource = parse_endpoint(endpoint)
    if sim.behaviour(endpoint).kind == "unregistered":
        raise errors.AriError(500, "Allocation failed", key="error")
    if channel_id and channel_id in sim.channels:
        raise errors.AriError(409, "Channel with given unique ID already exists")
    seq = sim.next_seq()
    if tech == "Local":
        exten, _, context = resource.partition("@")
        name = f"Local/{resource}-{seq:08x};1"
        dialplan = Dialplan(context or "default", exten, 1)
    else:
        name = f"{endpoint}-{seq:08x}"
        dialplan = Dialplan("default", "s", 1)
    if origin is Origin.ORIGINATED:
        dialplan.app_name, dialplan.app_data = "AppDial2", "(Outgoing Line)"
    return Channel(
        id=channel_id or sim.new_channel_id(),
        name=name,
        state="Down",
        origin=origin,
        endpoint=endpoint,
        dialplan=dialplan,
        created=sim.clock.now(),
    )


def dialstring(ch: Channel) -> str:
    return ch.endpoint.partition("/")[2]


def enter_stasis(sim: PbxCore, ch: Channel, app: str, args: list[str]) -> None:
    """An ARI-made channel enters Stasis: STASISSTATUS is cleared, then StasisStart."""
    ch.app = app
    ch.args = args
    ch.dialplan.app_name = "Stasis"
    ch.dialplan.app_data = ",".join([app, *args])
    set_var(sim, ch, "STASISSTATUS", "")
    ch.in_stasis = True
    emit(sim, ch, "StasisStart", args=list(args))


def hang_up(sim: PbxCore, ch: Channel, cause: int) -> None:
    """DELETE /channels/{id}: Asterisk 22 reports the soft-hangup flag (32) as the cause."""
    if ch.gone:
        return
    emit(sim, ch, "ChannelHangupRequest", lead={"cause": 32, "soft": True})
    destroy(sim, ch, cause)


def far_end_hang_up(sim: PbxCore, ch: Channel, cause: int = 16) -> None:
    """The other party hung up: a hard hang-up request with the Q.850 cause, no `soft`."""
    if ch.gone:
        return
    emit(sim, ch, "ChannelHangupRequest", lead={"cause": cause})
    destroy(sim, ch, cause)


def destroy(sim: PbxCore, ch: Channel, cause: int) -> None:
    """Tear the channel down, emitting what Asterisk emits after the hang-up request."""
    if ch.gone:
        return
    _leave_stasis(sim, ch)
    _destroyed(sim, ch, cause)


async def time_out(sim: PbxCore, ch: Channel, cause: int = 19) -> None:
    """A dial timeout: soft hang-up, StasisEnd, ChannelDestroyed as separate frames.

    Real Asterisk sends the three about 1-2 ms apart (ari-traces/dial_noanswer.json), so a
    controller can read the hang-up request before the event that carries the cause.
    """
    if ch.gone:
        return
    ch.gone = True  # already hanging up: a DELETE meanwhile changes nothing
    emit(sim, ch, "ChannelHangupRequest", lead={"cause": 32, "soft": True})
    await sim.clock.sleep(TEARDOWN_GAP)
    _leave_stasis(sim, ch)
    await sim.clock.sleep(TEARDOWN_GAP)
    _destroyed(sim, ch, cause)


def _leave_stasis(sim: PbxCore, ch: Channel) -> None:
    ch.gone = True
    playbacks.channel_gone(sim, ch)
    recordings.channel_gone(sim, ch)
    if ch.bridge_id is not None:
        bridges.leave(sim, ch)
    if ch.in_stasis:
        emit(sim, ch, "StasisEnd")
        ch.in_stasis = False
        if ch.origin is not Origin.DIALPLAN:
            set_var(sim, ch, "STASISSTATUS", "SUCCESS")


def _destroyed(sim: PbxCore, ch: Channel, cause: int) -> None:
    if ch.origin is not Origin.DIALPLAN:
        if ch.origin is Origin.ORIGINATED:
            ch.dialplan.app_name, ch.dialplan.app_data = "AppDial2", "(Outgoing Line)"
        else:
            ch.dialplan.app_name, ch.dialplan.app_data = "", ""
        emit(sim, ch, "ChannelDestroyed", cause=cause, cause_txt=CAUSE_TEXT.get(cause, "Unknown"))
    sim.channels.pop(ch.id, None)
    call = sim.calls.get(ch.call_id or "")
    if call is not None:
        call.ended = True
        call.hangup_cause = cause
    current = asyncio.current_task()
    for task in list(ch.tasks):
        if task is not current:
            task.cancel()
