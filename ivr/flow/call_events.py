"""How one call's ARI events fold into its state (`ChannelState`).

Pure bookkeeping, apart from the session that waits on it: every event of the caller's
channel and of the legs dialled for it updates digits, playbacks, recordings and legs.
"""

from __future__ import annotations

from ivr.ari import (
    AriEvent,
    ChannelDestroyed,
    ChannelDtmfReceived,
    ChannelHangupRequest,
    ChannelStateChange,
    Dial,
    PlaybackFinished,
    RecordingFailed,
    RecordingFinished,
    StasisEnd,
    StasisStart,
)
from ivr.flow.call_objects import ChannelState, RecordingResult


def fold_event(state: ChannelState, call_channel_id: str, event: AriEvent) -> bool:
    """Fold `event` into `state`; True when something a checkpoint keeps changed."""
    changed = False
    if isinstance(event, ChannelDtmfReceived) and event.channel.id == call_channel_id:
        state.digits.append(event.digit)
    elif isinstance(event, PlaybackFinished):
        state.playbacks_done[event.playback.id] = event.playback.state
        state.playing.discard(event.playback.id)
    elif isinstance(event, RecordingFinished | RecordingFailed):
        rec = event.recording
        state.recordings[rec.name] = RecordingResult(
            name=rec.name,
            state="failed" if isinstance(event, RecordingFailed) else rec.state or "done",
            duration_s=float(rec.duration or 0),
            cause=rec.cause,
        )
        state.recording.discard(rec.name)
        changed = True
    elif isinstance(event, Dial):
        leg = state.peers.get(event.peer.id)
        if leg is not None and event.dialstatus:
            leg.dialstatus = event.dialstatus
            leg.answered = leg.answered or event.dialstatus == "ANSWER"
            changed = True
    elif isinstance(event, ChannelStateChange):
        leg = state.peers.get(event.channel.id)
        if leg is not None and event.channel.state == "Up":
            leg.answered = True
    elif isinstance(event, StasisStart) and event.channel.id == call_channel_id:
        state.in_stasis = True
    elif isinstance(event, ChannelHangupRequest | StasisEnd | ChannelDestroyed):
        channel_id = event.channel.id
        if channel_id == call_channel_id:
            state.hung_up = True
        elif channel_id in state.peers:
            leg = state.peers[channel_id]
            leg.ended = True
            # A dial timeout is a soft hang-up request (cause 32, the soft flag) read
            # before StasisEnd and ChannelDestroyed (cause 19) arrive in later frames:
            # only ChannelDestroyed carries the cause a dial status is decided from.
            if isinstance(event, ChannelDestroyed):
                leg.cause = event.cause
                leg.destroyed = True
    return changed
