"""Reading a recording's WAV: how long it lasts and whether anything was said."""

from __future__ import annotations

import array
import io
import operator
import wave

# Peak amplitude under which a recording counts as silence (16-bit samples).
SILENCE_PEAK = 500
# RMS level of a 20 ms frame from which it counts as talk (Asterisk's DSP uses 256).
TALK_RMS = 300
# Less talk than this is a click or a breath, not a message.
MIN_TALK_S = 0.1


def wav_seconds(audio: bytes) -> float:
    """How long a WAV lasts (0 for one that cannot be read): a recording's duration when
    its RecordingFinished event was lost with a controller."""
    try:
        with wave.open(io.BytesIO(audio)) as wav:
            frames: int = wav.getnframes()
            rate: int = wav.getframerate()
            return frames / rate if rate else 0.0
    except (wave.Error, EOFError):
        return 0.0


def is_silent(audio: bytes) -> bool:
    """True for an empty or silent WAV (a caller who said nothing is still kept, flagged)."""
    try:
        with wave.open(io.BytesIO(audio)) as wav:
            frames = wav.readframes(wav.getnframes())
            width = wav.getsampwidth()
    except (wave.Error, EOFError):
        return True
    if width != 2 or not frames:
        return not frames
    samples = array.array("h", frames[: len(frames) - len(frames) % 2])
    return max(abs(s) for s in samples) < SILENCE_PEAK if samples else True


def is_empty_recording(audio: bytes) -> bool:
    """True when a recording holds no message: under 0.1 s of talk, or none at all.

    Decided from the audio alone: Asterisk's RecordingFinished `duration` is whole seconds
    rounded down, so a 0.76 s message (12,160 bytes of audio) is reported as 0 s. Talk is
    counted in 20 ms frames by their RMS level, so a click or line noise is not a message.
    """
    try:
        with wave.open(io.BytesIO(audio)) as wav:
            frames = wav.readframes(wav.getnframes())
            width: int = wav.getsampwidth()
            rate: int = wav.getframerate()
    except (wave.Error, EOFError):
        return True
    if width != 2 or rate <= 0:
        return not frames
    samples = array.array("h", frames[: len(frames) - len(frames) % 2])
    step = max(1, rate // 50)
    floor = TALK_RMS * TALK_RMS * step
    talk_frames = sum(
        1
        for i in range(0, len(samples) - step + 1, step)
        if sum(map(operator.mul, samples[i : i + step], samples[i : i + step])) >= floor
    )
    return talk_frames * step < MIN_TALK_S * rate
