"""Bridge, playback and recording events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from ivr.ari._json import JsonObject, req_object
from ivr.ari.event_base import AriEvent, ChannelEvent, channel_field, common_fields
from ivr.ari.models import Bridge, LiveRecording, Playback


@dataclass(frozen=True, kw_only=True, slots=True)
class BridgeEvent(AriEvent):
    """An event about one bridge."""

    bridge: Bridge

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        return cls(**common_fields(obj), bridge=Bridge.from_json(req_object(obj, "bridge")))


@dataclass(frozen=True, kw_only=True, slots=True)
class BridgeCreated(BridgeEvent):
    """A bridge was created (not sent for POST /bridges in Asterisk 22)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class BridgeDestroyed(BridgeEvent):
    """A bridge was deleted; Stasis bridges never dissolve by themselves."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ChannelBridgeEvent(ChannelEvent):
    """A channel joined or left a bridge."""

    bridge: Bridge

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        return cls(
            **common_fields(obj),
            channel=channel_field(obj),
            bridge=Bridge.from_json(req_object(obj, "bridge")),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class ChannelEnteredBridge(ChannelBridgeEvent):
    """The channel joined `bridge` (possibly while still Down)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ChannelLeftBridge(ChannelBridgeEvent):
    """The channel left `bridge`; the other members stay."""


@dataclass(frozen=True, kw_only=True, slots=True)
class PlaybackEvent(AriEvent):
    """An event about one playback; its `target_uri` names the channel or bridge."""

    playback: Playback

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        return cls(**common_fields(obj), playback=Playback.from_json(req_object(obj, "playback")))


@dataclass(frozen=True, kw_only=True, slots=True)
class PlaybackStarted(PlaybackEvent):
    """The playback began (also sent, then at once Finished/failed, for a missing file)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class PlaybackContinuing(PlaybackEvent):
    """One media URI of a list finished; `playback.next_media_uri` is next."""


@dataclass(frozen=True, kw_only=True, slots=True)
class PlaybackFinished(PlaybackEvent):
    """The playback ended: `playback.state` is "done" (also when stopped) or "failed"."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordingEvent(AriEvent):
    """An event about one live recording."""

    recording: LiveRecording

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        return cls(
            **common_fields(obj), recording=LiveRecording.from_json(req_object(obj, "recording"))
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordingStarted(RecordingEvent):
    """Recording began (right away, even with beep)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordingFinished(RecordingEvent):
    """Recording ended "done" or "canceled"; durations in whole seconds, possibly 0."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordingFailed(RecordingEvent):
    """Recording failed; `recording.cause` says why."""
