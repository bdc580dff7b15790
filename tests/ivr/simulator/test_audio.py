"""The simulator's audio timeline: talk detection per 20 ms frame, the last talk, the mix."""

from __future__ import annotations

from array import array
from datetime import UTC, datetime

from ivr.simulator.audio import (
    FRAME,
    RATE,
    OutgoingAudio,
    sample_count,
    silence,
    talk_frames,
    talk_seconds,
)
from ivr.simulator.bridge_recordings import mix
from ivr.simulator.state import Channel, Dialplan, LiveRecording, MemberSpan, Origin

STEP = FRAME / RATE


def make_channel(name: str) -> Channel:
    return Channel(id=name, name=f"PJSIP/{name}", state="Up", origin=Origin.CREATED,
                   endpoint=f"PJSIP/{name}", dialplan=Dialplan("default", "s", 1),
                   created=datetime.now(UTC))  # fmt: skip


def tone(seconds: float, level: int = 1000) -> array[int]:
    return array("h", [level if i % 2 else -level for i in range(int(seconds * RATE))])


def test_talk_frames_judge_each_frame_and_a_short_last_one() -> None:
    samples = silence(STEP) + tone(STEP) + tone(STEP, level=200) + tone(STEP / 2)
    assert talk_frames(samples) == [False, True, False, True]
    assert talk_frames(array("h")) == []
    assert talk_seconds(samples) == 2 * STEP


def test_last_talk_is_the_end_of_the_latest_talking_frame_in_the_window() -> None:
    timeline = OutgoingAudio()
    timeline.say(1.0, tone(0.5) + silence(1.0) + tone(0.2))  # talk 1.0–1.5 and 2.5–2.7
    assert timeline.last_talk(0.0, 1.2) == 1.2  # a frame still being spoken counts up to now
    assert timeline.last_talk(0.0, 2.0) == 1.5
    assert abs((timeline.last_talk(0.0, 10.0) or 0) - 2.7) < 1e-9
    assert timeline.last_talk(1.5, 2.4) is None  # only silence in the window
    assert timeline.last_talk(0.0, 0.9) is None  # before the caller spoke


def test_later_utterances_are_found_whatever_the_order_they_were_said_in() -> None:
    timeline = OutgoingAudio()
    timeline.say(5.0, tone(0.4))
    timeline.say(1.0, tone(0.4))
    assert abs((timeline.last_talk(0.0, 3.0) or 0) - 1.4) < 1e-9
    assert abs((timeline.last_talk(0.0, 9.0) or 0) - 5.4) < 1e-9


def test_mix_adds_the_members_clips_and_skips_silent_ones() -> None:
    caller, liaison, quiet = make_channel("caller"), make_channel("liaison"), make_channel("quiet")
    caller.audio.say(0.0, tone(1.0, level=30000))
    liaison.audio.say(0.5, tone(1.0, level=30000))
    rec = LiveRecording(name="q", format="wav", channel_id="", app=None, max_duration=0,
                        max_silence=0, beep=False, terminate_on="none",
                        if_exists="fail")  # fmt: skip
    rec.spans = [MemberSpan(caller, 0.0), MemberSpan(liaison, 0.0), MemberSpan(quiet, 0.0, 1.0)]
    mixed = mix(rec, until=2.0)
    assert len(mixed) == 2 * RATE
    assert max(mixed[: RATE // 2]) == 30000  # the caller alone
    assert max(mixed[RATE // 2 : RATE]) == 32767  # both, clipped
    assert max(mixed[int(1.5 * RATE) :]) == 0  # nobody talking


def test_a_stretch_between_two_float_instants_keeps_every_sample() -> None:
    started, stopped = 2.9044, 2.9044 + 6.0
    # 5.999999999999999 s: truncated, that was a whole second less of recording.
    assert stopped - started < 6.0
    assert sample_count(stopped - started) == 6 * RATE
    assert len(silence(stopped - started)) == 6 * RATE
    rec = LiveRecording(name="q", format="wav", channel_id="", app=None, max_duration=0,
                        max_silence=0, beep=False, terminate_on="none",
                        if_exists="fail")  # fmt: skip
    rec.capture_from = started
    assert len(mix(rec, until=stopped)) == 6 * RATE
