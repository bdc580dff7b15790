"""Taking over a call from its checkpoint: a bridged call, or a voicemail being recorded.

Everything else is simply restarted from its state (a prompt is played again, a queue
place is kept by the store); these two hold ARI objects that must not be thrown away.
"""

from __future__ import annotations

import contextlib
import logging

from ivr.ari import AriError, AriNotFound
from ivr.checkpoints import CallCheckpoint
from ivr.flow.context import RunningCall
from ivr.flow.session import CallerHungUp
from ivr.flow.states import CallState
from ivr.flow.voicemail import keep_recording, recording_name, say_kept_already
from voicemail import wav_seconds

logger = logging.getLogger(__name__)

POLL_S = 0.5


async def resume_bridge(flow: RunningCall, checkpoint: CallCheckpoint) -> None:
    """Wait out a call that was bridged when its controller died, then tidy up."""
    session = flow.session
    answered = [leg for leg in checkpoint.legs if leg.get("answered")]
    if not answered or checkpoint.bridge_id is None:
        return
    leg = session.adopt_leg(str(answered[0]["channel_id"]), str(answered[0]["endpoint"]))
    session.bridge_id = checkpoint.bridge_id
    try:
        await session.ari.get_channel(leg.channel_id)
    except AriNotFound:
        leg.ended = True  # the other side left while nobody was watching
    if not leg.ended:
        await _complete_bridge(flow, checkpoint.bridge_id, leg.channel_id)
        _note_bridged(flow, checkpoint, leg.endpoint)
    elif session.channel_id in await _bridge_members(flow, checkpoint.bridge_id):
        # The two were put through and talked while no controller watched; the other
        # side has hung up since. The call was still transferred.
        _note_bridged(flow, checkpoint, leg.endpoint)
    try:
        await session.wait_for_leg_end(leg, 4 * 3600.0)
    finally:
        await session.hang_up_leg(leg)
        with contextlib.suppress(AriError):
            await session.ari.destroy_bridge(checkpoint.bridge_id)
        session.bridge_id = None


async def _bridge_members(flow: RunningCall, bridge_id: str) -> set[str]:
    try:
        return set((await flow.session.ari.get_bridge(bridge_id)).channels)
    except AriNotFound:
        return set()


async def _complete_bridge(flow: RunningCall, bridge_id: str, leg_channel_id: str) -> None:
    """Build what the dead controller left of the bridge: the bridge, then its members."""
    ari = flow.session.ari
    try:
        members = set((await ari.get_bridge(bridge_id)).channels)
    except AriNotFound:
        await ari.create_bridge(bridge_id=bridge_id)
        members = set()
    for channel_id in (flow.session.channel_id, leg_channel_id):
        if channel_id not in members:
            await ari.add_channel(bridge_id, channel_id)


def _note_bridged(flow: RunningCall, checkpoint: CallCheckpoint, endpoint: str) -> None:
    """What the dead controller may not have written down: the dial, the bridging."""
    log = flow.log
    if not any(dial.get("endpoint") == endpoint for dial in log.dials):
        log.dials.append({"endpoint": endpoint, "dialstatus": "ANSWER"})
    if CallState(checkpoint.state) is CallState.TRANSFER:
        log.outcome, log.transfer_bridged = "transferred", True


async def resume_recording(flow: RunningCall, checkpoint: CallCheckpoint) -> None:
    """A voicemail was being recorded: let Asterisk finish it, then keep it."""
    await _finish_recording(flow, checkpoint.recordings[0])


async def resume_unrecorded_voicemail(flow: RunningCall) -> bool:
    """A resumed call in the voicemail step whose checkpoint names no recording: the dead
    controller may have started one (or had it finish) before its checkpoint said so.

    Keeps that recording (True) rather than asking the caller to speak again; False when
    Asterisk has none under the call's recording name.
    """
    name = recording_name(flow.log)
    if await flow.services.voicemail.is_kept(name):
        await say_kept_already(flow, name)
        return True
    try:
        await flow.session.ari.get_live_recording(name)
    except AriNotFound:
        if await _stored_seconds(flow, name) is None:
            return False
    flow.step("recording_found", recording=name)
    await _finish_recording(flow, name)
    return True


async def _finish_recording(flow: RunningCall, name: str) -> None:
    session = flow.session
    if await flow.services.voicemail.is_kept(name):
        await say_kept_already(flow, name)
        return
    hung_up = False
    while True:
        try:
            await session.ari.get_live_recording(name)
        except AriNotFound:
            break
        try:
            await session.wait_until(lambda: False, POLL_S)
        except CallerHungUp:
            hung_up = True
            await session.clock.sleep(POLL_S)
    seconds = await _stored_seconds(flow, name)
    if seconds is None:
        flow.step("recording_lost", recording=name)
        if hung_up:
            raise CallerHungUp(session.channel_id)
        return
    await keep_recording(flow, name=name, duration_s=seconds, hung_up=hung_up or session.hung_up)


async def _stored_seconds(flow: RunningCall, name: str) -> float | None:
    try:
        audio = await flow.session.ari.fetch_recording_file(name)
    except AriError:
        return None
    return wav_seconds(audio)
