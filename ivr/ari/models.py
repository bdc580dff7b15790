"""ARI resource models (channels, bridges, playbacks, recordings) parsed from Asterisk's JSON.

Each `from_json` reads the fields the controller uses, requires only the identifying
ones, and ignores keys it does not know, so a newer Asterisk does not break parsing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Self

from ivr.ari._json import (
    as_object,
    opt_int,
    opt_object,
    opt_str,
    opt_str_or_none,
    req_str,
    str_tuple,
)


@dataclass(frozen=True, slots=True)
class CallerId:
    """A name/number pair (`caller`, `connected`)."""

    name: str = ""
    number: str = ""

    @classmethod
    def from_json(cls, data: object) -> Self:
        obj = as_object(data, "CallerID")
        return cls(name=opt_str(obj, "name"), number=opt_str(obj, "number"))


@dataclass(frozen=True, slots=True)
class DialplanCEP:
    """Where a channel is in the dialplan: context, extension, priority and current app."""

    context: str = ""
    exten: str = ""
    priority: int = 0
    app_name: str = ""
    app_data: str = ""

    @classmethod
    def from_json(cls, data: object) -> Self:
        obj = as_object(data, "DialplanCEP")
        return cls(
            context=opt_str(obj, "context"),
            exten=opt_str(obj, "exten"),
            priority=opt_int(obj, "priority") or 0,
            app_name=opt_str(obj, "app_name"),
            app_data=opt_str(obj, "app_data"),
        )


@dataclass(frozen=True, slots=True)
class Channel:
    """A channel as Asterisk reports it; `state` is Down / Rsrvd / Ring / Ringing / Up / Busy ..."""

    id: str
    name: str = ""
    state: str = ""
    caller: CallerId = field(default_factory=CallerId)
    connected: CallerId = field(default_factory=CallerId)
    dialplan: DialplanCEP = field(default_factory=DialplanCEP)
    creationtime: str = ""
    language: str = ""
    accountcode: str = ""

    @classmethod
    def from_json(cls, data: object) -> Self:
        obj = as_object(data, "Channel")
        caller = opt_object(obj, "caller")
        connected = opt_object(obj, "connected")
        dialplan = opt_object(obj, "dialplan")
        return cls(
            id=req_str(obj, "id"),
            name=opt_str(obj, "name"),
            state=opt_str(obj, "state"),
            caller=CallerId.from_json(caller) if caller is not None else CallerId(),
            connected=CallerId.from_json(connected) if connected is not None else CallerId(),
            dialplan=DialplanCEP.from_json(dialplan) if dialplan is not None else DialplanCEP(),
            creationtime=opt_str(obj, "creationtime"),
            language=opt_str(obj, "language"),
            accountcode=opt_str(obj, "accountcode"),
        )


@dataclass(frozen=True, slots=True)
class Bridge:
    """A bridge; `channels` are the member channel ids at the time of the snapshot."""

    id: str
    bridge_type: str = ""
    technology: str = ""
    bridge_class: str = ""
    creator: str = ""
    name: str = ""
    channels: tuple[str, ...] = ()
    creationtime: str = ""

    @classmethod
    def from_json(cls, data: object) -> Self:
        obj = as_object(data, "Bridge")
        return cls(
            id=req_str(obj, "id"),
            bridge_type=opt_str(obj, "bridge_type"),
            technology=opt_str(obj, "technology"),
            bridge_class=opt_str(obj, "bridge_class"),
            creator=opt_str(obj, "creator"),
            name=opt_str(obj, "name"),
            channels=str_tuple(obj, "channels"),
            creationtime=opt_str(obj, "creationtime"),
        )


def split_target_uri(target_uri: str) -> tuple[Literal["channel", "bridge"], str] | None:
    """`("channel", id)` or `("bridge", id)` from a `target_uri`; None for anything else."""
    kind, _, ident = target_uri.partition(":")
    if not ident:
        return None
    if kind == "channel":
        return "channel", ident
    if kind == "bridge":
        return "bridge", ident
    return None


@dataclass(frozen=True, slots=True)
class Playback:
    """A playback: queued → playing → [continuing] → done | failed."""

    id: str
    media_uri: str = ""
    target_uri: str = ""
    state: str = ""
    language: str = ""
    next_media_uri: str | None = None

    @classmethod
    def from_json(cls, data: object) -> Self:
        obj = as_object(data, "Playback")
        return cls(
            id=req_str(obj, "id"),
            media_uri=opt_str(obj, "media_uri"),
            target_uri=opt_str(obj, "target_uri"),
            state=opt_str(obj, "state"),
            language=opt_str(obj, "language"),
            next_media_uri=opt_str_or_none(obj, "next_media_uri"),
        )


@dataclass(frozen=True, slots=True)
class LiveRecording:
    """A recording in progress or just ended: queued → recording → done | canceled | failed.

    Durations are whole seconds and present only in RecordingFinished (talking/silence
    only when maxSilenceSeconds was given); `cause` only in RecordingFailed.
    """

    name: str
    format: str = ""
    state: str = ""
    target_uri: str = ""
    duration: int | None = None
    talking_duration: int | None = None
    silence_duration: int | None = None
    cause: str | None = None

    @classmethod
    def from_json(cls, data: object) -> Self:
        obj = as_object(data, "LiveRecording")
        return cls(
            name=req_str(obj, "name"),
            format=opt_str(obj, "format"),
            state=opt_str(obj, "state"),
            target_uri=opt_str(obj, "target_uri"),
            duration=opt_int(obj, "duration"),
            talking_duration=opt_int(obj, "talking_duration"),
            silence_duration=opt_int(obj, "silence_duration"),
            cause=opt_str_or_none(obj, "cause"),
        )


@dataclass(frozen=True, slots=True)
class StoredRecording:
    """A finished recording on disk; replay it with `recording:<name>`."""

    name: str
    format: str = ""

    @classmethod
    def from_json(cls, data: object) -> Self:
        obj = as_object(data, "StoredRecording")
        return cls(name=req_str(obj, "name"), format=opt_str(obj, "format"))
