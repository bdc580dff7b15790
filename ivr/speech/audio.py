"""Caller audio for the recogniser: any 16-bit PCM WAV to telephone-band 8 kHz mono samples.

Asterisk records 8 kHz 16-bit mono; test audio (espeak-ng writes 22,050 Hz) is brought
down to the same band with soxr so the recogniser hears what it would hear on a call.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soxr

TELEPHONE_RATE = 8000
SAMPLE_BYTES = 2


class SpeechAudioError(ValueError):
    """Audio the recogniser cannot use (not a 16-bit PCM WAV)."""


@dataclass(frozen=True, slots=True)
class Pcm:
    """Mono signed 16-bit little-endian samples at `rate` Hz."""

    data: bytes
    rate: int

    @property
    def duration_s(self) -> float:
        return len(self.data) / (SAMPLE_BYTES * self.rate)


def read_wav(source: bytes | Path) -> Pcm:
    """Decode a WAV file (bytes or a path) to 8 kHz mono, resampling if needed."""
    raw = source.read_bytes() if isinstance(source, Path) else source
    try:
        with wave.open(io.BytesIO(raw), "rb") as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise SpeechAudioError(f"not a PCM WAV file: {exc}") from exc
    if width != SAMPLE_BYTES:
        raise SpeechAudioError(f"{8 * width}-bit audio; only 16-bit PCM is supported")
    usable = len(frames) - len(frames) % (SAMPLE_BYTES * channels)
    samples = np.frombuffer(frames[:usable], dtype="<i2")
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1).astype("<i2")
    return resample(Pcm(samples.tobytes(), rate), TELEPHONE_RATE)


def resample(pcm: Pcm, rate: int) -> Pcm:
    """The same audio at another sample rate (soxr's default high quality)."""
    if pcm.rate == rate or not pcm.data:
        return Pcm(pcm.data, rate)
    samples = np.frombuffer(pcm.data, dtype="<i2")
    out = soxr.resample(samples, pcm.rate, rate)
    return Pcm(np.asarray(out, dtype="<i2").tobytes(), rate)
