"""Typed ARI WebSocket events: `parse_event` turns one message into an `AriEvent` subclass.

Event types this module does not model become `UnknownEvent` (Asterisk sends many the
controller ignores: ChannelCallerId, ChannelConnectedLine, EndpointStateChange, ...).
A message that is not JSON, not an object, or lacks a field its type requires raises
`MalformedEvent`; the event stream logs and skips it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Self, TypedDict

from ivr.ari._json import (
    JsonObject,
    opt_bool,
    opt_int,
    opt_object,
    opt_str,
    req_int,
    req_object,
    req_str,
    str_tuple,
)
from ivr.ari.errors import AriProtocolError, MalformedEvent
from ivr.ari.models import Bridge, Channel, LiveRecording, Playback


class _Common(TypedDict):
    type: str
    timestamp: str
    application: str
    asterisk_id: str


def _common(obj: JsonObject) -> _Common:
    return {
        "type": req_str(obj, "type"),
        "timestamp": opt_str(obj, "timestamp"),
        "application": opt_str(obj, "application"),
        "asterisk_id": opt_str(obj, "asterisk_id"),
    }


def _channel(obj: JsonObject, key: str = "channel") -> Channel:
    return Channel.from_json(req_object(obj, key))


def _opt_channel(obj: JsonObject, key: str) -> Channel | None:
    value = opt_object(obj, key)
    return Channel.from_json(value) if value is not None else None


@dataclass(frozen=True, kw_only=True, slots=True)
class AriEvent:
    """Fields every ARI event carries; `timestamp` is Asterisk's ISO string, kept verbatim."""

    type: str
    timestamp: str = ""
    application: str = ""
    asterisk_id: str = ""

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        return cls(**_common(obj))


@dataclass(frozen=True, kw_only=True, slots=True)
class ApplicationReplaced(AriEvent):
    """A newer WebSocket took this app; this one gets no more of its events."""


@dataclass(frozen=True, kw_only=True, slots=True)
class UnknownEvent(AriEvent):
    """An event type this client does not model, kept whole."""

    raw: Mapping[str, object]

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        return cls(**_common(obj), raw=MappingProxyType(dict(obj)))


@dataclass(frozen=True, kw_only=True, slots=True)
class ChannelEvent(AriEvent):
    """An event about one channel, with its snapshot at that moment."""

    channel: Channel

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        return cls(**_common(obj), channel=_channel(obj))


@dataclass(frozen=True, kw_only=True, slots=True)
class StasisStart(ChannelEvent):
    """A channel entered the app; `args` are the Stasis() / appArgs arguments."""

    args: tuple[str, ...] = ()
    replace_channel: Channel | None = None

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        return cls(
            **_common(obj),
            channel=_channel(obj),
            args=str_tuple(obj, "args"),
            replace_channel=_opt_channel(obj, "replace_channel"),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class StasisEnd(ChannelEvent):
    """A channel left the app (hung up, moved, or continued in the dialplan)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ChannelStateChange(ChannelEvent):
    """The channel's `state` changed (Ringing, Up, Busy, ...)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ChannelDialplan(ChannelEvent):
    """The channel moved to a new dialplan application."""

    dialplan_app: str = ""
    dialplan_app_data: str = ""

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        return cls(
            **_common(obj),
            channel=_channel(obj),
            dialplan_app=opt_str(obj, "dialplan_app"),
            dialplan_app_data=opt_str(obj, "dialplan_app_data"),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class ChannelDtmfReceived(ChannelEvent):
    """One DTMF digit, reported when the key is released."""

    digit: str
    duration_ms: int = 0

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        return cls(
            **_common(obj),
            channel=_channel(obj),
            digit=req_str(obj, "digit"),
            duration_ms=opt_int(obj, "duration_ms") or 0,
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class ChannelHangupRequest(ChannelEvent):
    """A hang-up was requested: cause 32 + soft for an ARI DELETE, 16 for a far-end hang-up."""

    cause: int | None = None
    soft: bool = False

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        return cls(
            **_common(obj),
            channel=_channel(obj),
            cause=opt_int(obj, "cause"),
            soft=opt_bool(obj, "soft"),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class ChannelDestroyed(ChannelEvent):
    """The channel is gone; `cause` is the Q.850 cause (17 busy, 19 no answer, ...)."""

    cause: int
    cause_txt: str = ""

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        return cls(
            **_common(obj),
            channel=_channel(obj),
            cause=req_int(obj, "cause"),
            cause_txt=opt_str(obj, "cause_txt"),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class ChannelTalkingStarted(ChannelEvent):
    """Talk detection (TALK_DETECT) heard speech start."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ChannelTalkingFinished(ChannelEvent):
    """Talk detection heard speech stop after `duration` ms."""

    duration: int = 0

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        return cls(**_common(obj), channel=_channel(obj), duration=opt_int(obj, "duration") or 0)


@dataclass(frozen=True, kw_only=True, slots=True)
class ChannelVarset(AriEvent):
    """A channel variable was set; `channel` is None for a global variable."""

    variable: str
    value: str = ""
    channel: Channel | None = None

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        return cls(
            **_common(obj),
            variable=req_str(obj, "variable"),
            value=opt_str(obj, "value"),
            channel=_opt_channel(obj, "channel"),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class Dial(AriEvent):
    """Progress of a dial: `dialstatus` "" / RINGING / PROGRESS / ANSWER / BUSY / CONGESTION ...

    `peer` is the dialled channel. Asterisk 22 omits `caller` even with `?caller=`, and
    sends no NOANSWER: a dial timeout shows up as ChannelDestroyed cause 19.
    """

    peer: Channel
    dialstatus: str = ""
    dialstring: str = ""
    forward: str = ""
    caller: Channel | None = None
    forwarded: Channel | None = None

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        return cls(
            **_common(obj),
            peer=_channel(obj, "peer"),
            dialstatus=opt_str(obj, "dialstatus"),
            dialstring=opt_str(obj, "dialstring"),
            forward=opt_str(obj, "forward"),
            caller=_opt_channel(obj, "caller"),
            forwarded=_opt_channel(obj, "forwarded"),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class BridgeEvent(AriEvent):
    """An event about one bridge."""

    bridge: Bridge

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        return cls(**_common(obj), bridge=Bridge.from_json(req_object(obj, "bridge")))


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
            **_common(obj),
            channel=_channel(obj),
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
        return cls(**_common(obj), playback=Playback.from_json(req_object(obj, "playback")))


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
        return cls(**_common(obj), recording=LiveRecording.from_json(req_object(obj, "recording")))


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordingStarted(RecordingEvent):
    """Recording began (right away, even with beep)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordingFinished(RecordingEvent):
    """Recording ended "done" or "canceled"; durations in whole seconds, possibly 0."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordingFailed(RecordingEvent):
    """Recording failed; `recording.cause` says why."""


_EVENT_CLASSES: Mapping[str, type[AriEvent]] = MappingProxyType(
    {
        cls.__name__: cls
        for cls in (
            ApplicationReplaced,
            StasisStart,
            StasisEnd,
            ChannelStateChange,
            ChannelDialplan,
            ChannelDtmfReceived,
            ChannelHangupRequest,
            ChannelDestroyed,
            ChannelTalkingStarted,
            ChannelTalkingFinished,
            ChannelVarset,
            Dial,
            BridgeCreated,
            BridgeDestroyed,
            ChannelEnteredBridge,
            ChannelLeftBridge,
            PlaybackStarted,
            PlaybackContinuing,
            PlaybackFinished,
            RecordingStarted,
            RecordingFinished,
            RecordingFailed,
        )
    }
)


def parse_event(message: str | bytes | Mapping[str, object]) -> AriEvent:
    """The typed event for one WebSocket message (text, bytes or an already-decoded object)."""
    if isinstance(message, Mapping):
        data: object = message
    else:
        try:
            data = json.loads(message)
        except (ValueError, UnicodeDecodeError) as exc:
            raise MalformedEvent(f"event is not JSON: {exc}") from exc
    if not isinstance(data, Mapping):
        raise MalformedEvent(f"event is not a JSON object: {type(data).__name__}")
    event_type = data.get("type")
    if not isinstance(event_type, str) or not event_type:
        raise MalformedEvent("event has no 'type'")
    cls = _EVENT_CLASSES.get(event_type, UnknownEvent)
    try:
        return cls.parse(data)
    except AriProtocolError as exc:
        raise MalformedEvent(f"{event_type}: {exc}") from exc
