"""The base of every typed ARI event, and the fields all events share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Self, TypedDict

from ivr.ari._json import JsonObject, opt_object, opt_str, req_object, req_str
from ivr.ari.models import Channel


class _Common(TypedDict):
    type: str
    timestamp: str
    application: str
    asterisk_id: str


def common_fields(obj: JsonObject) -> _Common:
    return {
        "type": req_str(obj, "type"),
        "timestamp": opt_str(obj, "timestamp"),
        "application": opt_str(obj, "application"),
        "asterisk_id": opt_str(obj, "asterisk_id"),
    }


def channel_field(obj: JsonObject, key: str = "channel") -> Channel:
    return Channel.from_json(req_object(obj, key))


def opt_channel_field(obj: JsonObject, key: str) -> Channel | None:
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
        return cls(**common_fields(obj))


@dataclass(frozen=True, kw_only=True, slots=True)
class ApplicationReplaced(AriEvent):
    """A newer WebSocket took this app; this one gets no more of its events."""


@dataclass(frozen=True, kw_only=True, slots=True)
class EndpointStateChange(AriEvent):
    """A phone registered or went away (`state` online / offline / unknown).

    Sent only to apps subscribed to the endpoint (POST /applications/{app}/subscription
    with `eventSource=endpoint:PJSIP/x`) or connected with subscribeAll.
    """

    technology: str
    resource: str
    state: str

    @property
    def endpoint(self) -> str:
        return f"{self.technology}/{self.resource}"

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        endpoint = req_object(obj, "endpoint")
        return cls(
            **common_fields(obj),
            technology=req_str(endpoint, "technology"),
            resource=req_str(endpoint, "resource"),
            state=opt_str(endpoint, "state", "unknown"),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class UnknownEvent(AriEvent):
    """An event type this client does not model, kept whole."""

    raw: Mapping[str, object]

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        return cls(**common_fields(obj), raw=MappingProxyType(dict(obj)))


@dataclass(frozen=True, kw_only=True, slots=True)
class ChannelEvent(AriEvent):
    """An event about one channel, with its snapshot at that moment."""

    channel: Channel

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        return cls(**common_fields(obj), channel=channel_field(obj))
