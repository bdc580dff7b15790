"""Typed parsing of every event recorded from a real Asterisk, and of broken messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ivr.ari import (
    ApplicationReplaced,
    AriEvent,
    ChannelDestroyed,
    ChannelDtmfReceived,
    ChannelEnteredBridge,
    ChannelHangupRequest,
    ChannelVarset,
    Dial,
    MalformedEvent,
    PlaybackFinished,
    RecordingFinished,
    StasisStart,
    UnknownEvent,
    parse_event,
)
from tests.ivr.ari.traces import events, trace, trace_files


@pytest.mark.parametrize("path", trace_files(), ids=lambda p: p.stem)
def test_every_recorded_event_parses_to_its_class(path: Path) -> None:
    for raw in events(path):
        event = parse_event(json.dumps(raw))
        assert event.type == raw["type"]
        assert event.application == "hotline"
        if not isinstance(event, UnknownEvent):
            assert type(event).__name__ == raw["type"]


def _first(name: str, cls: type[AriEvent], **match: object) -> AriEvent:
    for raw in events(trace(name)):
        event = parse_event(raw)
        if isinstance(event, cls) and all(getattr(event, k) == v for k, v in match.items()):
            return event
    raise AssertionError(f"no {cls.__name__} {match} in {name}")


def test_stasis_start_args_and_caller() -> None:
    event = _first("inbound_114_dtmf.json", StasisStart)
    assert isinstance(event, StasisStart)
    assert event.args == ("114",)
    assert event.channel.state == "Up"
    assert event.channel.caller.number == "13800000001"
    assert event.replace_channel is None


def test_dtmf_digits_in_order() -> None:
    digits = [
        e.digit
        for e in map(parse_event, events(trace("inbound_114_dtmf.json")))
        if isinstance(e, ChannelDtmfReceived)
    ]
    assert digits == ["7", "3", "5", "#", "1"]
    dtmf = _first("inbound_114_dtmf.json", ChannelDtmfReceived)
    assert isinstance(dtmf, ChannelDtmfReceived)
    assert dtmf.duration_ms == 100


def test_hangup_request_soft_flag_present_or_absent() -> None:
    soft = _first("inbound_114_dtmf.json", ChannelHangupRequest)
    assert isinstance(soft, ChannelHangupRequest)
    assert (soft.cause, soft.soft) == (32, True)
    far_end = _first("dial_busy.json", ChannelHangupRequest)
    assert isinstance(far_end, ChannelHangupRequest)
    assert (far_end.cause, far_end.soft) == (17, False)


def test_dial_busy_then_destroyed_with_cause() -> None:
    busy = _first("dial_busy.json", Dial, dialstatus="BUSY")
    assert isinstance(busy, Dial)
    assert busy.peer.id == "<liaison>"
    assert busy.caller is None
    assert busy.dialstring == ""
    first = _first("dial_busy.json", Dial)
    assert isinstance(first, Dial)
    assert (first.dialstatus, first.dialstring) == ("", "2002@liaisons")
    destroyed = _first("dial_busy.json", ChannelDestroyed)
    assert isinstance(destroyed, ChannelDestroyed)
    assert (destroyed.cause, destroyed.cause_txt) == (17, "User busy")


def test_bridge_playback_recording_varset_payloads() -> None:
    entered = _first("dial_answer.json", ChannelEnteredBridge)
    assert isinstance(entered, ChannelEnteredBridge)
    assert entered.bridge.id == "<bridge>"
    finished = _first("playback_stop.json", PlaybackFinished)
    assert isinstance(finished, PlaybackFinished)
    assert finished.playback.state in ("done", "failed")
    recording = _first("record_voicemail.json", RecordingFinished)
    assert isinstance(recording, RecordingFinished)
    assert recording.recording.state == "done"
    assert isinstance(recording.recording.duration, int)
    varset = _first("dial_busy.json", ChannelVarset)
    assert isinstance(varset, ChannelVarset)
    assert varset.variable == "STASISSTATUS"
    assert varset.channel is not None


def test_unknown_type_keeps_the_raw_message() -> None:
    raw = {"type": "ChannelCallerId", "caller_presentation": 0, "channel": {"id": "c1"}}
    event = parse_event(json.dumps(raw))
    assert isinstance(event, UnknownEvent)
    assert event.type == "ChannelCallerId"
    assert event.raw["caller_presentation"] == 0


def test_application_replaced_needs_no_payload() -> None:
    event = parse_event('{"type": "ApplicationReplaced", "application": "hotline"}')
    assert isinstance(event, ApplicationReplaced)
    assert event.timestamp == ""


def test_global_varset_has_no_channel() -> None:
    event = parse_event({"type": "ChannelVarset", "variable": "G", "value": "1"})
    assert isinstance(event, ChannelVarset)
    assert event.channel is None


@pytest.mark.parametrize(
    "message",
    [
        "not json",
        b"\xff\xfe",
        '{"type": "StasisStart", "x": "\ud800"}',  # a lone surrogate: not UTF-8 text
        "[1, 2]",
        '{"no_type": true}',
        '{"type": ""}',
        '{"type": "StasisStart", "args": []}',
        '{"type": "StasisStart", "channel": {"name": "no id"}}',
        '{"type": "ChannelDtmfReceived", "channel": {"id": "c1"}}',
        '{"type": "ChannelDestroyed", "channel": {"id": "c1"}, "cause": "busy"}',
        '{"type": "Dial", "dialstatus": "BUSY"}',
        '{"type": "PlaybackStarted", "playback": "p1"}',
        '{"type": "RecordingFinished", "recording": {"format": "wav"}}',
        '{"type": "BridgeDestroyed"}',
    ],
)
def test_malformed_messages_raise_malformed_event(message: str | bytes) -> None:
    with pytest.raises(MalformedEvent):
        parse_event(message)
