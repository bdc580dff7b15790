"""A call's state after a lost connection or a dead controller: resync and checkpoints.

When the event socket was down, `catch_up` asks Asterisk what became of the call's
playbacks, legs and recordings; `held_objects` is what a checkpoint keeps so that a
successor can take the call over; a successor stops the playbacks it finds orphaned.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence

from ivr.ari import AriClient, AriError, AriNotFound
from ivr.flow.call_objects import ChannelState, HeldObjects, RecordingResult
from voicemail import wav_seconds

logger = logging.getLogger(__name__)


def held_objects(state: ChannelState, bridge_id: str | None) -> HeldObjects:
    """The ARI objects a call holds, for its checkpoint."""
    legs = tuple(
        {"channel_id": leg.channel_id, "endpoint": leg.endpoint, "answered": leg.answered}
        for leg in state.peers.values()
        if not leg.ended
    )
    return HeldObjects(
        legs=legs,
        bridge_id=bridge_id,
        recordings=tuple(state.recording),
        playbacks=tuple(sorted(state.playing)),
    )


async def catch_up(state: ChannelState, ari: AriClient, alive: set[str]) -> None:
    """Bring `state` up to date for a caller still in `alive` (the channels that exist)."""
    for playback_id in list(state.playing):
        try:
            await ari.get_playback(playback_id)
        except AriNotFound:
            state.playing.discard(playback_id)
            state.playbacks_done[playback_id] = "done"
    for leg in state.peers.values():
        if leg.ended:
            continue
        if leg.channel_id not in alive:
            leg.ended = leg.destroyed = True
        else:
            with contextlib.suppress(AriNotFound):
                channel = await ari.get_channel(leg.channel_id)
                leg.answered = leg.answered or channel.state == "Up"
    for name in list(state.recording):
        await _catch_up_recording(state, ari, name)


async def _catch_up_recording(state: ChannelState, ari: AriClient, name: str) -> None:
    try:
        await ari.get_live_recording(name)
        return
    except AriNotFound:
        pass
    state.recording.discard(name)
    try:
        await ari.get_stored_recording(name)
    except AriNotFound:
        state.recordings[name] = RecordingResult(name, "failed", 0.0, "lost")
        return
    # the finished event was lost with its duration: the stored file still has it
    audio = await ari.fetch_recording_file(name)
    state.recordings[name] = RecordingResult(name, "done", wav_seconds(audio))


async def stop_orphaned_playbacks(
    ari: AriClient, channel_id: str, playback_ids: Sequence[str]
) -> None:
    """Stop a dead controller's playbacks: ours would queue behind them (404: ended)."""
    for playback_id in playback_ids:
        try:
            await ari.stop_playback(playback_id)
        except AriNotFound:
            continue
        except AriError as exc:
            logger.warning("%s: orphaned playback %s: %s", channel_id, playback_id, exc)
            continue
        logger.info("%s: stopped orphaned playback %s", channel_id, playback_id)
