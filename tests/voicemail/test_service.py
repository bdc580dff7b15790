"""Reading voicemail audio: its length and whether anything was said."""

from __future__ import annotations

import io
import wave
from array import array

from voicemail import is_silent, wav_seconds


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
