"""Channel lifecycle events: Stasis entry/exit, state, DTMF, hang-up, dial progress, variables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from ivr.ari._json import JsonObject, opt_bool, opt_int, opt_str, req_int, req_str, str_tuple
from ivr.ari.event_base import (
    AriEvent,
    ChannelEvent,
    channel_field,
    common_fields,
    opt_channel_field,
)
from ivr.ari.models import Channel


@dataclass(frozen=True, kw_only=True, slots=True)
class StasisStart(ChannelEvent):
    """A channel entered the app; `args` are the Stasis() / appArgs arguments."""

    args: tuple[str, ...] = ()
    replace_channel: Channel | None = None

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        return cls(
            **common_fields(obj),
            channel=channel_field(obj),
            args=str_tuple(obj, "args"),
            replace_channel=opt_channel_field(obj, "replace_channel"),
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
            **common_fields(obj),
            channel=channel_field(obj),
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
            **common_fields(obj),
            channel=channel_field(obj),
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
            **common_fields(obj),
            channel=channel_field(obj),
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
            **common_fields(obj),
            channel=channel_field(obj),
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
        return cls(
            **common_fields(obj), channel=channel_field(obj), duration=opt_int(obj, "duration") or 0
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class ChannelVarset(AriEvent):
    """A channel variable was set; `channel` is None for a global variable."""

    variable: str
    value: str = ""
    channel: Channel | None = None

    @classmethod
    def parse(cls, obj: JsonObject) -> Self:
        return cls(
            **common_fields(obj),
            variable=req_str(obj, "variable"),
            value=opt_str(obj, "value"),
            channel=opt_channel_field(obj, "channel"),
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
            **common_fields(obj),
            peer=channel_field(obj, "peer"),
            dialstatus=opt_str(obj, "dialstatus"),
            dialstring=opt_str(obj, "dialstring"),
            forward=opt_str(obj, "forward"),
            caller=opt_channel_field(obj, "caller"),
            forwarded=opt_channel_field(obj, "forwarded"),
        )
