"""ARI resource models parsed from reply bodies recorded on a real Asterisk."""

from __future__ import annotations

import pytest

from ivr.ari import (
    AriProtocolError,
    Bridge,
    CallerId,
    Channel,
    LiveRecording,
    Playback,
    StoredRecording,
    split_target_uri,
)
from tests.ivr.ari.traces import replies, trace


def test_originated_channel_carries_caller_id_and_dialplan() -> None:
    body = replies(trace("inbound_114_dtmf.json"), "POST", "/ari/channels", 200)[0]
    channel = Channel.from_json(body)
    assert channel.id == "<caller;1>"
    assert channel.state == "Down"
    assert channel.caller == CallerId(name="acc", number="13800000001")
    assert channel.dialplan.context == "from-public"
    assert channel.dialplan.exten == "114"
    assert channel.dialplan.priority == 1
    assert channel.dialplan.app_name == "AppDial2"


def test_channel_list_parses_every_entry() -> None:
    (body,) = replies(trace("ws_drop.json"), "GET", "/ari/channels", 200)[:1]
    channels = [Channel.from_json(item) for item in body]
    assert channels
    assert all(channel.id for channel in channels)
    assert channels[0].state == "Up"


def test_bridge_from_create_reply() -> None:
    body = replies(trace("errors.json"), "POST", "/ari/bridges", 200)[0]
    bridge = Bridge.from_json(body)
    assert bridge.id == "<bridge>"
    assert bridge.bridge_type == "mixing"
    assert bridge.bridge_class == "stasis"
    assert bridge.channels == ()


def test_playback_and_live_recording_from_201_replies() -> None:
    path = trace("record_voicemail.json")
    recording = LiveRecording.from_json(replies(path, "POST", "/record", 201)[0])
    assert recording == LiveRecording(
        name="vm-test-1", format="wav", state="queued", target_uri="channel:<caller>"
    )
    playback = Playback.from_json(replies(trace("ws_drop.json"), "POST", "/play", 201)[0])
    assert playback.media_uri == "sound:hello-world"
    assert split_target_uri(playback.target_uri) == ("channel", "<caller>")
    assert playback.next_media_uri is None


def test_stored_recordings_list() -> None:
    body = replies(trace("record_voicemail.json"), "GET", "/ari/recordings/stored", 200)[0]
    assert [StoredRecording.from_json(item) for item in body] == [
        StoredRecording(name="vm-test-1", format="wav")
    ]


def test_extra_keys_ignored_and_missing_optional_keys_defaulted() -> None:
    channel = Channel.from_json({"id": "c1", "future_field": {"x": 1}, "caller": None})
    assert channel.caller == CallerId()
    assert channel.dialplan.context == ""
    recording = LiveRecording.from_json(
        {"name": "r", "duration": 3, "talking_duration": "2", "cause": "hangup"}
    )
    assert (recording.duration, recording.talking_duration, recording.cause) == (3, 2, "hangup")


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (Channel, {"name": "no id"}),
        (Channel, ["not", "an", "object"]),
        (Bridge, {"id": 7}),
        (Playback, {}),
        (LiveRecording, {"format": "wav"}),
    ],
)
def test_missing_identity_is_a_protocol_error(model: type[Channel], data: object) -> None:
    with pytest.raises(AriProtocolError):
        model.from_json(data)


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("channel:1700000000.12", ("channel", "1700000000.12")),
        ("bridge:abc-def", ("bridge", "abc-def")),
        ("endpoint:PJSIP/1001", None),
        ("channel:", None),
        ("", None),
    ],
)
def test_split_target_uri(uri: str, expected: tuple[str, str] | None) -> None:
    assert split_target_uri(uri) == expected
