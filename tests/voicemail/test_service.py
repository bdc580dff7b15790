"""Reading voicemail audio: its length and whether anything was said."""

from __future__ import annotations

import io
import wave
from array import array

from voicemail import is_empty_recording, is_silent, wav_seconds


def wav(samples: list[int], rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(array("h", samples).tobytes())
    return buffer.getvalue()


def test_wav_seconds_reads_the_header() -> None:
    assert wav_seconds(wav([0] * 12000)) == 1.5
    assert wav_seconds(wav([0] * 16000, rate=16000)) == 1.0


def test_an_empty_or_unreadable_recording_lasts_nothing() -> None:
    assert wav_seconds(wav([])) == 0.0
    assert wav_seconds(b"not a wav") == 0.0


def test_silence_is_told_from_speech() -> None:
    assert is_silent(wav([0, 10, -10] * 100))
    assert not is_silent(wav([0, 8000, -8000] * 100))


def test_a_sub_second_message_is_not_empty() -> None:
    # 0.76 s of speech: RecordingFinished says 0 s (whole seconds, rounded down).
    speech = [8000, -8000, 4000, -4000] * (6080 // 4)
    assert len(wav(speech)) - 44 == 12160
    assert not is_empty_recording(wav(speech))


def test_empty_recording_is_decided_from_the_audio() -> None:
    assert is_empty_recording(wav([]))  # Asterisk's 44-byte WAV for a channel with no audio
    assert is_empty_recording(b"not a wav")
    assert is_empty_recording(wav([0, 30, -30] * 8000))  # three seconds of line noise
    assert is_empty_recording(wav([0] * 7990 + [9000] * 10))  # one click in silence
    assert is_empty_recording(wav([8000, -8000] * 240))  # 60 ms: a click, not a word
