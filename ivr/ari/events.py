"""Typed ARI WebSocket events: `parse_event` turns one message into an `AriEvent` subclass.

Event types this module does not model become `UnknownEvent` (Asterisk sends many the
controller ignores: ChannelCallerId, ChannelConnectedLine, ...).
A message that is not JSON, not an object, or lacks a field its type requires raises
`MalformedEvent`; the event stream logs and skips it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import orjson

from ivr.ari.channel_events import (
    ChannelDestroyed,
    ChannelDialplan,
    ChannelDtmfReceived,
    ChannelHangupRequest,
    ChannelStateChange,
    ChannelTalkingFinished,
    ChannelTalkingStarted,
    ChannelVarset,
    Dial,
    StasisEnd,
    StasisStart,
)
from ivr.ari.errors import AriProtocolError, MalformedEvent
from ivr.ari.event_base import (
    ApplicationReplaced,
    AriEvent,
    ChannelEvent,
    EndpointStateChange,
    UnknownEvent,
)
from ivr.ari.media_events import (
    BridgeCreated,
    BridgeDestroyed,
    BridgeEvent,
    ChannelBridgeEvent,
    ChannelEnteredBridge,
    ChannelLeftBridge,
    PlaybackContinuing,
    PlaybackEvent,
    PlaybackFinished,
    PlaybackStarted,
    RecordingEvent,
    RecordingFailed,
    RecordingFinished,
    RecordingStarted,
)

__all__ = [
    "ApplicationReplaced",
    "AriEvent",
    "BridgeCreated",
    "BridgeDestroyed",
    "BridgeEvent",
    "ChannelBridgeEvent",
    "ChannelDestroyed",
    "ChannelDialplan",
    "ChannelDtmfReceived",
    "ChannelEnteredBridge",
    "ChannelEvent",
    "ChannelHangupRequest",
    "ChannelLeftBridge",
    "ChannelStateChange",
    "ChannelTalkingFinished",
    "ChannelTalkingStarted",
    "ChannelVarset",
    "Dial",
    "EndpointStateChange",
    "PlaybackContinuing",
    "PlaybackEvent",
    "PlaybackFinished",
    "PlaybackStarted",
    "RecordingEvent",
    "RecordingFailed",
    "RecordingFinished",
    "RecordingStarted",
    "StasisEnd",
    "StasisStart",
    "UnknownEvent",
    "parse_event",
]

_EVENT_CLASSES: Mapping[str, type[AriEvent]] = MappingProxyType(
    {
        cls.__name__: cls
        for cls in (
            ApplicationReplaced,
            EndpointStateChange,
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
            data = orjson.loads(message)
        except orjson.JSONDecodeError as exc:
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
