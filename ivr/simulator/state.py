"""The simulated PBX's objects: channels, bridges, playbacks, live recordings, calls.

Each object renders itself as Asterisk's JSON model, keys in Asterisk's order.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from ivr.simulator.audio import OutgoingAudio
from ivr.simulator.events import Json, ari_time


class Origin(Enum):
    """How a channel came to be; decides ChannelDestroyed and the dialplan it shows."""

    DIALPLAN = "dialplan"  # an inbound call sent to Stasis() by the dialplan
    CREATED = "created"  # POST /channels/create
    ORIGINATED = "originated"  # POST /channels


@dataclass
class Dialplan:
    context: str
    exten: str
    priority: int
    app_name: str = ""
    app_data: str = ""

    def to_json(self) -> Json:
        return {
            "context": self.context,
            "exten": self.exten,
            "priority": self.priority,
            "app_name": self.app_name,
            "app_data": self.app_data,
        }


@dataclass
class Channel:
    id: str
    name: str
    state: str
    origin: Origin
    endpoint: str
    dialplan: Dialplan
    created: datetime
    caller_name: str = ""
    caller_number: str = ""
    app: str | None = None  # the Stasis app that sees this channel's events
    in_stasis: bool = False
    args: list[str] = field(default_factory=list)
    bridge_id: str | None = None
    variables: dict[str, str] = field(default_factory=dict)
    audio: OutgoingAudio = field(default_factory=OutgoingAudio)
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    dialing: bool = False
    dialed: bool = False
    gone: bool = False
    call_id: str | None = None
    recording: str | None = None  # name of the live recording on this channel
    # Set each time a live recording starts capturing, for callers who speak when heard.
    capturing: asyncio.Event = field(default_factory=asyncio.Event)

    def to_json(self) -> Json:
        party = {"name": self.caller_name, "number": self.caller_number}
        return {
            "id": self.id,
            "name": self.name,
            "state": self.state,
            "protocol_id": "",
            "caller": dict(party),
            "connected": dict(party),
            "accountcode": "",
            "dialplan": self.dialplan.to_json(),
            "creationtime": ari_time(self.created),
            "language": "en",
        }


@dataclass
class Bridge:
    id: str
    bridge_type: str
    name: str
    created: datetime
    channels: list[str] = field(default_factory=list)
    apps: set[str] = field(default_factory=set)
    # Its live recordings. Asterisk records through an internal Recorder channel that is
    # sanitized out of `channels` and of every event, so it appears nowhere else.
    recordings: list[str] = field(default_factory=list)

    def to_json(self) -> Json:
        return {
            "id": self.id,
            "technology": "simple_bridge" if self.bridge_type != "holding" else "holding_bridge",
            "bridge_type": self.bridge_type,
            "bridge_class": "stasis",
            "creator": "Stasis",
            "name": self.name,
            "channels": list(self.channels),
            "creationtime": ari_time(self.created),
            "video_mode": "talker",
        }


@dataclass
class Playback:
    id: str
    media: list[str]
    target_uri: str
    apps: set[str]
    language: str = "en"
    state: str = "queued"
    index: int = 0
    task: asyncio.Task[None] | None = None

    def to_json(self) -> Json:
        body: Json = {
            "id": self.id,
            "media_uri": self.media[self.index],
            "target_uri": self.target_uri,
            "language": self.language,
            "state": self.state,
        }
        if self.state == "continuing" and self.index + 1 < len(self.media):
            body["next_media_uri"] = self.media[self.index + 1]
        return body


@dataclass
class MemberSpan:
    """A bridge member's stay in a recorded bridge, on the simulated monotonic clock."""

    channel: Channel
    joined: float
    left: float | None = None


@dataclass
class LiveRecording:
    name: str
    format: str
    channel_id: str
    app: str | None
    max_duration: float
    max_silence: float
    beep: bool
    terminate_on: str
    if_exists: str
    state: str = "queued"
    capture_from: float = 0.0  # simulated instant the capture begins (after any beep)
    duration: int | None = None
    talking: int | None = None
    silent: int | None = None
    cause: str | None = None
    # A bridge recording (POST /bridges/{id}/record): the mixed audio of the members, each
    # span a member's stay in the bridge while it recorded: [channel, from, until or None].
    bridge_id: str | None = None
    spans: list[MemberSpan] = field(default_factory=list)

    @property
    def target_uri(self) -> str:
        if self.bridge_id is not None:
            return f"bridge:{self.bridge_id}"
        return f"channel:{self.channel_id}"

    def to_json(self) -> Json:
        body: Json = {
            "name": self.name,
            "format": self.format,
            "state": self.state,
            "target_uri": self.target_uri,
        }
        if self.cause is not None:
            body["cause"] = self.cause
        if self.duration is not None:
            body["duration"] = self.duration
        if self.talking is not None and self.silent is not None:
            body["talking_duration"] = self.talking
            body["silence_duration"] = self.silent
        return body


@dataclass
class SimCall:
    """An inbound call placed through the control API, as the test sees it."""

    call_id: str
    channel_id: str
    number: str
    app: str | None
    state: str = "Up"
    ended: bool = False
    hangup_cause: int | None = None
    heard: list[str] = field(default_factory=list)
    dtmf_sent: str = ""
    dtmf_received: str = ""

    def to_json(self) -> Json:
        return {
            "call_id": self.call_id,
            "channel_id": self.channel_id,
            "state": self.state,
            "ended": self.ended,
            "hangup_cause": self.hangup_cause,
            "heard": list(self.heard),
            "dtmf_sent": self.dtmf_sent,
            "dtmf_received": self.dtmf_received,
        }


CAUSE_TEXT = {
    0: "Unknown",
    1: "Unallocated (unassigned) number",
    16: "Normal Clearing",
    17: "User busy",
    18: "No user responding",
    19: "User alerting, no answer",
    20: "Subscriber absent",
    21: "Call Rejected",
    26: "Answered elsewhere",
    27: "Destination out of order",
    34: "Circuit/channel congestion",
    38: "Network out of order",
}

REASON_CAUSE = {
    "normal": 16,
    "busy": 17,
    "congestion": 34,
    "no_answer": 19,
    "timeout": 18,
    "rejected": 21,
    "unallocated": 1,
    "normal_unspecified": 31,
    "number_incomplete": 28,
    "codec_mismatch": 58,
    "interworking": 127,
    "failure": 38,
    "answered_elsewhere": 26,
}
