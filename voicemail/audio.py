"""Reading a recording's WAV: how long it lasts and whether anything was said."""

from __future__ import annotations

import array
import io
import wave

# Peak amplitude under which a recording counts as silence (16-bit samples).
SILENCE_PEAK = 500


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
